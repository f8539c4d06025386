// A small in-memory helpdesk + tracker spec and stubs for the fault tests: a list payload with an
// enum and an optional field in its items, a create whose schema is an allOf, and a token endpoint.
import type { LoadedSpec } from '../../src/spec/index.js';
import type { Stub } from '../../src/stubs/types.js';

const FILE = '/virtual/partner.json';
const json = (ref: string) => ({ content: { 'application/json': { schema: { $ref: `#/components/schemas/${ref}` } } } });

const document = {
  openapi: '3.0.3',
  info: { title: 'partner', version: '1' },
  paths: {
    '/api/v2/tickets': { get: { responses: { '200': { description: 'ok', ...json('TicketList') } } } },
    '/v1/issues': { post: { responses: { '201': { description: 'created', ...json('Issue') }, '409': { description: 'exists', ...json('Error') } } } },
    '/v1/issues/{issue_id}': { patch: { responses: { '200': { description: 'ok', ...json('Issue') } } } },
    '/oauth/token': { post: { responses: { '200': { description: 'ok', ...json('Token') } } } },
  },
  components: {
    schemas: {
      TicketList: {
        type: 'object',
        required: ['tickets', 'next_cursor'],
        properties: { tickets: { type: 'array', items: { $ref: '#/components/schemas/Ticket' } }, next_cursor: { type: 'string', nullable: true } },
      },
      Ticket: {
        type: 'object',
        required: ['id', 'subject'],
        properties: { id: { type: 'string' }, subject: { type: 'string' }, priority: { type: 'string' }, status: { type: 'string', enum: ['open', 'pending', 'closed'] } },
      },
      Base: { type: 'object', required: ['id'], properties: { id: { type: 'string' }, title: { type: 'string' } } },
      Issue: { allOf: [{ $ref: '#/components/schemas/Base' }, { type: 'object', required: ['state'], properties: { state: { type: 'string', enum: ['todo', 'done'] } } }] },
      Token: {
        type: 'object',
        required: ['access_token', 'token_type', 'expires_in'],
        properties: { access_token: { type: 'string' }, token_type: { type: 'string' }, expires_in: { type: 'integer' } },
      },
      Error: { type: 'object', properties: { error: { type: 'string' } } },
    },
  },
};

export const faultSpec: LoadedSpec = { file: FILE, version: '3.0', versionString: '3.0.3', document, documents: new Map([[FILE, document]]) };

export const ticketsBody = { tickets: [{ id: 't1', subject: 'Printer', priority: 'high', status: 'open' }], next_cursor: null };
export const issueBody = { id: 'i1', title: 'Printer', state: 'todo' };
export const tokenBody = { access_token: 'recorded-token', token_type: 'Bearer', expires_in: 3600 };

export function faultStubs(): Stub[] {
  return [
    { id: 'list-tickets', operation: 'GET /api/v2/tickets', request: { method: 'GET', path: '/api/v2/tickets' }, replies: [{ status: 200, body: { json: ticketsBody } }] },
    { id: 'create-issue', operation: 'POST /v1/issues', request: { method: 'POST', path: '/v1/issues' }, replies: [{ status: 201, body: { json: issueBody } }] },
    // No `operation`: found in the spec by method and path template.
    { id: 'update-issue', request: { method: 'PATCH', path: '/v1/issues/{issue}' }, replies: [{ status: 200, body: { json: issueBody } }] },
    { id: 'token', operation: 'POST /oauth/token', request: { method: 'POST', path: '/oauth/token' }, replies: [{ status: 200, body: { json: tokenBody } }] },
  ];
}
