// SpecValidator on small in-memory specs: parameter coercion, forms, anyOf branch choice, spec
// pointers through $refs and 3.0 `nullable`, response status / headers / media types, skips.
import { describe, expect, it } from 'vitest';
import type { Exchange, ExchangeResponse } from '../exchange/types.js';
import type { LoadedSpec, SpecVersion } from './index.js';
import { createSpecValidator } from './index.js';
import { operations } from './operations.js';
import { unflatten } from './serialised-values.js';

const FILE = '/virtual/spec.json';

function specOf(paths: Record<string, unknown>, schemas: Record<string, unknown> = {}, version: SpecVersion = '3.0'): LoadedSpec {
  const document = { openapi: version === '3.1' ? '3.1.0' : '3.0.3', info: { title: 't', version: '1' }, paths, components: { schemas } };
  return { file: FILE, version, versionString: document.openapi, document, documents: new Map([[FILE, document]]) };
}

function exchange(request: Partial<Exchange['request']>, response: Exchange['response'] = { status: 200, headers: {} }, extra: Partial<Exchange> = {}): Exchange {
  return {
    seam: 1,
    id: 's/1',
    partner: 'p',
    direction: 'outbound',
    recordedAt: '2026-01-01T00:00:00.000Z',
    durationMs: 1,
    request: { method: 'GET', path: '/', query: {}, headers: {}, ...request },
    response,
    redactions: [],
    ...extra,
  };
}

const ok = (body?: unknown, headers: Record<string, string> = { 'content-type': 'application/json' }): ExchangeResponse => ({
  status: 200,
  headers,
  ...(body !== undefined ? { body: { json: body } } : {}),
});

const brief = (vs: Array<{ location: string; name?: string; pointer?: string; keyword: string; message: string; spec?: { pointer: string } }>) =>
  vs.map((v) => [v.location, v.name ?? v.pointer ?? '', v.keyword, v.message, v.spec?.pointer ?? null]);

describe('unflatten', () => {
  it('reads bracketed keys as Stripe writes them', () => {
    expect(unflatten(Object.entries({ 'a[b][c]': '1', 'l[]': ['x', 'y'], 'o[0][p]': 'q', 'o[1][p]': 'r', 'n[][k]': 'v', plain: ['1', '2'] }))).toEqual({
      a: { b: { c: '1' } },
      l: ['x', 'y'],
      o: { '0': { p: 'q' }, '1': { p: 'r' } },
      n: [{ k: 'v' }],
      plain: ['1', '2'],
    });
  });
});

describe('parameters', () => {
  const spec = specOf({
    '/items/{id}': {
      get: {
        parameters: [
          { name: 'id', in: 'path', required: true, schema: { type: 'integer' } },
          { name: 'limit', in: 'query', required: true, schema: { type: 'integer', maximum: 10 } },
          { name: 'flag', in: 'query', schema: { type: 'boolean' } },
          { name: 'tags', in: 'query', style: 'form', explode: false, schema: { type: 'array', items: { type: 'integer' } } },
          { name: 'ids', in: 'query', schema: { type: 'array', items: { type: 'string', pattern: '^i' } } },
          { name: 'range', in: 'query', style: 'deepObject', explode: true, schema: { type: 'object', properties: { gte: { type: 'integer' } } } },
          { name: 'X-Version', in: 'header', required: true, schema: { type: 'number' } },
          { name: 'Authorization', in: 'header', required: true, schema: { type: 'string' } },
        ],
        responses: { '200': { description: 'ok' } },
      },
    },
  });
  const validator = createSpecValidator(spec);

  it('coerces strings as the serialisation implies and accepts valid values', () => {
    const e = exchange({ path: '/items/12', query: { limit: '3', flag: 'true', tags: '1,2', ids: ['i1', 'i2'], 'range[gte]': '5' }, headers: { 'x-version': '2.5' } });
    expect(validator.validateExchange(e).violations).toEqual([]);
  });

  it('flags missing and mistyped ones, naming the parameter and the schema keyword', () => {
    const e = exchange({ path: '/items/abc', query: { limit: '30', flag: 'yes', tags: '1,x', ids: 'j', 'range[gte]': 'soon' }, headers: {} });
    const base = '/paths/~1items~1{id}/get/parameters';
    expect(brief(validator.validateExchange(e).violations)).toEqual([
      ['path', 'id', 'type', 'path parameter id is a string, the spec wants integer', `${base}/0/schema/type`],
      ['query', 'limit', 'maximum', 'query parameter limit must be <= 10', `${base}/1/schema/maximum`],
      ['query', 'flag', 'type', 'query parameter flag is a string, the spec wants boolean', `${base}/2/schema/type`],
      ['query', 'tags', 'type', 'query parameter tags at /1 is a string, the spec wants integer', `${base}/3/schema/items/type`],
      ['query', 'ids', 'pattern', 'query parameter ids at /0 is "j", which does not match the pattern ^i', `${base}/4/schema/items/pattern`],
      ['query', 'range', 'type', 'query parameter range at /gte is a string, the spec wants integer', `${base}/5/schema/properties/gte/type`],
      ['header', 'X-Version', 'missing-parameter', 'required header parameter X-Version is missing', `${base}/6`],
    ]);
  });
});

