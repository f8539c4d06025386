// `seam drift live` end to end: the built CLI (run `npx tsc -p .` first) replays recordings of a
// local partner (node:http on 127.0.0.1) whose behaviour changes between recording and replay.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DriftFinding } from '../src/drift/types.js';
import { serializeExchange } from '../src/exchange/canonical.js';
import { exchangeFileName, parseExchange } from '../src/exchange/store.js';
import type { Exchange } from '../src/exchange/types.js';
import { runSeam } from './support/run-seam.js';

const SECRET = 'Bearer sk_test_51LiveSecretValue0123456789';

type Mode = 'recorded' | 'changed' | 'ids-only';

interface Hit {
  method: string;
  url: string;
  authorization: string | undefined;
  at: number;
}

// The partner: a seed picks ids, timestamps and cursors; the mode picks the behaviour.
function order(seed: number, mode: Mode): Record<string, unknown> {
  const body: Record<string, unknown> = {
    id: `ord_${seed}Xq${seed * 7}Lm`,
    object: 'order',
    status: mode === 'changed' ? 'disputed' : seed % 2 === 0 ? 'paid' : 'pending',
    amount: 500 + seed * 100,
    currency: 'eur',
    created: 1_700_000_000 + seed * 3600,
    customer: { id: `cus_${seed}Ab${seed}Cd`, email_verified: true },
    lines: [{ id: `li_${seed}Zz9`, sku: 'sku-1', qty: mode === 'changed' ? '1' : 1 }],
  };
  if (mode === 'changed') delete body.amount;
  return body;
}

function orderList(seed: number, mode: Mode): Record<string, unknown> {
  return { object: 'list', data: [order(seed, mode), order(seed + 1, mode)], has_more: true, next_cursor: `cur_${seed}Q${seed * 13}w` };
}

const SPEC = `openapi: 3.0.3
info: { title: Acme, version: '1' }
paths:
  /v1/orders:
    get:
      parameters: [{ name: cursor, in: query, schema: { type: string } }]
      responses:
        '200':
          description: a page
          content:
            application/json:
              schema:
                type: object
                properties:
                  object: { type: string }
                  data: { type: array, items: { $ref: '#/components/schemas/order' } }
                  has_more: { type: boolean }
                  next_cursor: { type: string }
    post:
      responses: { '200': { description: created, content: { application/json: { schema: { $ref: '#/components/schemas/order' } } } } }
  /v1/orders/{id}:
    get:
      parameters: [{ name: id, in: path, required: true, schema: { type: string } }]
      responses:
        '200': { description: one, content: { application/json: { schema: { $ref: '#/components/schemas/order' } } } }
  /v1/health:
    get:
      responses:
        '200': { description: up, content: { application/json: { schema: { type: object, properties: { ok: { type: boolean } } } } } }
components:
  schemas:
    order:
      type: object
      properties:
        id: { type: string }
        object: { type: string }
        status: { type: string, enum: [paid, pending] }
        amount: { type: integer }
        currency: { type: string }
        created: { type: integer }
        customer: { type: object, properties: { id: { type: string }, email_verified: { type: boolean } } }
        lines:
          type: array
          items: { type: object, properties: { id: { type: string }, sku: { type: string }, qty: { type: integer } } }
`;

let dir: string;
let server: Server;
let baseUrl: string;
let mode: Mode = 'recorded';
let seedBase = 0;
let hits: Hit[] = [];
let healthCalls = 0;

function json(res: import('node:http').ServerResponse, status: number, body: unknown, extra: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', 'x-api-version': '2024-06-01', 'x-request-id': `req_${Math.random().toString(36).slice(2, 12)}9`, ...extra });
  res.end(JSON.stringify(body));
}

