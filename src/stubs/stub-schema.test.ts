import { describe, expect, it } from 'vitest';
import { InputError } from '../errors.js';
import { checkStubs } from './stub-schema.js';
import type { Stub } from './types.js';

const good: Stub[] = [
  {
    id: 'get-v1-customers-customer-1a2b3c',
    priority: 7,
    operation: 'GET /v1/customers/{customer}',
    request: {
      method: 'GET',
      path: '/v1/customers/{customer}',
      query: { expand: { equals: 'sources' }, cursor: { present: true }, q: { matches: 'a.*' } },
      headers: { 'stripe-version': { equals: '2024-04-10' } },
    },
    replies: [
      { status: 200, headers: { 'content-type': 'application/json' }, body: { json: { id: 'cus_1' } }, echo: [{ from: 'path.customer', to: '/id' }] },
      { status: 429, dateHeaders: { 'retry-after': 2 } },
      { fault: 'reset', delayMs: 20 },
    ],
    source: ['e01'],
  },
  { id: 'post-x', request: { method: 'POST', path: '/x', body: { form: { email: { equals: 'a@b.c' } } } }, replies: [{ status: 201 }] },
  { id: 'post-y', request: { method: 'POST', path: '/y', body: { jsonSubset: { a: [1] } } }, replies: [{ status: 204, delayMs: 5 }] },
  { id: 'put-z', request: { method: 'PUT', path: '/z', body: { text: { equals: 'hi' } } }, replies: [{ fault: 'hang' }] },
];

function problem(value: unknown): InputError {
  try {
    checkStubs(value, 'mocks/stripe/stubs.json');
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error('expected an InputError');
}

describe('checkStubs', () => {
  it('accepts every shape of the Stub model', () => {
    expect(checkStubs(structuredClone(good), 'stubs.json')).toHaveLength(4);
  });

  it('names the file and the pointer of the first problem', () => {
    const noReplies = structuredClone(good);
    noReplies[1]!.replies = [];
    let e = problem(noReplies);
    expect(e.file).toBe('mocks/stripe/stubs.json');
    expect(e.pointer).toBe('/1/replies');
    expect(e.message).toContain('mocks/stripe/stubs.json at /1/replies');

    const badFault = structuredClone(good) as unknown as { replies: { fault: string }[] }[];
    badFault[0]!.replies[2]!.fault = 'explode';
    e = problem(badFault);
    expect(e.pointer).toBe('/0/replies/2/fault');
    expect(e.message).toContain('must be one of');

    const extra = structuredClone(good) as unknown as { request: Record<string, unknown> }[];
    extra[2]!.request.cookies = {};
    e = problem(extra);
    expect(e.pointer).toBe('/2/request/cookies');
    expect(e.message).toContain('is not an allowed property');

    const fractional = structuredClone(good) as unknown as { replies: { dateHeaders?: Record<string, number> }[] }[];
    fractional[0]!.replies[1]!.dateHeaders = { 'retry-after': 1.5 };
    expect(problem(fractional).pointer).toBe('/0/replies/1/dateHeaders/retry-after');

    const upperHeader = structuredClone(good);
    upperHeader[0]!.request.headers = { Accept: { equals: 'x' } };
    expect(problem(upperHeader).pointer).toBe('/0/request/headers');

    expect(problem({ id: 'x' }).pointer).toBe('');
    const missing = structuredClone(good) as unknown as Record<string, unknown>[];
    delete missing[3]!.request;
    expect(problem(missing).message).toContain('missing required property "request"');
  });

  it('rejects duplicate ids', () => {
    const dup = structuredClone(good);
    dup[3]!.id = 'post-x';
    const e = problem(dup);
    expect(e.pointer).toBe('/3/id');
    expect(e.message).toContain('duplicate stub id "post-x" (also at /1/id)');
  });
});
