// The recording proxy end to end: a real upstream on 127.0.0.1, the proxy in front of it, a raw
// client behind it. The client must get the partner's bytes exactly; the files must hold the
// decoded, typed copy.
import { spawn } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import { mkdtemp, readdir, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listExchangeFiles, readExchangeFile } from '../src/exchange/store.js';
import type { Exchange, ExchangeResponse } from '../src/exchange/types.js';
import { startRecorder, type Recorder, type RecorderOptions } from '../src/record/proxy.js';
import { createRedactor } from '../src/record/redaction/index.js';
import { endToEndHeaders, rawRequest, readAll, refusedPort, sha256, startUpstream, type Upstream } from './support/upstream.js';

const JSON_BODY = Buffer.from(JSON.stringify({ id: 'cus_123', object: 'customer', amount: 4200, tags: ['a', 'b'] }));
const GZIP = gzipSync(JSON_BODY);
const BR = brotliCompressSync(JSON_BODY);
const DEFLATE = deflateSync(JSON_BODY);
const DEFLATE_RAW = deflateRawSync(JSON_BODY);
const STACKED = brotliCompressSync(gzipSync(JSON_BODY)); // content-encoding: gzip, br
const BINARY = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 131 + 7) % 256));
const BIG_SIZE = 50 * 1024 * 1024;
// 50 MB of text, built once: line numbers make every region distinct, so a lost chunk shows.
const BIG = Buffer.alloc(BIG_SIZE, 'x');
for (let offset = 0, n = 0; offset + 16 <= BIG_SIZE; offset += 64, n++) BIG.write(`${String(n).padStart(14, '0')}\n`, offset, 'latin1');
const BIG_SHA = sha256(BIG);

/** The body for item i of the concurrency test: sizes and contents differ per item. */
function itemBody(i: number): Buffer {
  return Buffer.from(JSON.stringify({ item: i, pad: 'p'.repeat((i * 37) % 2000), check: sha256(String(i)) }));
}

function route(req: http.IncomingMessage, res: http.ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://upstream');
  const json = (status: number, body: Buffer, extra: Record<string, string> = {}) => {
    res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': body.length, ...extra });
    res.end(body);
  };
  switch (url.pathname) {
    case '/json':
    case '/base/json':
      return json(200, JSON_BODY, { 'X-Request-Id': 'req_1' });
    case '/form':
      res.writeHead(200, { 'content-type': 'application/x-www-form-urlencoded' });
      return void res.end('a=1&b=2&b=3');
    case '/text':
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
      return void res.end('héllo, world\n');
    case '/gzip':
      return json(200, GZIP, { 'Content-Encoding': 'gzip' });
    case '/br':
      return json(200, BR, { 'Content-Encoding': 'br' });
    case '/deflate':
      return json(200, DEFLATE, { 'Content-Encoding': 'deflate' });
    case '/deflate-raw':
      return json(200, DEFLATE_RAW, { 'Content-Encoding': 'deflate' });
    case '/stacked':
      return json(200, STACKED, { 'Content-Encoding': 'gzip, br' });
    case '/bad-gzip':
      return json(200, Buffer.from('this is not gzip'), { 'Content-Encoding': 'gzip' });
    case '/chunked': {
      res.writeHead(200, { 'content-type': 'text/plain' });
      let n = 0;
      const tick = () => {
        if (n === 5) return void res.end();
        res.write(`chunk ${n++}\n`);
        setTimeout(tick, 2);
      };
      return tick();
    }
    case '/binary':
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': BINARY.length });
      return void res.end(BINARY);
    case '/no-content':
      res.writeHead(204, { 'x-deleted': 'yes' });
      return void res.end();
    case '/not-modified':
      res.writeHead(304, { etag: '"v1"' });
      return void res.end();
    case '/redirect':
      res.writeHead(302, 'Found It', { location: '/json' });
      return void res.end();
    case '/cookies':
      res.writeHead(201, 'Made', ['Set-Cookie', 'a=1; Path=/', 'X-Custom-CASE', 'Kept', 'Set-Cookie', 'b=2; HttpOnly', 'Content-Length', '2']);
      return void res.end('ok');
    case '/echo':
      void readAll(req).then((body) => {
        res.writeHead(200, {
          'content-type': req.headers['content-type'] ?? 'application/octet-stream',
          'x-method': req.method ?? '',
          'x-host': req.headers.host ?? '',
          'x-raw-headers': JSON.stringify(req.rawHeaders),
        });
        res.end(body);
      });
      return;
    case '/item': {
      const i = Number(url.searchParams.get('i'));
      void readAll(req).then((body) => {
        const reply = itemBody(i);
        // POSTs carry their own body back inside the reply, so request bodies are checked too
        json(200, body.length > 0 ? Buffer.concat([reply.subarray(0, -1), Buffer.from(`,"sent":${body.toString()}}`)]) : reply);
      });
      return;
    }
    case '/big':
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': BIG.length });
      return void res.end(BIG);
    case '/reset':
      return void req.socket.destroy();
    case '/reset-mid':
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '1000' });
      res.write('partial');
      setTimeout(() => req.socket.destroy(), 20);
      return;
    case '/hang':
      return; // never answers
    case '/early':
      // answers before reading the request body (as a 413 or 401 often does)
      res.writeHead(413, { 'content-type': 'text/plain', 'content-length': '7' });
      return void res.end('too big');
    default:
      res.writeHead(404, { 'content-type': 'application/json' });
      return void res.end('{"error":"not found"}');
  }
}

