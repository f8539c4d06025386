import { describe, expect, it } from 'vitest';
import { InputError } from '../errors.js';
import { compileStubs, matchStub, type MatchRequest } from './match.js';
import type { Stub } from './types.js';

const ok = [{ status: 200 }];
function stub(id: string, request: Stub['request'], extra: Partial<Stub> = {}): Stub {
  return { id, request, replies: ok, ...extra };
}
function req(method: string, path: string, more: Partial<MatchRequest> = {}): MatchRequest {
  return { method, path, query: {}, headers: {}, ...more };
}
function hit(stubs: Stub[], request: MatchRequest): { id: string; params: Record<string, string> } {
  const result = matchStub(compileStubs(stubs), request);
  if ('miss' in result) throw new Error(`expected a match, got near ${JSON.stringify(result.near)}`);
  return { id: result.stub.id, params: result.params };
}
function near(stubs: Stub[], request: MatchRequest) {
  const result = matchStub(compileStubs(stubs), request);
  if (!('miss' in result)) throw new Error(`expected a miss, matched ${result.stub.id}`);
  return result.near;
}

describe('paths', () => {
  it('extracts template parameters, decoded, including several in one segment', () => {
    const stubs = [
      stub('call', { method: 'GET', path: '/2010-04-01/Accounts/{AccountSid}/Calls/{Sid}.json' }),
      stub('range', { method: 'GET', path: '/files/{name}-{version}.tar.gz' }),
    ];
    expect(hit(stubs, req('GET', '/2010-04-01/Accounts/AC1/Calls/CA9.json'))).toEqual({ id: 'call', params: { AccountSid: 'AC1', Sid: 'CA9' } });
    expect(hit(stubs, req('GET', '/files/seam-1.2.tar.gz'))).toEqual({ id: 'range', params: { name: 'seam', version: '1.2' } });
    expect(hit([stub('c', { method: 'GET', path: '/v1/customers/{id}' })], req('GET', '/v1/customers/a%20b')).params).toEqual({ id: 'a b' });
  });

  it('needs the same number of segments and a non-empty parameter', () => {
    const stubs = [stub('c', { method: 'GET', path: '/v1/customers/{id}' })];
    expect(near(stubs, req('GET', '/v1/customers/cus_1/sources'))[0]!.reasons).toEqual(['path /v1/customers/cus_1/sources has 4 segments, stub wants /v1/customers/{id} (3)']);
    expect('miss' in matchStub(stubs, req('GET', '/v1/customers/'))).toBe(true);
  });

  it('a literal segment beats a template, whatever the priority or order', () => {
    const stubs = [
      stub('by-id', { method: 'GET', path: '/v1/customers/{customer}' }, { priority: 1 }),
      stub('search', { method: 'GET', path: '/v1/customers/search' }, { priority: 9 }),
      stub('json', { method: 'GET', path: '/v1/{x}/{y}.json' }),
      stub('bare', { method: 'GET', path: '/v1/{x}/{y}' }),
    ];
    expect(hit(stubs, req('GET', '/v1/customers/search')).id).toBe('search');
    expect(hit(stubs, req('GET', '/v1/customers/cus_1')).id).toBe('by-id');
    // a mixed segment ({y}.json) is more literal than a bare parameter
    expect(hit(stubs, req('GET', '/v1/orders/o1.json')).id).toBe('json');
    expect(hit(stubs, req('GET', '/v1/orders/o1')).id).toBe('bare');
  });

  it('then lower priority, then more matchers, then stub order', () => {
    const base = { method: 'GET', path: '/v1/items' };
    expect(hit([stub('a', base, { priority: 5 }), stub('b', base, { priority: 1 })], req('GET', '/v1/items')).id).toBe('b');
    const specific = stub('specific', { ...base, query: { limit: { equals: '10' } } });
    expect(hit([stub('plain', base), specific], req('GET', '/v1/items', { query: { limit: '10' } })).id).toBe('specific');
    expect(hit([stub('first', base), stub('second', base)], req('GET', '/v1/items')).id).toBe('first');
  });

  it('ANY matches every method, and a specific method wins over it', () => {
    const stubs = [stub('any', { method: 'ANY', path: '/ping' }), stub('post', { method: 'POST', path: '/ping' })];
    expect(hit(stubs, req('DELETE', '/ping')).id).toBe('any');
    expect(hit(stubs, req('POST', '/ping')).id).toBe('post');
  });
});

describe('value matchers', () => {
  const stubs = [
    stub('q', {
      method: 'GET',
      path: '/v1/items',
      query: { limit: { matches: '\\d+' }, mode: { equals: 'full' }, debug: { present: false } },
      headers: { authorization: { present: true } },
    }),
  ];
  it('equals, anchored regex and presence, on any of a repeated value', () => {
    expect(hit(stubs, req('GET', '/v1/items', { query: { limit: '25', mode: ['lite', 'full'] }, headers: { authorization: 'Bearer x' } })).id).toBe('q');
  });
  it('explains each failing matcher', () => {
    const reasons = near(stubs, req('POST', '/v1/items', { query: { limit: '25x', debug: '1' } }))[0]!.reasons;
    expect(reasons).toEqual([
      'method is POST, stub wants GET',
      'query "limit" is "25x", stub wants it to match /\\d+/',
      'query "mode" is missing',
      'query "debug" is present, stub wants it absent',
      'header "authorization" is missing',
    ]);
  });
  it('rejects a bad regular expression at compile time, naming the stub', () => {
    expect(() => compileStubs([stub('bad', { method: 'GET', path: '/', query: { a: { matches: '(' } } })])).toThrow(InputError);
    expect(() => compileStubs([stub('bad', { method: 'GET', path: '/', query: { a: { matches: '(' } } })])).toThrow(/stub "bad": bad regular expression/);
  });
  it('rejects duplicate ids and stubs without replies', () => {
    expect(() => compileStubs([stub('x', { method: 'GET', path: '/' }), stub('x', { method: 'GET', path: '/a' })])).toThrow(/duplicate stub id "x"/);
    expect(() => compileStubs([{ id: 'y', request: { method: 'GET', path: '/' }, replies: [] }])).toThrow(/stub "y" has no replies/);
  });
});

