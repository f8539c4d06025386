// scripts/bench/contract-generate: how long `generatePact` takes for 1,000 recorded exchanges
// across 20 operations (ids, timestamps, amounts, cursors and list lengths varying), end to end:
// reading the recordings, planning, matcher inference, executing every interaction against
// pact-js's mock server, writing the file. Baselines measured in the same run:
//   read      readRecordings alone (read + JSON.parse + schema check of the 1,000 files)
//   trivial   generatePact for one operation with one exchange (pact-js's fixed cost per file)
// Each figure is the median of --runs runs (default 5) after one warm-up.
// `--json` prints the figures as JSON.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { generatePact } from '../../src/contracts/generate-pact.js';
import { serializeExchange } from '../../src/exchange/canonical.js';
import { exchangeFileName, readRecordings } from '../../src/exchange/store.js';
import type { Exchange } from '../../src/exchange/types.js';

const { values: args } = parseArgs({
  options: { exchanges: { type: 'string', default: '1000' }, runs: { type: 'string', default: '5' }, json: { type: 'boolean', default: false } },
});
const EXCHANGES = Number(args.exchanges);
const RUNS = Number(args.runs);
const OPERATIONS = 20;

function id(prefix: string, n: number): string {
  return `${prefix}_${(n * 7919 + 104729).toString(36)}X${n % 10}`;
}

function at(n: number): string {
  return new Date(Date.UTC(2026, 10, 1) + n * 61_000).toISOString().replace('.000Z', 'Z');
}

/** Exchange n: operation n % 20 (GET one, GET list, POST create, per resource), values varying with n. */
function exchange(n: number): Exchange {
  const op = n % OPERATIONS;
  const resource = `res${Math.floor(op / 3)}`;
  const prefix = `r${Math.floor(op / 3)}`;
  const item = { id: id(prefix, n), object: resource, created: at(n), amount: (n * 37) % 10_000, email: `user${n}@example.com`, status: n % 2 === 0 ? 'active' : 'paused', metadata: { n: String(n) } };
  const base = { seam: 1 as const, id: '', partner: 'bench', direction: 'outbound' as const, recordedAt: at(n), durationMs: 10, redactions: [] };
  const headers = { authorization: 'Bearer <redacted>', 'content-type': 'application/json' };
  const response = (status: number, json: unknown): Exchange['response'] => ({ status, headers: { 'content-type': 'application/json' }, body: { json } });
  if (op % 3 === 0 || op === 19) {
    return { ...base, request: { method: 'GET', path: `/v1/${resource}/${item.id}`, query: {}, headers }, response: response(200, item) };
  }
  if (op % 3 === 1) {
    const page = Array.from({ length: 1 + (n % 5) }, (_, i) => ({ ...item, id: id(prefix, n * 10 + i) }));
    return { ...base, request: { method: 'GET', path: `/v1/${resource}`, query: { limit: '5', cursor: `c${n.toString(36)}q` }, headers }, response: response(200, { object: 'list', has_more: n % 3 === 0, data: page }) };
  }
  return {
    ...base,
    request: { method: 'POST', path: `/v1/${resource}`, query: {}, headers: { ...headers, 'idempotency-key': `k-${n}` }, body: { json: { amount: item.amount, email: item.email, metadata: item.metadata } } },
    response: response(201, item),
  };
}

async function writeRecordings(root: string, count: number): Promise<void> {
  const dir = join(root, 'bench', 'bench-session');
  await mkdir(dir, { recursive: true });
  for (let n = 0; n < count; n++) {
    const e = exchange(n);
    const name = exchangeFileName(n + 1, e.request.method, e.request.path);
    await writeFile(join(dir, name), serializeExchange({ ...e, id: `bench-session/${name.slice(0, -5)}` }));
  }
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

async function median(fn: () => Promise<unknown>): Promise<number> {
  await fn(); // warm-up
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) times.push(await timed(fn));
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

const work = await mkdtemp(join(tmpdir(), 'seam-bench-contract-'));
try {
  const many = join(work, 'many');
  const one = join(work, 'one');
  await writeRecordings(many, EXCHANGES);
  await writeRecordings(one, 1);
  let interactions = 0;
  const read = await median(() => readRecordings(many, 'bench'));
  const trivial = await median(async () => generatePact({ exchanges: await readRecordings(one, 'bench'), consumer: 'bench-consumer', provider: 'bench', dir: join(work, 'pacts-one') }));
  const full = await median(async () => {
    const result = await generatePact({ exchanges: await readRecordings(many, 'bench'), consumer: 'bench-consumer', provider: 'bench', dir: join(work, 'pacts') });
    interactions = result.interactions.length;
  });
  const figures = {
    exchanges: EXCHANGES,
    interactions,
    runs: RUNS,
    ms: { read: round(read), trivialPact: round(trivial), generate: round(full) },
    perInteractionMs: round((full - read) / interactions),
  };
  if (args.json) process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`);
  else {
    process.stdout.write(
      [
        `contract generate: ${EXCHANGES} exchanges → ${interactions} interactions (median of ${RUNS} runs)`,
        `  read recordings only        ${figures.ms.read} ms`,
        `  one trivial pact (1 exch.)  ${figures.ms.trivialPact} ms`,
        `  generatePact end to end     ${figures.ms.generate} ms (${figures.perInteractionMs} ms per interaction beyond reading)`,
        '',
      ].join('\n'),
    );
  }
} finally {
  await rm(work, { recursive: true, force: true });
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
