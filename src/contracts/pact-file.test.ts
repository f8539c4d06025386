import { describe, expect, it } from 'vitest';
import { InputError } from '../errors.js';
import { parsePact } from './pact-file.js';

const v4 = {
  consumer: { name: 'shop' },
  provider: { name: 'acme' },
  interactions: [
    {
      type: 'Synchronous/HTTP',
      description: 'GET /v1/customers/{customer} → 200',
      providerStates: [{ name: 'session s1' }],
      request: { method: 'GET', path: '/v1/customers/cus_1', query: { expand: ['a', 'b'] }, headers: { Authorization: ['Bearer <token>'] } },
      response: {
        status: 200,
        headers: { 'Content-Type': ['application/json'] },
        body: { content: { id: 'cus_1' }, contentType: 'application/json', encoded: false },
        matchingRules: { body: { '$.id': { combine: 'AND', matchers: [{ match: 'regex', regex: 'cus_\\w+' }] } } },
      },
    },
    {
      type: 'Synchronous/HTTP',
      description: 'POST /v1/charges → 200',
      request: { method: 'post', path: '/v1/charges', headers: { 'content-type': ['application/x-www-form-urlencoded'] }, body: { content: 'amount=100&currency=usd', contentType: 'application/x-www-form-urlencoded', encoded: false } },
      response: { status: 200 },
    },
    { type: 'Asynchronous/Messages', description: 'a message', contents: {} },
  ],
  metadata: { pactSpecification: { version: '4.0' } },
};

describe('parsePact', () => {
  it('reads V4 HTTP interactions as Seam bodies and multi-maps, and lists the others as skipped', () => {
    const pact = parsePact(v4, 'p.json');
    expect(pact).toMatchObject({ consumer: 'shop', provider: 'acme', specification: '4.0', skipped: ['a message'] });
    expect(pact.interactions[0]).toEqual({
      index: 0,
      description: 'GET /v1/customers/{customer} → 200',
      providerStates: [{ name: 'session s1' }],
      request: { method: 'GET', path: '/v1/customers/cus_1', query: { expand: ['a', 'b'] }, headers: { authorization: 'Bearer <token>' } },
      response: { status: 200, headers: { 'content-type': 'application/json' }, body: { json: { id: 'cus_1' } } },
      responseRules: { body: { '$.id': { combine: 'AND', matchers: [{ match: 'regex', regex: 'cus_\\w+' }] } } },
    });
    expect(pact.interactions[1]!.request).toMatchObject({ method: 'POST', body: { form: { amount: '100', currency: 'usd' } } });
  });

  it('names the file and the pointer of what is wrong', () => {
    const broken = structuredClone(v4) as any;
    delete broken.interactions[1].response.status;
    expect(() => parsePact(broken, 'p.json')).toThrow(new InputError('the response has no numeric status', { file: 'p.json', pointer: '/interactions/1/response/status' }));
    expect(() => parsePact({ consumer: { name: 'shop' }, interactions: [] }, 'q.json')).toThrow('q.json at /provider/name: the pact names no provider');
  });
});
