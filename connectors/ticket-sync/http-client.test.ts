// The retry loop against a scripted fetch: attempts, waits (fixed random source, recorded sleeps),
// the Idempotency-Key on each attempt, the one renewal on 401, and paginator resumption.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { alwaysClosed } from './circuit-breaker.js';
import { resumingPages, ticketPages } from './helpdesk.js';
import { createHttpClient, HttpStatusError, RetriesExhaustedError, type Authenticator } from './http-client.js';
import { createLogger } from './logger.js';
import { CORRECT_PARTS } from './parts.js';
import { partsFor } from './variants.js';

type Scripted = { status: number; body?: unknown; headers?: Record<string, string> } | 'reset';

function harness(script: Scripted[], options: { auth?: Authenticator; maxAttempts?: number; variant?: string } = {}) {
  const sent: { url: string; headers: Record<string, string> }[] = [];
  const waits: number[] = [];
  const lines: string[] = [];
  const fetch = (async (url: URL, init: RequestInit) => {
    sent.push({ url: url.pathname + url.search, headers: init.headers as Record<string, string> });
    const next = script.shift() ?? { status: 200, body: {} };
    if (next === 'reset') throw new TypeError('fetch failed', { cause: { code: 'ECONNRESET' } });
    return new Response(next.body === undefined ? null : JSON.stringify(next.body), {
      status: next.status,
      headers: { 'content-type': 'application/json', ...next.headers },
    });
  }) as unknown as typeof globalThis.fetch;
  const client = createHttpClient({
    partner: 'tracker',
    baseUrl: 'http://tracker.test/',
    auth: options.auth,
    policy: { timeoutMs: 1000, maxAttempts: options.maxAttempts ?? 4, backoff: { baseMs: 100, maxMs: 1000 } },
    breaker: alwaysClosed(),
    parts: options.variant ? partsFor(options.variant) : CORRECT_PARTS,
    log: createLogger((l) => lines.push(l)),
    random: () => 0.5,
    now: () => Date.parse('Sun, 06 Nov 1994 08:49:37 GMT'),
    sleep: async (ms) => void waits.push(ms),
    fetch,
  });
  return { client, sent, waits, lines };
}

const create = (key: () => string) => ({ operation: 'POST /v1/issues', method: 'POST' as const, path: '/v1/issues', json: { a: 1 }, idempotencyKey: key });

