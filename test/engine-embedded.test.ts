// The embedded engine end to end: a real server on 127.0.0.1 and real clients (undici, node:http).
// Every fault is observed the way a connector would see it; the journal is read back exactly.
import http from 'node:http';
import { gunzipSync } from 'node:zlib';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbedded, type EmbeddedEngine } from '../src/engines/embedded.js';
import { InputError } from '../src/errors.js';
import type { Stub } from '../src/stubs/types.js';

const STUBS: Stub[] = [
  {
    id: 'get-customer',
    request: { method: 'GET', path: '/v1/customers/{customer}' },
    replies: [
      {
        status: 200,
        headers: { 'request-id': 'req_1', 'set-cookie': ['a=1', 'b=2'] },
        body: { json: { id: 'cus_0', object: 'customer' } },
        echo: [{ from: 'path.customer', to: '/id' }],
      },
    ],
  },
  { id: 'search-customers', priority: 9, request: { method: 'GET', path: '/v1/customers/search' }, replies: [{ status: 200, body: { json: { object: 'search_result' } } }] },
  {
    id: 'create-customer',
    request: { method: 'POST', path: '/v1/customers', body: { jsonSubset: { email: 'a@example.com' } } },
    replies: [
      { status: 200, body: { json: { id: 'cus_new' } }, echo: [{ from: 'body/email', to: '/email' }, { from: 'query.expand', to: '/expand' }] },
    ],
  },
  { id: 'list-low', priority: 1, request: { method: 'GET', path: '/v1/charges' }, replies: [{ status: 200, body: { json: { data: [] } } }] },
  { id: 'list-default', request: { method: 'GET', path: '/v1/charges' }, replies: [{ status: 500 }] },
  {
    id: 'sequence',
    request: { method: 'POST', path: '/v1/payments', headers: { 'idempotency-key': { present: true } } },
    replies: [{ status: 500, body: { json: { error: 'first' } } }, { status: 503, headers: { 'retry-after': '1' } }, { status: 201, body: { json: { id: 'pay_1' } } }],
  },
  { id: 'text', request: { method: 'GET', path: '/text' }, replies: [{ status: 200, body: { text: 'hello' } }] },
  { id: 'form', request: { method: 'GET', path: '/form' }, replies: [{ status: 200, body: { form: { a: '1', b: ['2', '3'] } } }] },
  { id: 'binary', request: { method: 'GET', path: '/binary' }, replies: [{ status: 200, body: { base64: Buffer.from([0, 1, 2, 255]).toString('base64'), contentType: 'image/png' } }] },
  { id: 'own-type', request: { method: 'GET', path: '/own-type' }, replies: [{ status: 200, headers: { 'Content-Type': 'application/vnd.api+json', 'content-length': '999' }, body: { json: { ok: true } } }] },
  { id: 'gzip', request: { method: 'GET', path: '/gzip' }, replies: [{ status: 200, headers: { 'content-encoding': 'gzip' }, body: { json: { zipped: true } } }] },
  { id: 'delayed', request: { method: 'GET', path: '/slow' }, replies: [{ status: 204, delayMs: 150 }] },
  { id: 'delayed-reset', request: { method: 'GET', path: '/slow-reset' }, replies: [{ fault: 'reset', delayMs: 120 }] },
  { id: 'reset', request: { method: 'GET', path: '/fault/reset' }, replies: [{ fault: 'reset' }] },
  { id: 'empty', request: { method: 'GET', path: '/fault/empty' }, replies: [{ fault: 'empty' }] },
  { id: 'malformed', request: { method: 'GET', path: '/fault/malformed-chunk' }, replies: [{ fault: 'malformed-chunk' }] },
  { id: 'truncated', request: { method: 'GET', path: '/fault/truncated' }, replies: [{ fault: 'truncated' }] },
  { id: 'hang', request: { method: 'GET', path: '/fault/hang' }, replies: [{ fault: 'hang' }] },
  { id: 'fault-then-ok', request: { method: 'GET', path: '/flaky' }, replies: [{ fault: 'reset' }, { status: 200, body: { json: { ok: true } } }] },
];