let upstream: Upstream;
let root: string;

beforeAll(async () => {
  upstream = await startUpstream(route);
  root = await mkdtemp(join(tmpdir(), 'seam-record-'));
});

afterAll(async () => {
  await upstream.close();
  await rm(root, { recursive: true, force: true });
});

let sessions = 0;
interface Harness {
  recorder: Recorder;
  events: { exchange: Exchange; file: string }[];
  errors: Error[];
  session: string;
}

async function recorderFor(options: Partial<RecorderOptions> = {}): Promise<Harness> {
  const events: Harness['events'] = [];
  const errors: Error[] = [];
  const session = `s${++sessions}`;
  const recorder = await startRecorder({
    partner: 'acme',
    session,
    recordingsRoot: root,
    target: upstream.url,
    direction: 'outbound',
    onExchange: (e) => events.push(e),
    onError: (e) => errors.push(e),
    ...options,
  });
  return { recorder, events, errors, session };
}

/** One request through the proxy; returns what the client got and the exchange read back from disk. */
async function through(h: Harness, path: string, options: Parameters<typeof rawRequest>[1] = {}) {
  const client = await rawRequest(h.recorder.url + path, options);
  await h.recorder.settled();
  const last = h.events.at(-1)!;
  const stored = await readExchangeFile(last.file); // parses and validates against the schema
  return { client, stored, file: last.file };
}

function ok(e: Exchange): ExchangeResponse {
  if ('error' in e.response) throw new Error(`expected a response, got error ${e.response.error.code}`);
  return e.response;
}