describe('createHttpClient', () => {
  it('retries 5xx and resets with half the full-jitter ceiling each time (random 0.5), reusing the Idempotency-Key', async () => {
    const h = harness([{ status: 503 }, 'reset', { status: 500 }, { status: 201, body: { id: 'TRK-1' } }]);
    const response = await h.client.request(create(CORRECT_PARTS.idempotencyKeys('key-1')));
    expect(response.status).toBe(201);
    expect(response.body).toEqual({ id: 'TRK-1' });
    expect(h.waits).toEqual([50, 100, 200]);
    expect(h.sent.map((s) => s.headers['idempotency-key'])).toEqual(['key-1', 'key-1', 'key-1', 'key-1']);
    expect(h.lines[1]).toBe('{"level":"warn","event":"http.retry","partner":"tracker","operation":"POST /v1/issues","attempt":2,"failure":"network error ECONNRESET","waitMs":100}');
  });

  it('the new-idempotency-key-per-retry variant sends a fresh key on each attempt', async () => {
    const h = harness([{ status: 503 }, { status: 201, body: {} }], { variant: 'new-idempotency-key-per-retry' });
    await h.client.request(create(partsFor('new-idempotency-key-per-retry').idempotencyKeys('key-1')));
    const [first, second] = h.sent.map((s) => s.headers['idempotency-key']);
    expect(first).not.toBe(second);
  });

  it('waits at least Retry-After, in seconds and as an HTTP-date', async () => {
    const h = harness([
      { status: 429, headers: { 'retry-after': '2' } },
      { status: 503, headers: { 'retry-after': 'Sun, 06 Nov 1994 08:49:40 GMT' } },
      { status: 429, headers: { 'retry-after': 'later' } },
      { status: 200, body: {} },
    ]);
    await h.client.request({ operation: 'GET /v1/issues', method: 'GET', path: '/v1/issues' });
    expect(h.waits).toEqual([2000, 3000, 200]);
  });

  it('does not retry a 400 (the retries-400 variant does)', async () => {
    const h = harness([{ status: 400, body: { error: { code: 'invalid_json', message: 'the body is not JSON' } } }]);
    const error = await h.client.request(create(() => 'k')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpStatusError);
    expect((error as Error).message).toBe('POST /v1/issues answered 400: invalid_json — the body is not JSON');
    expect(h.sent).toHaveLength(1);

    const defective = harness([{ status: 400 }, { status: 201, body: {} }], { variant: 'retries-400' });
    await defective.client.request(create(() => 'k'));
    expect(defective.sent).toHaveLength(2);
  });

  it('stops after maxAttempts with the last failure', async () => {
    const h = harness([{ status: 502 }, { status: 502 }, { status: 502 }, { status: 504 }, { status: 200 }]);
    const error = await h.client.request({ operation: 'GET /v1/issues', method: 'GET', path: '/v1/issues' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetriesExhaustedError);
    expect((error as Error).message).toBe('GET /v1/issues failed after 4 attempts (last: 504)');
    expect(h.sent).toHaveLength(4);
    expect(h.waits).toEqual([50, 100, 200]);
  });

  it('treats a 2xx with a malformed JSON body as a failed attempt', async () => {
    let calls = 0;
    const client = createHttpClient({
      partner: 'helpdesk', baseUrl: 'http://h.test', policy: { timeoutMs: 1000, maxAttempts: 3, backoff: { baseMs: 10, maxMs: 10 } },
      breaker: alwaysClosed(), parts: CORRECT_PARTS, log: createLogger(() => {}), random: () => 0, now: Date.now, sleep: async () => {},
      fetch: (async () => new Response(++calls === 1 ? '{"tickets": [' : '{"ok":true}', { headers: { 'content-type': 'application/json' } })) as unknown as typeof fetch,
    });
    expect((await client.request({ operation: 'GET /x', method: 'GET', path: '/x' })).body).toEqual({ ok: true });
    expect(calls).toBe(2);
  });

  it('on 401 renews the credentials once and retries once; a second 401 is final', async () => {
    let renewals = 0;
    let token = 'tok-1';
    const auth: Authenticator = { header: async () => `Bearer ${token}`, renew: async () => void ((token = `tok-${++renewals + 1}`)) };
    const ok = harness([{ status: 401 }, { status: 200, body: { issues: [] } }], { auth });
    await ok.client.request({ operation: 'GET /v1/issues', method: 'GET', path: '/v1/issues' });
    expect(ok.sent.map((s) => s.headers.authorization)).toEqual(['Bearer tok-1', 'Bearer tok-2']);
    expect(ok.waits).toEqual([]);

    const denied = harness([{ status: 401 }, { status: 401 }, { status: 200 }], { auth });
    const error = await denied.client.request({ operation: 'GET /v1/issues', method: 'GET', path: '/v1/issues' }).catch((e: unknown) => e);
    expect((error as HttpStatusError).status).toBe(401);
    expect(denied.sent).toHaveLength(2);
    expect(renewals).toBe(2);
  });

  it('abandons an attempt at its time limit and retries it', async () => {
    let calls = 0;
    const client = createHttpClient({
      partner: 'helpdesk', baseUrl: 'http://h.test', policy: { timeoutMs: 20, maxAttempts: 2, backoff: { baseMs: 10, maxMs: 10 } },
      breaker: alwaysClosed(), parts: CORRECT_PARTS, log: createLogger(() => {}), random: () => 0, now: Date.now, sleep: async () => {},
      fetch: ((_url: URL, init: RequestInit) =>
        ++calls === 1
          ? new Promise((_resolve, reject) => init.signal!.addEventListener('abort', () => reject(init.signal!.reason)))
          : Promise.resolve(Response.json({ ok: true }))) as unknown as typeof fetch,
    });
    expect((await client.request({ operation: 'GET /x', method: 'GET', path: '/x' })).body).toEqual({ ok: true });
    expect(calls).toBe(2);
  });

  // Regression: with AbortSignal.any([AbortSignal.timeout(…), run]) a garbage collection during the wait
  // dropped the timeout, and a call to a partner that never answers hung the run (seen once in CI).
  it('abandons a call to a real server that never answers at its time limit, garbage collections or not', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const server = createServer(() => {});
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const collecting = setInterval(gc, 10);
    try {
      const run = new AbortController();
      const client = createHttpClient({
        partner: 'tracker', baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        policy: { timeoutMs: 150, maxAttempts: 1, backoff: { baseMs: 10, maxMs: 10 } }, signal: run.signal,
        breaker: alwaysClosed(), parts: CORRECT_PARTS, log: createLogger(() => {}), random: () => 0, now: Date.now, sleep: async () => {},
        fetch: globalThis.fetch,
      });
      const started = Date.now();
      const outcome = await Promise.race([
        client.request({ operation: 'GET /v1/issues', method: 'GET', path: '/v1/issues' }).catch((error: unknown) => error),
        new Promise((resolve) => setTimeout(() => resolve('still waiting after 3 s'), 3000)),
      ]);
      expect(outcome).toBeInstanceOf(RetriesExhaustedError);
      expect((outcome as RetriesExhaustedError).message).toContain('timed out');
      expect(Date.now() - started).toBeLessThan(1500);
    } finally {
      clearInterval(collecting);
      server.closeAllConnections();
      server.close();
    }
  });
});

