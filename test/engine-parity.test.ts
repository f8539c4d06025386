// Engine parity: one stub set, one client script (global `fetch`, i.e. undici), three engines —
// embedded, msw, wiremock (a real WireMock 3.13 on the local Java, one JVM for the file). What the
// client saw is normalised (engine-specific headers dropped, bodies as exact text or base64,
// errors as a small class) and must be deeply equal; the journals must agree on method, path,
// query, stub, reply index and outcome.
//
// Where the engines legitimately differ, the test says so and compares less:
// - reset / empty: embedded and WireMock break a real socket (fetch rejects "fetch failed" with an
//   errno in `cause`); msw has no socket and answers `HttpResponse.error()` (fetch rejects
//   "Failed to fetch", no errno). All three: the request fails before any response → 'network'.
//   embedded and WireMock are compared down to the errno.
// - malformed-chunk / truncated: all three send the 200 head (same headers), then reading the body
//   fails with "terminated"; embedded and WireMock also agree on the errno (HPE_INVALID_CHUNK_SIZE,
//   UND_ERR_SOCKET), msw has none.
// - malformed-chunk on WireMock: its fault writes its own 200 head without the mapping's headers
//   (no content-type, no `x-seam-stub`), so only status and error are compared there.
// - a miss: all three answer 404, but WireMock's body is its own near-miss report (no
//   `x-seam-stub`), so only the status is compared there; embedded and msw are compared whole.
// - `dateHeaders` (an HTTP-date computed when the answer is sent): the value depends on the
//   moment, so the client's view keeps whether it is an IMF-fixdate 1–3 s after the response arrived.
//
// msw intercepts `fetch` process-wide, so it listens only during its own run and is closed before
// the others make real network calls.
import { isUtf8 } from 'node:buffer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbedded } from '../src/engines/embedded.js';
import type { Engine, EngineName } from '../src/engines/engine.js';
import { startMsw } from '../src/engines/msw.js';
import { startWireMock, type WireMockEngine } from '../src/engines/wiremock.js';
import type { JournalEntry, Stub } from '../src/stubs/types.js';

const DELAY_MS = 300;
const FAULT_DELAY_MS = 200;
const HANG_TIMEOUT_MS = 400;
const RETRY_AFTER_S = 2;
const IMF_FIXDATE = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/;
const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0xff, 0xfe]);

