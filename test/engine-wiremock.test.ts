// The wiremock engine against the real WireMock 3.13 jar on the local Java. One JVM for the whole
// file: the engine writes the generated mappings into its root dir and WireMock loads them from
// there exactly as a stock WireMock with `--root-dir` does.
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mappingId } from '../src/engines/wiremock-mappings.js';
import { startWireMock, type WireMockEngine } from '../src/engines/wiremock.js';
import type { Stub } from '../src/stubs/types.js';

const large = { items: Array.from({ length: 800 }, (_, i) => ({ id: `item_${i}`, note: 'x'.repeat(20) })) };
const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0xff]);

const stubs: Stub[] = [
  {
    id: 'get-customer',
    request: { method: 'GET', path: '/v1/customers/{customer}' },
    replies: [{ status: 200, headers: { 'content-type': 'application/json', 'set-cookie': ['a=1', 'b=2'] }, body: { json: { id: 'cus_1', object: 'customer' } } }],
  },
  {
    id: 'list-events',
    request: { method: 'GET', path: '/v1/events', query: { cursor: { present: true }, debug: { present: false } } },
    replies: [{ status: 200, body: { json: { data: [] } } }],
  },
  { id: 'search-customers', request: { method: 'GET', path: '/v1/customers/search' }, replies: [{ status: 200, headers: { 'content-type': 'text/plain' }, body: { text: 'search results' } }] },
  {
    id: 'list-paged',
    request: { method: 'GET', path: '/v1/charges', query: { limit: { equals: '10' }, starting_after: { matches: 'ch_[0-9]+' } } },
    replies: [{ status: 200, body: { json: { data: [], has_more: false } } }],
  },
  {
    id: 'create-customer',
    request: { method: 'POST', path: '/v1/customers', body: { jsonSubset: { email: 'a@example.com' } } },
    replies: [
      { status: 201, headers: { 'content-type': 'application/json' }, body: { json: { id: 'cus_new' } } },
      { status: 409, headers: { 'content-type': 'application/json' }, body: { json: { error: 'duplicate' } } },
    ],
  },
  { id: 'large', request: { method: 'GET', path: '/large' }, replies: [{ status: 200, headers: { 'content-type': 'application/json' }, body: { json: large } }] },
  { id: 'png', request: { method: 'GET', path: '/logo.png' }, replies: [{ status: 200, headers: { 'content-type': 'image/png' }, body: { base64: png.toString('base64'), contentType: 'image/png' } }] },
  { id: 'slow', request: { method: 'GET', path: '/slow' }, replies: [{ status: 204, delayMs: 300 }] },
  {
    id: 'echo-user',
    request: { method: 'POST', path: '/v1/users/{user}' },
    replies: [{ status: 200, headers: { 'content-type': 'application/json' }, body: { json: { id: 'x', object: 'user', profile: {} } }, echo: [{ from: 'path.user', to: '/id' }, { from: 'body/email', to: '/profile/email' }] }],
  },
  { id: 'reset', request: { method: 'GET', path: '/fault/reset' }, replies: [{ fault: 'reset' }] },
  { id: 'empty', request: { method: 'GET', path: '/fault/empty' }, replies: [{ fault: 'empty' }] },
  { id: 'malformed', request: { method: 'GET', path: '/fault/malformed' }, replies: [{ fault: 'malformed-chunk' }] },
  { id: 'truncated', request: { method: 'GET', path: '/fault/truncated' }, replies: [{ fault: 'truncated' }] },
  { id: 'hang', request: { method: 'GET', path: '/fault/hang' }, replies: [{ fault: 'hang' }] },
];

let engine: WireMockEngine;

beforeAll(async () => {
  engine = await startWireMock({ stubs });
  // Measured start (spawn → healthy admin API), for the report.
  console.log(`wiremock engine started in ${engine.startMs.toFixed(0)} ms (pid ${engine.pid})`);
}, 60_000);

afterAll(async () => {
  await engine?.close();
}, 20_000);

