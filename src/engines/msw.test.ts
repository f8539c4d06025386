// The msw engine's own behaviour (what the parity test does not cover): handlers in a suite's own
// setupServer, other origins passing through, journal shape, setStubs/reset, node:http clients,
// and close() with hung requests open. Parity with the other engines: test/engine-parity.test.ts.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError, UsageError } from '../errors.js';
import type { Stub } from '../stubs/types.js';
import { Journal } from './journal.js';
import { createMswHandlers, DEFAULT_MSW_BASE_URL, startMsw } from './msw.js';

const stubs: Stub[] = [
  { id: 'get-customer', request: { method: 'GET', path: '/v1/customers/{customer}' }, replies: [{ status: 200, body: { json: { id: 'cus_1' } } }] },
  {
    id: 'create',
    request: { method: 'POST', path: '/v1/customers', body: { jsonSubset: { email: 'a@example.com' } } },
    replies: [{ status: 201, body: { json: { id: 'cus_new' } } }, { status: 409, body: { json: { error: 'duplicate' } } }],
  },
  { id: 'gzipped', request: { method: 'GET', path: '/gz' }, replies: [{ status: 200, headers: { 'content-type': 'text/plain', 'content-encoding': 'gzip' }, body: { text: 'zipped' } }] },
  { id: 'no-content', request: { method: 'DELETE', path: '/v1/customers/{customer}' }, replies: [{ status: 204 }] },
  { id: 'hang', request: { method: 'GET', path: '/hang' }, replies: [{ fault: 'hang' }] },
  { id: 'slow', request: { method: 'GET', path: '/slow' }, replies: [{ status: 200, delayMs: 10_000 }] },
];

// A real server on 127.0.0.1: requests to it must pass through msw untouched.
let upstream: http.Server;
let upstreamUrl: string;
beforeAll(async () => {
  upstream = http.createServer((req, res) => res.end(`real ${req.method} ${req.url}`));
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => upstream.close(resolve));
});

describe('createMswHandlers in a suite’s own setupServer', () => {
  it('answers from the stubs, journals like embedded, and lets other origins through', async () => {
    const journal = new Journal(100);
    const server = setupServer(...createMswHandlers(stubs, { baseUrl: 'https://api.partner.test', journal }));
    server.listen({ onUnhandledRequest: 'bypass' });
    try {
      const created = await fetch('https://api.partner.test/v1/customers?expand=a&expand=b', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-trace': 't1' },
        body: JSON.stringify({ email: 'a@example.com', name: 'A' }),
      });
      expect(created.status).toBe(201);
      expect(created.statusText).toBe('Created');
      expect(created.headers.get('x-seam-stub')).toBe('create');
      expect(created.headers.get('content-type')).toBe('application/json');
      expect(await created.text()).toBe('{"id":"cus_new"}');

      const miss = await fetch('https://api.partner.test/v1/customers/cus_1/cards');
      expect(miss.status).toBe(404);
      expect(miss.headers.get('x-seam-stub')).toBe('MISS');
      const missBody = (await miss.json()) as { error: string; near: { stubId: string; reasons: string[] }[] };
      expect(missBody.error).toBe('no stub matched');
      expect(missBody.near[0]!.stubId).toBe('get-customer');

      // Another origin is not ours: a real request to the real server.
      expect(await (await fetch(`${upstreamUrl}/ping`)).text()).toBe('real GET /ping');

      const [entry, missEntry] = journal.entries();
      expect(entry).toMatchObject({
        seq: 1,
        method: 'POST',
        path: '/v1/customers',
        query: { expand: ['a', 'b'] },
        body: { json: { email: 'a@example.com', name: 'A' } },
        stubId: 'create',
        replyIndex: 0,
        outcome: { status: 201 },
      });
      expect(entry!.headers['x-trace']).toBe('t1');
      expect(typeof entry!.at).toBe('number');
      expect(missEntry).toMatchObject({ seq: 2, path: '/v1/customers/cus_1/cards', stubId: null, outcome: { miss: true, status: 404 } });
      expect(journal.entries()).toHaveLength(2); // the pass-through request is not journaled
    } finally {
      server.close();
    }
  });
});

describe('startMsw', () => {
  it('rejects a base URL with a path, which stub paths could not address', async () => {
    await expect(startMsw({ stubs, baseUrl: 'https://api.partner.test/v1' })).rejects.toThrow(UsageError);
    await expect(startMsw({ stubs, baseUrl: 'not a url' })).rejects.toThrow(/not a URL/);
  });

  it('serves fetch and node:http clients, encodes gzip bodies, keeps counters across setStubs, resets them', async () => {
    const engine = await startMsw({ stubs });
    try {
      expect(engine.name).toBe('msw');
      expect(engine.url).toBe(DEFAULT_MSW_BASE_URL);

      const zipped = await fetch(`${engine.url}/gz`);
      expect(zipped.headers.get('content-encoding')).toBe('gzip');
      expect(await zipped.text()).toBe('zipped'); // decoded by the client, as off the wire

      const gone = await fetch(`${engine.url}/v1/customers/cus_1`, { method: 'DELETE' });
      expect(gone.status).toBe(204);
      expect(await gone.text()).toBe('');

      // node:http is intercepted too (raw bytes: http does not decode gzip).
      const viaHttp = await new Promise<{ status: number; stub: string; body: Buffer }>((resolve, reject) => {
        http.get(`${engine.url}/gz`, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode!, stub: String(res.headers['x-seam-stub']), body: Buffer.concat(chunks) }));
        }).on('error', reject);
      });
      expect(viaHttp.status).toBe(200);
      expect(viaHttp.stub).toBe('gzipped');
      expect(gunzipSync(viaHttp.body).toString()).toBe('zipped');

      const post = () => fetch(`${engine.url}/v1/customers`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"email":"a@example.com"}' });
      expect((await post()).status).toBe(201);
      await engine.setStubs(stubs.slice()); // same ids: the sequence goes on
      expect((await post()).status).toBe(409);
      await expect(engine.setStubs([stubs[0]!, stubs[0]!])).rejects.toThrow(InputError); // duplicate id
      expect((await post()).status).toBe(409); // the old set still serves
      await engine.reset();
      expect((await post()).status).toBe(201);

      expect(engine.stats()).toMatchObject({ total: 7, matched: 7, missed: 0 });
      await engine.resetJournal();
      expect(await engine.journal()).toEqual([]);
    } finally {
      await engine.close();
    }
  });

  it('close() resolves at once with hung and delayed requests open; they fail as network errors; interception stops', async () => {
    const engine = await startMsw({ stubs });
    const outcome = (path: string) =>
      fetch(`${engine.url}${path}`, { signal: AbortSignal.timeout(5000) }).then(
        (r) => `status ${r.status}`,
        (e: Error) => `${e.name}: ${e.message}`,
      );
    const hung = outcome('/hang');
    const slow = outcome('/slow');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await engine.journal()).map((e) => e.outcome)).toEqual([{ fault: 'hang' }, { status: 200 }]);
    const started = performance.now();
    await engine.close();
    await engine.close(); // idempotent
    expect(await hung).toBe('TypeError: Failed to fetch');
    expect(await slow).toBe('TypeError: Failed to fetch');
    expect(performance.now() - started).toBeLessThan(500);
    // No longer intercepting: a local request is real again.
    expect(await (await fetch(`${upstreamUrl}/after`)).text()).toBe('real GET /after');
  });
});
