import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { indexOperations, loadSpec, operations, resolveOperation } from './index.js';
import type { OperationIndex } from './index.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'seam-spec-resolve-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function indexOf(name: string, doc: object): Promise<OperationIndex> {
  const file = path.join(dir, name);
  await writeFile(file, JSON.stringify(doc));
  return indexOperations(operations(await loadSpec(file)));
}

const ok = { responses: { '200': { description: 'ok' } } };
const idOf = (index: OperationIndex, method: string, p: string) => resolveOperation(index, method, p)?.operation.id;

describe('resolveOperation', () => {
  it('prefers literal segments over templated ones, whatever the order in the spec', async () => {
    const index = await indexOf('stripe-like.json', {
      openapi: '3.0.0',
      info: { title: 't', version: '1' },
      servers: [{ url: 'https://api.stripe.com/' }],
      paths: {
        '/v1/customers/{customer}': { get: ok, post: ok },
        '/v1/customers/search': { get: ok },
        '/v1/customers': { get: ok, post: ok },
      },
    });
    expect(resolveOperation(index, 'GET', '/v1/customers/cus_123')).toMatchObject({
      operation: { id: 'GET /v1/customers/{customer}' },
      params: { customer: 'cus_123' },
    });
    expect(resolveOperation(index, 'GET', '/v1/customers/search')).toMatchObject({
      operation: { id: 'GET /v1/customers/search' },
      params: {},
    });
    expect(idOf(index, 'get', '/v1/customers')).toBe('GET /v1/customers');
    expect(idOf(index, 'POST', '/v1/customers')).toBe('POST /v1/customers');
    // No POST on the literal path: the templated POST is the one that fits.
    expect(idOf(index, 'POST', '/v1/customers/search')).toBe('POST /v1/customers/{customer}');
    expect(idOf(index, 'DELETE', '/v1/customers/cus_1')).toBeUndefined();
    expect(idOf(index, 'GET', '/v1/charges')).toBeUndefined();
    expect(idOf(index, 'GET', '/v1/customers/cus_1/extra')).toBeUndefined();
  });

  it('backtracks when a literal branch dead-ends deeper down', async () => {
    const index = await indexOf('backtrack.json', {
      openapi: '3.0.0',
      info: { title: 't', version: '1' },
      paths: { '/a/{x}/c': { get: ok }, '/a/b/d': { get: ok } },
    });
    expect(resolveOperation(index, 'GET', '/a/b/c')).toMatchObject({ operation: { id: 'GET /a/{x}/c' }, params: { x: 'b' } });
    expect(idOf(index, 'GET', '/a/b/d')).toBe('GET /a/b/d');
  });

  it('handles Twilio-style segments mixing parameters and literals ({Sid}.json)', async () => {
    const index = await indexOf('twilio-like.json', {
      openapi: '3.0.1',
      info: { title: 't', version: '1' },
      servers: [{ url: 'https://api.twilio.com' }],
      paths: {
        '/2010-04-01/Accounts.json': { get: ok },
        '/2010-04-01/Accounts/{Sid}.json': { get: ok },
        '/2010-04-01/Accounts/{AccountSid}/Messages.json': { get: ok, post: ok },
        '/2010-04-01/Accounts/{AccountSid}/Messages/{Sid}.json': { get: ok },
        '/2010-04-01/Accounts/{AccountSid}/Messages/{MessageSid}/Media/{Sid}.json': { get: ok },
        '/files/{file_id}/thumbnail.{extension}': { get: ok },
        '/range/{from}-{to}': { get: ok },
      },
    });
    expect(resolveOperation(index, 'POST', '/2010-04-01/Accounts/AC123/Messages.json')).toMatchObject({
      operation: { id: 'POST /2010-04-01/Accounts/{AccountSid}/Messages.json' },
      params: { AccountSid: 'AC123' },
    });
    expect(resolveOperation(index, 'GET', '/2010-04-01/Accounts/AC123/Messages/SM456.json')).toMatchObject({
      operation: { id: 'GET /2010-04-01/Accounts/{AccountSid}/Messages/{Sid}.json' },
      params: { AccountSid: 'AC123', Sid: 'SM456' },
    });
    expect(resolveOperation(index, 'GET', '/2010-04-01/Accounts/AC1/Messages/MM2/Media/ME3.json')?.params).toEqual({
      AccountSid: 'AC1',
      MessageSid: 'MM2',
      Sid: 'ME3',
    });
    expect(idOf(index, 'GET', '/2010-04-01/Accounts.json')).toBe('GET /2010-04-01/Accounts.json');
    expect(resolveOperation(index, 'GET', '/2010-04-01/Accounts/AC9.json')?.params).toEqual({ Sid: 'AC9' });
    // The suffix is required: no `.json`, no match.
    expect(idOf(index, 'GET', '/2010-04-01/Accounts/AC1/Messages/SM456')).toBeUndefined();
    expect(resolveOperation(index, 'GET', '/files/12/thumbnail.png')?.params).toEqual({ file_id: '12', extension: 'png' });
    expect(resolveOperation(index, 'GET', '/range/3-9')?.params).toEqual({ from: '3', to: '9' });
  });

  it('strips the base path (3.x servers with variables, 2.0 basePath), trailing slashes and queries; decodes segments', async () => {
    const v3 = await indexOf('base3.json', {
      openapi: '3.0.3',
      info: { title: 't', version: '1' },
      servers: [{ url: 'https://{host}/api/{version}', variables: { host: { default: 'x.test' }, version: { default: 'v2' } } }],
      paths: {
        '/items/{id}': { get: ok },
        '/uploads': { post: { ...ok, servers: [{ url: 'https://upload.test/up' }] } },
      },
    });
    expect(resolveOperation(v3, 'GET', '/api/v2/items/a%2Fb%20c/?expand=1')).toMatchObject({
      operation: { id: 'GET /items/{id}', basePaths: ['/api/v2'] },
      params: { id: 'a/b c' },
    });
    // A client pointed at the mock's root without the base path still resolves.
    expect(idOf(v3, 'GET', '/items/7')).toBe('GET /items/{id}');
    expect(idOf(v3, 'POST', '/up/uploads')).toBe('POST /uploads');
    expect(idOf(v3, 'POST', '/api/v2/uploads')).toBeUndefined();

    const v2 = await indexOf('base2.json', {
      swagger: '2.0',
      info: { title: 't', version: '1' },
      host: 'api.example.test',
      basePath: '/2.0/',
      paths: { '/files/{file_id}': { get: ok } },
    });
    expect(resolveOperation(v2, 'GET', '/2.0/files/12345')).toMatchObject({
      operation: { id: 'GET /files/{file_id}', servers: ['https://api.example.test/2.0/'], basePaths: ['/2.0'] },
      params: { file_id: '12345' },
    });
  });
});
