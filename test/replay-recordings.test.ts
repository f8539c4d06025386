// Done means (issue 3): "Mocks generated from recordings made with `seam record` replay them
// exactly: every recorded request gets its recorded response." Real traffic through the real
// `seam record`, then `seam generate mocks`, then a stock WireMock started with --root-dir on the
// generated folder — and every recorded request replayed against it, in recorded order.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bodyBytes } from '../src/exchange/body.js';
import { readRecordings } from '../src/exchange/store.js';
import { isFailure, type Exchange } from '../src/exchange/types.js';
import { startWireMockProcess, type WireMockProcess } from '../src/engines/wiremock-process.js';
import { startEmbedded } from '../src/engines/embedded.js';
import { stubsFromExchanges } from '../src/stubs/from-exchanges.js';
import { rawRequest, startUpstream, type Upstream } from './support/upstream.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SEAM = join(ROOT, 'bin', 'seam.js');

let tmp: string;
let upstream: Upstream;
let recorder: ChildProcess | undefined;
let wiremock: WireMockProcess | undefined;
let created = 0;
let polls = 0;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'seam-replay-'));
  // A small payments-like partner: lists with cursors, objects by id, creates, a job whose state
  // changes between identical polls, a gzip answer, a binary answer, an error.
  upstream = await startUpstream((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const json = (status: number, value: unknown, extra: Record<string, string> = {}) => {
        res.writeHead(status, { 'content-type': 'application/json', 'request-id': `req_${Math.random().toString(36).slice(2, 10)}`, ...extra });
        res.end(JSON.stringify(value));
      };
      let m: RegExpExecArray | null;
      if (url.pathname === '/v1/customers' && req.method === 'GET') {
        const after = url.searchParams.get('starting_after');
        const page = after === null ? 0 : Number(after.slice(-1));
        json(200, { object: 'list', data: [{ id: `cus_Page${page}Aaaa1`, name: `Customer ${page}` }], has_more: page < 2 });
      } else if (url.pathname === '/v1/customers' && req.method === 'POST') {
        const form = new URLSearchParams(Buffer.concat(chunks).toString());
        created++;
        json(200, { id: `cus_New${created}Zzzzz`, name: form.get('name'), created: 1767225600 + created });
      } else if ((m = /^\/v1\/customers\/(cus_\w+)$/.exec(url.pathname))) {
        if (m[1] === 'cus_Missing0000') json(404, { error: { type: 'invalid_request_error', message: 'No such customer' } });
        else json(200, { id: m[1], name: `Name of ${m[1]}`, balance: m[1]!.length * 100 });
      } else if (url.pathname === '/v1/jobs/job_Report12345') {
        polls++;
        json(200, { id: 'job_Report12345', status: polls < 3 ? 'running' : 'done' });
      } else if (url.pathname === '/v1/report.csv.gz') {
        const body = gzipSync('id,amount\n1,100\n2,250\n');
        res.writeHead(200, { 'content-type': 'text/csv', 'content-encoding': 'gzip', 'content-length': String(body.length) });
        res.end(body);
      } else if (url.pathname === '/v1/logo.png') {
        res.writeHead(200, { 'content-type': 'image/png' });
        res.end(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 1, 2, 3, 255]));
      } else {
        json(404, { error: { type: 'invalid_request_error', message: 'Unrecognized request URL' } });
      }
    });
  });
});

afterAll(async () => {
  if (recorder && recorder.exitCode === null && recorder.signalCode === null) recorder.kill('SIGKILL');
  await wiremock?.stop();
  await upstream?.close();
  await rm(tmp, { recursive: true, force: true });
});

