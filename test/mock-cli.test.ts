// `seam mock` end to end: the built CLI as a child process, on recordings written with SessionWriter
// into a temp dir. Run `npx tsc -p .` first.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exchangeFileName, SessionWriter, type UnnamedExchange } from '../src/exchange/store.js';

const BIN = resolve(dirname(fileURLToPath(import.meta.url)), '../bin/seam.js');

function exchange(method: string, path: string, status: number, json: unknown): UnnamedExchange {
  return {
    seam: 1,
    partner: 'acme',
    direction: 'outbound',
    recordedAt: '2026-11-22T10:00:00.000Z',
    durationMs: 10,
    request: { method, path, query: {}, headers: { accept: 'application/json' } },
    response: { status, headers: { 'content-type': 'application/json' }, body: { json } },
    redactions: [],
  };
}

/** The CLI as a child, its stdout as a stream of lines (JSON lines parsed). */
class Cli {
  readonly child: ChildProcess;
  readonly lines: string[] = [];
  stderr = '';
  private waiters: { test: (line: string) => boolean; resolve: (line: string) => void }[] = [];
  readonly exited: Promise<number | null>;
  private buffer = '';

  constructor(args: string[], cwd: string) {
    this.child = spawn(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      this.buffer += chunk;
      let nl: number;
      while ((nl = this.buffer.indexOf('\n')) !== -1) {
        const line = this.buffer.slice(0, nl);
        this.buffer = this.buffer.slice(nl + 1);
        this.lines.push(line);
        this.waiters = this.waiters.filter((w) => (w.test(line) ? (w.resolve(line), false) : true));
      }
    });
    this.child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (this.stderr += chunk));
    this.exited = new Promise((res) => this.child.on('exit', (code) => res(code)));
  }

  /** The first line (from now on, or already seen after `since`) that passes `test`. */
  line(test: (line: string) => boolean, since = 0, timeoutMs = 10_000): Promise<string> {
    const seen = this.lines.slice(since).find(test);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((res, rej) => {
      const timer = setTimeout(() => rej(new Error(`timed out waiting for a line; stdout:\n${this.lines.join('\n')}\nstderr:\n${this.stderr}`)), timeoutMs);
      this.waiters.push({ test, resolve: (l) => (clearTimeout(timer), res(l)) });
    });
  }

  event(name: string, match: Record<string, unknown> = {}, since = 0): Promise<Record<string, any>> {
    return this.line((l) => {
      if (!l.startsWith('{')) return false;
      const e = JSON.parse(l);
      return e.event === name && Object.entries(match).every(([k, v]) => e[k] === v);
    }, since).then((l) => JSON.parse(l));
  }
}

