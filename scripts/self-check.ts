// `npm run self-check`: the loop's first stage for real,
// end to end through the CLI: a local partner on 127.0.0.1, `seam record` in front of it, traffic
// carrying secrets, then `seam scan` (must be clean) and `seam export har` on what was written.
import { spawn } from 'node:child_process';
import { createServer, request } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const seamBin = join(repo, 'bin', 'seam.js');

function seam(args: string[], options: { quiet?: boolean } = {}): Promise<{ code: number; stdout: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [seamBin, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (!options.quiet) process.stdout.write(chunk);
    });
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code: code ?? 1, stdout }));
  });
}

function call(port: number, method: string, path: string, headers: Record<string, string>, body?: string): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers }, (res) => {
      res.resume();
      res.on('end', () => resolvePromise(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function main(): Promise<number> {
  const step = (text: string): void => void process.stdout.write(`\n== ${text}\n`);
  step('seam --help');
  if ((await seam(['--help'])).code !== 0) return 1;

  // A partner that answers like a payments API would, secrets and personal data included.
  const partner = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.url?.startsWith('/v1/customers') && req.method === 'POST') {
        res.writeHead(200, { 'content-type': 'application/json', 'set-cookie': 'sid=8f14e45fceea167a5a36dedd4bea2543; HttpOnly' });
        res.end(JSON.stringify({ id: 'cus_Q1w2E3r4', email: 'jane.doe@example.org', phone: '+14155550132', livemode: false }));
      } else if (req.url?.startsWith('/v1/customers')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ object: 'list', data: [{ id: 'cus_Q1w2E3r4', email: 'jane.doe@example.org' }], has_more: false }));
      } else {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { type: 'invalid_request_error', message: 'No such route' } }));
      }
    });
  });
  await new Promise<void>((r) => partner.listen(0, '127.0.0.1', r));
  const partnerPort = (partner.address() as AddressInfo).port;
  const root = await mkdtemp(join(tmpdir(), 'seam-start-'));
  try {
    step(`seam record demo --target http://127.0.0.1:${partnerPort}`);
    const recorder = spawn(
      process.execPath,
      [seamBin, 'record', 'demo', '--target', `http://127.0.0.1:${partnerPort}`, '--port', '0', '--session', 'self-check', '--recordings', root, '--json'],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const port = await new Promise<number>((resolvePromise, reject) => {
      let seen = '';
      recorder.stdout.on('data', (chunk: Buffer) => {
        process.stdout.write(chunk);
        seen += chunk.toString();
        const m = /"event":"listening","url":"http:\/\/127\.0\.0\.1:(\d+)"/.exec(seen);
        if (m) resolvePromise(Number(m[1]));
      });
      recorder.on('exit', (code) => reject(new Error(`seam record exited early (${code})`)));
    });
    const auth = { authorization: 'Bearer sk_test_51HxSelfCheckSecretValue0000' };
    await call(port, 'GET', '/v1/customers?limit=3&api_key=sk_test_51HxSelfCheckSecretValue0000', auth);
    await call(port, 'POST', '/v1/customers', { ...auth, 'content-type': 'application/x-www-form-urlencoded' }, 'email=jane.doe%40example.org&password=hunter2hunter2');
    await call(port, 'GET', '/v1/nowhere', auth);
    const exited = new Promise<number>((r) => recorder.on('exit', (code) => r(code ?? 1)));
    recorder.kill('SIGINT');
    if ((await exited) !== 0) return 1;

    step(`seam scan ${root}`);
    if ((await seam(['scan', root])).code !== 0) return 1;

    step('seam export har --partner demo');
    const har = await seam(['export', 'har', '--partner', 'demo', '--recordings', root], { quiet: true });
    const entries = (JSON.parse(har.stdout) as { log: { entries: unknown[] } }).log.entries.length;
    process.stdout.write(`HAR 1.2 with ${entries} entries\n`);
    if (har.code !== 0 || entries !== 3) return 1;

    step('seam mock demo (embedded engine, from the recordings just made)');
    const mock = spawn(process.execPath, [seamBin, 'mock', 'demo', '--recordings', root, '--port', '0', '--json'], { stdio: ['ignore', 'pipe', 'inherit'] });
    const mockPort = await new Promise<number>((resolvePromise, reject) => {
      let seen = '';
      mock.stdout.on('data', (chunk: Buffer) => {
        process.stdout.write(chunk);
        seen += chunk.toString();
        const m = /"event":"listening","url":"http:\/\/127\.0\.0\.1:(\d+)"/.exec(seen);
        if (m) resolvePromise(Number(m[1]));
      });
      mock.on('exit', (code) => reject(new Error(`seam mock exited early (${code})`)));
    });
    // The same calls, answered by the mock as the partner answered them.
    const replayed = [
      await call(mockPort, 'GET', '/v1/customers?limit=3&api_key=sk_test_REDACTED_1', {}),
      await call(mockPort, 'POST', '/v1/customers', { 'content-type': 'application/x-www-form-urlencoded' }, 'email=redacted-1%40example.invalid&password=REDACTED_2'),
      await call(mockPort, 'GET', '/v1/nowhere', {}),
    ];
    const mockExited = new Promise<number>((r) => mock.on('exit', (code) => r(code ?? 1)));
    mock.kill('SIGINT');
    if ((await mockExited) !== 0 || replayed.join(',') !== '200,200,404') {
      process.stdout.write(`mock answered ${replayed.join(',')}, the partner 200,200,404\n`);
      return 1;
    }
    process.stdout.write('\nself-check passed: recorded, redacted, scanned clean, exported, mocked.\n');
    return 0;
  } finally {
    partner.close();
    await rm(root, { recursive: true, force: true });
  }
}

process.exitCode = await main();