describe('bodies', () => {
  const spec = specOf(
    {
      '/things': {
        post: {
          requestBody: {
            required: true,
            content: {
              'application/x-www-form-urlencoded': {
                schema: {
                  type: 'object',
                  additionalProperties: false,
                  properties: {
                    amount: { type: 'integer' },
                    live: { type: 'boolean' },
                    metadata: { type: 'object', additionalProperties: { type: 'string' } },
                    items: { type: 'array', items: { type: 'object', required: ['price'], properties: { price: { type: 'string' }, qty: { type: 'integer' } } } },
                    owner: { anyOf: [{ type: 'string' }, { $ref: '#/components/schemas/owner' }] },
                  },
                },
              },
            },
          },
          responses: {
            '2XX': { description: 'ok', content: { 'application/json': { schema: { $ref: '#/components/schemas/thing' } } } },
            '204': { description: 'nothing' },
            default: { description: 'error', content: { 'application/json': { schema: { type: 'object', required: ['error'] } } } },
          },
        },
      },
    },
    {
      owner: { type: 'object', required: ['id'], properties: { id: { type: 'string' }, name: { type: 'string' } } },
      thing: {
        type: 'object',
        required: ['id'],
        properties: {
          id: { type: 'string' },
          note: { nullable: true, allOf: [{ $ref: '#/components/schemas/owner' }] },
          owner: { anyOf: [{ type: 'string' }, { $ref: '#/components/schemas/owner' }, { $ref: '#/components/schemas/deleted' }] },
        },
      },
      deleted: { type: 'object', required: ['id', 'deleted'], properties: { id: { type: 'string' }, deleted: { enum: [true] } } },
    },
  );
  const validator = createSpecValidator(spec);
  const form = (f: Record<string, string | string[]>) => ({ method: 'POST', path: '/things', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: { form: f } });

  it('types form fields by the schema, nested and indexed', () => {
    const e = exchange(form({ amount: '5', live: 'false', 'metadata[k]': '1', 'items[0][price]': 'p', 'items[0][qty]': '2', 'owner[id]': 'o1' }), ok({ id: 't' }));
    expect(validator.validateExchange(e).violations).toEqual([]);
  });

  it('reports the errors of the anyOf branch the value was meant for, with pointers in the component', () => {
    const e = exchange(form({ amount: '5.5', 'items[0][qty]': 'x', 'owner[name]': 'n', extra: '1' }), ok({ id: 't', owner: { id: 7, name: 'n' }, note: 5 }));
    expect(brief(validator.validateExchange(e).violations)).toEqual([
      ['body', '/extra', 'additionalProperties', 'body field /extra is not defined by the spec, which allows no other fields here', '/paths/~1things/post/requestBody/content/application~1x-www-form-urlencoded/schema/additionalProperties'],
      ['body', '/amount', 'type', 'body field /amount is a string, the spec wants integer', '/paths/~1things/post/requestBody/content/application~1x-www-form-urlencoded/schema/properties/amount/type'],
      ['body', '/items/0/price', 'required', 'body field /items/0/price is missing; the spec requires it', '/paths/~1things/post/requestBody/content/application~1x-www-form-urlencoded/schema/properties/items/items/required'],
      ['body', '/items/0/qty', 'type', 'body field /items/0/qty is a string, the spec wants integer', '/paths/~1things/post/requestBody/content/application~1x-www-form-urlencoded/schema/properties/items/items/properties/qty/type'],
      ['body', '/owner/id', 'required', 'body field /owner/id is missing; the spec requires it', '/components/schemas/owner/required'],
      // 3.0 `nullable` next to allOf: neither an object nor null; the pointer is the schema itself
      ['body', '/note', 'anyOf', 'body field /note matches none of the alternatives the spec allows (anyOf)', '/components/schemas/thing/properties/note'],
      ['body', '/owner/id', 'type', 'body field /owner/id is an integer, the spec wants string', '/components/schemas/owner/properties/id/type'],
    ]);
  });

  it('says when no alternative fits at all', () => {
    const e = exchange(form({ amount: '1' }), ok({ id: 't', owner: 12 }));
    expect(brief(validator.validateExchange(e).violations)).toEqual([
      ['body', '/owner', 'anyOf', 'body field /owner matches none of the alternatives the spec allows (anyOf)', '/components/schemas/thing/properties/owner/anyOf'],
    ]);
  });

  it('checks presence, media type and parseability of bodies; status ranges and default', () => {
    const v = (e: Exchange) => brief(validator.validateExchange(e).violations);
    expect(v(exchange({ method: 'POST', path: '/things' }, ok({ id: 't' })))).toEqual([
      ['body', '', 'missing-body', 'the request has no body; the spec requires one', '/paths/~1things/post/requestBody'],
    ]);
    expect(v(exchange({ ...form({}), headers: { 'content-type': 'application/json' }, body: { json: {} } }, { status: 204, headers: {}, body: { text: 'x' } }))).toEqual([
      ['body', '', 'undocumented-media-type', 'the body is application/json; the spec documents application/x-www-form-urlencoded', '/paths/~1things/post/requestBody/content'],
      ['body', '', 'unexpected-body', 'the response has a body; the spec documents none for status 204', '/paths/~1things/post/responses/204'],
    ]);
    expect(v(exchange(form({ amount: '1' }), { status: 502, headers: { 'content-type': 'application/json' }, body: { text: '<html>' } }))).toEqual([
      ['body', '', 'unparseable-body', 'the body is not valid JSON (content-type application/json)', '/paths/~1things/post/responses/default/content/application~1json/schema'],
    ]);
    expect(v(exchange(form({ amount: '1' }), { status: 503, headers: { 'content-type': 'application/json' }, body: { json: {} } }))).toEqual([
      ['body', '/error', 'required', 'body field /error is missing; the spec requires it', '/paths/~1things/post/responses/default/content/application~1json/schema/required'],
    ]);
  });

  it('skips binary and omitted bodies, and deliveries without a webhook', () => {
    const binary = exchange(form({ amount: '1' }), { status: 201, headers: { 'content-type': 'image/png' }, body: { base64: 'AA==', contentType: 'image/png' } });
    expect(validator.validateExchange(binary)).toMatchObject({ violations: [], skipped: [{ part: 'response', reason: 'response body is binary (image/png)' }] });
    const omitted = exchange(form({ amount: '1' }), { status: 201, headers: {}, body: { omitted: { bytes: 9, sha256: 'x', contentType: 'application/json' } } });
    expect(validator.validateExchange(omitted).skipped).toEqual([{ part: 'response', reason: 'response body omitted at recording (9 bytes)' }]);
    const inbound = exchange({ method: 'POST', path: '/hooks' }, ok(), { direction: 'inbound' });
    expect(validator.validateExchange(inbound)).toEqual({ violations: [], skipped: [{ part: 'exchange', reason: 'inbound delivery not tied to a documented webhook' }] });
  });
});