let root: string;
let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'seam-mock-cli-'));
  root = join(work, 'recordings');
  const writer = await SessionWriter.open(root, 'acme', 's1');
  await writer.write(exchange('GET', '/v1/customers/cus_1', 200, { id: 'cus_1', name: 'Ada' }));
  await writer.write(exchange('POST', '/v1/customers', 201, { id: 'cus_2' }));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('seam mock (embedded)', () => {
  let cli: Cli;
  let url: string;

  it('starts and prints its URL as a JSON line', async () => {
    const started = performance.now();
    cli = new Cli(['mock', 'acme', '--recordings', root, '--json'], work);
    const listening = await cli.event('listening');
    const ms = performance.now() - started;
    console.log(`seam mock: spawn → listening in ${ms.toFixed(0)} ms`);
    expect(listening).toMatchObject({ engine: 'embedded', stubs: 2, from: 'recordings' });
    expect(listening.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    url = listening.url;
  });

  it('serves a recorded response and logs one line with the stub id, status and ms', async () => {
    const mark = cli.lines.length;
    const res = await fetch(`${url}/v1/customers/cus_1`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ id: 'cus_1', name: 'Ada' });
    const stub = res.headers.get('x-seam-stub');
    expect(stub).toBeTruthy();
    const logged = await cli.event('request', { path: '/v1/customers/cus_1' }, mark);
    expect(logged).toMatchObject({ method: 'GET', stub, status: 200, reply: 0 });
    expect(typeof logged.ms).toBe('number');
  });

  it('answers a miss with a 404 naming the closest stubs, and logs MISS', async () => {
    const mark = cli.lines.length;
    const res = await fetch(`${url}/v1/customers`);
    expect(res.status).toBe(404);
    expect(res.headers.get('x-seam-stub')).toBe('MISS');
    const body = (await res.json()) as any;
    expect(body.error).toBe('no stub matched');
    expect(body.near[0].reasons.join(' ')).toContain('POST');
    const logged = await cli.event('request', { path: '/v1/customers', stub: 'MISS' }, mark);
    expect(logged).toMatchObject({ method: 'GET', status: 404 });
    expect(logged.near.length).toBeGreaterThan(0);
  });

  it('POST /__seam/faults with times 2: exactly two faulted calls, then the recorded response', async () => {
    const injected = await fetch(`${url}/__seam/faults`, {
      method: 'POST',
      body: JSON.stringify({ method: 'GET', path: '/v1/customers/{id}', reply: { status: 503, body: { json: { error: 'down' } } }, times: 2 }),
    });
    expect(injected.status).toBe(201);
    const mark = cli.lines.length;
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await fetch(`${url}/v1/customers/cus_1`)).status);
    expect(statuses).toEqual([503, 503, 200]);
    await cli.event('request', { status: 200 }, mark);
    const logged = cli.lines.slice(mark).filter((l) => l.includes('"request"')).map((l) => JSON.parse(l));
    expect(logged.map((e) => e.status)).toEqual([503, 503, 200]);
    expect(logged[0].stub).toMatch(/^__seam-fault-1/);
  });

  it('GET /__seam/journal lists the calls, without admin requests', async () => {
    const journal = (await (await fetch(`${url}/__seam/journal`)).json()) as any;
    expect(journal.entries.map((e: any) => `${e.method} ${e.path} ${e.outcome.status}`)).toEqual([
      'GET /v1/customers/cus_1 200',
      'GET /v1/customers 404',
      'GET /v1/customers/cus_1 503',
      'GET /v1/customers/cus_1 503',
      'GET /v1/customers/cus_1 200',
    ]);
  });

  it('reloads when a recording is added: the new request matches', async () => {
    expect((await fetch(`${url}/v1/invoices/in_1`)).status).toBe(404);
    const mark = cli.lines.length;
    const writer = await SessionWriter.open(root, 'acme', 's2');
    await writer.write(exchange('GET', '/v1/invoices/in_1', 200, { id: 'in_1' }));
    expect(await cli.event('reloaded', {}, mark)).toMatchObject({ stubs: 3 });
    const res = await fetch(`${url}/v1/invoices/in_1`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ id: 'in_1' });
  });

  it('a broken recording is reported and the old stubs keep serving', async () => {
    const mark = cli.lines.length;
    const file = join(root, 'acme', 's2', exchangeFileName(9, 'GET', '/broken'));
    await writeFile(file, '{ "seam": 1, "oops"');
    const failed = await cli.event('reload-failed', {}, mark);
    expect(failed.message).toContain(file);
    expect(failed.message).toContain('not valid JSON');
    expect((await fetch(`${url}/v1/invoices/in_1`)).status).toBe(200);
    await rm(file);
    await cli.event('reloaded', {}, mark);
  });

  it('exits 0 on SIGINT', async () => {
    const mark = cli.lines.length;
    cli.child.kill('SIGINT');
    expect(await cli.exited).toBe(0);
    await cli.event('stopped', {}, mark);
    await expect(fetch(`${url}/v1/customers/cus_1`)).rejects.toThrow();
  });
});