let engine: EmbeddedEngine;
let startMs: number;

beforeAll(async () => {
  const t0 = performance.now();
  engine = await startEmbedded({ stubs: STUBS });
  startMs = performance.now() - t0;
});
afterAll(async () => engine.close());

async function get(path: string, options: Parameters<typeof request>[1] = {}) {
  const response = await request(engine.url + path, options);
  const bytes = Buffer.from(await response.body.arrayBuffer());
  return { status: response.statusCode, headers: response.headers, bytes, text: bytes.toString('utf8') };
}

/** One request through node:http; resolves with what the client saw (status, bytes, or the error). */
function nodeGet(path: string): Promise<{ status?: number; received: number; error?: NodeJS.ErrnoException; aborted?: boolean }> {
  return new Promise((resolve) => {
    let status: number | undefined;
    let received = 0;
    const req = http.get(engine.url + path, { agent: false }, (res) => {
      status = res.statusCode!;
      res.on('data', (chunk: Buffer) => (received += chunk.length));
      res.on('end', () => resolve({ status, received }));
      res.on('error', (error) => resolve({ status, received, error, aborted: true }));
    });
    // A parse error after the head reaches the request, not the response.
    req.on('error', (error) => resolve({ ...(status !== undefined && { status, aborted: true }), received, error }));
  });
}

describe('startup', () => {
  it('starts in well under 100 ms', () => {
    console.log(`embedded engine startup: ${startMs.toFixed(2)} ms (engine's own figure ${engine.startupMs} ms)`);
    expect(startMs).toBeLessThan(100);
    expect(engine.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(engine.name).toBe('embedded');
  });
});

describe('responses', () => {
  it('serves status, repeated headers, a typed body and x-seam-stub, echoing a path parameter', async () => {
    const r = await get('/v1/customers/cus_42');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('application/json');
    expect(r.headers['request-id']).toBe('req_1');
    expect(r.headers['set-cookie']).toEqual(['a=1', 'b=2']);
    expect(r.headers['x-seam-stub']).toBe('get-customer');
    expect(r.headers['content-length']).toBe(String(r.bytes.length));
    expect(JSON.parse(r.text)).toEqual({ id: 'cus_42', object: 'customer' });
  });

  it('echoes request body fields and query values', async () => {
    const r = await get('/v1/customers?expand=sources', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'a@example.com', name: 'A' }) });
    expect(r.status).toBe(200);
    expect(r.headers['x-seam-stub']).toBe('create-customer');
    expect(JSON.parse(r.text)).toEqual({ id: 'cus_new', email: 'a@example.com', expand: 'sources' });
  });

  it('sets content-type from the body type unless the stub has one; frames the body itself', async () => {
    expect((await get('/text')).headers['content-type']).toBe('text/plain');
    expect((await get('/text')).text).toBe('hello');
    const form = await get('/form');
    expect(form.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(form.text).toBe('a=1&b=2&b=3');
    const binary = await get('/binary');
    expect(binary.headers['content-type']).toBe('image/png');
    expect([...binary.bytes]).toEqual([0, 1, 2, 255]);
    const own = await get('/own-type');
    expect(own.headers['content-type']).toBe('application/vnd.api+json');
    expect(own.headers['content-length']).toBe('11'); // the stub's 999 is ignored
    expect(own.text).toBe('{"ok":true}');
  });

  it('encodes the body when the stub declares a content-encoding (stored bodies are decoded)', async () => {
    const r = await get('/gzip');
    expect(r.headers['content-encoding']).toBe('gzip');
    expect(JSON.parse(gunzipSync(r.bytes).toString('utf8'))).toEqual({ zipped: true });
  });

  it('a literal path beats a template even at a worse priority; then the lower priority wins', async () => {
    const search = await get('/v1/customers/search');
    expect(search.headers['x-seam-stub']).toBe('search-customers');
    expect(JSON.parse(search.text)).toEqual({ object: 'search_result' });
    const list = await get('/v1/charges');
    expect(list.status).toBe(200);
    expect(list.headers['x-seam-stub']).toBe('list-low');
  });

  it('serves a sequence in order, then repeats the last reply; reset() starts it again', async () => {
    const post = () => get('/v1/payments', { method: 'POST', headers: { 'idempotency-key': 'k1' } });
    const seen = [];
    for (let i = 0; i < 4; i++) {
      const r = await post();
      seen.push([r.status, r.headers['x-seam-stub'], r.headers['retry-after'] ?? null, r.text]);
    }
    expect(seen).toEqual([
      [500, 'sequence', null, '{"error":"first"}'],
      [503, 'sequence', '1', ''],
      [201, 'sequence', null, '{"id":"pay_1"}'],
      [201, 'sequence', null, '{"id":"pay_1"}'],
    ]);
    await engine.reset();
    expect((await post()).status).toBe(500);
  });

  it('accepts an absolute-form request target (the mock used as a proxy)', async () => {
    const seen = await new Promise<{ status: number; stub: string | string[] | undefined }>((resolve, reject) => {
      const port = Number(new URL(engine.url).port);
      http
        .get({ host: '127.0.0.1', port, path: 'http://api.partner.test/v1/customers/cus_9', agent: false }, (res) => {
          res.resume();
          res.on('end', () => resolve({ status: res.statusCode!, stub: res.headers['x-seam-stub'] }));
        })
        .on('error', reject);
    });
    expect(seen).toEqual({ status: 200, stub: 'get-customer' });
  });

  it('an unmatched request gets a 404 naming the closest stubs and why', async () => {
    const r = await get('/v1/payments', { method: 'POST' });
    expect(r.status).toBe(404);
    expect(r.headers['x-seam-stub']).toBe('MISS');
    expect(r.headers['content-type']).toBe('application/json');
    const body = JSON.parse(r.text);
    expect(body.error).toBe('no stub matched');
    expect(body.request).toEqual({ method: 'POST', path: '/v1/payments' });
    expect(body.near[0]).toEqual({ stubId: 'sequence', reasons: ['header "idempotency-key" is missing'] });
    expect(body.near).toHaveLength(3);
  });
});