async function record(recordings: string): Promise<void> {
  recorder = spawn(process.execPath, [SEAM, 'record', 'acme', '--target', upstream.url, '--port', '0', '--session', 'replay', '--recordings', recordings, '--json'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  recorder.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | null>((r) => recorder!.on('exit', (code) => r(code)));
  const url = await new Promise<string>((resolvePromise, reject) => {
    const timer = setInterval(() => {
      const m = /"event":"listening","url":"([^"]+)"/.exec(out);
      if (m) {
        clearInterval(timer);
        resolvePromise(m[1]!);
      }
    }, 10);
    recorder!.on('exit', () => reject(new Error(`seam record exited: ${out}`)));
  });
  const auth = { authorization: 'Bearer sk_test_51ReplayTestSecretKey00000000' };
  const form = { ...auth, 'content-type': 'application/x-www-form-urlencoded' };
  const calls: [string, string, Record<string, string>, string?][] = [
    ['GET', '/v1/customers?limit=1', auth],
    ['GET', '/v1/customers?limit=1&starting_after=cus_Page0Aaaa1', auth],
    ['GET', '/v1/customers?limit=1&starting_after=cus_Page1Aaaa1', auth],
    ['GET', '/v1/customers/cus_Alpha1234', auth],
    ['GET', '/v1/customers/cus_Bravo56789', auth],
    ['GET', '/v1/customers/cus_Missing0000', auth],
    ['POST', '/v1/customers', form, 'name=Ada+Lovelace&description=first'],
    ['POST', '/v1/customers', form, 'name=Grace+Hopper&description=second'],
    ['GET', '/v1/jobs/job_Report12345', auth],
    ['GET', '/v1/jobs/job_Report12345', auth],
    ['GET', '/v1/jobs/job_Report12345', auth],
    ['GET', '/v1/report.csv.gz', { ...auth, 'accept-encoding': 'gzip' }],
    ['GET', '/v1/logo.png', auth],
    ['DELETE', '/v1/nothing-here', auth],
  ];
  for (const [method, path, headers, body] of calls) {
    const r = await rawRequest(`${url}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
    expect(r.status).toBeGreaterThanOrEqual(200);
  }
  recorder.kill('SIGINT');
  expect(await exited).toBe(0);
}

function headerValue(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v.join(', ') : v;
}

/** Replays every recorded request against `base`, in recorded order; returns what differed. */
async function replay(base: string, exchanges: Exchange[]): Promise<string[]> {
  const mismatches: string[] = [];
  for (const e of exchanges) {
    if (isFailure(e.response)) continue;
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(e.request.query)) for (const one of Array.isArray(v) ? v : [v]) q.append(k, one);
    const search = q.toString();
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(e.request.headers)) if (!['host', 'content-length', 'connection', 'accept-encoding'].includes(k)) headers[k] = Array.isArray(v) ? v.join(', ') : v;
    const body = bodyBytes(e.request.body);
    const r = await rawRequest(`${base}${e.request.path}${search ? `?${search}` : ''}`, {
      method: e.request.method,
      headers,
      ...(body.length > 0 ? { body } : {}),
    });
    const want = e.response;
    const got = { status: r.status, contentType: headerValue(r.headers, 'content-type'), body: r.body.toString('base64'), stub: Boolean(r.headers['x-seam-stub']) };
    const expected = { status: want.status, contentType: headerValue(want.headers, 'content-type'), body: bodyBytes(want.body).toString('base64'), stub: true };
    if (JSON.stringify(got) !== JSON.stringify(expected)) mismatches.push(`${e.id}: got ${JSON.stringify(got)}, recorded ${JSON.stringify(expected)}`);
  }
  return mismatches;
}

describe('recordings → seam generate mocks → stock WireMock, and the embedded engine', () => {
  it('every recorded request gets its recorded response', async () => {
    const recordings = join(tmp, 'recordings');
    await record(recordings);
    const exchanges: Exchange[] = (await readRecordings(recordings, 'acme')).map((s) => s.exchange);
    expect(exchanges).toHaveLength(14);

    const out = join(tmp, 'mocks', 'acme', 'wiremock');
    const gen = spawnSync(process.execPath, [SEAM, 'generate', 'mocks', 'acme', '--recordings', recordings, '--out', out, '--json'], { encoding: 'utf8' });
    expect(gen.status, gen.stderr).toBe(0);
    // deterministic: a second run changes nothing
    const again = spawnSync(process.execPath, [SEAM, 'generate', 'mocks', 'acme', '--recordings', recordings, '--out', out, '--json'], { encoding: 'utf8' });
    expect(JSON.parse(again.stdout)).toEqual(JSON.parse(gen.stdout));

    wiremock = await startWireMockProcess({ rootDir: out });
    expect(await replay(wiremock.url, exchanges)).toEqual([]);

    // the embedded engine, from the same recordings, answers the same
    const embedded = await startEmbedded({ stubs: stubsFromExchanges(exchanges) });
    try {
      expect(await replay(embedded.url, exchanges)).toEqual([]);
    } finally {
      await embedded.close();
    }
  });
});
