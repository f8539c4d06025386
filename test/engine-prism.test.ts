// The prism engine against the real @stoplight/prism-cli 5.14.2 run as a child process: spec-only
// mocks (examples, Prefer: code=…, misses), the validation proxy before a real local upstream
// (violations from `sl-violations`), and the Twilio spec from shared material. One Prism per describe.
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPrism, type PrismEngine } from '../src/engines/prism.js';

const spec = {
  openapi: '3.0.3',
  info: { title: 'Pets', version: '1' },
  paths: {
    '/pets': {
      get: {
        operationId: 'listPets',
        parameters: [{ name: 'limit', in: 'query', schema: { type: 'integer', maximum: 50 } }],
        responses: {
          '200': {
            description: 'pets',
            content: { 'application/json': { schema: { type: 'array', items: { $ref: '#/components/schemas/Pet' } }, example: [{ id: 1, name: 'Rex' }] } },
          },
        },
      },
      post: {
        operationId: 'createPet',
        requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/NewPet' } } } },
        responses: {
          '201': { description: 'created', content: { 'application/json': { schema: { $ref: '#/components/schemas/Pet' }, example: { id: 9, name: 'Fido' } } } },
        },
      },
    },
    '/pets/{petId}': {
      get: {
        operationId: 'getPet',
        parameters: [{ name: 'petId', in: 'path', required: true, schema: { type: 'integer' } }],
        responses: {
          '200': { description: 'a pet', content: { 'application/json': { schema: { $ref: '#/components/schemas/Pet' }, example: { id: 1, name: 'Rex' } } } },
          '404': {
            description: 'no such pet',
            content: { 'application/json': { schema: { type: 'object', required: ['error'], properties: { error: { type: 'string' } } }, example: { error: 'pet not found' } } },
          },
        },
      },
    },
  },
  components: {
    schemas: {
      Pet: { type: 'object', required: ['id', 'name'], properties: { id: { type: 'integer' }, name: { type: 'string' } } },
      NewPet: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } },
    },
  },
};

let dir: string;
let specFile: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'seam-prism-test-'));
  specFile = join(dir, 'openapi.json');
  await writeFile(specFile, JSON.stringify(spec));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** PIDs of `pid` and its descendants still running (empty once stopped). */
function processTree(pid: number): number[] {
  const rows = execFileSync('ps', ['-e', '-o', 'pid=,ppid='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/).map(Number) as [number, number]);
  const found = new Set<number>();
  if (rows.some(([p]) => p === pid)) found.add(pid);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [p, pp] of rows) if ((found.has(pp) || pp === pid) && !found.has(p)) (found.add(p), (grew = true));
  }
  return [...found];
}