describe('delays', () => {
  it('waits at least delayMs before answering', async () => {
    const t0 = performance.now();
    const r = await get('/slow');
    const elapsed = performance.now() - t0;
    expect(r.status).toBe(204);
    expect(r.headers['x-seam-stub']).toBe('delayed');
    expect(elapsed).toBeGreaterThanOrEqual(149);
  });

  it('waits before a fault too', async () => {
    const t0 = performance.now();
    await expect(get('/slow-reset')).rejects.toMatchObject({ code: 'ECONNRESET' });
    expect(performance.now() - t0).toBeGreaterThanOrEqual(119);
  });
});

describe('faults, as the client sees them', () => {
  it('reset: the connection is reset (ECONNRESET), no response', async () => {
    await expect(get('/fault/reset')).rejects.toMatchObject({ code: 'ECONNRESET' });
    const seen = await nodeGet('/fault/reset');
    expect(seen.status).toBeUndefined();
    expect(seen.error?.code).toBe('ECONNRESET');
  });

  it('empty: closed without a byte (undici: other side closed; node: socket hang up)', async () => {
    await expect(get('/fault/empty')).rejects.toMatchObject({ code: 'UND_ERR_SOCKET', message: 'other side closed' });
    const seen = await nodeGet('/fault/empty');
    expect(seen.status).toBeUndefined();
    expect(seen.error?.message).toBe('socket hang up');
  });

  it('malformed-chunk: a 200 head, then a chunk-size parse error', async () => {
    const response = await request(engine.url + '/fault/malformed-chunk');
    expect(response.statusCode).toBe(200);
    expect(response.headers['transfer-encoding']).toBe('chunked');
    expect(response.headers['x-seam-stub']).toBe('malformed');
    await expect(response.body.text()).rejects.toThrow(/Invalid character in chunk size/);
    const seen = await nodeGet('/fault/malformed-chunk');
    expect(seen.status).toBe(200);
    expect(seen.aborted).toBe(true);
    expect(seen.received).toBe(0);
    expect(seen.error?.code).toBe('HPE_INVALID_CHUNK_SIZE');
  });

  it('truncated: content-length 1024, 20 bytes, then close', async () => {
    const response = await request(engine.url + '/fault/truncated');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-length']).toBe('1024');
    expect(response.headers['x-seam-stub']).toBe('truncated');
    await expect(response.body.text()).rejects.toMatchObject({ code: 'UND_ERR_SOCKET' });
    const seen = await nodeGet('/fault/truncated');
    expect(seen.status).toBe(200);
    expect(seen.aborted).toBe(true);
    expect(seen.received).toBe(20);
    expect(seen.error?.message).toBe('aborted');
  });

  it('hang: the client timeout fires; nothing is ever sent', async () => {
    const t0 = performance.now();
    await expect(request(engine.url + '/fault/hang', { headersTimeout: 200 })).rejects.toMatchObject({ code: 'UND_ERR_HEADERS_TIMEOUT' });
    expect(performance.now() - t0).toBeGreaterThanOrEqual(190);
  });

  it('a fault then a response: the sequence applies to faults as well', async () => {
    await expect(get('/flaky')).rejects.toMatchObject({ code: 'ECONNRESET' });
    expect((await get('/flaky')).status).toBe(200);
  });
});