describe('recording proxy: what the client gets and what is stored', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await recorderFor();
  });
  afterAll(async () => {
    await h.recorder.close();
  });

  it('JSON: client gets status, message, headers and bytes exactly; stored typed with request details', async () => {
    const direct = await rawRequest(`${upstream.url}/json`);
    const { client, stored, file } = await through(h, '/json?limit=10&expand=a&expand=b', { headers: { 'X-Trace': 't1' } });
    expect(client.status).toBe(200);
    expect(client.statusMessage).toBe('OK');
    expect(client.body.equals(JSON_BODY)).toBe(true);
    // same header names, case and order as the partner sent (the Date value may differ by a second)
    const names = (raw: string[]) => endToEndHeaders(raw).filter((_, i) => i % 2 === 0);
    expect(names(client.rawHeaders)).toEqual(names(direct.rawHeaders));
    expect(client.headers['x-request-id']).toBe('req_1');

    expect(file).toMatch(/\/acme\/s1\/0001-get-json\.json$/);
    expect(stored.seam).toBe(1);
    expect(stored.partner).toBe('acme');
    expect(stored.direction).toBe('outbound');
    expect(stored.id).toBe('s1/0001-get-json');
    expect(stored.request.method).toBe('GET');
    expect(stored.request.origin).toBe(upstream.url);
    expect(stored.request.path).toBe('/json');
    expect(stored.request.query).toEqual({ limit: '10', expand: ['a', 'b'] });
    expect(stored.request.headers['x-trace']).toBe('t1');
    expect(stored.request.headers.host).toBe(`127.0.0.1:${upstream.port}`);
    expect(stored.request.body).toBeUndefined();
    const response = ok(stored);
    expect(response.status).toBe(200);
    expect(response.statusText).toBe('OK');
    expect(response.headers['content-type']).toBe('application/json');
    expect(response.headers['x-request-id']).toBe('req_1');
    expect(response.body).toEqual({ json: JSON.parse(JSON_BODY.toString()) });
    expect(new Date(stored.recordedAt).toISOString()).toBe(stored.recordedAt);
    expect(stored.durationMs).toBeGreaterThan(0);
    expect(Math.round(stored.durationMs * 1000)).toBe(stored.durationMs * 1000);
    expect(stored.redactions).toEqual([]);
  });

  it('form and text bodies are stored typed', async () => {
    const form = await through(h, '/form');
    expect(ok(form.stored).body).toEqual({ form: { a: '1', b: ['2', '3'] } });
    expect(form.client.body.toString()).toBe('a=1&b=2&b=3');
    const text = await through(h, '/text');
    expect(ok(text.stored).body).toEqual({ text: 'héllo, world\n' });
    expect(text.client.body.toString('utf8')).toBe('héllo, world\n');
  });

  it.each([
    ['/gzip', GZIP, 'gzip'],
    ['/br', BR, 'br'],
    ['/deflate', DEFLATE, 'deflate'],
    ['/deflate-raw', DEFLATE_RAW, 'deflate'],
    ['/stacked', STACKED, 'gzip, br'],
  ])('%s: client gets the compressed bytes; the file holds the decoded JSON and keeps content-encoding', async (path, wire, coding) => {
    const { client, stored } = await through(h, path);
    expect(client.headers['content-encoding']).toBe(coding);
    expect(client.headers['content-length']).toBe(String(wire.length));
    expect(sha256(client.body)).toBe(sha256(wire));
    const response = ok(stored);
    expect(response.headers['content-encoding']).toBe(coding);
    expect(response.body).toEqual({ json: JSON.parse(JSON_BODY.toString()) });
  });

  it('a body that fails to decode is stored as base64 of the raw bytes, header kept', async () => {
    const { client, stored } = await through(h, '/bad-gzip');
    expect(client.body.toString()).toBe('this is not gzip');
    const response = ok(stored);
    expect(response.headers['content-encoding']).toBe('gzip');
    expect(response.body).toEqual({ base64: Buffer.from('this is not gzip').toString('base64'), contentType: 'application/json' });
  });

  it('chunked stays chunked for the client and is stored whole', async () => {
    const { client, stored } = await through(h, '/chunked');
    expect(client.headers['transfer-encoding']).toBe('chunked');
    expect(client.headers['content-length']).toBeUndefined();
    const expected = 'chunk 0\nchunk 1\nchunk 2\nchunk 3\nchunk 4\n';
    expect(client.body.toString()).toBe(expected);
    expect(ok(stored).body).toEqual({ text: expected });
    expect(ok(stored).headers['transfer-encoding']).toBe('chunked');
  });

  it('binary is byte-identical for the client and stored as base64', async () => {
    const { client, stored } = await through(h, '/binary');
    expect(client.body.equals(BINARY)).toBe(true);
    expect(ok(stored).body).toEqual({ base64: BINARY.toString('base64'), contentType: 'application/octet-stream' });
  });

  it('204, 304 and HEAD store no response body', async () => {
    const none = await through(h, '/no-content');
    expect(none.client.status).toBe(204);
    expect(ok(none.stored).status).toBe(204);
    expect(ok(none.stored).headers['x-deleted']).toBe('yes');
    expect(ok(none.stored).body).toBeUndefined();

    const notModified = await through(h, '/not-modified', { headers: { 'If-None-Match': '"v1"' } });
    expect(notModified.client.status).toBe(304);
    expect(ok(notModified.stored).headers.etag).toBe('"v1"');
    expect(notModified.stored.request.headers['if-none-match']).toBe('"v1"');
    expect(ok(notModified.stored).body).toBeUndefined();

    const head = await through(h, '/json', { method: 'HEAD' });
    expect(head.client.status).toBe(200);
    expect(head.client.headers['content-length']).toBe(String(JSON_BODY.length));
    expect(head.client.body.length).toBe(0);
    expect(head.stored.request.method).toBe('HEAD');
    expect(ok(head.stored).body).toBeUndefined();
  });

  it('a redirect is passed through, not followed, with its own status message', async () => {
    const { client, stored } = await through(h, '/redirect');
    expect(client.status).toBe(302);
    expect(client.statusMessage).toBe('Found It');
    expect(client.headers.location).toBe('/json');
    expect(ok(stored).status).toBe(302);
    expect(ok(stored).statusText).toBe('Found It');
  });

  it('repeated set-cookie headers and header case reach the client in order; stored as an array', async () => {
    const { client, stored } = await through(h, '/cookies');
    expect(client.status).toBe(201);
    expect(client.statusMessage).toBe('Made');
    const withoutDate = (raw: string[]) => endToEndHeaders(raw).filter((_, i, all) => all[i - (i % 2)]!.toLowerCase() !== 'date');
    expect(withoutDate(client.rawHeaders)).toEqual(['Set-Cookie', 'a=1; Path=/', 'X-Custom-CASE', 'Kept', 'Set-Cookie', 'b=2; HttpOnly', 'Content-Length', '2']);
    // both kept, in order (their values are the redactor's business)
    expect(ok(stored).headers['set-cookie']).toEqual([expect.stringMatching(/^a=.*; Path=\/$/), expect.stringMatching(/^b=.*; HttpOnly$/)]);
    expect(ok(stored).headers['x-custom-case']).toBe('Kept');
  });

  it.each(['POST', 'PUT', 'PATCH', 'DELETE'])('%s with a body: forwarded as sent (host rewritten), stored typed', async (method) => {
    const body = JSON.stringify({ name: `n-${method}`, qty: 3 });
    const { client, stored } = await through(h, '/echo', {
      method,
      headers: ['Content-Type', 'application/json', 'X-Z-Last', 'z', 'Host', 'proxy.local', 'Content-Length', String(Buffer.byteLength(body))],
      body,
    });
    expect(client.status).toBe(200);
    expect(client.headers['x-method']).toBe(method);
    expect(client.headers['x-host']).toBe(`127.0.0.1:${upstream.port}`);
    expect(client.body.toString()).toBe(body);
    // what the partner saw: the client's headers in their order and case, host rewritten, nothing added but Connection
    const seen = JSON.parse(client.headers['x-raw-headers'] as string) as string[];
    expect(endToEndHeaders(seen)).toEqual(['Content-Type', 'application/json', 'X-Z-Last', 'z', 'Host', `127.0.0.1:${upstream.port}`, 'Content-Length', String(Buffer.byteLength(body))]);
    expect(stored.request.method).toBe(method);
    expect(stored.request.body).toEqual({ json: { name: `n-${method}`, qty: 3 } });
    expect(ok(stored).body).toEqual({ json: { name: `n-${method}`, qty: 3 } });
  });

  it('a chunked request body stays chunked upstream; a custom method passes through', async () => {
    const client = await new Promise<{ status: number; raw: string[]; body: string }>((resolve, reject) => {
      const req = http.request(`${h.recorder.url}/echo`, { method: 'PURGE', headers: { 'content-type': 'text/plain' } }, (res) => {
        void readAll(res).then((b) => resolve({ status: res.statusCode!, raw: JSON.parse(res.headers['x-raw-headers'] as string), body: b.toString() }));
      });
      req.on('error', reject);
      req.write('part one, ');
      setTimeout(() => req.end('part two'), 10);
    });
    await h.recorder.settled();
    expect(client.status).toBe(200);
    expect(client.body).toBe('part one, part two');
    expect(client.raw.map((v) => v.toLowerCase())).toContain('chunked');
    const stored = await readExchangeFile(h.events.at(-1)!.file);
    expect(stored.request.method).toBe('PURGE');
    expect(stored.request.body).toEqual({ text: 'part one, part two' });
  });

  it('a target with a base path prefixes every request path', async () => {
    const based = await recorderFor({ target: `${upstream.url}/base/` });
    try {
      const { client, stored } = await through(based, '/json');
      expect(client.status).toBe(200);
      expect(stored.request.path).toBe('/base/json');
      expect(stored.request.origin).toBe(upstream.url);
    } finally {
      await based.recorder.close();
    }
  });
});

