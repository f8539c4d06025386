// `seam record` in front of an https partner: the proxy verifies the partner's certificate
// (a private CA is trusted through NODE_EXTRA_CA_CERTS, as Node does everywhere), and an
// untrusted one is a 502 with an `error` exchange naming the TLS failure — never a silent accept.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRecordings } from '../src/exchange/store.js';
import { rawRequest } from './support/upstream.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SEAM = join(ROOT, 'bin', 'seam.js');

let tmp: string;
let server: https.Server;
let target: string;
const children = new Set<ChildProcess>();

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'seam-https-'));
  // A throwaway self-signed certificate for 127.0.0.1, made for this run only.
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2',
    '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
    '-keyout', join(tmp, 'key.pem'), '-out', join(tmp, 'cert.pem'),
  ], { stdio: 'ignore' });
  server = https.createServer({ key: await readFile(join(tmp, 'key.pem')), cert: await readFile(join(tmp, 'cert.pem')) }, (req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ id: 'acct_1', secure: true, path: req.url }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  target = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await new Promise<void>((r) => server?.close(() => r()));
  await rm(tmp, { recursive: true, force: true });
});

async function recordOnce(session: string, env: NodeJS.ProcessEnv): Promise<{ status: number; body: string }> {
  const child = spawn(process.execPath, [SEAM, 'record', 'acme', '--target', target, '--port', '0', '--session', session, '--recordings', join(tmp, 'rec'), '--json'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  children.add(child);
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  const url = await new Promise<string>((resolvePromise, reject) => {
    const timer = setInterval(() => {
      const m = /"event":"listening","url":"([^"]+)"/.exec(out);
      if (m) {
        clearInterval(timer);
        resolvePromise(m[1]!);
      }
    }, 10);
    child.on('exit', () => reject(new Error(`seam record exited: ${out}`)));
  });
  const r = await rawRequest(`${url}/v1/account`);
  child.kill('SIGINT');
  expect(await exited).toBe(0);
  return { status: r.status, body: r.body.toString() };
}

describe('seam record with an https partner', () => {
  it('records through TLS when the partner’s CA is trusted', async () => {
    const r = await recordOnce('trusted', { NODE_EXTRA_CA_CERTS: join(tmp, 'cert.pem') });
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toEqual({ id: 'acct_1', secure: true, path: '/v1/account' });
    const [stored] = await readRecordings(join(tmp, 'rec'), 'acme', { session: 'trusted' });
    expect(stored!.exchange.request.origin).toBe(target);
    expect(stored!.exchange.response).toMatchObject({ status: 200, body: { json: { id: 'acct_1', secure: true } } });
  });

  it('refuses an untrusted certificate: 502 to the client and an error exchange naming it', async () => {
    const r = await recordOnce('untrusted', { NODE_EXTRA_CA_CERTS: '' });
    expect(r.status).toBe(502);
    const [stored] = await readRecordings(join(tmp, 'rec'), 'acme', { session: 'untrusted' });
    expect(stored!.exchange.response).toMatchObject({ error: { code: expect.stringMatching(/SELF_SIGNED|CERT/) } });
  });
});