describe('journal', () => {
  it('records one exact entry per request, with typed bodies, lower-case headers and outcomes', async () => {
    await engine.resetJournal();
    await engine.reset();
    await get('/v1/customers/cus_7?expand=a&expand=b', { headers: { 'X-Trace': 't1' } });
    await get('/v1/customers', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"email":"a@example.com"}' });
    await expect(get('/fault/reset')).rejects.toMatchObject({ code: 'ECONNRESET' });
    await get('/nowhere', { method: 'DELETE' });
    const entries = await engine.journal();
    expect(entries.map(({ seq, method, path, query, stubId, replyIndex, outcome, body }) => ({ seq, method, path, query, stubId, replyIndex, outcome, body }))).toEqual([
      { seq: 1, method: 'GET', path: '/v1/customers/cus_7', query: { expand: ['a', 'b'] }, stubId: 'get-customer', replyIndex: 0, outcome: { status: 200 }, body: undefined },
      { seq: 2, method: 'POST', path: '/v1/customers', query: {}, stubId: 'create-customer', replyIndex: 0, outcome: { status: 200 }, body: { json: { email: 'a@example.com' } } },
      { seq: 3, method: 'GET', path: '/fault/reset', query: {}, stubId: 'reset', replyIndex: 0, outcome: { fault: 'reset' }, body: undefined },
      { seq: 4, method: 'DELETE', path: '/nowhere', query: {}, stubId: null, replyIndex: undefined, outcome: { miss: true, status: 404 }, body: undefined },
    ]);
    expect(entries[0]!.headers['x-trace']).toBe('t1');
    expect(entries[0]!.headers.host).toBe(engine.url.slice('http://'.length));
    expect('replyIndex' in entries[3]!).toBe(false);
    // `at`: ms since start, increasing, sub-ms resolution
    const ats = entries.map((e) => e.at);
    expect([...ats].sort((a, b) => a - b)).toEqual(ats);
    expect(ats.some((at) => !Number.isInteger(at))).toBe(true);
    expect(engine.stats()).toMatchObject({ total: 4, matched: 3, missed: 1, faults: 1, dropped: 0 });
  });

  it('is bounded: keeps the newest entries up to the limit while the counters keep counting', async () => {
    const small = await startEmbedded({ stubs: STUBS, journalLimit: 5 });
    try {
      for (let i = 1; i <= 12; i++) await request(`${small.url}/text?i=${i}`).then((r) => r.body.text());
      const entries = await small.journal();
      expect(entries.map((e) => e.seq)).toEqual([8, 9, 10, 11, 12]);
      expect(entries.map((e) => e.query.i)).toEqual(['8', '9', '10', '11', '12']);
      expect(small.stats()).toEqual({ total: 12, matched: 12, missed: 0, faults: 0, dropped: 7, limit: 5 });
      await small.resetJournal();
      expect(await small.journal()).toEqual([]);
      await request(`${small.url}/text`).then((r) => r.body.text());
      expect((await small.journal()).map((e) => e.seq)).toEqual([1]);
    } finally {
      await small.close();
    }
  });

  it('reports each entry to onEntry as it is recorded', async () => {
    const seen: string[] = [];
    const logged = await startEmbedded({ stubs: STUBS, onEntry: (e) => seen.push(`${e.method} ${e.path} ${e.stubId ?? 'MISS'} ${JSON.stringify(e.outcome)}`) });
    try {
      await request(`${logged.url}/text`).then((r) => r.body.text());
      await request(`${logged.url}/missing`).then((r) => r.body.text());
      expect(seen).toEqual(['GET /text text {"status":200}', 'GET /missing MISS {"miss":true,"status":404}']);
    } finally {
      await logged.close();
    }
  });
});