describe('paginators', () => {
  const page = (ids: string[], next: string | null) => ({ status: 200, body: { tickets: ids.map((id) => ({ id })), next_cursor: next } });
  const walk = async (h: ReturnType<typeof harness>, pages = resumingPages): Promise<string[]> => {
    const seen: string[] = [];
    for await (const p of pages(ticketPages(h.client, 2), { attempts: 4, client: h.client, log: createLogger(() => {}) })) seen.push(...p.tickets.map((t) => t.id as string));
    return seen;
  };

  it('resumes at the cursor that failed: no page skipped, none fetched twice', async () => {
    const h = harness([page(['HD-1', 'HD-2'], 'c2'), { status: 503 }, page(['HD-3', 'HD-4'], 'c3'), page(['HD-5'], null)]);
    expect(await walk(h)).toEqual(['HD-1', 'HD-2', 'HD-3', 'HD-4', 'HD-5']);
    expect(h.sent.map((s) => s.url)).toEqual([
      '/api/v2/tickets?limit=2',
      '/api/v2/tickets?limit=2&cursor=c2',
      '/api/v2/tickets?limit=2&cursor=c2',
      '/api/v2/tickets?limit=2&cursor=c3',
    ]);
  });

  it('the restarts-pagination variant walks again from the first page after a failed page', async () => {
    const h = harness([page(['HD-1', 'HD-2'], 'c2'), { status: 503 }, page(['HD-1', 'HD-2'], 'c2'), page(['HD-3'], null)], { variant: 'restarts-pagination' });
    expect(await walk(h, partsFor('restarts-pagination').pages)).toEqual(['HD-1', 'HD-2', 'HD-1', 'HD-2', 'HD-3']);
    expect(h.sent.map((s) => s.url)).toEqual(['/api/v2/tickets?limit=2', '/api/v2/tickets?limit=2&cursor=c2', '/api/v2/tickets?limit=2', '/api/v2/tickets?limit=2&cursor=c2']);
    expect(h.waits).toEqual([50]);
  });
});
