import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ajvDocuments, loadSpec, operations, schemaFor } from './index.js';
import type { LoadedSpec, Operation } from './index.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'seam-spec-ops-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function load(name: string, doc: object): Promise<LoadedSpec> {
  const file = path.join(dir, name);
  await writeFile(file, JSON.stringify(doc));
  return loadSpec(file);
}

function op(ops: Operation[], id: string): Operation {
  const found = ops.find((o) => o.id === id);
  if (!found) throw new Error(`no ${id} in ${ops.map((o) => o.id).join(', ')}`);
  return found;
}

const info = { title: 't', version: '1' };

describe('operations (OpenAPI 2.0)', () => {
  it('merges path and operation parameters and normalises body and formData', async () => {
    const spec = await load('v2.json', {
      swagger: '2.0',
      info,
      basePath: '/api',
      consumes: ['application/json'],
      produces: ['application/json'],
      parameters: { Limit: { name: 'limit', in: 'query', type: 'integer' } },
      paths: {
        '/pets/{id}': {
          parameters: [
            { name: 'id', in: 'path', type: 'string', required: true },
            { name: 'X-Trace', in: 'header', type: 'string' },
          ],
          put: {
            operationId: 'updatePet',
            deprecated: true,
            parameters: [
              { name: 'x-trace', in: 'header', type: 'string', required: true },
              { $ref: '#/parameters/Limit' },
              { name: 'pet', in: 'body', required: true, schema: { $ref: '#/definitions/Pet' } },
            ],
            responses: {
              '200': { description: 'ok', schema: { $ref: '#/definitions/Pet' }, examples: { 'application/json': { id: 'p1' } } },
              default: { description: 'error', headers: { 'X-Rate-Limit': { type: 'integer' } } },
            },
          },
        },
        '/pets/{id}/photo': {
          post: {
            consumes: ['multipart/form-data'],
            parameters: [
              { name: 'id', in: 'path', type: 'string', required: true },
              { name: 'file', in: 'formData', type: 'file', required: true },
              { name: 'caption', in: 'formData', type: 'string' },
            ],
            responses: { '201': { description: 'created' } },
          },
        },
      },
      definitions: { Pet: { type: 'object', required: ['id'], properties: { id: { type: 'string' }, tag: { type: 'string', 'x-nullable': true } } } },
    });
    const ops = operations(spec);
    expect(ops.map((o) => o.id)).toEqual(['PUT /pets/{id}', 'POST /pets/{id}/photo']);
    const put = op(ops, 'PUT /pets/{id}');
    expect(put).toMatchObject({ operationId: 'updatePet', deprecated: true, method: 'PUT', pathTemplate: '/pets/{id}', basePaths: ['/api'] });
    expect(put.parameters.map((p) => `${p.in}:${p.name}:${p.required}`)).toEqual(['path:id:true', 'header:x-trace:true', 'query:limit:false']);
    expect(put.parameters[2]?.at.pointer).toBe('/parameters/Limit');
    expect(put.requestBody).toMatchObject({ required: true, content: [{ mediaType: 'application/json', schema: { $ref: '#/definitions/Pet' } }] });
    expect(put.responses.map((r) => r.status)).toEqual(['200', 'default']);
    expect(put.responses[0]?.content[0]?.examples).toEqual([{ name: 'example', value: { id: 'p1' } }]);
    expect(put.responses[1]).toMatchObject({ description: 'error', content: [], headers: { 'x-rate-limit': { type: 'integer' } } });

    const photo = op(ops, 'POST /pets/{id}/photo');
    expect(photo.requestBody).toEqual({
      required: true,
      content: [
        {
          mediaType: 'multipart/form-data',
          schema: {
            type: 'object',
            properties: { file: { type: 'string', format: 'binary' }, caption: { type: 'string' } },
            required: ['file'],
          },
          examples: [],
        },
      ],
    });

    // The 2.0 body schema compiles with ajv once the documents are registered; x-nullable works.
    const ajv = new Ajv2020({ strict: false });
    for (const doc of ajvDocuments(spec)) ajv.addSchema(doc);
    const validate = ajv.compile(schemaFor(put, 'request', 'application/json')!.jsonSchema as object);
    expect(validate({ id: 'p1', tag: null })).toBe(true);
    expect(validate({ tag: 'x' })).toBe(false);
    expect(ajv.compile(schemaFor(photo, 'request')!.jsonSchema as object)({ caption: 'c' })).toBe(false);
  });
});