describe('lifecycle', () => {
  it('close() returns promptly with hung and delayed requests open, and cuts them', async () => {
    const own = await startEmbedded({ stubs: [...STUBS, { id: 'very-slow', request: { method: 'GET', path: '/very-slow' }, replies: [{ status: 200, delayMs: 60_000 }] }] });
    const hung = request(`${own.url}/fault/hang`).then(
      () => 'answered',
      (error: { code?: string }) => error.code,
    );
    const slow = request(`${own.url}/very-slow`).then(
      () => 'answered',
      (error: { code?: string }) => error.code,
    );
    await new Promise((resolve) => setTimeout(resolve, 50)); // both requests are in
    expect((await own.journal()).map((e) => e.stubId)).toEqual(['hang', 'very-slow']);
    const t0 = performance.now();
    await own.close();
    expect(performance.now() - t0).toBeLessThan(500);
    expect(await hung).toBe('UND_ERR_SOCKET');
    expect(await slow).toBe('UND_ERR_SOCKET');
    await own.close(); // idempotent
  });

  it('setStubs swaps the stub set; a bad set is rejected and the old one keeps serving', async () => {
    const own = await startEmbedded({ stubs: [{ id: 'a', request: { method: 'GET', path: '/a' }, replies: [{ status: 200 }, { status: 201 }] }] });
    try {
      expect((await request(`${own.url}/a`)).statusCode).toBe(200);
      await expect(own.setStubs([{ id: 'b', request: { method: 'GET', path: '/b', query: { x: { matches: '(' } } }, replies: [{ status: 200 }] }])).rejects.toThrow(InputError);
      expect((await request(`${own.url}/a`)).statusCode).toBe(201);
      await own.setStubs([
        { id: 'a', request: { method: 'GET', path: '/a' }, replies: [{ status: 200 }, { status: 202 }] },
        { id: 'b', request: { method: 'GET', path: '/b' }, replies: [{ status: 204 }] },
      ]);
      // `a` keeps its counter across the swap; `b` is new
      expect((await request(`${own.url}/a`)).statusCode).toBe(202);
      expect((await request(`${own.url}/b`)).statusCode).toBe(204);
    } finally {
      await own.close();
    }
  });

  it('hands /__seam/ requests to the admin handler, unjournaled', async () => {
    const own = await startEmbedded({
      stubs: STUBS,
      admin: (req, res) => {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end(`admin ${req.url}`);
      },
    });
    try {
      const r = await request(`${own.url}/__seam/stubs`);
      expect(await r.body.text()).toBe('admin /__seam/stubs');
      expect(await own.journal()).toEqual([]);
    } finally {
      await own.close();
    }
  });
});