describe('prism engine, mock mode', () => {
  let engine: PrismEngine;
  beforeAll(async () => {
    engine = await startPrism({ spec: specFile, mode: 'mock' });
  }, 30_000);
  afterAll(async () => {
    await engine?.close();
  });

  it('starts Prism as one child process on 127.0.0.1 and reports its startup time', () => {
    expect(engine.name).toBe('prism');
    expect(engine.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(engine.prismUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(engine.prismUrl).not.toBe(engine.url);
    expect(engine.startMs).toBeGreaterThan(0);
    expect(engine.startMs).toBeLessThan(20_000);
    // Single-process Prism: no cluster worker forked under it.
    expect(processTree(engine.pid)).toEqual([engine.pid]);
    console.log(`prism mock startup (small spec): ${Math.round(engine.startMs)} ms`);
  });

  it('answers a documented operation with its example body and status', async () => {
    const response = await fetch(`${engine.url}/pets/7`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await response.json()).toEqual({ id: 1, name: 'Rex' });
    const created = await fetch(`${engine.url}/pets`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Fido' }) });
    expect(created.status).toBe(201);
    expect(await created.json()).toEqual({ id: 9, name: 'Fido' });
  });

  it('answers Prefer: code=404 with the documented 404 example', async () => {
    const response = await fetch(`${engine.url}/pets/7`, { headers: { prefer: 'code=404' } });
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: 'pet not found' });
  });

  it('answers an undocumented path with Prism’s 404 problem', async () => {
    const response = await fetch(`${engine.url}/owners/1`);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const problem = (await response.json()) as { type: string; title: string };
    expect(problem.type).toContain('NO_PATH_MATCHED_ERROR');
  });

  it('rejects invalid requests with Prism’s 422 and reports the request violations as data', async () => {
    const response = await fetch(`${engine.url}/pets`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ nick: 'x' }) });
    expect(response.status).toBe(422);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    await response.arrayBuffer();
    const query = await fetch(`${engine.url}/pets?limit=99`);
    expect(query.status).toBe(422);
    await query.arrayBuffer();
    expect(engine.violations()).toEqual([
      { seq: 5, method: 'POST', path: '/pets', location: ['request', 'body'], severity: 'Error', code: 'required', message: "Request body must have required property 'name'" },
      { seq: 6, method: 'GET', path: '/pets', location: ['request', 'query', 'limit'], severity: 'Error', code: 'maximum', message: 'Request query parameter limit must be <= 50' },
    ]);
  });

  it('journals every request with the operation it resolved to, misses as stubId null', async () => {
    const entries = await engine.journal();
    const brief = entries.map((e) => [e.seq, e.method, e.path, e.stubId, e.outcome]);
    expect(brief).toEqual([
      [1, 'GET', '/pets/7', 'prism:getPet', { status: 200 }],
      [2, 'POST', '/pets', 'prism:createPet', { status: 201 }],
      [3, 'GET', '/pets/7', 'prism:getPet', { status: 404 }],
      [4, 'GET', '/owners/1', null, { miss: true, status: 404 }],
      [5, 'POST', '/pets', 'prism:createPet', { status: 422 }],
      [6, 'GET', '/pets', 'prism:listPets', { status: 422 }],
    ]);
    expect(entries[2]!.headers['prefer']).toBe('code=404');
    expect(entries[4]!.body).toEqual({ json: { nick: 'x' } });
    expect(entries[5]!.query).toEqual({ limit: '99' });
    expect(entries[4]!.at).toBeGreaterThan(entries[0]!.at);
    for (const e of entries) expect(e.ms).toBeGreaterThan(0); // arrival → Prism's answer, timed by the front
    await engine.resetJournal();
    expect(await engine.journal()).toEqual([]);
    expect(engine.violations()).toEqual([]);
  });

  it('refuses stubs: Prism serves the spec', async () => {
    await expect(engine.setStubs([])).rejects.toThrow(/prism serves the spec, not stubs/);
    await expect(engine.reset()).rejects.toThrow(/prism serves the spec, not stubs/);
  });

  it('stops Prism by PID, leaving no process behind; close is idempotent', async () => {
    const pid = engine.pid;
    const t0 = performance.now();
    await engine.close();
    await engine.close();
    expect(performance.now() - t0).toBeLessThan(3000);
    expect(processTree(pid)).toEqual([]);
    expect(() => process.kill(pid, 0)).toThrow();
    await expect(fetch(engine.url)).rejects.toThrow();
  });
});

