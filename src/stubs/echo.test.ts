import { describe, expect, it } from 'vitest';
import { InputError } from '../errors.js';
import { applyEcho, compileEcho, type EchoRequest } from './echo.js';

const request: EchoRequest = {
  params: { customer: 'cus_123' },
  query: { expand: ['a', 'b'], limit: '3' },
  headers: { 'idempotency-key': 'k1' },
  body: { json: { email: 'a@example.com', items: [{ id: 'i1' }] } },
};

describe('applyEcho', () => {
  it('copies path, query, header and body values to JSON pointers', () => {
    const template = { id: 'cus_000', object: 'customer', meta: { note: 'x' } };
    const echo = compileEcho([
      { from: 'path.customer', to: '/id' },
      { from: 'query.limit', to: '/meta/limit' },
      { from: 'query.expand', to: '/expand' },
      { from: 'header.Idempotency-Key', to: '/key' },
      { from: 'body/email', to: '/email' },
      { from: 'body/items/0/id', to: '/first/item' },
    ]);
    expect(applyEcho(template, echo, request)).toEqual({
      id: 'cus_123',
      object: 'customer',
      meta: { note: 'x', limit: '3' },
      expand: ['a', 'b'],
      key: 'k1',
      email: 'a@example.com',
      first: { item: 'i1' },
    });
    expect(template).toEqual({ id: 'cus_000', object: 'customer', meta: { note: 'x' } }); // untouched
  });

  it('leaves the body alone where the source has no value; appends with -; replaces with the empty pointer', () => {
    expect(applyEcho({ id: 'x' }, compileEcho([{ from: 'query.missing', to: '/id' }]), request)).toEqual({ id: 'x' });
    expect(applyEcho({ list: [1] }, compileEcho([{ from: 'path.customer', to: '/list/-' }]), request)).toEqual({ list: [1, 'cus_123'] });
    expect(applyEcho({ a: 1 }, compileEcho([{ from: 'body', to: '' }]), request)).toEqual(request.body && 'json' in request.body ? request.body.json : null);
  });

  it('reads form bodies by field name', () => {
    const form: EchoRequest = { ...request, body: { form: { To: '+15551234567' } } };
    expect(applyEcho({}, compileEcho([{ from: 'body/To', to: '/to' }]), form)).toEqual({ to: '+15551234567' });
  });

  it('rejects a source or pointer it cannot read', () => {
    expect(() => compileEcho([{ from: 'cookie.x', to: '/a' }])).toThrow(InputError);
    expect(() => compileEcho([{ from: 'path.id', to: 'id' }])).toThrow(/JSON pointer/);
  });
});
