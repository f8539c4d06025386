// stubsFromSpec on a small in-memory spec: which stubs exist, which one a request gets (plain, and
// with Prism's `prefer: code=…, example=…`), bodies from examples or samples, headers and echo.
import { describe, expect, it } from 'vitest';
import type { LoadedSpec } from '../spec/index.js';
import { serializeStubs } from './canonical.js';
import { preferPattern, stubsFromSpec } from './from-spec.js';
import { matchStub, type MatchRequest } from './match.js';
import type { ResponseReply, Stub } from './types.js';

const FILE = '/virtual/widgets.json';
const error = { $ref: '#/components/schemas/Error' };
const document = {
  openapi: '3.0.3',
  info: { title: 'widgets', version: '1' },
  servers: [{ url: 'https://api.example.com/v2' }],
  paths: {
    '/widgets': {
      post: {
        operationId: 'createWidget',
        responses: { '201': { description: 'ok', content: { 'application/json': { schema: { $ref: '#/components/schemas/Widget' } } } } },
      },
    },
    '/widgets/{widget_id}': {
      parameters: [{ name: 'widget_id', in: 'path', required: true, schema: { type: 'string' } }],
      get: {
        operationId: 'getWidget',
        responses: {
          '200': {
            description: 'ok',
            headers: { 'X-Request-Id': { schema: { type: 'string' }, example: 'req_1' }, 'X-Rate-Limit': { schema: { type: 'integer', minimum: 10 } } },
            content: {
              'application/xml': { schema: { type: 'string' } },
              'application/json': {
                schema: { $ref: '#/components/schemas/Widget' },
                // `one` is stale (no `size`): a plain request gets `two`, the first that fits.
                examples: { one: { value: { id: 'w_1', name: 'One' } }, two: { value: { id: 'w_2', name: 'Two', size: 2 } } },
              },
            },
          },
          '404': { description: 'missing', content: { 'application/json': { schema: error, examples: { notFound: { value: { code: 'not_found' } } } } } },
          default: { description: 'error', content: { 'application/json': { schema: error } } },
        },
      },
      delete: { operationId: 'deleteWidget', responses: { '204': { description: 'gone' } } },
    },
    '/widgets/{widget_id}/thumbnail': {
      get: { responses: { '200': { description: 'png', content: { 'image/png': { schema: { type: 'string', format: 'binary' } } } } } },
    },
  },
  components: {
    schemas: {
      Widget: {
        type: 'object',
        required: ['id', 'name', 'size'],
        properties: { id: { type: 'string' }, name: { type: 'string', minLength: 1 }, size: { type: 'integer', minimum: 1 }, note: { type: 'string' } },
      },
      Error: { type: 'object', required: ['code'], properties: { code: { type: 'string', enum: ['server_error', 'not_found'] } } },
    },
  },
};
const spec: LoadedSpec = { file: FILE, version: '3.0', versionString: '3.0.3', document, documents: new Map([[FILE, document]]) };

function request(method: string, path: string, headers: Record<string, string> = {}): MatchRequest {
  return { method, path, query: {}, headers };
}

function answer(stubs: Stub[], req: MatchRequest): { stub: Stub; reply: ResponseReply } {
  const result = matchStub(stubs, req);
  if ('miss' in result) throw new Error(`miss: ${JSON.stringify(result.near)}`);
  return { stub: result.stub, reply: result.stub.replies[0] as ResponseReply };
}

