// `seam record` as a process: argument errors, the log, the summary on SIGINT, inbound mode.
// Runs the built CLI (bin/seam.js → dist/), so `npx tsc -p .` first (npm test does).
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listExchangeFiles, readExchangeFile } from '../src/exchange/store.js';
import { rawRequest, startUpstream, type Upstream } from './support/upstream.js';

const REPO = join(import.meta.dirname, '..');

let upstream: Upstream;
let root: string;

beforeAll(async () => {
  upstream = await startUpstream((req, res) => {
    if (req.url === '/hang') return; // never answers
    if (req.url === '/missing') {
      res.writeHead(404, { 'content-type': 'application/json' });
      return void res.end('{"error":"nope"}');
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ ok: true, path: req.url }));
  });
  root = await mkdtemp(join(tmpdir(), 'seam-record-cli-'));
});

afterAll(async () => {
  // a failed assertion must not leave a recorder running
  for (const child of children) child.kill('SIGKILL');
  await upstream.close();
  await rm(root, { recursive: true, force: true });
});

const children = new Set<ChildProcessWithoutNullStreams>();

function seam(args: string[]): ChildProcessWithoutNullStreams {
  const child = spawn(process.execPath, ['bin/seam.js', ...args], { cwd: REPO, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } });
  children.add(child);
  child.on('exit', () => children.delete(child));
  return child;
}

function finished(child: ChildProcessWithoutNullStreams): Promise<{ code: number | null; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

/** Resolves with the stdout so far once it matches `pattern`. */
function waitFor(child: ChildProcessWithoutNullStreams, pattern: RegExp): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const onData = (d: Buffer) => {
      seen += d.toString();
      const m = pattern.exec(seen);
      if (m) {
        child.stdout.off('data', onData);
        resolve(m);
      }
    };
    child.stdout.on('data', onData);
    child.once('exit', () => reject(new Error(`exited before ${pattern}: ${seen}`)));
  });
}

describe('seam record: usage errors exit 2 with a message', () => {
  it.each([
    [['record', 'acme'], /--target URL .*--inbound --forward URL/],
    [['record', 'acme', '--target', 'http://127.0.0.1:1', '--inbound', '--forward', 'http://127.0.0.1:2'], /not both/],
    [['record', 'acme', '--inbound'], /--inbound needs --forward/],
    [['record', 'acme', '--forward', 'http://127.0.0.1:2'], /--forward goes with --inbound/],
    [['record', 'acme', '--target', 'ftp://example.com'], /--target "ftp:\/\/example.com" must be an http/],
    [['record', 'acme', '--target', 'not a url'], /--target "not a url" is not a URL/],
    [['record', 'Acme/../x', '--target', 'http://127.0.0.1:1'], /partner name "Acme\/..\/x" is not allowed/],
    [['record', 'acme', '--target', 'http://127.0.0.1:1', '--session', '../up'], /session name "..\/up" is not allowed/],
    [['record', 'acme', '--target', 'http://127.0.0.1:1', '--port', 'x'], /port "x" is not a number/],
    // a query or fragment on the target would be silently dropped from every forwarded request
    [['record', 'acme', '--target', 'http://127.0.0.1:1/v1?api_key=k'], /--target must not carry a query/],
    [['record', 'acme', '--inbound', '--forward', 'http://127.0.0.1:1/hooks#x'], /--forward must not carry a query or a fragment/],
  ])('%j', async (args, message) => {
    const { code, stderr, stdout } = await finished(seam(args));
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    expect(stdout).toBe('');
  });
});

describe('seam record: a port already in use', () => {
  it('exits 2 and names the port and the way out', async () => {
    const { code, stderr, stdout } = await finished(seam(['record', 'acme', '--target', upstream.url, '--port', String(upstream.port), '--recordings', root]));
    expect(code).toBe(2);
    expect(stderr).toContain(`seam: cannot listen on 127.0.0.1:${upstream.port}: the port is already in use (EADDRINUSE); choose another --port, or --port 0 for any free one`);
    expect(stdout).toBe('');
  });
});

