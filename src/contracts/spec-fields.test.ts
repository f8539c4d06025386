import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadSpec, operations, schemaFor } from '../spec/index.js';
import type { LoadedSpec } from '../spec/types.js';
import { undefinedFields } from './spec-fields.js';

const STRIPE = join(process.cwd(), '../shared/material/specs/stripe/spec3.2023-09-12.yaml');

function responseSchema(spec: LoadedSpec, id: string) {
  const op = operations(spec).find((o) => o.id === id)!;
  const s = schemaFor(op, 200, 'application/json')!;
  return { node: s.node, at: s.at! };
}

describe('undefinedFields on Stripe (3.0, refs and anyOf)', () => {
  let spec: LoadedSpec;
  beforeAll(async () => {
    spec = await loadSpec(STRIPE);
  }, 30_000);

  it('names each field no schema defines, with the object schema it was looked for in', () => {
    const { node, at } = responseSchema(spec, 'GET /v1/customers/{customer}');
    const body = {
      id: 'cus_1',
      object: 'customer',
      email: 'a@example.com',
      loyalty_tier: 'gold',
      metadata: { anything: 'goes' }, // additionalProperties schema
      deleted: true, // defined by deleted_customer, the other anyOf branch
      subscriptions: { data: [{ id: 'sub_1', trial_note: 'x', items: { data: [{ price: { id: 'price_1', colour: 'red' } }] } }] },
    };
    expect(undefinedFields(spec, node, at, body)).toEqual([
      { path: '$.loyalty_tier', pointer: '/loyalty_tier', spec: { file: STRIPE, pointer: '/components/schemas/customer' } },
      { path: '$.subscriptions.data[0].trial_note', pointer: '/subscriptions/data/0/trial_note', spec: { file: STRIPE, pointer: '/components/schemas/subscription' } },
      { path: '$.subscriptions.data[0].items.data[0].price.colour', pointer: '/subscriptions/data/0/items/data/0/price/colour', spec: { file: STRIPE, pointer: '/components/schemas/price' } },
    ]);
  });

  it('finds nothing in a body made of defined fields only', () => {
    const { node, at } = responseSchema(spec, 'GET /v1/customers');
    expect(undefinedFields(spec, node, at, { object: 'list', url: '/v1/customers', has_more: false, data: [{ id: 'cus_1', object: 'customer', address: { city: 'Paris' } }] })).toEqual([]);
  });
});

describe('undefinedFields: composition rules (3.1)', () => {
  let spec: LoadedSpec;
  let file: string;
  beforeAll(async () => {
    const dir = await mkdtemp(join(tmpdir(), 'seam-spec-fields-'));
    file = join(dir, 'openapi.json');
    const doc = {
      openapi: '3.1.0',
      info: { title: 't', version: '1' },
      paths: {
        '/things': {
          get: {
            responses: {
              '200': {
                description: 'ok',
                content: {
                  'application/json': {
                    schema: {
                      allOf: [
                        { type: 'object' }, // says nothing about keys: does not open the object
                        { $ref: '#/components/schemas/Thing', description: 'a 3.1 sibling of $ref' },
                        { required: ['id'] },
                      ],
                    },
                  },
                },
              },
            },
          },
        },
      },
      components: {
        schemas: {
          Thing: {
            type: 'object',
            properties: { id: { type: 'string' }, tags: { type: 'array', items: { type: 'string' } }, extra: {}, pair: { type: 'array', prefixItems: [{ type: 'object', properties: { a: {} } }] } },
            patternProperties: { '^x-': { type: 'string' } },
          },
        },
      },
    };
    await writeFile(file, JSON.stringify(doc));
    spec = await loadSpec(file);
  });

  it('allOf parts, patternProperties, free-form values and prefixItems', () => {
    const op = operations(spec)[0]!;
    const s = schemaFor(op, 200, 'application/json')!;
    const body = { id: '1', tags: ['a'], 'x-trace': 't', extra: { deep: { anything: 1 } }, pair: [{ a: 1, b: 2 }], colour: 'red' };
    expect(undefinedFields(spec, s.node, s.at!, body)).toEqual([
      { path: '$.pair[0].b', pointer: '/pair/0/b', spec: { file, pointer: '/components/schemas/Thing/properties/pair/prefixItems/0' } },
      { path: '$.colour', pointer: '/colour', spec: { file, pointer: '/components/schemas/Thing' } },
    ]);
  });
});
