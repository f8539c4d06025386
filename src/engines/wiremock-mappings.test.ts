import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { afterEach, describe, expect, it } from 'vitest';
import { InputError } from '../errors.js';
import type { Stub } from '../stubs/types.js';
import { compileWireMock, HANG_DELAY_MS, mappingId, nameUuid, writeWireMockMappings, type WireMockMapping } from './wiremock-mappings.js';

const SCHEMA = join(process.cwd(), '../shared/material/wiremock/schemas/wiremock-stub-mapping-or-mappings.json');

async function validator(relaxMultiValuedHeaders: boolean) {
  const schema = JSON.parse(await readFile(SCHEMA, 'utf8'));
  if (relaxMultiValuedHeaders) {
    // WireMock accepts (and serves as repeated headers) an array of values; its schema says string.
    const props = schema.definitions['response-definition'].allOf[0].properties;
    props.headers.additionalProperties = { oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] };
  }
  // strict: false — the schema carries `example` and `x-intellij-…` annotations ajv does not know.
  return new Ajv({ strict: false, allErrors: true }).compile(schema);
}

const stubs: Stub[] = [
  {
    id: 'get-customer',
    request: { method: 'GET', path: '/v1/customers/{customer}', query: { expand: { equals: 'sources' }, cursor: { matches: 'c_[0-9]+' }, debug: { present: false } } },
    replies: [
      { status: 200, headers: { 'content-type': 'application/json', 'set-cookie': ['a=1', 'b=2'], 'content-length': '999', 'content-encoding': 'gzip' }, body: { json: { id: 'cus_1', object: 'customer' } } },
    ],
    operation: 'GET /v1/customers/{customer}',
  },
  {
    id: 'search-customers',
    request: { method: 'GET', path: '/v1/customers/search' },
    replies: [{ status: 200, body: { text: 'found' } }],
  },
  {
    id: 'create-customer',
    priority: 3,
    request: { method: 'POST', path: '/v1/customers', headers: { 'Idempotency-Key': { present: true } }, body: { jsonSubset: { email: 'a@b.c', tags: [{ name: 'vip' }] } } },
    replies: [{ status: 201, body: { json: { id: 'cus_new' } } }, { status: 409, body: { json: { error: 'dup' } } }, { fault: 'reset' }],
  },
  {
    id: 'form-write',
    request: { method: 'POST', path: '/v1/tokens', body: { form: { grant_type: { equals: 'client_credentials' } } } },
    replies: [{ status: 200, body: { form: { a: '1', b: ['2', '3'] } }, delayMs: 120.4 }],
  },
  {
    id: 'binary',
    request: { method: 'GET', path: '/files/{name}.png' },
    replies: [{ status: 200, headers: { 'content-type': 'image/png' }, body: { base64: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2]).toString('base64'), contentType: 'image/png' } }],
  },
  {
    id: 'large',
    request: { method: 'GET', path: '/large' },
    replies: [{ status: 200, headers: { 'content-type': 'application/json' }, body: { json: { items: 'x'.repeat(20_000) } } }],
  },
  { id: 'hang', request: { method: 'ANY', path: '/hang' }, replies: [{ fault: 'hang' }] },
  { id: 'trunc', request: { method: 'GET', path: '/trunc' }, replies: [{ fault: 'truncated', delayMs: 10 }] },
  { id: 'text-body', request: { method: 'PUT', path: '/notes', body: { text: { matches: 'hello.*' } } }, replies: [{ status: 204 }] },
  {
    id: 'echo',
    request: { method: 'POST', path: '/v1/users/{user}' },
    replies: [{ status: 200, body: { json: { id: 'x', profile: {} } }, echo: [{ from: 'path.user', to: '/id' }, { from: 'body/email', to: '/profile/email' }] }],
  },
];

const byStub = (mappings: WireMockMapping[], id: string) => mappings.filter((m) => m.metadata.seam.stub === id);