describe('recording proxy: 50 MB bodies', () => {
  it('streams 50 MB to the client intact and stores it when under the cap', async () => {
    const h = await recorderFor();
    try {
      const { client, stored } = await through(h, '/big');
      expect(client.body.length).toBe(BIG_SIZE);
      expect(sha256(client.body)).toBe(BIG_SHA);
      const body = ok(stored).body as { text: string };
      expect(body.text.length).toBe(BIG_SIZE);
      expect(sha256(body.text)).toBe(BIG_SHA);
    } finally {
      await h.recorder.close();
    }
  });

  it('stores size and sha256 only above the cap, both ways', async () => {
    const h = await recorderFor({ maxBodyBytes: 1024 * 1024 });
    try {
      const down = await through(h, '/big');
      expect(sha256(down.client.body)).toBe(BIG_SHA);
      expect(ok(down.stored).body).toEqual({ omitted: { bytes: BIG_SIZE, sha256: BIG_SHA, contentType: 'text/plain' } });
      expect((await readFile(down.file)).length).toBeLessThan(10_000);

      const up = await through(h, '/echo', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: BIG });
      expect(up.client.body.length).toBe(BIG_SIZE);
      expect(sha256(up.client.body)).toBe(BIG_SHA);
      expect(up.stored.request.body).toEqual({ omitted: { bytes: BIG_SIZE, sha256: BIG_SHA, contentType: 'text/plain' } });
    } finally {
      await h.recorder.close();
    }
  });
});

