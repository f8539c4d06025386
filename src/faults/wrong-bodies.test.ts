import { describe, expect, it } from 'vitest';
import { faultSpec, faultStubs, issueBody, ticketsBody } from '../../test/support/fault-spec.js';
import type { ResponseReply, Stub } from '../stubs/types.js';
import { operationOf, wrongBody } from './wrong-bodies.js';

const byId = (id: string) => faultStubs().find((s) => s.id === id)!;
const first = (stub: Stub) => stub.replies[0] as ResponseReply;

describe('operationOf', () => {
  it('by the stub operation, else by method and path template (parameter names may differ)', () => {
    expect(operationOf(byId('list-tickets'), faultSpec)?.id).toBe('GET /api/v2/tickets');
    expect(operationOf(byId('update-issue'), faultSpec)?.id).toBe('PATCH /v1/issues/{issue_id}');
    expect(operationOf({ id: 'x', request: { method: 'DELETE', path: '/v1/issues/{id}' }, replies: [{ status: 204 }] }, faultSpec)).toBeUndefined();
  });
});

describe('wrongBody', () => {
  const tickets = byId('list-tickets');
  const issue = byId('create-issue');

  it('unknown-enum: the shallowest string enum field present, in schema order', () => {
    expect(wrongBody('unknown-enum', tickets, first(tickets), faultSpec)).toEqual({
      json: { tickets: [{ id: 't1', subject: 'Printer', priority: 'high', status: 'seam_unknown_value' }], next_cursor: null },
      pointer: '/tickets/0/status',
    });
    // Through an allOf.
    expect(wrongBody('unknown-enum', issue, first(issue), faultSpec)).toEqual({ json: { id: 'i1', title: 'Printer', state: 'seam_unknown_value' }, pointer: '/state' });
  });

  it('missing-optional: the first present field the schema does not require', () => {
    expect(wrongBody('missing-optional', tickets, first(tickets), faultSpec)).toEqual({
      json: { tickets: [{ id: 't1', subject: 'Printer', status: 'open' }], next_cursor: null },
      pointer: '/tickets/0/priority',
    });
    expect(wrongBody('missing-optional', issue, first(issue), faultSpec)).toEqual({ json: { id: 'i1', state: 'todo' }, pointer: '/title' });
    // Only required fields present: nothing to leave out.
    const token = byId('token');
    expect(wrongBody('missing-optional', token, first(token), faultSpec)).toBeUndefined();
    expect(wrongBody('unknown-enum', token, first(token), faultSpec)).toBeUndefined();
  });

  it('extra-field: on the top object, or the first item of a list', () => {
    expect(wrongBody('extra-field', tickets, first(tickets), faultSpec)).toEqual({ json: { ...ticketsBody, seam_extra_field: 'seam extra value' }, pointer: '/seam_extra_field' });
    const list: Stub = { ...issue, replies: [{ status: 201, body: { json: [issueBody, issueBody] } }] };
    expect(wrongBody('extra-field', list, first(list), faultSpec)).toEqual({ json: [{ ...issueBody, seam_extra_field: 'seam extra value' }, issueBody], pointer: '/0/seam_extra_field' });
  });

  it('needs a JSON body and a schema for the status; never changes the stub', () => {
    expect(wrongBody('extra-field', issue, { status: 201, body: { text: 'x' } }, faultSpec)).toBeUndefined();
    expect(wrongBody('extra-field', issue, { status: 500, body: { json: {} } }, faultSpec)).toBeUndefined();
    wrongBody('unknown-enum', tickets, first(tickets), faultSpec);
    expect(first(tickets).body).toEqual({ json: ticketsBody });
    expect(ticketsBody.tickets[0]!.status).toBe('open');
  });
});
