import { describe, expect, it } from 'vitest';
import type { Body, Exchange, MultiMap } from '../exchange/types.js';
import { isFailure } from '../exchange/types.js';
import { serializeStubs } from './canonical.js';
import { applyEcho, compileEcho } from './echo.js';
import { FALLBACK_PRIORITY, stubsFromExchanges } from './from-exchanges.js';
import { compileStubs, matchStub, type MatchRequest } from './match.js';
import { checkStubs } from './stub-schema.js';
import type { Reply, ResponseReply, Stub } from './types.js';
import { isFault } from './types.js';

// ---- realistic recordings ----

let clock = Date.parse('2024-05-01T10:00:00.000Z');

interface Req {
  query?: MultiMap;
  headers?: MultiMap;
  body?: Body;
}

function ex(
  id: string,
  method: string,
  path: string,
  req: Req,
  response: { status: number; headers?: MultiMap; body?: Body } | { error: { code: string; message: string } },
): Exchange {
  clock += 1000;
  return {
    seam: 1,
    id,
    partner: 'stripe',
    direction: 'outbound',
    recordedAt: new Date(clock).toISOString(),
    durationMs: 12,
    request: { method, origin: 'https://api.stripe.com', path, query: req.query ?? {}, headers: req.headers ?? { authorization: '<redacted:bearer>' }, ...(req.body ? { body: req.body } : {}) },
    response: 'error' in response ? response : { status: response.status, headers: response.headers ?? jsonHeaders(id), ...(response.body ? { body: response.body } : {}) },
    redactions: [],
  };
}

function jsonHeaders(requestId: string): MultiMap {
  return {
    'content-type': 'application/json',
    'content-length': '123',
    'content-encoding': 'gzip',
    connection: 'keep-alive',
    date: 'Wed, 01 May 2024 10:00:00 GMT',
    'request-id': `req_${requestId}`,
  };
}

const customer = (id: string, email: string, extra: Record<string, unknown> = {}) => ({
  json: { id, object: 'customer', email, name: 'Ada', ...extra },
});

const SID = `AC${'0123456789abcdef'.repeat(2)}`;
const SM1 = `SM${'a1'.repeat(16)}`;
const SM2 = `SM${'b2'.repeat(16)}`;