const stubs: Stub[] = [
  {
    id: 'get-customer',
    request: { method: 'GET', path: '/v1/customers/{customer}' },
    replies: [
      {
        status: 200,
        headers: { 'content-type': 'application/json', 'set-cookie': ['a=1; Path=/', 'b=2; Path=/'], 'x-multi': ['one', 'two'], 'request-id': 'req_1' },
        body: { json: { id: 'cus_1', object: 'customer', tags: ['a', 'b'], balance: 0 } },
      },
    ],
  },
  { id: 'search-customers', request: { method: 'GET', path: '/v1/customers/search' }, replies: [{ status: 200, headers: { 'content-type': 'text/plain' }, body: { text: 'search results ✓' } }] },
  { id: 'logo', request: { method: 'GET', path: '/logo.png' }, replies: [{ status: 200, headers: { 'content-type': 'image/png' }, body: { base64: png.toString('base64'), contentType: 'image/png' } }] },
  {
    id: 'list-charges',
    request: { method: 'GET', path: '/v1/charges', query: { limit: { equals: '10' }, starting_after: { matches: 'ch_[0-9]+' } } },
    replies: [{ status: 200, body: { json: { data: [], has_more: false } } }],
  },
  {
    id: 'create-customer',
    request: { method: 'POST', path: '/v1/customers', body: { jsonSubset: { email: 'a@example.com' } } },
    replies: [
      { status: 201, body: { json: { id: 'cus_new' } } },
      { status: 409, body: { json: { error: 'duplicate' } } },
      { status: 429, headers: { 'retry-after': '1' }, body: { json: { error: 'slow down' } } },
    ],
  },
  {
    // Arrays in a jsonSubset mean "this list": same length, in order; objects inside may have extra fields.
    id: 'create-order',
    request: { method: 'POST', path: '/v1/orders', body: { jsonSubset: { lines: [{ sku: 'A', 'tax.codes': ['t1', "it's"] }, { sku: 'B' }] } } },
    replies: [{ status: 201, body: { json: { id: 'ord_1' } } }],
  },
  {
    id: 'create-charge',
    request: { method: 'POST', path: '/v1/charges', body: { form: { amount: { equals: '100' }, currency: { matches: 'usd|eur' } } } },
    replies: [{ status: 200, body: { json: { id: 'ch_1', amount: 100 } } }],
  },
  {
    id: 'echo-user',
    request: { method: 'POST', path: '/v1/users/{user}' },
    replies: [{ status: 200, body: { json: { id: 'x', object: 'user', profile: { email: 'none' } } }, echo: [{ from: 'path.user', to: '/id' }, { from: 'body/email', to: '/profile/email' }] }],
  },
  { id: 'slow', request: { method: 'GET', path: '/slow' }, replies: [{ status: 200, delayMs: DELAY_MS, body: { json: { slow: true } } }] },
  { id: 'reset', request: { method: 'GET', path: '/fault/reset' }, replies: [{ fault: 'reset' }] },
  { id: 'slow-reset', request: { method: 'GET', path: '/fault/slow-reset' }, replies: [{ fault: 'reset', delayMs: FAULT_DELAY_MS }] },
  { id: 'empty', request: { method: 'GET', path: '/fault/empty' }, replies: [{ fault: 'empty' }] },
  { id: 'malformed', request: { method: 'GET', path: '/fault/malformed' }, replies: [{ fault: 'malformed-chunk' }] },
  { id: 'truncated', request: { method: 'GET', path: '/fault/truncated' }, replies: [{ fault: 'truncated' }] },
  { id: 'hang', request: { method: 'GET', path: '/fault/hang' }, replies: [{ fault: 'hang' }] },
  {
    id: 'rate-limit-date',
    request: { method: 'GET', path: '/limited' },
    replies: [{ status: 429, headers: { 'content-type': 'application/json' }, dateHeaders: { 'retry-after': RETRY_AFTER_S }, body: { json: { error: 'rate-limit-date' } } }],
  },
];

/** Headers that name the engine or describe framing, not the stub. */
const ENGINE_HEADERS = new Set(['date', 'content-length', 'transfer-encoding', 'connection', 'keep-alive', 'matched-stub-id', 'matched-stub-name', 'server', 'vary']);

interface ClientError {
  /** 'network': the connection broke; 'timeout': the client gave up waiting. */
  class: 'network' | 'timeout';
  /** Before any response ('head') or while reading the body ('body'). */
  phase: 'head' | 'body';
  /** The error's message and cause code: precise, compared only where engines can agree. */
  detail: string;
}

interface Seen {
  status?: number;
  headers?: [string, string][];
  body?: { text: string } | { base64: string };
  error?: ClientError;
  /** Present for delayed requests: whether the answer came no sooner than the delay. */
  waited?: boolean;
}

type Step = { name: string; path: string; init?: RequestInit; timeoutMs?: number; minMs?: number };

const json = (body: unknown): RequestInit => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