describe('stubsFromSpec', () => {
  const stubs = stubsFromSpec(spec);

  it('emits one stub per response and example, under the base path, with operation and source', () => {
    const get = stubs.filter((s) => s.operation === 'GET /widgets/{widget_id}');
    const rows = get.map((s) => [s.request.path, s.priority ?? 5, s.request.headers?.prefer] as const);
    // Canonical order is path, method, priority, then id (a hash): sort ties by pattern to compare.
    rows.sort((a, b) => a[1] - b[1] || JSON.stringify(a[2]).localeCompare(JSON.stringify(b[2])));
    expect(rows).toEqual([
      ['/v2/widgets/{widget_id}', 2, { matches: preferPattern('404', 'notFound') }],
      ['/v2/widgets/{widget_id}', 3, { matches: preferPattern('404', undefined) }],
      ['/v2/widgets/{widget_id}', 3, { matches: preferPattern('default', undefined) }],
      ['/v2/widgets/{widget_id}', 4, { matches: preferPattern(undefined, 'one') }],
      ['/v2/widgets/{widget_id}', 4, { matches: preferPattern(undefined, 'two') }],
      ['/v2/widgets/{widget_id}', 5, undefined],
    ]);
    expect(get.every((s) => s.source?.[0] === 'spec:getWidget')).toBe(true);
    const primary = get.find((s) => s.priority === undefined)!;
    expect(primary.id).toMatch(/^get-v2-widgets-widget-id-200-[0-9a-f]{6}$/);
    expect(stubs.find((s) => s.operation === 'GET /widgets/{widget_id}/thumbnail')!.source).toEqual(['spec:GET /widgets/{widget_id}/thumbnail']);
    expect(new Set(stubs.map((s) => s.id)).size).toBe(stubs.length);
    // Deterministic: the same spec, the same file.
    expect(serializeStubs(stubsFromSpec(spec))).toBe(serializeStubs(stubs));
  });

  it('answers a plain request with the primary response: first fitting example, JSON media, documented headers, echo', () => {
    const { reply } = answer(stubs, request('GET', '/v2/widgets/w_9'));
    expect(reply).toEqual({
      status: 200,
      headers: { 'content-type': 'application/json', 'x-rate-limit': '10', 'x-request-id': 'req_1' },
      body: { json: { id: 'w_2', name: 'Two', size: 2 } },
      echo: [{ from: 'path.widget_id', to: '/id' }],
    });
  });

  it('honours prefer: example=, code=, and both in either order', () => {
    // example= serves the example as written, stale or not.
    expect(answer(stubs, request('GET', '/v2/widgets/w_9', { prefer: 'example=one' })).reply.body).toEqual({ json: { id: 'w_1', name: 'One' } });
    const asWritten = stubsFromSpec(spec, { checkExamples: false });
    expect(answer(asWritten, request('GET', '/v2/widgets/w_9')).reply.body).toEqual({ json: { id: 'w_1', name: 'One' } });
    const notFound = answer(stubs, request('GET', '/v2/widgets/w_9', { prefer: 'code=404' })).reply;
    expect([notFound.status, notFound.body, notFound.echo]).toEqual([404, { json: { code: 'not_found' } }, undefined]);
    for (const prefer of ['code=404, example=notFound', 'example=notFound; code=404']) {
      const { stub } = answer(stubs, request('GET', '/v2/widgets/w_9', { prefer }));
      expect(stub.priority).toBe(2);
    }
    const fallback = answer(stubs, request('GET', '/v2/widgets/w_9', { prefer: 'code=default' })).reply;
    expect([fallback.status, fallback.body]).toEqual([500, { json: { code: 'server_error' } }]);
    // code= wins over an example= of another response; an unknown code falls back to the primary.
    expect(answer(stubs, request('GET', '/v2/widgets/w_9', { prefer: 'example=one, code=404' })).reply.status).toBe(404);
    expect(answer(stubs, request('GET', '/v2/widgets/w_9', { prefer: 'code=4044' })).reply.status).toBe(200);
    expect(answer(stubs, request('GET', '/v2/widgets/w_9', { prefer: 'xcode=404' })).reply.status).toBe(200);
  });

  it('samples a body without examples, and leaves binary and 204 bodies out', () => {
    expect(answer(stubs, request('POST', '/v2/widgets')).reply).toEqual({
      status: 201,
      headers: { 'content-type': 'application/json' },
      body: { json: { id: 'string', name: 'string', size: 1 } },
    });
    expect(answer(stubs, request('GET', '/v2/widgets/w_1/thumbnail')).reply).toEqual({ status: 200, headers: { 'content-type': 'image/png' } });
    expect(answer(stubs, request('DELETE', '/v2/widgets/w_1')).reply).toEqual({ status: 204 });
  });

  it('takes a base path override and a filter', () => {
    const only = stubsFromSpec(spec, { basePath: '', include: (op) => op.method === 'DELETE' });
    expect(only.map((s) => `${s.request.method} ${s.request.path}`)).toEqual(['DELETE /widgets/{widget_id}']);
  });
});