describe('recording proxy: concurrency', () => {
  it('1,000 concurrent requests → 1,000 complete, valid files, each byte-identical for the client', async () => {
    const h = await recorderFor();
    const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
    try {
      const N = 1000;
      const results = await Promise.all(
        Array.from({ length: N }, (_, i) => {
          const sent = i % 2 === 1 ? JSON.stringify({ n: i, note: 'q'.repeat(i % 300) }) : undefined;
          return rawRequest(`${h.recorder.url}/item?i=${i}`, {
            method: sent ? 'POST' : 'GET',
            headers: sent ? { 'content-type': 'application/json' } : {},
            body: sent,
            agent,
          }).then((r) => ({ i, sent, r }));
        }),
      );
      for (const { i, sent, r } of results) {
        const expected = sent ? Buffer.concat([itemBody(i).subarray(0, -1), Buffer.from(`,"sent":${sent}}`)]) : itemBody(i);
        expect(r.status).toBe(200);
        expect(r.body.equals(expected)).toBe(true);
      }
      await h.recorder.settled();
      expect(h.errors).toEqual([]);
      const files = await listExchangeFiles(root, 'acme', h.session);
      expect(files.length).toBe(N);
      const seen = new Set<number>();
      for (const file of files) {
        const e = await readExchangeFile(file);
        const i = Number(e.request.query.i);
        const json = (ok(e).body as { json: { item: number; sent?: unknown } }).json;
        expect(json.item).toBe(i);
        if (i % 2 === 1) expect(e.request.body).toEqual({ json: json.sent });
        seen.add(i);
      }
      expect(seen.size).toBe(N);
      const summary = await h.recorder.close();
      expect(summary.count).toBe(N);
      expect(summary.byStatus).toEqual({ '200': N });
      expect(summary.failedWrites).toBe(0);
    } finally {
      agent.destroy();
      await h.recorder.close();
    }
  });
});

