// Micro-benchmark of the redactor alone (no proxy, no I/O): µs per exchange for the shapes the
// recorder sees. One redactor per case, as one recording session; inputs are built (and cloned)
// before timing so only `redact` is measured.
//
//   npx tsc -p . && node dist/scripts/bench/redact.js [--seconds 1] [--only no-secret|customers|corpus|text] [--json]
import type { UnnamedExchange } from '../../src/exchange/store.js';
import type { Body, MultiMap } from '../../src/exchange/types.js';
import { createRedactor } from '../../src/record/redaction/index.js';
import { corpusExchanges } from '../../test/support/secret-corpus.js';
import { customersPage } from './upstream-server.js';

function exchange(path: string, query: MultiMap, headers: MultiMap, responseHeaders: MultiMap, responseBody: Body): UnnamedExchange {
  return {
    seam: 1,
    partner: 'bench',
    direction: 'outbound',
    recordedAt: '2026-01-01T00:00:00.000Z',
    durationMs: 3,
    request: { method: 'GET', origin: 'http://127.0.0.1:4010', path, query, headers },
    response: { status: 200, headers: responseHeaders, body: responseBody },
    redactions: [],
  };
}

const RESPONSE_HEADERS = (length: number): MultiMap => ({
  'content-type': 'application/json; charset=utf-8',
  'content-length': String(length),
  'request-id': 'req_bench',
  date: 'Thu, 01 Jan 2026 00:00:00 GMT',
  connection: 'keep-alive',
  'keep-alive': 'timeout=60',
});

/** The exchange record-overhead.ts records: a bearer token in, ~5 KB of customers out. */
function customerExchange(): UnnamedExchange {
  let count = 1;
  while (JSON.stringify(customersPage(count)).length < 5 * 1024) count++;
  const json = customersPage(count);
  return exchange(
    '/v1/customers',
    { limit: '14', starting_after: 'cus_000000bench' },
    { host: '127.0.0.1:4010', accept: 'application/json', authorization: 'Bearer sk_test_4eC39HqLyjWDarjtT1zdp7dc', 'user-agent': 'seam-bench/1' },
    RESPONSE_HEADERS(JSON.stringify(json).length),
    { json },
  );
}

/** ~5 KB of JSON with ids, amounts, timestamps, UUIDs, prose — and nothing to redact. */
function noSecretExchange(): UnnamedExchange {
  const items = Array.from({ length: 22 }, (_, k) => ({
    id: `ord_${(0x51f2e3 + k * 7919).toString(36)}`,
    object: 'order',
    created: 1_700_000_000 + k * 86_400,
    amount: 1234 + k * 17,
    currency: 'usd',
    status: k % 3 === 0 ? 'paid' : 'pending',
    description: `Order ${k} placed on 2024-01-15T10:30:00Z`,
    metadata: { sku: `SKU-2024-${k}`, uuid: '550e8400-e29b-41d4-a716-446655440000', v: '1.2.3' },
  }));
  const json = { object: 'list', url: '/v1/orders', has_more: true, data: items };
  return exchange(
    '/v1/orders',
    { limit: '22' },
    { host: '127.0.0.1:4010', accept: 'application/json', 'user-agent': 'seam-bench/1' },
    RESPONSE_HEADERS(JSON.stringify(json).length),
    { json },
  );
}

function textExchange(bytes: number): UnnamedExchange {
  const line = 'lorem ipsum 2024-01-15T10:30:00Z id=550e8400-e29b-41d4-a716-446655440000 amount 1234.56 user@@host\n';
  const text = line.repeat(Math.ceil(bytes / line.length)) + 'end jane@example.com';
  return exchange('/v1/export', {}, { accept: 'text/plain' }, { 'content-type': 'text/plain' }, { text });
}

interface Result {
  name: string;
  exchanges: number;
  bytes: number;
  redactions: number;
  /** Median over the rounds (machine noise moves single rounds by ±10 %). */
  usPerExchange: number;
  usBest: number;
}

/** Times `redact` over clones of `samples` (cycled): a warm-up, then `rounds` rounds of `seconds / rounds`. */
function measure(name: string, samples: UnnamedExchange[], seconds: number, copies: number, rounds = 7): Result {
  const inputs = Array.from({ length: copies }, () => samples.map((s) => structuredClone(s))).flat();
  const redactor = createRedactor();
  const bytes = samples.reduce((n, s) => n + JSON.stringify(s).length, 0) / samples.length;
  const redactions = samples.reduce((n, s) => n + createRedactor().redact(s).redactions.length, 0) / samples.length;
  const warmUntil = performance.now() + (seconds * 1000) / 3;
  let i = 0;
  while (performance.now() < warmUntil) redactor.redact(inputs[i++ % inputs.length]!);
  const perRound: number[] = [];
  let total = 0;
  for (let r = 0; r < rounds; r++) {
    let n = 0;
    const start = performance.now();
    const until = start + (seconds * 1000) / rounds;
    let now = start;
    while (now < until) {
      for (let k = 0; k < 20; k++) redactor.redact(inputs[n++ % inputs.length]!);
      now = performance.now();
    }
    perRound.push(((now - start) * 1000) / n);
    total += n;
  }
  perRound.sort((a, b) => a - b);
  return { name, exchanges: total, bytes: Math.round(bytes), redactions, usPerExchange: perRound[rounds >> 1]!, usBest: perRound[0]! };
}

function measureOnce(name: string, sample: UnnamedExchange, runs: number): Result {
  const redactor = createRedactor();
  const redactions = createRedactor().redact(sample).redactions.length;
  redactor.redact(sample); // warm-up
  const times: number[] = [];
  for (let k = 0; k < runs; k++) {
    const start = performance.now();
    redactor.redact(sample);
    times.push((performance.now() - start) * 1000);
  }
  times.sort((a, b) => a - b);
  return { name, exchanges: runs, bytes: JSON.stringify(sample).length, redactions, usPerExchange: times[runs >> 1]!, usBest: times[0]! };
}

const args = process.argv.slice(2);
const seconds = Number(args[args.indexOf('--seconds') + 1] ?? 1) || 1;
const json = args.includes('--json');
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;

const cases: [string, () => Result][] = [
  ['no-secret', () => measure('no-secret ~5 KB JSON', [noSecretExchange()], seconds, 64)],
  ['customers', () => measure('customers ~5 KB JSON', [customerExchange()], seconds, 64)],
  ['corpus', () => measure('secret corpus (per exchange)', corpusExchanges('bench'), seconds, 16)],
  ['text', () => measureOnce('5 MB text body', textExchange(5 * 1024 * 1024), 5)],
];
const results = cases.filter(([key]) => only === undefined || key === only).map(([, run]) => run());

if (json) {
  process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
} else {
  for (const r of results) {
    const fmt = (us: number): string => (us >= 10_000 ? `${(us / 1000).toFixed(1)} ms` : `${us.toFixed(1)} µs`);
    process.stdout.write(
      `${r.name.padEnd(30)} ${fmt(r.usPerExchange).padStart(10)} /exchange (median; best ${fmt(r.usBest)})   ${r.bytes} B, ${+r.redactions.toFixed(1)} redactions, n=${r.exchanges}\n`,
    );
  }
}