describe('seam mock (text output and errors)', () => {
  it('prints the URL and a readable line per request', async () => {
    const cli = new Cli(['mock', 'acme', '--recordings', root], work);
    const line = await cli.line((l) => l.startsWith('listening on '));
    const url = line.slice('listening on '.length);
    const res = await fetch(`${url}/v1/customers/cus_1`);
    const stub = res.headers.get('x-seam-stub')!;
    expect(await cli.line((l) => l.startsWith('GET /v1/customers/cus_1'))).toMatch(new RegExp(`^GET /v1/customers/cus_1 → ${stub} 200 [\\d.]+ms$`));
    await fetch(`${url}/nope`);
    expect(await cli.line((l) => l.startsWith('GET /nope'))).toMatch(/^GET \/nope → MISS 404 [\d.]+ms/);
    cli.child.kill('SIGINT');
    expect(await cli.exited).toBe(0);
  });

  it('exits 2 naming the folder for an unknown partner', async () => {
    const cli = new Cli(['mock', 'nobody', '--recordings', root], work);
    expect(await cli.exited).toBe(2);
    expect(cli.stderr).toContain(join(root, 'nobody'));
    expect(cli.stderr).toContain('no recordings for nobody');
  });

  it('exits 2 for --from spec without a spec', async () => {
    const cli = new Cli(['mock', 'acme', '--recordings', root, '--from', 'spec'], work);
    expect(await cli.exited).toBe(2);
    expect(cli.stderr).toContain('contracts/acme/openapi.(json|yaml)');
  });
});

describe('seam mock with a spec', () => {
  it('resolves recordings through the spec: the stub is the operation, so another id matches', async () => {
    const specRoot = join(work, 'spec-recordings');
    const writer = await SessionWriter.open(specRoot, 'box', 's1');
    await writer.write({ ...exchange('GET', '/2.0/files/123', 200, { id: '123', type: 'file' }), partner: 'box' });
    const spec = resolve(dirname(BIN), '../../shared/material/specs/box/openapi.2025-12-02.json');
    const cli = new Cli(['mock', 'box', '--recordings', specRoot, '--spec', spec, '--json'], work);
    const { url } = await cli.event('listening');
    const stubs = ((await (await fetch(`${url}/__seam/stubs`)).json()) as any).stubs;
    // `operation` is set only when the spec resolved the request.
    expect(stubs.filter((s: any) => s.operation === 'GET /2.0/files/{file_id}').length).toBeGreaterThan(0);
    expect((await fetch(`${url}/2.0/files/999`)).status).toBe(200);
    cli.child.kill('SIGINT');
    expect(await cli.exited).toBe(0);
  }, 20_000);
});

describe('seam mock --engine wiremock', () => {
  it('starts, serves a recorded request, and leaves no java process after SIGINT', async () => {
    const started = performance.now();
    const cli = new Cli(['mock', 'acme', '--recordings', root, '--engine', 'wiremock', '--json'], work);
    const listening = await cli.event('listening');
    console.log(`seam mock --engine wiremock: spawn → listening in ${(performance.now() - started).toFixed(0)} ms`);
    expect(listening).toMatchObject({ engine: 'wiremock' });
    expect(typeof listening.pid).toBe('number');
    const res = await fetch(`${listening.url}/v1/customers/cus_1`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ id: 'cus_1', name: 'Ada' });
    const logged = await cli.event('request', { path: '/v1/customers/cus_1' });
    expect(logged).toMatchObject({ status: 200 });
    expect(logged.ms).toBeGreaterThanOrEqual(0); // WireMock's own serve timing
    const admin = await fetch(`${listening.url}/__seam/journal`);
    expect(admin.status).toBe(501);
    expect(((await admin.json()) as any).hint).toContain('/__admin/');
    cli.child.kill('SIGINT');
    expect(await cli.exited).toBe(0);
    expect(() => process.kill(listening.pid, 0)).toThrow(expect.objectContaining({ code: 'ESRCH' }));
  }, 30_000);
});