describe('responses', () => {
  const spec = specOf(
    {
      '/r': {
        get: {
          responses: {
            '200': {
              description: 'ok',
              headers: {
                'X-Rate-Remaining': { required: true, schema: { type: 'integer' } },
                'X-Trace': { schema: { type: 'array', items: { type: 'integer' } } },
              },
              content: { 'application/json': { schema: { type: ['object', 'null'], properties: { n: { type: 'integer', exclusiveMinimum: 0 } } } } },
            },
          },
        },
      },
    },
    {},
    '3.1',
  );
  const validator = createSpecValidator(spec);

  it('checks required headers, header values, 3.1 type arrays and an undocumented status', () => {
    const at = '/paths/~1r/get/responses';
    expect(brief(validator.validateExchange(exchange({ path: '/r' }, { status: 200, headers: { 'x-trace': '1, x' }, body: { json: { n: 0 } } })).violations)).toEqual([
      ['header', 'x-rate-remaining', 'missing-header', 'required response header x-rate-remaining is missing', `${at}/200/headers/X-Rate-Remaining`],
      ['header', 'x-trace', 'type', 'response header x-trace at /1 is a string, the spec wants integer', `${at}/200/headers/X-Trace/schema/items/type`],
      ['body', '/n', 'exclusiveMinimum', 'body field /n must be > 0', `${at}/200/content/application~1json/schema/properties/n/exclusiveMinimum`],
    ]);
    expect(validator.validateExchange(exchange({ path: '/r' }, { status: 200, headers: { 'x-rate-remaining': '3' }, body: { json: null } })).violations).toEqual([]);
    expect(brief(validator.validateExchange(exchange({ path: '/r' }, { status: 404, headers: {} })).violations)).toEqual([
      ['status', '', 'undocumented-status', 'status 404 is not documented for GET /r (the spec has 200)', at],
    ]);
  });

  it('validates a response against an operation given directly', () => {
    const op = operations(spec)[0]!;
    expect(validator.validateResponse(op, { status: 200, headers: { 'x-rate-remaining': 'many' } }).map((v) => v.message)).toEqual([
      'response header x-rate-remaining is a string, the spec wants integer',
    ]);
  });
});

describe('format: uri', () => {
  it('reads it as a URI reference: a relative link passes, a malformed one does not', () => {
    const spec = specOf({
      '/calls': {
        get: { responses: { '200': { description: 'ok', content: { 'application/json': { schema: { type: 'object', properties: { uri: { type: 'string', format: 'uri' } } } } } } } },
      },
    });
    const v = createSpecValidator(spec);
    const op = operations(spec)[0]!;
    expect(v.validateResponse(op, ok({ uri: '/2010-04-01/Accounts/AC1/Calls.json?Page=0' }))).toEqual([]);
    expect(v.validateResponse(op, ok({ uri: 'https://api.example.test/calls' }))).toEqual([]);
    expect(brief(v.validateResponse(op, ok({ uri: 'https://exa mple.test/<calls>' })))).toEqual([
      ['body', '/uri', 'format', 'body field /uri is "https://exa mple.test/<calls>", not a valid uri', '/paths/~1calls/get/responses/200/content/application~1json/schema/properties/uri/format'],
    ]);
  });
});
