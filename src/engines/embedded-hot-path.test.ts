// The embedded engine's fast paths keep the slow paths' results: headers read from rawHeaders
// (mixed case, repeated) for matching and the lazily built journal map, the query split without
// URLSearchParams, and the matcher's literal-segment index (percent-encoded segments included).
import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { JournalEntry, Stub } from '../stubs/types.js';
import { startEmbedded, type EmbeddedEngine } from './embedded.js';

const STUBS: Stub[] = [
  { id: 'by-id', request: { method: 'GET', path: '/v1/items/{id}' }, replies: [{ status: 200, body: { text: 'id' } }] },
  { id: 'search', request: { method: 'GET', path: '/v1/items/search' }, replies: [{ status: 200, body: { text: 'search' } }] },
  { id: 'spaced', request: { method: 'GET', path: '/v1/a b/x' }, replies: [{ status: 200, body: { text: 'spaced' } }] },
  { id: 'users', request: { method: 'GET', path: '/v1/users/x' }, replies: [{ status: 200, body: { text: 'users' } }] },
  {
    id: 'keyed',
    request: { method: 'GET', path: '/keyed', headers: { 'x-key': { equals: 'k2' } }, query: { q: { equals: 'a b' } } },
    replies: [{ status: 200, body: { text: 'keyed' } }],
  },
];

let engine: EmbeddedEngine | undefined;
afterEach(async () => {
  await engine?.close();
  engine = undefined;
});

/** GET with headers given as raw [name, value, …] pairs (Host first), so case and repeats reach the server as sent. */
function get(path: string, rawHeaders: string[] = []): Promise<{ status: number; stub: string | undefined; body: string }> {
  return new Promise((resolve, reject) => {
    const url = new URL(path, engine!.url);
    const req = http.request({ host: url.hostname, port: url.port, path, method: 'GET', headers: ['Host', url.host, ...rawHeaders], agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, stub: res.headers['x-seam-stub'] as string | undefined, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('embedded hot path', () => {
  it('matches a repeated, mixed-case header and journals it lower-cased, values in order', async () => {
    const seen: JournalEntry[] = [];
    engine = await startEmbedded({ stubs: STUBS, onEntry: (e) => seen.push(structuredClone(e)) });
    const hit = await get('/keyed?q=a+b', ['X-Key', 'k1', 'x-KEY', 'k2', 'Accept', 'text/plain']);
    expect(hit).toMatchObject({ status: 200, stub: 'keyed' });
    const miss = await get('/keyed?q=a%20b', ['X-Key', 'k1']);
    expect(miss.status).toBe(404);
    expect(JSON.parse(miss.body).near[0]).toEqual({ stubId: 'keyed', reasons: ['header "x-key" is "k1", stub wants "k2"'] });

    const entries = await engine.journal();
    expect(entries[0]!.headers['x-key']).toEqual(['k1', 'k2']);
    expect(entries[0]!.headers.accept).toBe('text/plain');
    expect(entries[0]!.query).toEqual({ q: 'a b' });
    expect(entries[1]!.headers['x-key']).toBe('k1');
    expect(entries[1]!.outcome).toEqual({ miss: true, status: 404 });
    // onEntry saw the same complete headers at once.
    expect(seen[0]!.headers['x-key']).toEqual(['k1', 'k2']);
    expect(seen[1]!.headers.host).toBe(engine.url.slice('http://'.length));
  });

  it('builds the journal map lazily without an onEntry, and only for kept entries', async () => {
    engine = await startEmbedded({ stubs: STUBS, journalLimit: 2 });
    await get('/v1/items/1', ['X-N', '1']);
    await get('/v1/items/2', ['X-N', '2']);
    await get('/v1/items/3', ['X-N', '3', 'X-Empty', '']);
    const entries = await engine.journal();
    expect(entries.map((e) => [e.seq, e.headers['x-n']])).toEqual([
      [2, '2'],
      [3, '3'],
    ]);
    expect(entries[1]!.headers['x-empty']).toBe('');
    expect(await engine.journal()).toEqual(entries); // a second read sees the same maps
  });

  it('splits plain queries like URLSearchParams: repeats, bare keys, empty pairs, = in values', async () => {
    engine = await startEmbedded({ stubs: STUBS });
    await get('/v1/items/1?a=1&a=2&&flag&b=x=y&=v&c=');
    const [entry] = await engine.journal();
    expect(entry!.query).toEqual({ a: ['1', '2'], flag: '', b: 'x=y', '': 'v', c: '' });
  });

  it('picks by literal segment, falls back to the parameter, and decodes percent-encoded literals', async () => {
    engine = await startEmbedded({ stubs: STUBS });
    expect((await get('/v1/items/search')).stub).toBe('search');
    expect((await get('/v1/items/searc%68')).stub).toBe('search');
    expect((await get('/v1/items/other')).stub).toBe('by-id');
    expect((await get('/v1/a%20b/x')).stub).toBe('spaced');
    expect((await get('/v1/users/x')).stub).toBe('users');
    expect((await get('/v1/nobody/x')).status).toBe(404);
  });
});