async function get(path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${engine.url}${path}`, { signal: AbortSignal.timeout(5000), ...init });
}

/** What a fetch client sees: the error's cause code, or "ok" with the body. */
async function clientSees(path: string, timeoutMs = 5000): Promise<string> {
  try {
    const response = await fetch(`${engine.url}${path}`, { signal: AbortSignal.timeout(timeoutMs) });
    await response.arrayBuffer();
    return `ok ${response.status}`;
  } catch (error) {
    const e = error as Error & { cause?: { code?: string } };
    return e.name === 'TimeoutError' ? 'timeout' : `${e.message}: ${e.cause?.code}`;
  }
}

describe('wiremock engine serving generated mappings', () => {
  it('loaded the generated files from its own root dir', async () => {
    expect((await readdir(`${engine.rootDir}/mappings`)).length).toBe(stubs.length);
    expect(await readdir(`${engine.rootDir}/__files`)).toEqual(['large.0.json', 'png.0.bin']);
  });

  it('serves status, repeated headers, x-seam-stub and the exact JSON body through a path template', async () => {
    const response = await get('/v1/customers/cus_123');
    expect(response.status).toBe(200);
    expect(response.headers.get('x-seam-stub')).toBe('get-customer');
    expect(response.headers.get('matched-stub-id')).toBe(mappingId('get-customer', 0));
    expect(response.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.text()).toBe('{"id":"cus_1","object":"customer"}');
  });

  it('prefers the literal path over the template', async () => {
    const response = await get('/v1/customers/search');
    expect(response.headers.get('x-seam-stub')).toBe('search-customers');
    expect(await response.text()).toBe('search results');
  });

  it('matches query parameters exactly and by pattern', async () => {
    expect((await get('/v1/charges?limit=10&starting_after=ch_42')).status).toBe(200);
    expect((await get('/v1/charges?limit=10&starting_after=cus_42')).status).toBe(404);
    expect((await get('/v1/charges?limit=11&starting_after=ch_42')).status).toBe(404);
  });

  it('matches a query parameter by presence and by absence', async () => {
    expect((await get('/v1/events?cursor=evt_9')).status).toBe(200);
    expect((await get('/v1/events?cursor=')).status).toBe(200);
    expect((await get('/v1/events')).status).toBe(404);
    expect((await get('/v1/events?cursor=evt_9&debug=1')).status).toBe(404);
  });

  it('serves __files bodies byte for byte', async () => {
    const json = await get('/large');
    expect(await json.text()).toBe(JSON.stringify(large));
    const bin = await get('/logo.png');
    expect(bin.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await bin.arrayBuffer())).toEqual(png);
  });

  it('echoes a path parameter and a body field', async () => {
    const response = await get('/v1/users/u_42', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'e@x.io', name: 'E' }) });
    expect(await response.json()).toEqual({ id: 'u_42', object: 'user', profile: { email: 'e@x.io' } });
  });

  it('delays a reply', async () => {
    const started = performance.now();
    expect((await get('/slow')).status).toBe(204);
    expect(performance.now() - started).toBeGreaterThanOrEqual(280);
  });

  it('gives each fault its client-visible effect', async () => {
    expect(await clientSees('/fault/reset')).toBe('fetch failed: ECONNRESET');
    expect(await clientSees('/fault/empty')).toBe('fetch failed: UND_ERR_SOCKET');
    expect(await clientSees('/fault/malformed')).toBe('terminated: HPE_INVALID_CHUNK_SIZE');
    expect(await clientSees('/fault/truncated')).toBe('terminated: UND_ERR_SOCKET');
    expect(await clientSees('/fault/hang', 400)).toBe('timeout');
  });

  it('serves a JSON-subset write as a sequence 1 → 2 → 2, back to 1 after reset()', async () => {
    const post = (body: unknown) => get('/v1/customers', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await post({ name: 'A', email: 'b@example.com' })).status).toBe(404);
    const statuses = [];
    for (let i = 0; i < 3; i++) {
      const response = await post({ name: 'A', email: 'a@example.com', extra: [1, 2] });
      statuses.push(`${response.status} ${await response.text()}`);
    }
    expect(statuses).toEqual(['201 {"id":"cus_new"}', '409 {"error":"duplicate"}', '409 {"error":"duplicate"}']);
    await engine.reset();
    expect((await post({ email: 'a@example.com' })).status).toBe(201);
  });
});

describe('wiremock engine journal', () => {
  it('maps WireMock’s request log to Seam journal entries, oldest first', async () => {
    await engine.resetJournal();
    expect(await engine.journal()).toEqual([]);
    await (await get('/v1/customers/cus_9?expand=a&expand=b', { headers: { 'X-Trace': 't1' } })).text();
    await (await get('/v1/customers', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"email":"a@example.com"}' })).text();
    await (await get('/nowhere')).text();
    await clientSees('/fault/reset');
    const journal = await engine.journal();
    expect(journal.map((e) => [e.seq, e.method, e.path, e.stubId, e.replyIndex, e.outcome])).toEqual([
      [1, 'GET', '/v1/customers/cus_9', 'get-customer', 0, { status: 200 }],
      // the scenario was reset by the previous test and advanced once there
      [2, 'POST', '/v1/customers', 'create-customer', 1, { status: 409 }],
      [3, 'GET', '/nowhere', null, undefined, { miss: true, status: 404 }],
      [4, 'GET', '/fault/reset', 'reset', 0, { fault: 'reset' }],
    ]);
    expect(journal[0]!.query).toEqual({ expand: ['a', 'b'] });
    expect(journal[0]!.headers['x-trace']).toBe('t1');
    expect(journal[1]!.body).toEqual({ json: { email: 'a@example.com' } });
    expect(journal[0]!.at).toBeGreaterThan(0);
    expect(journal[3]!.at).toBeGreaterThanOrEqual(journal[0]!.at);
  });

  it('replaces the stub set with setStubs', async () => {
    await engine.setStubs([{ id: 'only', request: { method: 'GET', path: '/only' }, replies: [{ status: 200, body: { text: 'only' } }] }]);
    const response = await get('/only');
    expect([response.status, response.headers.get('x-seam-stub'), await response.text()]).toEqual([200, 'only', 'only']);
    expect((await get('/v1/customers/search')).status).toBe(404);
    expect(await readdir(`${engine.rootDir}/__files`)).toEqual([]);
  });
});

describe('wiremock engine close', () => {
  it('stops the JVM by PID and removes its root dir, promptly even with a hung request open', async () => {
    await engine.setStubs(stubs);
    const hung = clientSees('/fault/hang', 10_000);
    await new Promise((r) => setTimeout(r, 100));
    const started = performance.now();
    await engine.close();
    const ms = performance.now() - started;
    console.log(`wiremock engine closed in ${ms.toFixed(0)} ms`);
    expect(ms).toBeLessThan(5000);
    expect(() => process.kill(engine.pid!, 0)).toThrow();
    expect(existsSync(engine.rootDir)).toBe(false);
    expect(await hung).not.toBe('ok 200');
    await engine.close(); // idempotent
  }, 15_000);
});