/** A real upstream: /pets/1 conforms to the spec, /pets/2 does not (id a string, name missing). */
async function startUpstream(): Promise<{ server: http.Server; url: string }> {
  const server = http.createServer((req, res) => {
    const bodies: Record<string, unknown> = { '/pets/1': { id: 1, name: 'Rex' }, '/pets/2': { id: 'two' } };
    const body = bodies[req.url ?? ''];
    res.writeHead(body === undefined ? 404 : 200, { 'content-type': 'application/json', 'x-upstream': 'yes' });
    res.end(JSON.stringify(body ?? { error: 'pet not found' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

async function stopUpstream(server: http.Server | undefined): Promise<void> {
  if (server === undefined) return;
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
}

describe('prism engine, validation proxy', () => {
  let engine: PrismEngine;
  let upstream: http.Server | undefined;
  beforeAll(async () => {
    const started = await startUpstream();
    upstream = started.server;
    engine = await startPrism({ spec: specFile, mode: 'proxy', upstream: started.url });
  }, 30_000);
  afterAll(async () => {
    await engine?.close();
    await stopUpstream(upstream);
  });

  it('hands a conforming upstream response through with no violations', async () => {
    const response = await fetch(`${engine.url}/pets/1`);
    expect(response.status).toBe(200);
    expect(response.headers.get('x-upstream')).toBe('yes');
    expect(response.headers.get('sl-violations')).toBeNull();
    expect(await response.json()).toEqual({ id: 1, name: 'Rex' });
    expect(engine.violations()).toEqual([]);
  });

  it('hands a violating upstream response through and reports the violations as data', async () => {
    const response = await fetch(`${engine.url}/pets/2`);
    expect(response.status).toBe(200);
    expect(response.headers.get('x-upstream')).toBe('yes');
    expect(await response.json()).toEqual({ id: 'two' });
    const violations = engine.violations();
    expect(violations.every((v) => v.method === 'GET' && v.path === '/pets/2' && v.severity === 'Error')).toBe(true);
    expect(violations).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ location: ['response', 'body'], message: expect.stringContaining("required property 'name'") }),
        expect.objectContaining({ location: ['response', 'body', 'id'], message: expect.stringContaining('must be integer') }),
      ]),
    );
    const entries = await engine.journal();
    expect(entries.map((e) => [e.path, e.stubId, e.outcome])).toEqual([
      ['/pets/1', 'prism:getPet', { status: 200 }],
      ['/pets/2', 'prism:getPet', { status: 200 }],
    ]);
    expect(violations[0]!.seq).toBe(2);
  });
});

describe('prism engine, validation proxy with errors: true', () => {
  let engine: PrismEngine;
  let upstream: http.Server | undefined;
  beforeAll(async () => {
    const started = await startUpstream();
    upstream = started.server;
    engine = await startPrism({ spec: specFile, mode: 'proxy', upstream: started.url, errors: true });
  }, 30_000);
  afterAll(async () => {
    await engine?.close();
    await stopUpstream(upstream);
  });

  it('passes a conforming response and replaces a violating one with Prism’s 500 VIOLATIONS problem, still reporting the violations', async () => {
    const ok = await fetch(`${engine.url}/pets/1`);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ id: 1, name: 'Rex' });
    const bad = await fetch(`${engine.url}/pets/2`);
    expect(bad.status).toBe(500);
    expect(bad.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(((await bad.json()) as { type: string }).type).toContain('VIOLATIONS');
    const violations = engine.violations();
    expect(violations.map((v) => [v.seq, v.path, v.location.join('.')]).sort()).toEqual([
      [2, '/pets/2', 'response.body'],
      [2, '/pets/2', 'response.body.id'],
    ]);
  });
});

describe('prism engine on the Twilio spec', () => {
  const twilio = join(process.cwd(), '../shared/material/specs/twilio/twilio_api_v2010.2026-04-14.json');
  let engine: PrismEngine;
  beforeAll(async () => {
    engine = await startPrism({ spec: twilio, mode: 'mock' });
  }, 60_000);
  afterAll(async () => {
    await engine?.close();
  });

  it('starts within 20 s and answers a documented GET', async () => {
    console.log(`prism mock startup (Twilio 2010 spec, 1.9 MB): ${Math.round(engine.startMs)} ms`);
    expect(engine.startMs).toBeLessThan(20_000);
    const sid = 'AC' + '0'.repeat(32);
    const response = await fetch(`${engine.url}/2010-04-01/Accounts/${sid}.json`, {
      headers: { authorization: 'Basic ' + Buffer.from(`${sid}:token`).toString('base64') },
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, unknown>;
    expect(Object.keys(body)).toEqual(expect.arrayContaining(['sid', 'friendly_name', 'status']));
    const [entry] = await engine.journal();
    expect(entry).toMatchObject({ method: 'GET', stubId: 'prism:FetchAccount', outcome: { status: 200 } });
  });

  it('leaves no Prism process behind after close', async () => {
    await engine.close();
    expect(processTree(engine.pid)).toEqual([]);
  });
});

describe('prism engine on the Box spec (a server base path)', () => {
  const box = join(process.cwd(), '../shared/material/specs/box/openapi.2026-06-29.json');
  let engine: PrismEngine;
  beforeAll(async () => {
    engine = await startPrism({ spec: box, mode: 'mock' });
  }, 60_000);
  afterAll(async () => {
    await engine?.close();
  });

  it('answers the partner’s real URL, base path included (Prism alone matches only /files/…)', async () => {
    const response = await fetch(`${engine.url}/2.0/files/12345`, { headers: { authorization: 'Bearer x' } });
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toHaveProperty('type', 'file');
    // the journal keeps what the connector sent
    const [entry] = await engine.journal();
    expect(entry).toMatchObject({ method: 'GET', path: '/2.0/files/12345', outcome: { status: 200 } });
    expect(entry!.stubId).toMatch(/^prism:/);
  });
});