describe('body matchers', () => {
  const charge = stub('charge', { method: 'POST', path: '/v1/charges', body: { jsonSubset: { amount: 100, card: { brand: 'visa' }, tags: ['a', 'b'] } } });
  it('jsonSubset: a deep subset, extra fields allowed, arrays exact and in order', () => {
    const body = { json: { amount: 100, currency: 'usd', card: { brand: 'visa', last4: '4242' }, tags: ['a', 'b'] } };
    expect(hit([charge], req('POST', '/v1/charges', { body })).id).toBe('charge');
    expect(near([charge], req('POST', '/v1/charges', { body: { json: { ...body.json, tags: ['b', 'a'] } } }))[0]!.reasons).toEqual(['body field /tags/0 is "b", stub wants "a"']);
    expect(near([charge], req('POST', '/v1/charges', { body: { json: { ...body.json, tags: ['a', 'b', 'c'] } } }))[0]!.reasons).toEqual(['body field /tags has 3 items, stub wants 2']);
    expect(near([charge], req('POST', '/v1/charges', { body: { json: { amount: 100, tags: ['a', 'b'] } } }))[0]!.reasons).toEqual(['body field /card is missing']);
    expect(near([charge], req('POST', '/v1/charges', { body: { form: { amount: '100' } } }))[0]!.reasons).toEqual(['body is not JSON, stub wants JSON fields']);
  });
  it('jsonSubset accepts a JSON body typed as text (wrong content-type)', () => {
    expect(hit([charge], req('POST', '/v1/charges', { body: { text: '{"amount":100,"card":{"brand":"visa"},"tags":["a","b"]}' } })).id).toBe('charge');
  });
  it('form fields and text', () => {
    const stubs = [
      stub('form', { method: 'POST', path: '/form', body: { form: { To: { matches: '\\+1\\d{10}' }, Body: { present: true } } } }),
      stub('text', { method: 'POST', path: '/text', body: { text: { matches: 'hello.*' } } }),
    ];
    expect(hit(stubs, req('POST', '/form', { body: { form: { To: '+15551234567', Body: 'hi' } } })).id).toBe('form');
    expect(hit(stubs, req('POST', '/form', { body: { text: 'To=%2B15551234567&Body=hi' } })).id).toBe('form');
    expect(near(stubs, req('POST', '/form', { body: { form: { To: '555' } } }))[0]!.reasons).toEqual(['form field "To" is "555", stub wants it to match /\\+1\\d{10}/']);
    expect(hit(stubs, req('POST', '/text', { body: { text: 'hello world' } })).id).toBe('text');
    expect(near(stubs, req('POST', '/text'))[0]!.reasons).toEqual(['body is missing']);
  });
});

describe('near misses', () => {
  it('ranks the closest stubs first and keeps the top 3', () => {
    const stubs = [
      stub('far', { method: 'DELETE', path: '/v2/other/thing/x' }),
      stub('list', { method: 'GET', path: '/v1/customers', query: { limit: { equals: '10' } } }),
      stub('create', { method: 'POST', path: '/v1/customers' }),
      stub('charges', { method: 'GET', path: '/v1/charges' }),
      stub('get', { method: 'GET', path: '/v1/customers/{id}' }),
    ];
    const result = near(stubs, req('GET', '/v1/customers', { query: { limit: '5' } }));
    expect(result).toEqual([
      { stubId: 'list', reasons: ['query "limit" is "5", stub wants "10"'] },
      { stubId: 'create', reasons: ['method is GET, stub wants POST'] },
      // ties (one path difference each) go to the earlier stub
      { stubId: 'charges', reasons: ['path /v1/customers does not fit /v1/charges: "customers" is not "charges"'] },
    ]);
  });
  it('is empty when there are no stubs', () => {
    expect(near([], req('GET', '/'))).toEqual([]);
  });
});

it('matches quickly against a large stub set', () => {
  const stubs: Stub[] = [];
  for (let i = 0; i < 500; i++) stubs.push(stub(`s${i}`, { method: i % 2 ? 'GET' : 'POST', path: `/v1/r${i}/{id}/sub` }));
  const compiled = compileStubs(stubs);
  const request = req('GET', '/v1/r499/abc/sub');
  const t0 = performance.now();
  for (let i = 0; i < 10_000; i++) matchStub(compiled, request);
  const perMatch = (performance.now() - t0) / 10_000;
  expect(hit(stubs, request).id).toBe('s499');
  expect(perMatch).toBeLessThan(0.1); // ms; a linear scan of 250 candidates is a few µs
});