function recordings(): Exchange[] {
  return [
    // Same customer read twice, the partner's answer changed in between: a sequence.
    ex('e01', 'GET', '/v1/customers/cus_NffrFeUfNV2Hib', {}, { status: 200, body: customer('cus_NffrFeUfNV2Hib', 'ada@example.com') }),
    ex('e02', 'GET', '/v1/customers/cus_NffrFeUfNV2Hib', {}, { status: 200, body: customer('cus_NffrFeUfNV2Hib', 'ada@example.com', { name: 'Ada L.' }) }),
    ex('e03', 'GET', '/v1/customers/cus_OaBc12XyZ9', {}, { status: 200, body: customer('cus_OaBc12XyZ9', 'grace@example.com') }),
    ex('e04', 'GET', '/v1/customers/cus_Gone0000', {}, { status: 404, body: { json: { error: { type: 'invalid_request_error', code: 'resource_missing' } } } }),
    // A literal sibling of the template.
    ex('e05', 'GET', '/v1/customers/search', { query: { query: "email:'ada@example.com'" } }, { status: 200, body: { json: { object: 'search_result', data: [] } } }),
    // Pagination: the cursor changes every call, limit is stable.
    ex('e06', 'GET', '/v1/customers', { query: { limit: '2' } }, { status: 200, body: { json: { data: ['p1'], has_more: true } } }),
    ex('e07', 'GET', '/v1/customers', { query: { limit: '2', starting_after: 'cus_OaBc12XyZ9' } }, { status: 200, body: { json: { data: ['p2'], has_more: true } } }),
    ex('e08', 'GET', '/v1/customers', { query: { limit: '2', starting_after: 'cus_Zz99Yy88' } }, { status: 200, body: { json: { data: ['p3'], has_more: false } } }),
    // Writes told apart by email; the sent_at timestamp is not a distinguishing field.
    ex('e09', 'POST', '/v1/customers', { body: { form: { email: 'lin@example.com', name: 'Lin', 'metadata[sent_at]': '1714557600' } } }, { status: 200, body: customer('cus_Lin00001', 'lin@example.com', { name: 'Lin' }) }),
    ex('e10', 'POST', '/v1/customers', { body: { form: { email: 'mo@example.com', name: 'Mo', 'metadata[sent_at]': '1714557655' } } }, { status: 200, body: customer('cus_Mo000002', 'mo@example.com', { name: 'Mo' }) }),
    // The partner never answered.
    ex('e11', 'GET', '/v1/charges/ch_3MmlLrLkdIwHu7ix', {}, { error: { code: 'ECONNRESET', message: 'socket hang up' } }),
    // A timestamp in the query: loose even with a single recording.
    ex('e12', 'GET', '/v1/events', { query: { 'created[gte]': '1714550000', type: 'charge.succeeded' } }, { status: 200, body: { json: { data: [] } } }),
    // JSON writes with a field only one of them has: the one with it must win.
    ex('e13', 'POST', '/v1/orders', { body: { json: { sku: 'A-1', qty: 1 } } }, { status: 201, body: { json: { id: 'ord_1aaaa', sku: 'A-1' } } }),
    ex('e14', 'POST', '/v1/orders', { body: { json: { sku: 'A-1', qty: 1, gift: { note: 'hi' } } } }, { status: 201, body: { json: { id: 'ord_2bbbb', sku: 'A-1', gift: true } } }),
    ex('e15', 'POST', '/v1/orders', { body: { json: { sku: 'B-2', qty: 3, requestedAt: '2024-05-01T10:00:15Z' } } }, { status: 201, body: { json: { id: 'ord_3cccc', sku: 'B-2' } } }),
    // Twilio: SIDs with a .json suffix.
    ex('e16', 'POST', `/2010-04-01/Accounts/${SID}/Messages.json`, { body: { form: { To: '+15550001', Body: 'hello' } } }, { status: 201, body: { json: { sid: SM1, account_sid: SID, to: '+15550001', body: 'hello' } } }),
    ex('e17', 'GET', `/2010-04-01/Accounts/${SID}/Messages/${SM1}.json`, {}, { status: 200, body: { json: { sid: SM1, account_sid: SID, status: 'queued' } } }),
    ex('e18', 'GET', `/2010-04-01/Accounts/${SID}/Messages/${SM1}.json`, {}, { status: 200, body: { json: { sid: SM1, account_sid: SID, status: 'delivered' } } }),
    ex('e19', 'GET', `/2010-04-01/Accounts/${SID}/Messages/${SM2}.json`, {}, { status: 200, body: { json: { sid: SM2, account_sid: SID, status: 'failed' } } }),
    // Numeric ids and UUIDs.
    ex('e20', 'GET', '/api/2/items/17', {}, { status: 200, body: { json: { id: '17', title: 'seventeen' } } }),
    ex('e21', 'GET', '/api/2/items/18', {}, { status: 200, body: { json: { id: '18', title: 'eighteen' } } }),
    ex('e22', 'DELETE', '/files/3f2504e0-4f89-11d3-9a0c-0305e82c3301', {}, { status: 204, headers: { 'x-trace': 't1' } }),
    // A webhook delivery is not a request to the partner.
    { ...ex('e23', 'POST', '/hooks/stripe', { body: { json: { type: 'charge.succeeded' } } }, { status: 200 }), direction: 'inbound' },
  ];
}

// ---- replay through the real matcher ----

function asRequest(e: Exchange): MatchRequest {
  return { method: e.request.method, path: e.request.path, query: e.request.query, headers: e.request.headers, body: e.request.body };
}

function expectedReply(e: Exchange): Reply {
  if (isFailure(e.response)) return { fault: 'reset' };
  const headers = Object.fromEntries(
    Object.entries(e.response.headers).filter(([k]) => !['content-length', 'content-encoding', 'connection', 'date'].includes(k)),
  );
  return {
    status: e.response.status,
    ...(Object.keys(headers).length > 0 ? { headers } : {}),
    ...(e.response.body ? { body: e.response.body } : {}),
  };
}

/** Replays `exchanges` in recorded order against `stubs`; returns what each request got. */
function replay(stubs: Stub[], exchanges: Exchange[]): { exchange: Exchange; stub: Stub; reply: Reply }[] {
  const compiled = compileStubs(stubs);
  const served = new Map<string, number>();
  return exchanges
    .filter((e) => e.direction === 'outbound')
    .map((exchange) => {
      const result = matchStub(compiled, asRequest(exchange));
      if ('miss' in result) throw new Error(`${exchange.id} missed: ${JSON.stringify(result.near)}`);
      const n = served.get(result.stub.id) ?? 0;
      served.set(result.stub.id, n + 1);
      const reply = result.stub.replies[Math.min(n, result.stub.replies.length - 1)]!;
      return { exchange, stub: result.stub, reply };
    });
}