describe('recording proxy: a partner that does not answer', () => {
  it('refused → 502 and an error exchange', async () => {
    const h = await recorderFor({ target: `http://127.0.0.1:${await refusedPort()}` });
    try {
      const { client, stored } = await through(h, '/v1/things', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":1}' });
      expect(client.status).toBe(502);
      expect(JSON.parse(client.body.toString())).toMatchObject({ code: 'ECONNREFUSED' });
      expect(stored.response).toEqual({ error: { code: 'ECONNREFUSED', message: expect.stringContaining('ECONNREFUSED') } });
      expect(stored.request.body).toEqual({ json: { a: 1 } });
      expect(h.recorder.summary().byStatus).toEqual({ error: 1 });
    } finally {
      await h.recorder.close();
    }
  });

  it('reset before answering → 502 and ECONNRESET', async () => {
    const h = await recorderFor();
    try {
      const { client, stored } = await through(h, '/reset');
      expect(client.status).toBe(502);
      expect(stored.response).toEqual({ error: { code: 'ECONNRESET', message: expect.any(String) } });
    } finally {
      await h.recorder.close();
    }
  });

  it('timed out → 502 and ETIMEDOUT', async () => {
    const h = await recorderFor({ timeoutMs: 200 });
    try {
      const started = Date.now();
      const { client, stored } = await through(h, '/hang');
      expect(client.status).toBe(502);
      expect(Date.now() - started).toBeLessThan(3000);
      expect(JSON.parse(client.body.toString())).toMatchObject({ code: 'ETIMEDOUT' });
      expect(stored.response).toEqual({ error: { code: 'ETIMEDOUT', message: expect.stringContaining('200 ms') } });
    } finally {
      await h.recorder.close();
    }
  });

  it('reset after the response started → the client connection is cut and the exchange says so', async () => {
    const h = await recorderFor();
    try {
      await expect(rawRequest(`${h.recorder.url}/reset-mid`)).rejects.toThrow();
      await h.recorder.settled();
      const stored = await readExchangeFile(h.events.at(-1)!.file);
      expect('error' in stored.response && stored.response.error.code).toBe('ECONNRESET');
    } finally {
      await h.recorder.close();
    }
  });
});

describe('recording proxy: a client that goes away', () => {
  it('mid-download: the upstream side is cut too and the exchange records ECONNABORTED', async () => {
    const h = await recorderFor();
    try {
      await new Promise<void>((resolve, reject) => {
        http.get(`${h.recorder.url}/big`, (res) => res.once('data', () => {
          res.destroy();
          resolve();
        })).on('error', reject);
      });
      await h.recorder.settled();
      const stored = await readExchangeFile(h.events.at(-1)!.file);
      expect(stored.response).toEqual({ error: { code: 'ECONNABORTED', message: expect.stringContaining('client closed the connection') } });
    } finally {
      await h.recorder.close();
    }
  });

  it('after an early answer, a client that hangs up mid-body still gets its exchange written', async () => {
    const h = await recorderFor();
    try {
      const socket = net.connect(h.recorder.port, '127.0.0.1');
      let got = '';
      socket.on('data', (d: Buffer) => {
        got += d.toString('latin1');
        if (got.endsWith('too big')) socket.destroy(); // the client gives up on the rest of its body
      });
      socket.write('POST /early HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 100\r\n\r\nhalf a body');
      await new Promise((resolve) => socket.once('close', resolve));
      expect(got).toMatch(/^HTTP\/1\.1 413 /);
      await h.recorder.settled();
      const stored = await readExchangeFile(h.events.at(-1)!.file);
      expect(ok(stored).status).toBe(413);
      expect(stored.request.body).toEqual({ text: 'half a body' });
    } finally {
      await h.recorder.close();
    }
  }, 5000);
});

describe('recording proxy: writing', () => {
  it('a failed write is reported and counted; the proxy keeps serving and later exchanges are written', async () => {
    const session = 'blocked';
    const h = await recorderFor({ session });
    await mkdir(join(root, 'acme'), { recursive: true });
    await writeFile(join(root, 'acme', session), 'a file where the session folder should be'); // mkdir fails
    try {
      const first = await rawRequest(`${h.recorder.url}/json`);
      await h.recorder.settled();
      expect(first.status).toBe(200);
      expect(h.errors.map((e) => (e as NodeJS.ErrnoException).code)).toEqual([expect.stringMatching(/^(ENOTDIR|EEXIST)$/)]);
      expect(h.recorder.summary().failedWrites).toBe(1);

      await rm(join(root, 'acme', session));
      const second = await through(h, '/text');
      expect(second.client.status).toBe(200);
      expect(ok(second.stored).body).toEqual({ text: 'héllo, world\n' });
      expect(h.recorder.summary()).toMatchObject({ count: 1, failedWrites: 1 });
    } finally {
      await h.recorder.close();
    }
  });

  it('close() lets an in-flight exchange finish and be written', async () => {
    const h = await recorderFor();
    // close once the answer has started: its last chunks are still on their way
    const started = await new Promise<http.IncomingMessage>((resolve, reject) =>
      http.get(`${h.recorder.url}/chunked`, resolve).on('error', reject),
    );
    const body = readAll(started);
    const summary = await h.recorder.close();
    expect((await body).toString()).toBe('chunk 0\nchunk 1\nchunk 2\nchunk 3\nchunk 4\n');
    expect(summary.count).toBe(1);
    expect((await listExchangeFiles(root, 'acme', h.session)).length).toBe(1);
  });

  it('the redactor runs before the file is written: an authorization header never reaches the disk', async () => {
    const h = await recorderFor({ redactor: createRedactor({}) });
    try {
      const secret = 'sk_live_51HxQz9Kd8vTEST0nlyS3cret';
      const { client, file } = await through(h, '/echo', {
        method: 'POST',
        headers: { authorization: `Bearer ${secret}`, 'content-type': 'text/plain' },
        body: 'hello',
      });
      expect(client.status).toBe(200);
      const text = await readFile(file, 'utf8');
      expect(text).not.toContain(secret);
      const stored = await readExchangeFile(file);
      expect(stored.redactions.map((r) => r.at)).toContain('/request/headers/authorization');
    } finally {
      await h.recorder.close();
    }
  });
});

describe('seam record process killed with SIGKILL', () => {
  it('leaves only complete, valid exchange files', async () => {
    const slow = await startUpstream((req, res) => {
      const size = 50_000 + Math.floor(Math.random() * 200_000);
      setTimeout(() => {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end('z'.repeat(size));
      }, Math.random() * 30);
    });
    const dir = await mkdtemp(join(tmpdir(), 'seam-kill-'));
    const child = spawn(process.execPath, ['bin/seam.js', 'record', 'acme', '--target', slow.url, '--port', '0', '--recordings', dir, '--session', 'k', '--json'], {
      cwd: join(import.meta.dirname, '..'),
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NO_COLOR: '1' },
    });
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const m = /"url":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(out);
          if (m) resolve(m[1]!);
        });
        child.on('exit', () => reject(new Error(`seam record exited early: ${out}`)));
      });
      const session = join(dir, 'acme', 'k');
      const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
      let stop = false;
      const fire = async () => {
        while (!stop) await rawRequest(`${url}/r`, { agent }).catch(() => {});
      };
      const clients = Array.from({ length: 64 }, fire);
      for (let i = 0; i < 500; i++) {
        const names = await readdir(session).catch(() => [] as string[]);
        if (names.filter((n) => n.endsWith('.json')).length >= 100) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      process.kill(child.pid!, 'SIGKILL');
      await exited;
      stop = true;
      await Promise.all(clients);
      agent.destroy();

      const names = await readdir(session);
      const jsons = names.filter((n) => n.endsWith('.json') && !n.startsWith('.'));
      expect(jsons.length).toBeGreaterThanOrEqual(20); // killed mid-run, with exchanges on disk and more in flight
      for (const name of jsons) await readExchangeFile(join(session, name));
      // stray temp files may exist; the store never lists them
      const listed = await listExchangeFiles(dir, 'acme', 'k');
      expect(listed.length).toBe(jsons.length);
      expect(listed.every((f) => !f.endsWith('.tmp'))).toBe(true);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
      await slow.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