const script: Step[] = [
  { name: 'template + multi-valued headers', path: '/v1/customers/cus_123', init: { headers: { 'x-trace': 't1' } } },
  { name: 'literal sibling of the template', path: '/v1/customers/search' },
  { name: 'binary body', path: '/logo.png' },
  { name: 'query matchers', path: '/v1/charges?limit=10&starting_after=ch_42' },
  { name: 'query mismatch → miss', path: '/v1/charges?limit=10&starting_after=cus_42' },
  { name: 'body mismatch → miss', path: '/v1/customers', init: json({ email: 'b@example.com' }) },
  { name: 'sequence 1', path: '/v1/customers', init: json({ email: 'a@example.com', name: 'A' }) },
  { name: 'sequence 2', path: '/v1/customers', init: json({ email: 'a@example.com', name: 'A' }) },
  { name: 'sequence 3', path: '/v1/customers', init: json({ email: 'a@example.com', name: 'A' }) },
  { name: 'sequence 3 repeats', path: '/v1/customers', init: json({ email: 'a@example.com', name: 'A' }) },
  { name: 'json arrays: same list, extra fields', path: '/v1/orders', init: json({ lines: [{ sku: 'A', qty: 2, 'tax.codes': ['t1', "it's"] }, { sku: 'B' }], note: 'x' }) },
  { name: 'json arrays: an extra item → miss', path: '/v1/orders', init: json({ lines: [{ sku: 'A', 'tax.codes': ['t1', "it's"] }, { sku: 'B' }, { sku: 'C' }] }) },
  { name: 'json arrays: an extra nested item → miss', path: '/v1/orders', init: json({ lines: [{ sku: 'A', 'tax.codes': ['t1', "it's", 't3'] }, { sku: 'B' }] }) },
  { name: 'json arrays: other order → miss', path: '/v1/orders', init: json({ lines: [{ sku: 'B' }, { sku: 'A', 'tax.codes': ['t1', "it's"] }] }) },
  { name: 'json arrays: too short → miss', path: '/v1/orders', init: json({ lines: [{ sku: 'A', 'tax.codes': ['t1', "it's"] }] }) },
  { name: 'form matcher', path: '/v1/charges', init: { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'amount=100&currency=eur&metadata=x' } },
  { name: 'echo', path: '/v1/users/u_42', init: json({ email: 'e@x.io', name: 'E' }) },
  { name: 'delay', path: '/slow', minMs: DELAY_MS },
  { name: 'fault reset', path: '/fault/reset' },
  { name: 'fault reset after a delay', path: '/fault/slow-reset', minMs: FAULT_DELAY_MS },
  { name: 'fault empty', path: '/fault/empty' },
  { name: 'fault malformed-chunk', path: '/fault/malformed' },
  { name: 'fault truncated', path: '/fault/truncated' },
  { name: 'fault hang', path: '/fault/hang', timeoutMs: HANG_TIMEOUT_MS },
  { name: 'miss', path: '/nothing/here' },
  { name: 'date header', path: '/limited' },
];
/** After engine.reset(): the sequence starts over. */
const afterReset: Step = { name: 'sequence 1 after reset()', path: '/v1/customers', init: json({ email: 'a@example.com' }) };

function classify(error: unknown, phase: ClientError['phase']): ClientError {
  const e = error as Error & { cause?: { code?: string } };
  if (e.name === 'TimeoutError') return { class: 'timeout', phase, detail: 'timeout' };
  if (e.name !== 'TypeError') throw error; // anything else is a bug in the test or an engine
  return { class: 'network', phase, detail: `${e.message}${e.cause?.code ? `: ${e.cause.code}` : ''}` };
}

async function run(base: string, step: Step): Promise<Seen> {
  const started = performance.now();
  const seen: Seen = {};
  try {
    // globalThis.fetch read at call time: msw swaps it while it listens.
    const response = await globalThis.fetch(`${base}${step.path}`, { ...step.init, signal: AbortSignal.timeout(step.timeoutMs ?? 5000) });
    const received = Date.now();
    seen.status = response.status;
    // `content-encoding: identity` says "not encoded" (WireMock's truncated trick sends it).
    seen.headers = [...response.headers]
      .filter(([name, value]) => !ENGINE_HEADERS.has(name) && !(name === 'content-encoding' && value === 'identity'))
      .map(([name, value]): [string, string] => [name, name === 'retry-after' && !/^\d+$/.test(value) ? dateView(value, received) : value])
      .sort(([a, x], [b, y]) => a.localeCompare(b) || x.localeCompare(y));
    try {
      const bytes = Buffer.from(await response.arrayBuffer());
      seen.body = isUtf8(bytes) ? { text: bytes.toString('utf8') } : { base64: bytes.toString('base64') };
    } catch (error) {
      seen.error = classify(error, 'body');
    }
  } catch (error) {
    seen.error = classify(error, 'head');
  }
  // Node timers may fire up to ~1 ms early against performance.now().
  if (step.minMs !== undefined) seen.waited = performance.now() - started >= step.minMs - 1;
  return seen;
}