function byId(stubs: Stub[], source: string): Stub {
  const stub = stubs.find((s) => s.source?.includes(source) && s.priority !== FALLBACK_PRIORITY);
  if (!stub) throw new Error(`no stub from ${source}`);
  return stub;
}

function fallbackFor(stubs: Stub[], method: string, path: string): Stub {
  const stub = stubs.find((s) => s.request.method === method && s.request.path === path && s.priority === FALLBACK_PRIORITY);
  if (!stub) throw new Error(`no fallback for ${method} ${path}`);
  return stub;
}

describe('stubsFromExchanges', () => {
  const input = recordings();
  const stubs = stubsFromExchanges(input);

  it('replays every recorded request with its recorded response (real matcher, in recorded order)', () => {
    const results = replay(stubs, input);
    expect(results).toHaveLength(22);
    for (const { exchange, stub, reply } of results) {
      expect(stub.source, exchange.id).toContain(exchange.id);
      expect(reply, exchange.id).toEqual(expectedReply(exchange));
    }
  });

  it('turns identical requests with different responses into a sequence, in recorded order', () => {
    const stub = byId(stubs, 'e01');
    expect(stub.request).toEqual({ method: 'GET', path: '/v1/customers/cus_NffrFeUfNV2Hib' });
    expect(stub.source).toEqual(['e01', 'e02']);
    expect(stub.replies.map((r) => ((r as ResponseReply).body as { json: { name: string } }).json.name)).toEqual(['Ada', 'Ada L.']);
    const twilio = byId(stubs, 'e17');
    expect(twilio.replies.map((r) => ((r as ResponseReply).body as { json: { status: string } }).json.status)).toEqual(['queued', 'delivered']);
  });

  it('matches changing query values loosely and stable ones exactly', () => {
    expect(byId(stubs, 'e06').request.query).toEqual({ limit: { equals: '2' }, starting_after: { present: false } });
    const paged = byId(stubs, 'e07');
    expect(paged.request.query).toEqual({ limit: { equals: '2' }, starting_after: { present: true } });
    expect(paged.source).toEqual(['e07', 'e08']);
    expect(byId(stubs, 'e12').request.query).toEqual({ 'created[gte]': { present: true }, type: { equals: 'charge.succeeded' } });
    // a re-run with a new cursor still gets page 2
    const rerun = matchStub(stubs, { method: 'GET', path: '/v1/customers', query: { limit: '2', starting_after: 'cus_New99999' }, headers: {} });
    expect('stub' in rerun && rerun.stub.id).toBe(paged.id);
  });

  it('matches writes on the body fields that distinguish them, not on timestamps', () => {
    expect(byId(stubs, 'e09').request.body).toEqual({ form: { email: { equals: 'lin@example.com' }, name: { equals: 'Lin' } } });
    expect(byId(stubs, 'e10').request.body).toEqual({ form: { email: { equals: 'mo@example.com' }, name: { equals: 'Mo' } } });
    // a re-run with a fresh timestamp still matches the recording
    const rerun = matchStub(stubs, {
      method: 'POST',
      path: '/v1/customers',
      query: {},
      headers: {},
      body: { form: { email: 'mo@example.com', name: 'Mo', 'metadata[sent_at]': '1800000000' } },
    });
    expect('stub' in rerun && rerun.stub.source).toEqual(['e10']);

    const plain = byId(stubs, 'e13');
    const gift = byId(stubs, 'e14');
    expect(plain.request.body).toEqual({ jsonSubset: { qty: 1, sku: 'A-1' } });
    expect(gift.request.body).toEqual({ jsonSubset: { gift: { note: 'hi' }, qty: 1, sku: 'A-1' } });
    expect(gift.priority).toBe(4); // has a field the other lacks, so it must win
    expect(byId(stubs, 'e15').request.body).toEqual({ jsonSubset: { qty: 3, sku: 'B-2' } }); // requestedAt left out
  });

  it('drops transport headers from replies and maps a partner failure to a reset', () => {
    expect((byId(stubs, 'e03').replies[0] as ResponseReply).headers).toEqual({ 'content-type': 'application/json', 'request-id': 'req_e03' });
    expect(byId(stubs, 'e11').replies).toEqual([{ fault: 'reset' }]);
    expect(byId(stubs, 'e22').replies).toEqual([{ status: 204, headers: { 'x-trace': 't1' } }]);
  });

  it('adds a template fallback below the recorded requests, answering unseen ids with an echo', () => {
    const fb = fallbackFor(stubs, 'GET', '/v1/customers/{customer}');
    expect(fb.source).toEqual(['e03']); // the most recent 2xx, not the later 404
    expect((fb.replies[0] as ResponseReply).echo).toEqual([{ from: 'path.customer', to: '/id' }]);
    const twilio = fallbackFor(stubs, 'GET', '/2010-04-01/Accounts/{Account}/Messages/{Message}.json');
    expect((twilio.replies[0] as ResponseReply).echo).toEqual([
      { from: 'path.Account', to: '/account_sid' },
      { from: 'path.Message', to: '/sid' },
    ]);
    expect((fallbackFor(stubs, 'GET', '/api/2/items/{item}').replies[0] as ResponseReply).echo).toEqual([{ from: 'path.item', to: '/id' }]);

    // An unseen id reaches the fallback, and the echo puts it in the body.
    const result = matchStub(stubs, { method: 'GET', path: '/v1/customers/cus_Unseen777', query: {}, headers: {} });
    if (!('stub' in result)) throw new Error('missed');
    expect(result.stub.id).toBe(fb.id);
    const reply = result.stub.replies[0] as ResponseReply;
    const body = applyEcho((reply.body as { json: unknown }).json, compileEcho(reply.echo!), { params: result.params, query: {}, headers: {} });
    expect(body).toMatchObject({ id: 'cus_Unseen777', object: 'customer' });
  });

  it('echoes request body fields a create response repeats', () => {
    const fb = fallbackFor(stubs, 'POST', '/v1/customers');
    expect((fb.replies[0] as ResponseReply).echo).toEqual([
      { from: 'body/email', to: '/email' },
      { from: 'body/name', to: '/name' },
    ]);
    const twilio = fallbackFor(stubs, 'POST', '/2010-04-01/Accounts/{Account}/Messages.json');
    expect((twilio.replies[0] as ResponseReply).echo).toEqual([
      { from: 'path.Account', to: '/account_sid' },
      { from: 'body/Body', to: '/body' },
      { from: 'body/To', to: '/to' },
    ]);
  });

  it('keeps a literal collection path literal and adds no fallback where one stub already covers it', () => {
    const search = stubs.filter((s) => s.request.path === '/v1/customers/search');
    expect(search.map((s) => s.priority ?? 5).sort()).toEqual([5, FALLBACK_PRIORITY]);
    expect(stubs.filter((s) => s.request.method === 'DELETE').map((s) => s.request.path)).toEqual([
      '/files/3f2504e0-4f89-11d3-9a0c-0305e82c3301',
      '/files/{file}',
    ]);
    expect(stubs.some((s) => s.request.path === '/hooks/stripe')).toBe(false); // inbound skipped
  });

  it('names stubs by method, template and a short hash, uniquely', () => {
    expect(byId(stubs, 'e01').id).toMatch(/^get-v1-customers-customer-[0-9a-f]{6}$/);
    expect(byId(stubs, 'e17').id).toMatch(/^get-2010-04-01-accounts-account-messages-message-json-[0-9a-f]{6}$/);
    expect(new Set(stubs.map((s) => s.id)).size).toBe(stubs.length);
  });

  it('is deterministic: shuffled input gives byte-identical stubs', () => {
    const expected = serializeStubs(stubs);
    const shuffled = [...input];
    let seed = 7;
    for (let round = 0; round < 5; round++) {
      for (let i = shuffled.length - 1; i > 0; i--) {
        seed = (seed * 1103515245 + 12345) % 2 ** 31;
        const j = seed % (i + 1);
        [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
      }
      expect(serializeStubs(stubsFromExchanges(shuffled))).toBe(expected);
    }
    expect(JSON.stringify(stubsFromExchanges(input))).toBe(JSON.stringify(stubs));
  });

  it('groups by the spec operation when a resolver knows the request', () => {
    const specStubs = stubsFromExchanges(input.slice(0, 4), {
      resolveOperation: (method, path) =>
        method === 'GET' && /^\/v1\/customers\/[^/]+$/.test(path) ? { id: 'GetCustomersCustomer', pathTemplate: '/v1/customers/{id}' } : undefined,
    });
    const fb = fallbackFor(specStubs, 'GET', '/v1/customers/{id}');
    expect(fb.operation).toBe('GET /v1/customers/{id}');
    expect((fb.replies[0] as ResponseReply).echo).toEqual([{ from: 'path.id', to: '/id' }]);
    expect(specStubs.every((s) => s.operation === 'GET /v1/customers/{id}')).toBe(true);
    for (const { exchange, reply } of replay(specStubs, input.slice(0, 4))) expect(reply).toEqual(expectedReply(exchange));
  });

  it('produces stub sets the stub schema accepts', () => {
    expect(checkStubs(JSON.parse(serializeStubs(stubs)), 'stubs.json')).toHaveLength(stubs.length);
    expect(stubs.filter((s) => s.replies.some(isFault))).toHaveLength(2); // e11's stub and its fallback
  });
});

describe('stubsFromExchanges on generated traffic', () => {
  // A small deterministic generator of plausible traffic: ids, pages with cursors, writes with
  // timestamps and optional fields, repeated reads whose answers change, failures.
  function traffic(seed: number, n: number): Exchange[] {
    let state = seed;
    const rnd = (k: number): number => {
      state = (state * 1103515245 + 12345) % 2 ** 31;
      return (state >>> 16) % k; // the high bits: an LCG's low bits cycle quickly
    };
    const ids = ['cus_A1b2C3d4', 'cus_Q9w8E7r6', 'cus_Z0x9Y8w7', '12345678', '3f2504e0-4f89-11d3-9a0c-0305e82c3301'];
    const out: Exchange[] = [];
    for (let i = 0; i < n; i++) {
      const id = `g${String(i).padStart(3, '0')}`;
      const kind = rnd(6);
      const response = rnd(10) === 0 ? { error: { code: 'ETIMEDOUT', message: 'timeout' } } : { status: [200, 200, 200, 404, 429, 500][rnd(6)]!, body: { json: { n: i, v: rnd(3) } } };
      if (kind === 0) out.push(ex(id, 'GET', `/v1/things/${ids[rnd(ids.length)]}`, {}, response));
      else if (kind === 1) {
        const query: MultiMap = { limit: String([10, 20][rnd(2)]) };
        if (rnd(2)) query.cursor = `c${rnd(1000)}x${i}`;
        if (rnd(3) === 0) query.ts = String(1714550000 + i);
        out.push(ex(id, 'GET', '/v1/things', { query }, response));
      } else if (kind === 2) {
        const json: Record<string, unknown> = { email: ['a@x.io', 'b@x.io', 'c@x.io'][rnd(3)], sentAt: new Date(clock).toISOString() };
        if (rnd(2)) json.note = { text: ['n1', 'n2'][rnd(2)] };
        out.push(ex(id, 'POST', '/v1/things', { body: { json } }, response));
      } else if (kind === 3) {
        const form: MultiMap = { name: ['x', 'y'][rnd(2)]!, 'metadata[ts]': String(1714550000 + i) };
        if (rnd(2)) form.flag = 'on';
        out.push(ex(id, 'POST', `/v1/things/${ids[rnd(3)]}`, { body: { form } }, response));
      } else if (kind === 4) out.push(ex(id, 'GET', '/v1/things/search', { query: { q: ['red', 'blue'][rnd(2)]! } }, response));
      else out.push(ex(id, 'DELETE', `/v1/things/${ids[rnd(ids.length)]}/tags/${1 + rnd(3)}`, {}, response));
    }
    return out;
  }

  it('replays every request of 5 × 300 generated exchanges with its recorded response', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const input = traffic(seed, 300);
      const stubs = stubsFromExchanges(input);
      for (const { exchange, stub, reply } of replay(stubs, input)) {
        expect(stub.source, `seed ${seed} ${exchange.id}`).toContain(exchange.id);
        expect(reply, `seed ${seed} ${exchange.id}`).toEqual(expectedReply(exchange));
      }
      // the traffic exercises what it is meant to
      const text = JSON.stringify(stubs);
      expect(stubs.some((s) => s.replies.length > 2), `seed ${seed}: sequences`).toBe(true);
      expect(text).toContain('"cursor":{"present":true}');
      expect(text).toContain('"ts":{"present":true}');
      expect(text).toContain('"flag":{"present":false}');
      expect(text).toContain('"jsonSubset":{"email"');
      expect(text).not.toContain('sentAt');
      expect(stubs.some((s) => (s.priority ?? 5) < 5), `seed ${seed}: absent-field priorities`).toBe(true);
      expect(() => checkStubs(JSON.parse(serializeStubs(stubs)), 'generated.json')).not.toThrow();
      expect(serializeStubs(stubsFromExchanges([...input].reverse()))).toBe(serializeStubs(stubs));
    }
  });
});
