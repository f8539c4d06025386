// The redaction corpus through the real thing: `seam record` (the CLI, as a child process) in front
// of a real upstream on 127.0.0.1, every corpus request sent through it, every corpus response
// served back. The client gets the unredacted bytes; the disk gets none of the 40+ seeded values.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bodyBytes } from '../src/exchange/body.js';
import { readRecordings } from '../src/exchange/store.js';
import { secretCorpus, SEEDS, storedForms, type SeedName } from './support/secret-corpus.js';
import { rawRequest, sha256, startUpstream, type Upstream } from './support/upstream.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SEAM = join(ROOT, 'bin', 'seam.js');
const corpus = secretCorpus();

function flat(map: Record<string, string | string[]>, skip: Set<string>): string[] {
  const out: string[] = [];
  for (const [name, value] of Object.entries(map)) {
    if (skip.has(name)) continue;
    for (const v of Array.isArray(value) ? value : [value]) out.push(name, v);
  }
  return out;
}

function query(map: Record<string, string | string[]>): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(map)) for (const one of Array.isArray(v) ? v : [v]) params.append(k, one);
  const s = params.toString();
  return s ? `?${s}` : '';
}

const SKIP = new Set(['host', 'content-length', 'content-encoding', 'transfer-encoding', 'connection']);

let tmp: string;
let upstream: Upstream;
let recorderProcess: ChildProcess | undefined;
const served: string[] = []; // sha256 of each response body as the upstream sent it
const received: string[] = []; // … and as the client got it through the proxy

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'seam-corpus-e2e-'));
  upstream = await startUpstream((req, res) => {
    req.resume();
    req.on('end', () => {
      const i = Number(req.headers['x-corpus-case']);
      const c = corpus[i]!;
      const body = bodyBytes(c.response.body);
      served[i] = sha256(body);
      res.writeHead(c.response.status, [...flat(c.response.headers, SKIP), 'content-length', String(body.length)]);
      res.end(body);
    });
  });
});

afterAll(async () => {
  // a failed assertion must not leave the recorder running
  if (recorderProcess && recorderProcess.exitCode === null && recorderProcess.signalCode === null) recorderProcess.kill('SIGKILL');
  await upstream?.close();
  await rm(tmp, { recursive: true, force: true });
});

describe('seam record with the secret corpus', () => {
  it('records every exchange, leaves none of the seeded values on disk, and scans clean', async () => {
    const recordings = join(tmp, 'recordings');
    const child = spawn(process.execPath, [SEAM, 'record', 'acme', '--target', upstream.url, '--port', '0', '--session', 'corpus', '--recordings', recordings, '--json'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NO_COLOR: '1' },
    });
    recorderProcess = child;
    let stdout = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    const url = await new Promise<string>((resolvePromise, reject) => {
      const timer = setInterval(() => {
        const m = /"event":"listening","url":"([^"]+)"/.exec(stdout);
        if (m) {
          clearInterval(timer);
          resolvePromise(m[1]!);
        }
      }, 10);
      child.on('exit', (code) => reject(new Error(`seam record exited with ${code}`)));
    });

    for (const [i, c] of corpus.entries()) {
      const body = bodyBytes(c.request.body);
      const r = await rawRequest(`${url}${c.request.path}${query(c.request.query)}`, {
        method: c.request.method,
        headers: ['host', new URL(url).host, ...flat(c.request.headers, SKIP), 'x-corpus-case', String(i), ...(body.length ? ['content-length', String(body.length)] : [])],
        ...(body.length ? { body } : {}),
      });
      expect(r.status, `case ${i}: ${r.body.toString().slice(0, 300)}`).toBe(c.response.status);
      received[i] = sha256(r.body);
    }
    // the client got the partner's bytes, secrets and all
    expect(received).toEqual(served);

    child.kill('SIGINT');
    expect(await exited).toBe(0);
    const summary = JSON.parse(stdout.trim().split('\n').at(-1)!);
    expect(summary).toMatchObject({ event: 'summary', count: corpus.length, failedWrites: 0 });
    expect(summary.redactions.total).toBeGreaterThanOrEqual(40);

    // none of the seeded values, in any stored form, anywhere under recordings/
    const files = (await readdir(recordings, { recursive: true, withFileTypes: true })).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
    expect(files).toHaveLength(corpus.length);
    const leaks: string[] = [];
    for (const file of files) {
      const text = await readFile(file, 'utf8');
      for (const [name, value] of Object.entries(SEEDS)) for (const form of storedForms(value)) if (text.includes(form)) leaks.push(`${name} in ${file}`);
    }
    expect(leaks).toEqual([]);

    // each expected place was redacted by the expected rule; a value seen twice has one placeholder
    const stored = (await readRecordings(recordings, 'acme')).map((s) => s.exchange);
    const bySeed = new Map<SeedName, Set<string>>();
    corpus.forEach((c, i) => {
      for (const e of c.expected) {
        const r = stored[i]!.redactions.filter((x) => x.at === e.at && x.rule === e.rule);
        expect(r.length, `${e.seed} at ${e.at} (${e.rule})`).toBeGreaterThan(0);
        const set = bySeed.get(e.seed) ?? new Set<string>();
        // a field can hold several redactions; the seed's placeholder is the one common to all its places
        bySeed.set(e.seed, set.size === 0 ? new Set(r.map((x) => x.placeholder)) : new Set(r.map((x) => x.placeholder).filter((p) => set.has(p))));
      }
    });
    for (const [seed, placeholders] of bySeed) expect(placeholders.size, `${seed} keeps one placeholder everywhere`).toBeGreaterThan(0);

    // and the scanner agrees
    const scan = spawnSync(process.execPath, [SEAM, 'scan', recordings], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    expect(scan.stdout).toContain('clean');
    expect(scan.status).toBe(0);
  });
});