/** An HTTP-date header as the comparison sees it: its form and how far ahead of `received` it is. */
function dateView(value: string, received: number): string {
  const ahead = Date.parse(value) - received;
  // 2 s after sending, truncated to the second (so more than 1 s), less the moment it took to arrive.
  return IMF_FIXDATE.test(value) && ahead > 900 && ahead <= 3000 ? 'IMF-fixdate 1–3 s ahead' : `${value} (${ahead} ms ahead)`;
}

interface Run {
  seen: Record<string, Seen>;
  journal: JournalEntry[];
}

async function runScript(engine: Engine): Promise<Run> {
  const seen: Record<string, Seen> = {};
  for (const step of script) seen[step.name] = await run(engine.url, step);
  await engine.reset();
  seen[afterReset.name] = await run(engine.url, afterReset);
  // The hung request's socket is closed by the client; give engines a moment to log it.
  await new Promise((resolve) => setTimeout(resolve, 50));
  return { seen, journal: await engine.journal() };
}

const runs = new Map<EngineName, Run>();
let wiremock: WireMockEngine | undefined;

beforeAll(async () => {
  wiremock = await startWireMock({ stubs }); // the JVM start dominates; the others start in ms
  const embedded = await startEmbedded({ stubs });
  try {
    runs.set('embedded', await runScript(embedded));
  } finally {
    await embedded.close();
  }
  const msw = await startMsw({ stubs });
  try {
    runs.set('msw', await runScript(msw));
  } finally {
    await msw.close(); // stops intercepting before WireMock's real network calls
  }
  runs.set('wiremock', await runScript(wiremock));
}, 90_000);

afterAll(async () => {
  await wiremock?.close();
}, 20_000);

function seenOf(engine: EngineName): Record<string, Seen> {
  const run = runs.get(engine);
  if (run === undefined) throw new Error(`${engine} did not run`);
  return run.seen;
}

/** The part of what the client saw that every engine must agree on, step by step. */
function common(seen: Record<string, Seen>, engine: EngineName): Record<string, Seen> {
  const out: Record<string, Seen> = {};
  for (const [name, s] of Object.entries(seen)) {
    const c: Seen = { ...s };
    if (c.error !== undefined) c.error = { ...c.error, detail: '(engine-specific)' };
    if (engine === 'wiremock' && s.status === 404) {
      // WireMock's own near-miss report.
      delete c.headers;
      delete c.body;
    }
    // WireMock's MALFORMED_RESPONSE_CHUNK writes its own head: no mapping headers, no x-seam-stub.
    if (engine === 'wiremock' && name === 'fault malformed-chunk') delete c.headers;
    out[name] = c;
  }
  return out;
}

/** Another engine's view, reduced to what WireMock can show (see the gaps at the top). */
function asWireMockShows(seen: Record<string, Seen>): Record<string, Seen> {
  return common(seen, 'wiremock');
}