describe('compileWireMock', () => {
  const { mappings, files } = compileWireMock(stubs);

  it('compiles a templated GET with query matchers, keeping repeated headers and dropping framing headers', () => {
    const [m] = byStub(mappings, 'get-customer');
    expect(m!.id).toBe(mappingId('get-customer', 0));
    expect(m!.uuid).toBe(m!.id);
    expect(m!.request).toEqual({
      method: 'GET',
      urlPathTemplate: '/v1/customers/{customer}',
      queryParameters: { cursor: { matches: 'c_[0-9]+' }, debug: { absent: true }, expand: { equalTo: 'sources' } },
    });
    expect(m!.response).toEqual({
      status: 200,
      headers: { 'content-type': 'application/json', 'set-cookie': ['a=1', 'b=2'], 'x-seam-stub': 'get-customer' },
      jsonBody: { id: 'cus_1', object: 'customer' },
    });
    expect(m!.metadata.seam).toEqual({ stub: 'get-customer', reply: 0, priority: 5, operation: 'GET /v1/customers/{customer}' });
  });

  it('encodes Seam precedence in WireMock priorities: literal segment, then priority, then specificity', () => {
    const p = (id: string) => byStub(mappings, id)[0]!.priority;
    expect(p('search-customers')).toBeLessThan(p('get-customer'));
    const mk = (id: string, path: string, extra: Partial<Stub> = {}): Stub => ({ id, request: { method: 'GET', path }, replies: [{ status: 200 }], ...extra });
    const set = [
      mk('lit', '/a/b', { priority: 9 }),
      mk('param', '/a/{x}', { priority: 1 }),
      mk('urgent', '/a/{x}', { priority: 0 }),
      { id: 'specific', priority: 1, request: { method: 'GET', path: '/a/{x}', query: { q: { equals: '1' } } }, replies: [{ status: 200 }] },
    ] satisfies Stub[];
    const byId = Object.fromEntries(compileWireMock(set).mappings.map((m) => [m.metadata.seam.stub, m.priority]));
    expect(byId.lit).toBeLessThan(byId.urgent!);
    expect(byId.urgent).toBeLessThan(byId.specific!);
    expect(byId.specific).toBeLessThan(byId.param!);
    expect(Math.min(...Object.values(byId))).toBeGreaterThanOrEqual(1);
  });

  it('keeps a stub’s WireMock priority when other stubs come and go', () => {
    const alone = compileWireMock([stubs[0]!]).mappings[0]!.priority;
    expect(byStub(mappings, 'get-customer')[0]!.priority).toBe(alone);
  });

  it('turns a sequence into a scenario whose last state repeats', () => {
    const seq = byStub(mappings, 'create-customer');
    expect(seq.map((m) => [m.scenarioName, m.requiredScenarioState, m.newScenarioState])).toEqual([
      ['create-customer', 'Started', '2'],
      ['create-customer', '2', '3'],
      ['create-customer', '3', undefined],
    ]);
    expect(new Set(seq.map((m) => m.priority)).size).toBe(1);
    expect(seq[0]!.request).toEqual({
      method: 'POST',
      urlPath: '/v1/customers',
      headers: { 'idempotency-key': { matches: '(?s).*' } },
      bodyPatterns: [
        { equalToJson: { email: 'a@b.c', tags: [{ name: 'vip' }] }, ignoreExtraElements: true, ignoreArrayOrder: false },
        { matchesJsonPath: { expression: "$['tags'].length()", equalTo: '1' } },
      ],
    });
    expect(seq[2]!.response).toEqual({ fault: 'CONNECTION_RESET_BY_PEER' });
    expect(seq[2]!.metadata.seam.fault).toBe('reset');
    const file = files.find((f) => f.path === 'mappings/create-customer.json')!;
    expect(JSON.parse(String(file.data)).mappings).toHaveLength(3);
  });

  it('compiles form matchers, a form body and a rounded delay', () => {
    const [m] = byStub(mappings, 'form-write');
    expect(m!.request.formParameters).toEqual({ grant_type: { equalTo: 'client_credentials' } });
    expect(m!.response.body).toBe('a=1&b=2&b=3');
    expect(m!.response.fixedDelayMilliseconds).toBe(120);
  });

  it('puts binary and large bodies under __files with deterministic names', () => {
    expect(byStub(mappings, 'binary')[0]!.response.bodyFileName).toBe('binary.0.bin');
    expect(byStub(mappings, 'binary')[0]!.request.urlPathTemplate).toBe('/files/{name}.png');
    expect(byStub(mappings, 'large')[0]!.response.bodyFileName).toBe('large.0.json');
    const bin = files.find((f) => f.path === '__files/binary.0.bin')!;
    expect(Buffer.from(bin.data as Buffer)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2]));
    const large = files.find((f) => f.path === '__files/large.0.json')!;
    expect(String(large.data)).toBe(JSON.stringify({ items: 'x'.repeat(20_000) }));
  });

  it('compiles hang, truncated, text matchers and echo', () => {
    expect(byStub(mappings, 'hang')[0]!.response).toEqual({ status: 200, headers: { 'x-seam-stub': 'hang' }, fixedDelayMilliseconds: HANG_DELAY_MS });
    expect(byStub(mappings, 'hang')[0]!.request).toEqual({ method: 'ANY', urlPath: '/hang' });
    const trunc = byStub(mappings, 'trunc')[0]!.response;
    expect(trunc.headers).toEqual({ 'content-type': 'application/json', 'x-seam-stub': 'trunc', 'Content-Encoding': 'identity', 'Content-Length': '1024' });
    expect(trunc.body).toBe('{"truncated":"this b');
    expect(trunc.fixedDelayMilliseconds).toBe(10);
    expect(byStub(mappings, 'text-body')[0]!.request.bodyPatterns).toEqual([{ matches: 'hello.*' }]);
    const echo = byStub(mappings, 'echo')[0]!.response;
    expect(echo.transformers).toEqual(['response-template']);
    expect(echo.jsonBody).toEqual({ id: '{{{request.path.[user]}}}', profile: { email: "{{{jsonPath request.body '$.email'}}}" } });
  });

  it('renders dateHeaders with the now helper, through the response-template transformer', () => {
    const { mappings: compiled } = compileWireMock([{ id: 'limited', request: { method: 'GET', path: '/limited' }, replies: [{ status: 429, dateHeaders: { 'Retry-After': 2 } }] }]);
    expect(compiled[0]!.response).toEqual({
      status: 429,
      headers: { 'x-seam-stub': 'limited', 'retry-after': "{{now offset='2 seconds' timezone='GMT' format='EEE, dd MMM yyyy HH:mm:ss z'}}" },
      transformers: ['response-template'],
    });
  });

  it('is deterministic: same stubs, same bytes; 2-space JSON with a trailing newline', () => {
    const again = compileWireMock(structuredClone(stubs)).files;
    expect(again.map((f) => [f.path, String(f.data)])).toEqual(files.map((f) => [f.path, String(f.data)]));
    const one = String(files.find((f) => f.path === 'mappings/search-customers.json')!.data);
    expect(one.endsWith('}\n')).toBe(true);
    expect(one.split('\n')[1]).toMatch(/^ {2}"id": "[0-9a-f-]{36}",$/);
  });

  it('derives RFC 4122 v5 UUIDs', () => {
    expect(nameUuid('x')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(nameUuid('x')).toBe(nameUuid('x'));
    expect(mappingId('a', 0)).not.toBe(mappingId('a', 1));
  });

  it('names files after ids only when the id is a safe, unique file name', () => {
    const odd = compileWireMock([
      { id: 'GET /v1/x', request: { method: 'GET', path: '/x' }, replies: [{ status: 200 }] },
      { id: 'A', request: { method: 'GET', path: '/a' }, replies: [{ status: 200 }] },
      { id: 'a', request: { method: 'GET', path: '/b' }, replies: [{ status: 200 }] },
    ]).files.map((f) => f.path);
    expect(odd).toHaveLength(3);
    for (const p of odd) expect(p).toMatch(/^mappings\/(GET_v1_x|A|a)-[0-9a-f]{8}\.json$/);
  });

  it('rejects a duplicate stub id', () => {
    const dup: Stub[] = [stubs[1]!, stubs[1]!];
    expect(() => compileWireMock(dup)).toThrow(InputError);
  });

  it('validates against WireMock’s stub-mapping schema (multi-valued response headers aside)', async () => {
    const strict = await validator(false);
    const relaxed = await validator(true);
    for (const file of files.filter((f) => f.path.startsWith('mappings/'))) {
      const json = JSON.parse(String(file.data));
      expect(relaxed(json), `${file.path}: ${JSON.stringify(relaxed.errors)}`).toBe(true);
      const multi = JSON.stringify(json).includes('"set-cookie":[');
      expect(strict(json)).toBe(!multi);
    }
  });
});

