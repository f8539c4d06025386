import { afterEach, describe, expect, it } from 'vitest';
import type { Stub } from '../stubs/types.js';
import { faultStubs, MockControl } from './admin-api.js';
import { startEmbedded, type EmbeddedEngine } from './embedded.js';

const customer: Stub = {
  id: 'get-customer-1',
  request: { method: 'GET', path: '/v1/customers/cus_1' },
  replies: [
    { status: 200, body: { json: { id: 'cus_1', n: 1 } } },
    { status: 200, body: { json: { id: 'cus_1', n: 2 } } },
  ],
};
const anyCustomer: Stub = {
  id: 'get-customer',
  priority: 7,
  request: { method: 'GET', path: '/v1/customers/{id}' },
  replies: [{ status: 200, body: { json: { id: 'any' } } }],
};
const create: Stub = { id: 'post-customers', request: { method: 'POST', path: '/v1/customers' }, replies: [{ status: 201 }] };

let engine: EmbeddedEngine | undefined;
afterEach(async () => {
  await engine?.close();
  engine = undefined;
});

async function start(stubs: Stub[]): Promise<{ control: MockControl; url: string }> {
  const control = new MockControl(stubs);
  engine = await startEmbedded({ stubs: control.stubs(), onEntry: (e) => control.observe(e), admin: control.handle });
  control.attach(engine);
  return { control, url: engine.url };
}

async function post(url: string, body: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, json: text === '' ? undefined : JSON.parse(text) };
}

async function get(url: string): Promise<{ status: number; stub: string | null; json: any }> {
  const res = await fetch(url);
  const text = await res.text();
  return { status: res.status, stub: res.headers.get('x-seam-stub'), json: text === '' ? undefined : JSON.parse(text) };
}

describe('POST /__seam/faults', () => {
  it('answers exactly `times` calls with the reply, then the normal stub resumes its sequence', async () => {
    const { url } = await start([customer, anyCustomer]);
    const injected = await post(`${url}/__seam/faults`, { method: 'GET', path: '/v1/customers/cus_1', reply: { status: 503, body: { json: { error: 'down' } } }, times: 2 });
    expect(injected.status).toBe(201);
    expect(injected.json.fault).toMatchObject({ id: '__seam-fault-1', remaining: 2 });
    const seen = [];
    for (let i = 0; i < 4; i++) seen.push(await get(`${url}/v1/customers/cus_1`));
    expect(seen.map((r) => r.status)).toEqual([503, 503, 200, 200]);
    expect(seen[0]!.json).toEqual({ error: 'down' });
    expect(seen[0]!.stub).toBe('__seam-fault-1');
    // The recorded sequence was not consumed by the faulted calls.
    expect(seen.slice(2).map((r) => r.json.n)).toEqual([1, 2]);
    expect((await get(`${url}/__seam/faults`)).json).toEqual({ faults: [] });
  });

  it('is exact under concurrency: 20 parallel calls, times 3 → exactly 3 faults', async () => {
    const { url } = await start([customer]);
    await post(`${url}/__seam/faults`, { method: 'GET', path: '/v1/customers/cus_1', reply: { status: 429 }, times: 3 });
    const statuses = await Promise.all(Array.from({ length: 20 }, () => fetch(`${url}/v1/customers/cus_1`).then((r) => r.status)));
    expect(statuses.filter((s) => s === 429)).toHaveLength(3);
    expect(statuses.filter((s) => s === 200)).toHaveLength(17);
  });

  it('a fault on a template outranks more literal stubs, sharing one counter', async () => {
    const { url } = await start([customer, anyCustomer]);
    const injected = await post(`${url}/__seam/faults`, { method: 'GET', path: '/v1/customers/{id}', reply: { fault: 'reset' }, times: 2 });
    expect(injected.json.stubs).toEqual(['__seam-fault-1', '__seam-fault-1~get-customer-1']);
    await expect(fetch(`${url}/v1/customers/cus_1`)).rejects.toThrow();
    await expect(fetch(`${url}/v1/customers/cus_9`)).rejects.toThrow();
    expect((await get(`${url}/v1/customers/cus_1`)).stub).toBe('get-customer-1');
    expect((await get(`${url}/v1/customers/cus_9`)).stub).toBe('get-customer');
    const journal = (await get(`${url}/__seam/journal`)).json.entries;
    expect(journal.map((e: any) => e.outcome)).toEqual([{ fault: 'reset' }, { fault: 'reset' }, { status: 200 }, { status: 200 }]);
  });

  it('without times, holds until reset; other methods and routes are untouched', async () => {
    const { url } = await start([customer, create]);
    await post(`${url}/__seam/faults`, { method: 'GET', path: '/v1/customers/cus_1', reply: { status: 500 } });
    for (let i = 0; i < 3; i++) expect((await get(`${url}/v1/customers/cus_1`)).status).toBe(500);
    expect((await post(`${url}/v1/customers`, {})).status).toBe(201);
    expect((await post(`${url}/__seam/reset`, {})).json).toEqual({ reset: true });
    expect((await get(`${url}/v1/customers/cus_1`)).json).toEqual({ id: 'cus_1', n: 1 });
  });

  it('rejects a bad body with 400 and the pointer', async () => {
    const { url } = await start([customer]);
    expect(await post(`${url}/__seam/faults`, { method: 'GET', path: '/x', reply: { status: 42 }, times: 1 })).toMatchObject({
      status: 400,
      json: { pointer: '/reply/status' },
    });
    expect(await post(`${url}/__seam/faults`, { method: 'GET', path: '/x', reply: { fault: 'explode' } })).toMatchObject({ status: 400 });
    expect(await post(`${url}/__seam/faults`, { method: 'GET', path: '/x', reply: { status: 503 }, times: 0 })).toMatchObject({
      status: 400,
      json: { pointer: '/times' },
    });
    expect(await post(`${url}/__seam/faults`, { method: 'GET', path: 'x', reply: { status: 503 } })).toMatchObject({ status: 400, json: { pointer: '/path' } });
    expect(await post(`${url}/__seam/faults`, '{not json')).toMatchObject({ status: 400 });
  });

  it('survives a reload of the base stubs', async () => {
    const { url, control } = await start([customer]);
    await post(`${url}/__seam/faults`, { method: 'GET', path: '/v1/customers/{id}', reply: { status: 503 }, times: 1 });
    await control.setBase([customer, anyCustomer]);
    expect((await get(`${url}/v1/customers/cus_9`)).status).toBe(503);
    expect((await get(`${url}/v1/customers/cus_9`)).stub).toBe('get-customer');
  });
});

