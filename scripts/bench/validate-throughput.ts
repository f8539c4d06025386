// `npm run bench:validate`: how fast `seam validate` checks exchanges against the Stripe spec.
// Target (issue 4): 10,000 exchanges in under 10 s.
//
// The exchanges are built from Stripe's published fixtures across every operation whose response
// is a fixture resource (test/support/spec-exchanges.ts), then varied (ids, request ids) so no two
// are the same. Figures: spec load, validator setup (ajvDocuments + addSchema), the first pass over
// one exchange per operation (which compiles the validators), then the timed pass. Baselines in the
// same run: `JSON.parse` of the same exchanges as stored text (the cost of merely reading them), and
// one pre-compiled ajv validator run on a fixture the same number of times.
import { readFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { serializeExchange } from '../../src/exchange/canonical.js';
import type { Exchange } from '../../src/exchange/types.js';
import { createSpecValidator, loadSpec, operations } from '../../src/spec/index.js';
import { exchangesFromExamples } from '../../test/support/spec-exchanges.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? (args[i + 1] as string) : fallback;
};
if (args.includes('--help')) {
  process.stdout.write('usage: npm run bench:validate -- [--count 10000] [--spec FILE] [--fixtures FILE] [--json]\n');
  process.exit(0);
}
const COUNT = Number(option('count', '10000'));
const SPEC = option('spec', '../shared/material/specs/stripe/spec3.2023-09-12.yaml');
const FIXTURES = option('fixtures', '../shared/material/specs/stripe/fixtures3.2023-09-12.json');

const ms = (from: number) => performance.now() - from;

/** A copy of `base` made distinct: request id, path and the response's ids carry the index. */
function variant(base: Exchange, i: number): Exchange {
  const e = structuredClone(base);
  e.id = `bench/${String(i).padStart(5, '0')}`;
  e.request.headers['idempotency-key'] = `key-${i}`;
  const response = e.response as { headers: Record<string, string>; body?: { json?: unknown } };
  response.headers['request-id'] = `req_${i.toString(36)}`;
  const json = response.body?.json;
  if (json !== null && typeof json === 'object' && typeof (json as { id?: unknown }).id === 'string') {
    (json as { id: string }).id = `${(json as { id: string }).id}${i}`;
  }
  return e;
}

async function main(): Promise<void> {
  let t = performance.now();
  const spec = await loadSpec(SPEC);
  const loadMs = ms(t);

  t = performance.now();
  const validator = createSpecValidator(spec);
  const setupMs = ms(t);

  const fixtures = (JSON.parse(await readFile(FIXTURES, 'utf8')) as { resources: Record<string, unknown> }).resources;
  const bases = exchangesFromExamples(spec, fixtures).map((x) => x.exchange);
  const operationCount = new Set(bases.map((e) => `${e.request.method} ${e.request.path}`)).size;

  t = performance.now();
  let firstViolations = 0;
  for (const e of bases) firstViolations += validator.validateExchange(e).violations.length;
  const firstPassMs = ms(t);

  const exchanges = Array.from({ length: COUNT }, (_, i) => variant(bases[i % bases.length] as Exchange, i));
  const texts = exchanges.map(serializeExchange);

  t = performance.now();
  let violations = 0;
  for (const e of exchanges) violations += validator.validateExchange(e).violations.length;
  const validateMs = ms(t);

  t = performance.now();
  let parsed = 0;
  for (const text of texts) parsed += (JSON.parse(text) as Exchange).durationMs;
  const parseMs = ms(t);

  // one pre-compiled validator (the customer response) run as many times: ajv's own speed
  const customerOp = operations(spec).find((op) => op.id === 'GET /v1/customers/{customer}')!;
  const customer = { status: 200, headers: { 'content-type': 'application/json' }, body: { json: fixtures.customer } };
  validator.validateResponse(customerOp, customer);
  t = performance.now();
  for (let i = 0; i < COUNT; i++) validator.validateResponse(customerOp, customer);
  const oneSchemaMs = ms(t);

  const figures = {
    spec: SPEC,
    operations: operations(spec).length,
    distinctRequests: operationCount,
    exchanges: COUNT,
    loadMs: Math.round(loadMs),
    setupMs: Math.round(setupMs),
    firstPassMs: Math.round(firstPassMs),
    firstPassExchanges: bases.length,
    validateMs: Math.round(validateMs),
    exchangesPerSecond: Math.round(COUNT / (validateMs / 1000)),
    totalMs: Math.round(loadMs + setupMs + firstPassMs + validateMs),
    violations,
    firstPassViolations: firstViolations,
    baseline: {
      jsonParseMs: Math.round(parseMs),
      oneCompiledSchemaMs: Math.round(oneSchemaMs),
    },
    targetMet: loadMs + setupMs + firstPassMs + validateMs < 10_000,
    rssMb: Math.round(process.memoryUsage().rss / 1e6),
  };
  if (parsed < 0) throw new Error('unreachable: keeps the parse loop from being optimised away');

  if (args.includes('--json')) {
    process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`);
    return;
  }
  const line = (label: string, value: string) => process.stdout.write(`${label.padEnd(44)} ${value}\n`);
  line('spec', `${SPEC} (${figures.operations} operations)`);
  line('load (parse + check refs)', `${figures.loadMs} ms`);
  line('validator setup (ajvDocuments + addSchema)', `${figures.setupMs} ms`);
  line(`first pass, ${bases.length} exchanges (compiles)`, `${figures.firstPassMs} ms`);
  line(`${COUNT} exchanges, validators warm`, `${figures.validateMs} ms = ${figures.exchangesPerSecond} exchanges/s (${violations} violations)`);
  line('baseline: JSON.parse of the same exchanges', `${figures.baseline.jsonParseMs} ms`);
  line(`baseline: one compiled schema x ${COUNT}`, `${figures.baseline.oneCompiledSchemaMs} ms (customer response)`);
  line('total: load + setup + first pass + run', `${figures.totalMs} ms`);
  line('target: 10,000 exchanges in under 10 s', figures.targetMet ? 'met' : 'NOT MET');
  line('rss', `${figures.rssMb} MB`);
}

await main();