function exchange(seq: number, method: string, path: string, query: Record<string, string>, status: number, body: unknown): Exchange {
  return {
    seam: 1,
    id: `rec/${exchangeFileName(seq, method, path).slice(0, -5)}`,
    partner: 'acme',
    direction: 'outbound',
    recordedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, seq)).toISOString(),
    durationMs: 12,
    request: {
      method,
      origin: 'https://api.acme.test',
      path,
      query,
      headers: { authorization: 'Bearer sk_test_REDACTED_1', accept: 'application/json' },
      ...(method === 'POST' ? { body: { form: { amount: '500' } } } : {}),
    },
    response: {
      status,
      headers: { 'content-type': 'application/json', 'x-api-version': '2024-06-01', 'x-request-id': `req_rec${seq}x9` },
      body: { json: body },
    },
    redactions: [{ at: '/request/headers/authorization', rule: 'header:authorization', placeholder: 'Bearer sk_test_REDACTED_1' }],
  };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'seam-drift-live-'));
  server = createServer((req, res) => {
    hits.push({ method: req.method ?? '', url: req.url ?? '', authorization: req.headers.authorization, at: Date.now() });
    req.resume();
    const url = new URL(req.url ?? '/', 'http://x');
    const seed = seedBase + hits.length;
    if (url.pathname === '/v1/health') {
      healthCalls++;
      if (mode === 'ids-only' && healthCalls === 1) return json(res, 429, { error: 'slow down' }, { 'retry-after': '1' });
      if (mode === 'changed') return json(res, 503, { ok: false });
      return json(res, 200, { ok: true });
    }
    if (url.pathname === '/v1/orders') return json(res, 200, orderList(seed, mode));
    if (url.pathname.startsWith('/v1/orders/')) {
      const headers: Record<string, string> = mode === 'changed' ? { sunset: 'Sat, 31 Oct 2026 23:59:59 GMT', deprecation: '@1767225600' } : {};
      return json(res, 200, order(seed, mode), headers);
    }
    json(res, 404, { error: 'no such route' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  // Recordings: several samples per operation, ids/timestamps/cursors differing between them.
  const session = join(dir, 'recordings', 'acme', 'rec');
  await mkdir(session, { recursive: true });
  const recs: Exchange[] = [];
  let seq = 1;
  for (const seed of [2, 3, 4, 5]) {
    const o = order(seed, 'recorded');
    recs.push(exchange(seq++, 'GET', `/v1/orders/${String(o.id)}`, {}, 200, o));
  }
  // The same request recorded twice: replayed once.
  const again = order(2, 'recorded');
  recs.push(exchange(seq++, 'GET', `/v1/orders/${String(again.id)}`, {}, 200, { ...again, created: 1_700_999_999 }));
  recs.push(exchange(seq++, 'GET', '/v1/orders', { limit: '2' }, 200, orderList(10, 'recorded')));
  recs.push(exchange(seq++, 'GET', '/v1/orders', { limit: '2', cursor: 'cur_10Q130w' }, 200, orderList(12, 'recorded')));
  recs.push(exchange(seq++, 'GET', '/v1/health', {}, 200, { ok: true }));
  recs.push(exchange(seq++, 'GET', '/v1/health', {}, 200, { ok: true }));
  recs.push(exchange(seq++, 'POST', '/v1/orders', {}, 200, order(20, 'recorded')));
  for (const e of recs) await writeFile(join(session, `${e.id.slice('rec/'.length)}.json`), serializeExchange(e));
  await mkdir(join(dir, 'contracts', 'acme'), { recursive: true });
  await writeFile(join(dir, 'contracts', 'acme', 'openapi.yaml'), SPEC);
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await rm(dir, { recursive: true, force: true });
});

async function replay(m: Mode, args: string[]): Promise<{ code: number | null; out: { findings: DriftFinding[]; skipped: { method: string; path: string; reason: string }[]; replayed: unknown[] }; stdout: string; stderr: string }> {
  mode = m;
  hits = [];
  healthCalls = 0;
  seedBase += 100;
  const run = await runSeam(['drift', 'live', 'acme', '--base-url', baseUrl, '--json', ...args], dir, { SEAM_ACME_AUTHORIZATION: SECRET });
  return { code: run.code, out: JSON.parse(run.stdout), stdout: run.stdout, stderr: run.stderr };
}

const pick = (findings: DriftFinding[]) => findings.map((f) => ({ check: f.check, severity: f.severity, operation: f.operation, field: f.field }));

describe('seam drift live', () => {
  it('reports nothing when the partner only changes ids, timestamps and cursors (a 429 is waited out and retried once)', async () => {
    const run = await replay('ids-only', ['--rate', '20']);
    expect(run.stderr).toBe('');
    expect(run.out.findings).toEqual([]);
    expect(run.code).toBe(0);
    // 4 orders (one recorded twice) + 2 list pages + health, which was retried after its 429
    const gets = hits.filter((h) => h.method === 'GET').map((h) => h.url);
    expect(gets.filter((u) => u.startsWith('/v1/orders/'))).toHaveLength(4);
    expect(gets.filter((u) => u.startsWith('/v1/orders?'))).toHaveLength(2);
    const health = hits.filter((h) => h.url === '/v1/health');
    expect(health).toHaveLength(2);
    expect(health[1]!.at - health[0]!.at).toBeGreaterThanOrEqual(950);
  });

  it('reports each change with its check, severity and field; writes are not replayed; credentials reach the partner only', async () => {
    const started = Date.now();
    const run = await replay('changed', ['--rate', '4', '--update']);
    const elapsed = Date.now() - started;
    expect(run.code).toBe(1);
    const found = pick(run.out.findings);
    const order = 'GET /v1/orders/{id}';
    expect(found).toContainEqual({ check: 'live-field-removed', severity: 'breaking', operation: order, field: '$.amount' });
    expect(found).toContainEqual({ check: 'live-type-changed', severity: 'breaking', operation: order, field: '$.lines[*].qty' });
    expect(found).toContainEqual({ check: 'live-enum-value-new', severity: 'warning', operation: order, field: '$.status' });
    expect(found).toContainEqual({ check: 'live-field-removed', severity: 'breaking', operation: 'GET /v1/orders', field: '$.data[*].amount' });
    expect(found).toContainEqual({ check: 'live-status-changed', severity: 'breaking', operation: 'GET /v1/health', field: undefined });
    expect(found).toContainEqual({ check: 'live-sunset', severity: 'warning', operation: order, field: undefined });
    expect(found).toContainEqual({ check: 'live-deprecated', severity: 'warning', operation: order, field: undefined });
    // and against the spec
    expect(found).toContainEqual({ check: 'live-status-undocumented', severity: 'warning', operation: 'GET /v1/health', field: undefined });
    expect(found).toContainEqual({ check: 'live-value-invalid', severity: 'warning', operation: order, field: '$.lines[*].qty' });
    expect(found).toContainEqual({ check: 'live-value-invalid', severity: 'warning', operation: order, field: '$.status' });
    expect(messageOf(run.out.findings, "live-value-invalid", "$.data[*].status")).toBe(
      "2 of 2 live responses of GET /v1/orders answered 200 with $.data[*].status failing `enum` (body field /data/0/status is \"disputed\", the spec allows \"paid\", \"pending\")",
    );
    const messages = new Map(run.out.findings.map((f) => [`${f.check} ${f.operation}`, f.message]));
    expect(messages.get('live-sunset GET /v1/orders/{id}')).toBe('GET /v1/orders/{id} will stop working on 2026-10-31 (Sunset: Sat, 31 Oct 2026 23:59:59 GMT)');
    expect(messages.get('live-deprecated GET /v1/orders/{id}')).toBe('GET /v1/orders/{id} is deprecated by the partner since 2026-01-01 (Deprecation: @1767225600)');
    expect(messages.get('live-status-changed GET /v1/health')).toBe('GET /v1/health answered 503; recorded 200');
    expect(messages.get('live-enum-value-new GET /v1/orders/{id}')).toBe('GET /v1/orders/{id} 200: $.status is "disputed", never recorded (recorded: "paid", "pending")');
    // ids and timestamps varied here too, and are still not reported
    expect(found.filter((f) => f.check === 'live-value-changed')).toEqual([]);

    // no write replayed without --allow-writes
    expect(hits.filter((h) => h.method !== 'GET')).toEqual([]);
    expect(run.out.skipped).toEqual([{ method: 'POST', operation: 'POST /v1/orders', path: '/v1/orders', reason: 'a write (replayed only with --allow-writes)' }]);
    // credentials from the environment reach the partner, never the output
    expect(hits.every((h) => h.authorization === SECRET)).toBe(true);
    expect(run.stdout + run.stderr).not.toContain('LiveSecretValue');
    // --rate 4: 7 requests start at least 250 ms apart
    expect(hits).toHaveLength(7);
    expect(hits[6]!.at - hits[0]!.at).toBeGreaterThanOrEqual(6 * 250 - 50);
    expect(elapsed).toBeGreaterThanOrEqual(1450);

    // --update: a new session of parseable, secret-free exchanges
    const sessions = (await readdir(join(dir, 'recordings', 'acme'))).filter((s) => s.startsWith('live-'));
    expect(sessions).toHaveLength(1);
    expect(sessions[0]).toMatch(/^live-\d{8}-\d{6}$/);
    const files = (await readdir(join(dir, 'recordings', 'acme', sessions[0]!))).sort();
    expect(files).toHaveLength(7);
    const saved = await Promise.all(files.map(async (f) => ({ text: await readFile(join(dir, 'recordings', 'acme', sessions[0]!, f), 'utf8'), f })));
    for (const { text, f } of saved) {
      expect(text).not.toContain('LiveSecretValue');
      const e = parseExchange(text, f);
      expect(e.partner).toBe('acme');
      expect(e.request.origin).toBe(baseUrl);
      expect(e.request.headers.authorization).toBe('Bearer sk_test_REDACTED_1');
    }
    const health = saved.map((s) => parseExchange(s.text, s.f)).find((e) => e.request.path === '/v1/health')!;
    expect(health.response).toMatchObject({ status: 503, body: { json: { ok: false } } });
  });

  it('is clean when the partner behaves as recorded', async () => {
    const run = await replay('recorded', ['--rate', '20', '--session', 'rec']);
    expect(run.out.findings).toEqual([]);
    expect(run.code).toBe(0);
  });

  it('replays writes with --allow-writes', async () => {
    const run = await replay('ids-only', ['--rate', '50', '--allow-writes', '--session', 'rec']);
    expect(hits.filter((h) => h.method === 'POST').map((h) => h.url)).toEqual(['/v1/orders']);
    expect(run.out.skipped).toEqual([]);
  });
});

function messageOf(findings: DriftFinding[], check: string, field: string): string | undefined {
  return findings.find((f) => f.check === check && f.field === field)?.message;
}