describe('operations and schemaFor (OpenAPI 3.0)', () => {
  const doc = {
    openapi: '3.0.3',
    info,
    servers: [{ url: 'https://api.example.test/v1' }],
    paths: {
      '/orders/{id}': {
        parameters: [{ $ref: '#/components/parameters/Id' }],
        post: {
          requestBody: { $ref: '#/components/requestBodies/Order' },
          responses: {
            '200': {
              description: 'ok',
              content: {
                'application/json': {
                  schema: { $ref: '#/components/schemas/Order' },
                  examples: { paid: { $ref: '#/components/examples/Paid' }, open: { value: { id: 'o2', status: 'open' } } },
                },
                'text/*': { schema: { type: 'string' } },
              },
            },
            '4XX': { $ref: '#/components/responses/Error' },
            default: { description: 'other', content: { 'application/problem+json': { schema: { type: 'object' } } } },
          },
        },
      },
    },
    components: {
      parameters: { Id: { name: 'id', in: 'path', required: true, schema: { type: 'string' } } },
      requestBodies: {
        Order: { required: true, content: { 'application/x-www-form-urlencoded': { schema: { $ref: '#/components/schemas/Order' } } } },
      },
      responses: { Error: { description: 'client error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } } },
      examples: { Paid: { value: { id: 'o1', status: 'paid' } } },
      schemas: {
        Order: {
          type: 'object',
          required: ['id'],
          properties: {
            id: { type: 'string', example: 'o1' },
            status: { type: 'string', enum: ['open', 'paid'], nullable: true },
            amount: { type: 'integer', minimum: 0, exclusiveMinimum: true },
            parent: { nullable: true, anyOf: [{ $ref: '#/components/schemas/Order' }] },
          },
          'x-internal': true,
        },
        Error: { type: 'object', required: ['message'], properties: { message: { type: 'string' } } },
      },
    },
  };

  it('resolves parameter, request body, response and example refs; keeps range and default statuses', async () => {
    const spec = await load('v3.json', doc);
    const [post] = operations(spec);
    expect(post).toMatchObject({ id: 'POST /orders/{id}', servers: ['https://api.example.test/v1'], basePaths: ['/v1'], deprecated: false });
    expect(post?.parameters).toMatchObject([{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }]);
    expect(post?.requestBody?.required).toBe(true);
    expect(post?.requestBody?.content[0]?.schemaAt?.pointer).toBe('/components/requestBodies/Order/content/application~1x-www-form-urlencoded/schema');
    expect(post?.responses.map((r) => r.status)).toEqual(['200', '4XX', 'default']);
    expect(post?.responses[1]).toMatchObject({ description: 'client error', at: { pointer: '/components/responses/Error' } });
    expect(post?.responses[0]?.content[0]?.examples).toEqual([
      { name: 'paid', value: { id: 'o1', status: 'paid' } },
      { name: 'open', value: { id: 'o2', status: 'open' } },
    ]);
  });

  it('schemaFor picks status (exact, range, default) and media type, and compiles with ajv through refs', async () => {
    const spec = await load('v3-schema.json', doc);
    const [post] = operations(spec) as [Operation];
    expect(schemaFor(post, 200)?.mediaType).toBe('application/json');
    expect(schemaFor(post, 200, 'text/plain; charset=utf-8')?.node).toEqual({ type: 'string' });
    expect(schemaFor(post, 404)?.node).toEqual({ $ref: '#/components/schemas/Error' });
    expect(schemaFor(post, 500)?.mediaType).toBe('application/problem+json');
    expect(schemaFor(post, 500, 'application/json')?.mediaType).toBe('application/problem+json');
    expect(schemaFor(post, 200, 'image/png')).toBeUndefined();
    expect(schemaFor(post, 'request')?.mediaType).toBe('application/x-www-form-urlencoded');

    const ajv = new Ajv2020({ strict: false, allErrors: true });
    for (const d of ajvDocuments(spec)) ajv.addSchema(d);
    const ok = ajv.compile(schemaFor(post, 200)!.jsonSchema as object);
    expect(ok({ id: 'o1', status: null, parent: null })).toBe(true);
    expect(ok({ id: 'o1', status: 'paid', parent: { id: 'o0', parent: null }, amount: 1 })).toBe(true);
    expect(ok({ id: 'o1', amount: 0 })).toBe(false); // exclusiveMinimum: true (3.0) became exclusiveMinimum: 0
    expect(ok({ id: 'o1', status: 'lost' })).toBe(false);
    expect(ok({ id: 'o1', parent: { status: 'open' } })).toBe(false); // recursive ref: parent needs an id
    const err = ajv.compile(schemaFor(post, 404)!.jsonSchema as object);
    expect(err({ message: 'no' })).toBe(true);
    expect(err({})).toBe(false);
    // The original document is untouched by the conversion.
    expect((spec.document as typeof doc).components.schemas.Order.properties.status.nullable).toBe(true);
  });

  it('ajv resolves external refs relative to the file that holds them', async () => {
    await writeFile(path.join(dir, 'shared.json'), JSON.stringify({ Money: { type: 'object', required: ['value'], properties: { value: { type: 'integer' } } } }));
    const spec = await load('v31-ext.json', {
      openapi: '3.1.0',
      info,
      paths: {
        '/pay': {
          post: {
            requestBody: { content: { 'application/json': { schema: { type: 'object', properties: { amount: { $ref: 'shared.json#/Money' } } } } } },
            responses: { '204': { description: 'none' } },
          },
        },
      },
    });
    const [pay] = operations(spec) as [Operation];
    expect(schemaFor(pay, 204)).toBeUndefined();
    const ajv = new Ajv2020({ strict: false });
    for (const d of ajvDocuments(spec)) ajv.addSchema(d);
    const validate = ajv.compile(schemaFor(pay, 'request', 'application/json')!.jsonSchema as object);
    expect(validate({ amount: { value: 5 } })).toBe(true);
    expect(validate({ amount: { value: 'five' } })).toBe(false);
  });
});