describe('engine parity: embedded, msw and wiremock serve the same stubs alike', () => {
  it('the client sees the same status, headers, body and error class on every engine', () => {
    const embedded = common(seenOf('embedded'), 'embedded');
    expect(common(seenOf('msw'), 'msw')).toEqual(embedded);
    expect(common(seenOf('wiremock'), 'wiremock')).toEqual(asWireMockShows(seenOf('embedded')));
  });

  it('embedded and WireMock agree down to the client error message and errno', () => {
    const errors = (engine: EngineName) => Object.fromEntries(Object.entries(seenOf(engine)).flatMap(([name, s]) => (s.error ? [[name, s.error]] : [])));
    expect(errors('wiremock')).toEqual(errors('embedded'));
    expect(errors('embedded')).toEqual({
      'fault reset': { class: 'network', phase: 'head', detail: 'fetch failed: ECONNRESET' },
      'fault reset after a delay': { class: 'network', phase: 'head', detail: 'fetch failed: ECONNRESET' },
      'fault empty': { class: 'network', phase: 'head', detail: 'fetch failed: UND_ERR_SOCKET' },
      'fault malformed-chunk': { class: 'network', phase: 'body', detail: 'terminated: HPE_INVALID_CHUNK_SIZE' },
      'fault truncated': { class: 'network', phase: 'body', detail: 'terminated: UND_ERR_SOCKET' },
      'fault hang': { class: 'timeout', phase: 'head', detail: 'timeout' },
    });
    // msw has no socket: the same phases, Fetch's own messages, no errno.
    expect(Object.values(errors('msw')).map((e) => e.detail)).toEqual(['Failed to fetch', 'Failed to fetch', 'Failed to fetch', 'terminated', 'terminated', 'timeout']);
  });

  it('the agreed view is the one the stubs describe', () => {
    const seen = seenOf('embedded');
    expect(seen['template + multi-valued headers']).toEqual({
      status: 200,
      headers: [
        ['content-type', 'application/json'],
        ['request-id', 'req_1'],
        ['set-cookie', 'a=1; Path=/'],
        ['set-cookie', 'b=2; Path=/'],
        ['x-multi', 'one, two'],
        ['x-seam-stub', 'get-customer'],
      ],
      body: { text: '{"id":"cus_1","object":"customer","tags":["a","b"],"balance":0}' },
    });
    expect(seen['literal sibling of the template']!.body).toEqual({ text: 'search results ✓' });
    expect(seen['binary body']!.body).toEqual({ base64: png.toString('base64') });
    expect(['sequence 1', 'sequence 2', 'sequence 3', 'sequence 3 repeats', 'sequence 1 after reset()'].map((n) => seen[n]!.status)).toEqual([201, 409, 429, 429, 201]);
    expect(seen['form matcher']!.status).toBe(200);
    expect(Object.entries(seen).flatMap(([n, v]) => (n.startsWith('json arrays') ? [[n, v.status]] : []))).toEqual([
      ['json arrays: same list, extra fields', 201],
      ['json arrays: an extra item → miss', 404],
      ['json arrays: an extra nested item → miss', 404],
      ['json arrays: other order → miss', 404],
      ['json arrays: too short → miss', 404],
    ]);
    expect(JSON.parse((seen['echo']!.body as { text: string }).text)).toEqual({ id: 'u_42', object: 'user', profile: { email: 'e@x.io' } });
    expect(seen['delay']).toMatchObject({ status: 200, waited: true });
    expect(seen['fault reset after a delay']!.waited).toBe(true);
    expect(seen['fault truncated']).toMatchObject({
      status: 200,
      headers: [
        ['content-type', 'application/json'],
        ['x-seam-stub', 'truncated'],
      ],
    });
    expect(seen['date header']).toEqual({
      status: 429,
      headers: [
        ['content-type', 'application/json'],
        ['retry-after', 'IMF-fixdate 1–3 s ahead'],
        ['x-seam-stub', 'rate-limit-date'],
      ],
      body: { text: '{"error":"rate-limit-date"}' },
    });
    expect(seen['miss']).toMatchObject({ status: 404 });
    expect(JSON.parse((seen['miss']!.body as { text: string }).text)).toMatchObject({ error: 'no stub matched', request: { method: 'GET', path: '/nothing/here' } });
  });

  it('the journals agree on method, path, query, stub, reply index and outcome', () => {
    const view = (engine: EngineName) =>
      runs.get(engine)!.journal.map((e) => ({ seq: e.seq, method: e.method, path: e.path, query: e.query, stubId: e.stubId, replyIndex: e.replyIndex, outcome: e.outcome }));
    const embedded = view('embedded');
    expect(embedded).toHaveLength(script.length + 1);
    expect(embedded.filter((e) => 'fault' in e.outcome).map((e) => e.outcome)).toEqual([
      { fault: 'reset' },
      { fault: 'reset' },
      { fault: 'empty' },
      { fault: 'malformed-chunk' },
      { fault: 'truncated' },
      { fault: 'hang' },
    ]);
    expect(embedded.filter((e) => e.stubId === 'create-customer').map((e) => e.replyIndex)).toEqual([0, 1, 2, 2, 0]);
    expect(view('msw')).toEqual(embedded);
    expect(view('wiremock')).toEqual(embedded);
  });

  it('journal bodies are typed alike', () => {
    const bodies = (engine: EngineName) => runs.get(engine)!.journal.map((e) => e.body);
    expect(bodies('msw')).toEqual(bodies('embedded'));
    expect(bodies('wiremock')).toEqual(bodies('embedded'));
  });
});
