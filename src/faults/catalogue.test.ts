import { describe, expect, it } from 'vitest';
import { faultSpec, faultStubs, issueBody, ticketsBody } from '../../test/support/fault-spec.js';
import type { Reply, Stub } from '../stubs/types.js';
import { applicableFaults, faultReply, MALFORMED_JSON } from './catalogue.js';
import type { FaultId } from './types.js';

const stub: Stub = { id: 'get-thing', request: { method: 'GET', path: '/thing' }, replies: [{ status: 200, body: { json: { id: 'x' } } }] };
const normal: Reply = { status: 200, headers: { 'request-id': 'r1' }, body: { json: { id: 'x' } }, delayMs: 10 };
const reply = (fault: FaultId, options: { retryAfterSeconds?: number; delayMs?: number } = {}) => faultReply(fault, normal, { stub, ...options });
const error = (fault: FaultId, message: string) => ({ json: { error: fault, message } });
const byId = (id: string) => faultStubs().find((s) => s.id === id)!;

describe('faultReply', () => {
  it('rate limits: Retry-After in seconds, as an HTTP-date, or RateLimit headers only', () => {
    expect(reply('rate-limit')).toEqual({ status: 429, headers: { 'content-type': 'application/json', 'retry-after': '1' }, body: error('rate-limit', 'Too many requests.') });
    expect(reply('rate-limit', { retryAfterSeconds: 3 })).toMatchObject({ headers: { 'retry-after': '3' } });
    expect(reply('rate-limit-date')).toEqual({ status: 429, headers: { 'content-type': 'application/json' }, dateHeaders: { 'retry-after': 2 }, body: error('rate-limit-date', 'Too many requests.') });
    expect(reply('rate-limit-date', { retryAfterSeconds: 5 })).toMatchObject({ dateHeaders: { 'retry-after': 5 } });
    expect(reply('rate-limit-headers', { retryAfterSeconds: 4 })).toEqual({
      status: 429,
      headers: {
        'content-type': 'application/json',
        'ratelimit-limit': '100',
        'ratelimit-remaining': '0',
        'ratelimit-reset': '4',
        'x-ratelimit-limit': '100',
        'x-ratelimit-remaining': '0',
        'x-ratelimit-reset': '4',
      },
      body: error('rate-limit-headers', 'Too many requests.'),
    });
  });

  it('server errors: JSON from the partner, HTML from its gateway', () => {
    expect(reply('server-error')).toEqual({ status: 500, headers: { 'content-type': 'application/json' }, body: error('server-error', 'Internal server error.') });
    expect(reply('unavailable')).toEqual({ status: 503, headers: { 'content-type': 'application/json', 'retry-after': '1' }, body: error('unavailable', 'Service unavailable.') });
    expect(reply('bad-gateway')).toEqual({
      status: 502,
      headers: { 'content-type': 'text/html' },
      body: { text: '<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>\n' },
    });
    expect(reply('gateway-timeout')).toMatchObject({ status: 504, headers: { 'content-type': 'text/html' } });
  });

  it('slow adds to the normal delay; network faults are the engine fault kinds', () => {
    expect(reply('slow')).toEqual({ ...normal, delayMs: 210 });
    expect(reply('slow', { delayMs: 50 })).toEqual({ ...normal, delayMs: 60 });
    for (const fault of ['hang', 'reset', 'empty', 'truncated'] as const) expect(reply(fault)).toEqual({ fault });
  });

  it('malformed-json keeps a 2xx status and sends JSON that does not parse', () => {
    expect(reply('malformed-json')).toEqual({ status: 200, headers: { 'content-type': 'application/json' }, body: { text: MALFORMED_JSON } });
    expect(faultReply('malformed-json', { status: 201, body: { json: {} } }, { stub })).toMatchObject({ status: 201 });
    expect(faultReply('malformed-json', { status: 404 }, { stub })).toMatchObject({ status: 200 });
    expect(() => JSON.parse(MALFORMED_JSON)).toThrow(SyntaxError);
  });

  it('unauthorized and conflict', () => {
    expect(reply('unauthorized')).toEqual({
      status: 401,
      headers: { 'content-type': 'application/json', 'www-authenticate': 'Bearer error="invalid_token"' },
      body: error('unauthorized', 'The access token expired.'),
    });
    expect(reply('bad-request')).toEqual({ status: 400, headers: { 'content-type': 'application/json' }, body: error('bad-request', 'The request is invalid.') });
    expect(reply('unprocessable')).toEqual({ status: 422, headers: { 'content-type': 'application/json' }, body: error('unprocessable', 'The request could not be processed.') });
    expect(reply('conflict')).toEqual({ status: 409, headers: { 'content-type': 'application/json' }, body: error('conflict', 'The resource already exists or was changed concurrently.') });
  });

  it('wrong bodies come from the spec, and without one they do not apply', () => {
    const tickets = byId('list-tickets');
    const normalTickets = tickets.replies[0]!;
    expect(faultReply('unknown-enum', normalTickets, { stub: tickets, spec: faultSpec })).toEqual({
      status: 200,
      body: { json: { ...ticketsBody, tickets: [{ ...ticketsBody.tickets[0], status: 'seam_unknown_value' }] } },
    });
    expect(faultReply('unknown-enum', normalTickets, { stub: tickets })).toBeUndefined();
    expect(faultReply('extra-field', normalTickets, { stub: tickets })).toBeUndefined();
    expect(faultReply('missing-optional', byId('create-issue').replies[0]!, { stub: byId('create-issue'), spec: faultSpec })).toEqual({ status: 201, body: { json: { id: 'i1', state: 'todo' } } });
  });
});

