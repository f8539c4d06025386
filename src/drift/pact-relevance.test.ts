import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePact } from '../contracts/pact-file.js';
import { loadSpec } from '../spec/load.js';
import { markPactRelevance } from './pact-relevance.js';
import { diffSpecs } from './spec-diff.js';

const spec = (extra: boolean) => ({
  openapi: '3.0.3',
  info: { title: 'Shop', version: '1' },
  servers: [{ url: 'https://api.shop.test/v1' }],
  components: {
    schemas: {
      order: {
        type: 'object',
        properties: {
          id: { type: 'string' },
          status: { type: 'string', enum: extra ? ['open', 'paid', 'lost'] : ['open', 'paid'] },
          ...(extra ? {} : { note: { type: 'string' }, legacy: { type: 'string' } }),
        },
      },
    },
  },
  paths: {
    '/orders/{id}': { get: { responses: { '200': { description: 'ok', content: { 'application/json': { schema: { $ref: '#/components/schemas/order' } } } } } } },
    '/orders': {
      get: {
        parameters: extra ? [{ name: 'v', in: 'query', required: true, schema: { type: 'string' } }] : [],
        responses: { '200': { description: 'ok', content: { 'application/json': { schema: { type: 'object', properties: { data: { type: 'array', items: { $ref: '#/components/schemas/order' } } } } } } } },
      },
    },
    '/refunds': { post: { parameters: extra ? [{ name: 'x', in: 'query', required: true, schema: { type: 'string' } }] : [], responses: { '200': { description: 'ok' } } } },
  },
});

const PACT = {
  consumer: { name: 'shop-web' },
  provider: { name: 'shop' },
  metadata: { pactSpecification: { version: '4.0' } },
  interactions: [
    {
      type: 'Synchronous/HTTP',
      description: 'an order',
      request: { method: 'GET', path: '/v1/orders' },
      response: { status: 200, body: { content: { data: [{ id: 'ord_1', status: 'open', note: 'x' }] }, contentType: 'application/json' } },
    },
  ],
};

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'seam-pact-relevance-'));
  await writeFile(join(dir, 'old.json'), JSON.stringify(spec(false)));
  await writeFile(join(dir, 'new.json'), JSON.stringify(spec(true)));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('markPactRelevance', () => {
  it('marks findings on interactions and fields the pact relies on, and lists them first', async () => {
    const oldSpec = await loadSpec(join(dir, 'old.json'));
    const newSpec = await loadSpec(join(dir, 'new.json'));
    const findings = diffSpecs(oldSpec, newSpec);
    const marked = markPactRelevance(findings, parsePact(PACT, 'pact.json'), oldSpec, newSpec);
    expect(marked.map((f) => [f.check, f.operation, f.field ?? '', f.affects ?? []])).toEqual([
      // The shared `order` schema is reported under GET /orders/{id} — the pact reads it through GET /orders.
      ['request-parameter-required-added', 'GET /orders', '', ['shop-web']],
      ['response-enum-value-added', 'GET /orders/{id}', '$.status', ['shop-web']],
      ['response-property-removed', 'GET /orders/{id}', '$.note', ['shop-web']],
      ['response-property-removed', 'GET /orders/{id}', '$.legacy', []],
      ['request-parameter-required-added', 'POST /refunds', '', []],
    ]);
  });

  it('marks operation-level findings on the pact operation', async () => {
    const oldSpec = await loadSpec(join(dir, 'old.json'));
    const newSpec = await loadSpec(join(dir, 'new.json'));
    const pact = structuredClone(PACT);
    pact.interactions[0]!.request = { method: 'POST', path: '/v1/refunds' };
    const marked = markPactRelevance(diffSpecs(oldSpec, newSpec), parsePact(pact, 'pact.json'), oldSpec, newSpec);
    expect(marked[0]).toMatchObject({ check: 'request-parameter-required-added', operation: 'POST /refunds', affects: ['shop-web'] });
    expect(marked.filter((f) => f.affects)).toHaveLength(1);
    expect(marked.slice(1).map((f) => f.check)).toEqual(['request-parameter-required-added', 'response-enum-value-added', 'response-property-removed', 'response-property-removed']);
  });
});