describe('seam record: a session', () => {
  it('logs one line per exchange and prints a summary on SIGINT, exit 0, after the writes', async () => {
    const child = seam(['record', 'acme', '--target', upstream.url, '--port', '0', '--recordings', root, '--session', 'cli-text']);
    const done = finished(child);
    const [, url] = (await waitFor(child, /listening on (http:\/\/127\.0\.0\.1:\d+)\n/)) as unknown as [string, string];
    expect((await rawRequest(`${url}/v1/customers?limit=2`)).status).toBe(200);
    expect((await rawRequest(`${url}/missing`)).status).toBe(404);
    expect((await rawRequest(`${url}/v1/customers`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } })).status).toBe(200);
    await waitFor(child, /POST \/v1\/customers 200 [\d.]+ms\n/);
    child.kill('SIGINT');
    const { code, stdout, stderr } = await done;
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const lines = stdout.split('\n');
    expect(lines[0]).toBe(`seam record: acme (outbound) → ${upstream.url}`);
    expect(stdout).toContain(`writing to ${join(root, 'acme', 'cli-text')}/`);
    expect(lines).toContainEqual(expect.stringMatching(/^GET \/v1\/customers\?… 200 \d+\.\dms$/));
    expect(lines).toContainEqual(expect.stringMatching(/^GET \/missing 404 \d+\.\dms$/));
    expect(lines).toContainEqual(expect.stringMatching(/^POST \/v1\/customers 200 \d+\.\dms$/));
    expect(stdout).toContain(`recorded 3 exchanges in ${join(root, 'acme', 'cli-text')}/`);
    expect(stdout).toContain('  by status: 200 ×2, 404 ×1');
    expect(stdout).toMatch(/ {2}redactions: \d+/);
    expect(stdout).toContain('  failed writes: 0');
    expect((await listExchangeFiles(root, 'acme', 'cli-text')).length).toBe(3);
  });

  it('waits for an in-flight exchange after the first Ctrl-C; a second Ctrl-C exits at once', async () => {
    const child = seam(['record', 'acme', '--target', upstream.url, '--port', '0', '--recordings', root, '--session', 'cli-hang']);
    const done = finished(child);
    const [, url] = (await waitFor(child, /listening on (http:\/\/127\.0\.0\.1:\d+)\n/)) as unknown as [string, string];
    const hanging = rawRequest(`${url}/hang`).catch((error: Error) => error);
    await new Promise((r) => setTimeout(r, 100)); // the request is with the upstream now
    child.kill('SIGINT');
    await waitFor(child, /stopping: finishing in-flight exchanges/);
    await new Promise((r) => setTimeout(r, 100));
    expect(child.exitCode).toBeNull(); // still waiting for /hang
    child.kill('SIGINT');
    const { code, stdout } = await done;
    expect(code).toBe(130);
    expect(stdout).not.toContain('recorded ');
    expect(await hanging).toBeInstanceOf(Error);
  });

  it('--inbound --forward records deliveries with direction "inbound"; --json logs JSON lines', async () => {
    const child = seam(['record', 'hooks', '--inbound', '--forward', `${upstream.url}/webhooks`, '--port', '0', '--recordings', root, '--session', 'in', '--json']);
    const done = finished(child);
    const listening = JSON.parse((await waitFor(child, /^(\{.*"event":"listening".*\})\n/m))[1]!);
    expect(listening).toMatchObject({ event: 'listening', direction: 'inbound', target: `${upstream.url}/webhooks`, partner: 'hooks', session: 'in' });
    const delivery = await rawRequest(`${listening.url}/stripe`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"type":"invoice.paid"}' });
    expect(JSON.parse(delivery.body.toString())).toEqual({ ok: true, path: '/webhooks/stripe' });
    const logged = JSON.parse((await waitFor(child, /^(\{.*"event":"exchange".*\})\n/m))[1]!);
    expect(logged).toMatchObject({ event: 'exchange', method: 'POST', path: '/webhooks/stripe', status: 200 });
    child.kill('SIGTERM');
    const { code, stdout } = await done;
    expect(code).toBe(0);
    const summary = JSON.parse(stdout.trim().split('\n').at(-1)!);
    expect(summary).toMatchObject({ event: 'summary', count: 1, byStatus: { '200': 1 }, failedWrites: 0 });
    const [file] = await listExchangeFiles(root, 'hooks', 'in');
    const exchange = await readExchangeFile(file!);
    expect(exchange.direction).toBe('inbound');
    expect(exchange.request.body).toEqual({ json: { type: 'invoice.paid' } });
    expect(logged.file).toBe(file);
  });
});