describe('applicableFaults', () => {
  const always = ['rate-limit', 'rate-limit-date', 'rate-limit-headers', 'server-error', 'bad-gateway', 'unavailable', 'gateway-timeout', 'slow', 'hang', 'reset', 'empty'];

  it('a JSON read with a spec: everything but conflict; unauthorized only with a token endpoint', () => {
    expect(applicableFaults(byId('list-tickets'), { spec: faultSpec })).toEqual([...always, 'malformed-json', 'truncated', 'bad-request', 'unknown-enum', 'missing-optional', 'extra-field']);
    expect(applicableFaults(byId('list-tickets'), { spec: faultSpec, tokenTarget: 'POST /oauth/token' })).toEqual([
      ...always,
      'malformed-json',
      'truncated',
      'unauthorized',
      'bad-request',
      'unknown-enum',
      'missing-optional',
      'extra-field',
    ]);
  });

  it('writes get conflict; the token endpoint is not unauthorized; wrong bodies only where there is something to change', () => {
    expect(applicableFaults(byId('token'), { spec: faultSpec, tokenTarget: 'POST /oauth/token' })).toEqual([...always, 'malformed-json', 'truncated', 'bad-request', 'conflict', 'unprocessable', 'extra-field']);
    expect(applicableFaults(byId('update-issue'), { spec: faultSpec, tokenTarget: 'token' })).toEqual([
      ...always,
      'malformed-json',
      'truncated',
      'unauthorized',
      'bad-request',
      'conflict',
      'unprocessable',
      'unknown-enum',
      'missing-optional',
      'extra-field',
    ]);
  });

  it('without a spec, no wrong bodies; a body that is not JSON, no malformed-json; a fault reply, neither', () => {
    expect(applicableFaults(byId('create-issue'))).toEqual([...always, 'malformed-json', 'truncated', 'bad-request', 'conflict', 'unprocessable']);
    const text: Stub = { id: 'csv', request: { method: 'GET', path: '/export' }, replies: [{ status: 200, headers: { 'content-type': 'text/csv' }, body: { text: 'a,b' } }] };
    expect(applicableFaults(text, { spec: faultSpec })).toEqual([...always, 'truncated', 'bad-request']);
    const vendorJson: Stub = { id: 'v', request: { method: 'GET', path: '/v' }, replies: [{ status: 200, headers: { 'Content-Type': 'application/vnd.api+json; charset=utf-8' }, body: { text: '{}' } }] };
    expect(applicableFaults(vendorJson)).toContain('malformed-json');
    const broken: Stub = { id: 'b', request: { method: 'GET', path: '/api/v2/tickets' }, replies: [{ fault: 'reset' }] };
    expect(applicableFaults(broken, { spec: faultSpec })).toEqual([...always, 'truncated', 'bad-request']);
    expect(issueBody.state).toBe('todo'); // the fixture the wrong-body cases rely on
  });
});