describe('POST /__seam/stubs', () => {
  it('adds a stub that is served, and lists it', async () => {
    const { url } = await start([customer]);
    const added = await post(`${url}/__seam/stubs`, { id: 'extra', request: { method: 'GET', path: '/v1/extra' }, replies: [{ status: 202 }] });
    expect(added).toEqual({ status: 201, json: { added: ['extra'], stubs: 2 } });
    expect((await get(`${url}/v1/extra`))).toMatchObject({ status: 202, stub: 'extra' });
    expect((await get(`${url}/__seam/stubs`)).json.stubs.map((s: Stub) => s.id)).toEqual(['extra', 'get-customer-1']);
  });

  it('rejects a bad stub with 400 and the pointer into the posted stub', async () => {
    const { url } = await start([customer]);
    const bad = await post(`${url}/__seam/stubs`, { id: 'bad', request: { method: 'GET', path: 'no-slash' }, replies: [{ status: 200 }] });
    expect(bad.status).toBe(400);
    expect(bad.json.pointer).toBe('/request/path');
    const taken = await post(`${url}/__seam/stubs`, { ...customer });
    expect(taken).toMatchObject({ status: 400, json: { pointer: '/id' } });
    expect(taken.json.error).toContain('taken');
    const badRegex = await post(`${url}/__seam/stubs`, { id: 'rx', request: { method: 'GET', path: '/r', query: { q: { matches: '(' } } }, replies: [{ status: 200 }] });
    expect(badRegex.status).toBe(400);
    expect((await get(`${url}/__seam/stubs`)).json.stubs).toHaveLength(1);
  });
});

describe('admin routes', () => {
  it('are not journaled; reset clears journal and counters; unknown routes get 404 with the list', async () => {
    const { url } = await start([customer]);
    await get(`${url}/v1/customers/cus_1`);
    await get(`${url}/__seam/stubs`);
    const journal = (await get(`${url}/__seam/journal`)).json.entries;
    expect(journal.map((e: any) => e.path)).toEqual(['/v1/customers/cus_1']);
    await post(`${url}/__seam/reset`, {});
    expect((await get(`${url}/__seam/journal`)).json.entries).toEqual([]);
    expect((await get(`${url}/v1/customers/cus_1`)).json.n).toBe(1);
    const unknown = await get(`${url}/__seam/nope`);
    expect(unknown.status).toBe(404);
    expect(unknown.json.routes).toContain('POST /__seam/faults');
    expect((await fetch(`${url}/__seam/reset`)).status).toBe(405);
  });
});

describe('faultStubs', () => {
  const fault = { id: 'f', method: 'GET', path: '/v1/{kind}/{id}', reply: { status: 503 } };
  it('adds a stub on the intersection with each more literal overlapping stub, and none for disjoint ones', () => {
    const others: Stub[] = [
      customer,
      { id: 'post', request: { method: 'POST', path: '/v1/customers/cus_1' }, replies: [{ status: 200 }] },
      { id: 'short', request: { method: 'GET', path: '/v1/customers' }, replies: [{ status: 200 }] },
      { id: 'mixed', request: { method: 'GET', path: '/v1/{kind}/{Sid}.json' }, replies: [{ status: 200 }] },
      { id: 'other', request: { method: 'GET', path: '/v2/{kind}/{id}' }, replies: [{ status: 200 }] },
    ];
    const stubs = faultStubs(fault, others, 0);
    expect(stubs.map((s) => [s.id, s.request.path])).toEqual([
      ['f', '/v1/{kind}/{id}'],
      ['f~get-customer-1', '/v1/customers/cus_1'],
      ['f~mixed', '/v1/{kind}/{Sid}.json'],
    ]);
    expect(stubs.every((s) => s.priority === 0 && s.replies.length === 1)).toBe(true);
  });
});