describe('writeWireMockMappings', () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('writes mappings and bodies, rewrites identically, and removes only its own stale files', async () => {
    dir = await mkdtemp(join(tmpdir(), 'seam-wm-map-'));
    await writeWireMockMappings(stubs, dir);
    expect((await readdir(join(dir, 'mappings'))).sort()).toEqual(stubs.map((s) => `${s.id}.json`).sort());
    expect((await readdir(join(dir, '__files'))).sort()).toEqual(['binary.0.bin', 'large.0.json']);
    const first = await readFile(join(dir, 'mappings', 'get-customer.json'), 'utf8');

    await writeFile(join(dir, 'mappings', 'hand-written.json'), '{}\n');
    await writeWireMockMappings(stubs.filter((s) => s.id !== 'large' && s.id !== 'echo'), dir);
    const names = (await readdir(join(dir, 'mappings'))).sort();
    expect(names).toContain('hand-written.json');
    expect(names).not.toContain('large.json');
    expect(names).not.toContain('echo.json');
    expect(await readdir(join(dir, '__files'))).toEqual(['binary.0.bin']);
    expect(await readFile(join(dir, 'mappings', 'get-customer.json'), 'utf8')).toBe(first);
    expect(names.some((n) => n.endsWith('.tmp'))).toBe(false);
  });
});
