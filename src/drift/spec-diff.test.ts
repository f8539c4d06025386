import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSpec } from '../spec/load.js';
import { SPEC_CHECKS } from './spec-checks.js';
import { diffSpecs } from './spec-diff.js';

type Obj = Record<string, any>;

const BASE: Obj = {
  openapi: '3.1.0',
  info: { title: 'Widgets', version: '1' },
  components: {
    securitySchemes: { key: { type: 'http', scheme: 'bearer' } },
    schemas: {
      widget: {
        type: 'object',
        required: ['id', 'status'],
        properties: {
          id: { type: 'string' },
          status: { type: 'string', enum: ['active', 'archived'] },
          size: { type: 'integer' },
          owner: { $ref: '#/components/schemas/widget' },
        },
      },
    },
  },
  security: [{ key: [] }],
  paths: {
    '/widgets/{id}': {
      get: {
        parameters: [
          { name: 'id', in: 'path', required: true, schema: { type: 'string' } },
          { name: 'expand', in: 'query', schema: { type: 'string', enum: ['owner', 'parts'] } },
        ],
        responses: {
          '200': {
            description: 'ok',
            headers: { 'Request-Id': { schema: { type: 'string' } } },
            content: { 'application/json': { schema: { $ref: '#/components/schemas/widget' } } },
          },
          '404': { description: 'missing' },
        },
      },
      post: {
        requestBody: {
          content: {
            'application/json': {
              schema: { type: 'object', required: ['name'], properties: { name: { type: 'string' }, colour: { type: 'string', enum: ['red', 'blue'] }, count: { type: 'number' } } },
            },
          },
        },
        responses: { '200': { description: 'ok', content: { 'application/json': { schema: { $ref: '#/components/schemas/widget' } } } } },
      },
    },
  },
  webhooks: {
    'widget.updated': {
      post: { requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/widget' } } } }, responses: { '200': { description: 'ok' } } },
    },
  },
};

let dir: string;
let n = 0;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'seam-spec-diff-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function diff(change: (spec: Obj) => void, from: (spec: Obj) => void = () => {}) {
  const o = structuredClone(BASE);
  from(o);
  const m = structuredClone(o);
  change(m);
  const oldFile = join(dir, `old-${++n}.json`);
  const newFile = join(dir, `new-${n}.json`);
  await writeFile(oldFile, JSON.stringify(o));
  await writeFile(newFile, JSON.stringify(m));
  const findings = diffSpecs(await loadSpec(oldFile), await loadSpec(newFile));
  return findings.map((f) => [f.severity, f.check, f.operation ?? '', f.field ?? '']);
}

const widget = (s: Obj) => s.components.schemas.widget;
const get = (s: Obj) => s.paths['/widgets/{id}'].get;
const post = (s: Obj) => s.paths['/widgets/{id}'].post;
const postBody = (s: Obj) => post(s).requestBody.content['application/json'].schema;

describe('diffSpecs', () => {
  it('finds nothing between a spec and itself', async () => {
    expect(await diff(() => {})).toEqual([]);
  });

  it('pairs operations whose path parameter was renamed', async () => {
    expect(
      await diff((s) => {
        const item = s.paths['/widgets/{id}'];
        item.get.parameters[0].name = 'widget';
        s.paths['/widgets/{widget}'] = item;
        delete s.paths['/widgets/{id}'];
      }),
    ).toEqual([]);
  });

  const cases: Array<[string, (s: Obj) => void, string[][], ((s: Obj) => void)?]> = [
    ['operation removed', (s) => delete s.paths['/widgets/{id}'].post, [['breaking', 'operation-removed', 'POST /widgets/{id}', '']]],
    ['operation added', (s) => (s.paths['/parts'] = { get: { responses: { '200': { description: 'ok' } } } }), [['info', 'operation-added', 'GET /parts', '']]],
    ['operation deprecated', (s) => (get(s).deprecated = true), [['warning', 'operation-deprecated', 'GET /widgets/{id}', '']]],
    ['required parameter added', (s) => get(s).parameters.push({ name: 'v', in: 'header', required: true, schema: { type: 'string' } }), [['breaking', 'request-parameter-required-added', 'GET /widgets/{id}', '']]],
    ['optional parameter added', (s) => get(s).parameters.push({ name: 'v', in: 'query', schema: { type: 'string' } }), [['info', 'request-parameter-added', 'GET /widgets/{id}', '']]],
    ['parameter became required', (s) => (get(s).parameters[1].required = true), [['breaking', 'request-parameter-became-required', 'GET /widgets/{id}', '']]],
    ['parameter removed', (s) => get(s).parameters.pop(), [['warning', 'request-parameter-removed', 'GET /widgets/{id}', '']]],
    ['parameter enum value removed', (s) => (get(s).parameters[1].schema.enum = ['owner']), [['breaking', 'request-enum-value-removed', 'GET /widgets/{id}', '']]],
    ['parameter enum value added', (s) => get(s).parameters[1].schema.enum.push('x'), [['info', 'request-enum-value-added', 'GET /widgets/{id}', '']]],
    ['parameter type narrowed', (s) => (get(s).parameters[0].schema.type = 'integer'), [['breaking', 'request-type-narrowed', 'GET /widgets/{id}', '']]],
    ['body became required', (s) => (post(s).requestBody.required = true), [['breaking', 'request-body-became-required', 'POST /widgets/{id}', '']]],
    ['required body field added', (s) => { postBody(s).properties.size = { type: 'integer' }; postBody(s).required.push('size'); }, [['breaking', 'request-property-required-added', 'POST /widgets/{id}', '$.size']]],
    ['optional body field added', (s) => (postBody(s).properties.size = { type: 'integer' }), [['info', 'request-property-added', 'POST /widgets/{id}', '$.size']]],
    ['body field became required', (s) => postBody(s).required.push('colour'), [['breaking', 'request-property-became-required', 'POST /widgets/{id}', '$.colour']]],
    ['body field removed', (s) => delete postBody(s).properties.colour, [['warning', 'request-property-removed', 'POST /widgets/{id}', '$.colour']]],
    ['body enum narrowed', (s) => (postBody(s).properties.colour.enum = ['red']), [['breaking', 'request-enum-value-removed', 'POST /widgets/{id}', '$.colour']]],
    ['body enum introduced', (s) => (postBody(s).properties.name.enum = ['a']), [['breaking', 'request-enum-introduced', 'POST /widgets/{id}', '$.name']]],
    ['body enum removed', (s) => delete postBody(s).properties.colour.enum, [['info', 'request-enum-removed', 'POST /widgets/{id}', '$.colour']]],
    ['body number narrowed to integer', (s) => (postBody(s).properties.count.type = 'integer'), [['breaking', 'request-type-narrowed', 'POST /widgets/{id}', '$.count']]],
    ['body integer widened to number', (s) => (postBody(s).properties.count.type = 'number'), [], (s) => (postBody(s).properties.count.type = 'integer')],
    ['response property removed', (s) => delete widget(s).properties.size, [['breaking', 'response-property-removed', 'GET /widgets/{id}', '$.size']]],
    ['response property type changed', (s) => (widget(s).properties.size.type = 'string'), [['breaking', 'response-property-type-changed', 'GET /widgets/{id}', '$.size']]],
    ['response property became nullable (3.1 type list)', (s) => (widget(s).properties.size.type = ['integer', 'null']), [['warning', 'response-property-became-nullable', 'GET /widgets/{id}', '$.size']]],
    ['response enum value added', (s) => widget(s).properties.status.enum.push('lost'), [['warning', 'response-enum-value-added', 'GET /widgets/{id}', '$.status']]],
    ['response enum value removed', (s) => (widget(s).properties.status.enum = ['active']), [['info', 'response-enum-value-removed', 'GET /widgets/{id}', '$.status']]],
    ['response enum removed', (s) => delete widget(s).properties.status.enum, [['warning', 'response-enum-removed', 'GET /widgets/{id}', '$.status']]],
    ['response property became optional', (s) => (widget(s).required = ['id']), [['warning', 'response-property-became-optional', 'GET /widgets/{id}', '$.status']]],
    ['response property became required', (s) => widget(s).required.push('size'), [['info', 'response-property-became-required', 'GET /widgets/{id}', '$.size']]],
    ['response property added', (s) => (widget(s).properties.name = { type: 'string' }), [['info', 'response-property-added', 'GET /widgets/{id}', '$.name']]],
    ['status removed', (s) => delete get(s).responses['404'], [['warning', 'response-status-removed', 'GET /widgets/{id}', '']]],
    ['status added', (s) => (get(s).responses['429'] = { description: 'slow down' }), [['info', 'response-status-added', 'GET /widgets/{id}', '']]],
    ['response header removed', (s) => delete get(s).responses['200'].headers, [['warning', 'response-header-removed', 'GET /widgets/{id}', '']]],
    ['security scheme changed', (s) => (s.components.securitySchemes.key.scheme = 'basic'), [['breaking', 'security-scheme-changed', '', '']]],
    ['security scheme added', (s) => (s.components.securitySchemes.other = { type: 'apiKey', in: 'header', name: 'X-Key' }), [['info', 'security-scheme-added', '', '']]],
    ['security scheme removed', (s) => delete s.components.securitySchemes.key, [['breaking', 'security-scheme-removed', '', '']]],
    [
      'operation security changed',
      (s) => (get(s).security = [{ other: ['write'] }]),
      [['breaking', 'operation-security-changed', 'GET /widgets/{id}', '']],
      (s) => (s.components.securitySchemes.other = { type: 'apiKey', in: 'header', name: 'X-Key' }),
    ],
    ['request media type removed', (s) => { const c = post(s).requestBody.content; c['text/plain'] = c['application/json']; delete c['application/json']; c['application/xml'] = { schema: { type: 'string' } }; }, [['breaking', 'request-media-type-removed', 'POST /widgets/{id}', '']]],
    ['webhook added', (s) => (s.webhooks['widget.created'] = s.webhooks['widget.updated']), [['info', 'webhook-added', 'POST widget.created', '']]],
    [
      'anyOf branch removed from a response',
      (s) => widget(s).properties.owner.anyOf.pop(),
      [['info', 'response-variant-removed', 'GET /widgets/{id}', '$.owner']],
      (s) => (widget(s).properties.owner = { anyOf: [{ type: 'string', title: 'id' }, { $ref: '#/components/schemas/widget' }] }),
    ],
    ['webhook removed', (s) => delete s.webhooks['widget.updated'], [['breaking', 'webhook-removed', 'POST widget.updated', '']]],
    [
      'anyOf branch added to a response',
      (s) => widget(s).properties.owner.anyOf.push({ type: 'integer', title: 'legacy' }),
      [['warning', 'response-variant-added', 'GET /widgets/{id}', '$.owner']],
      (s) => (widget(s).properties.owner = { anyOf: [{ type: 'string', title: 'id' }, { $ref: '#/components/schemas/widget' }] }),
    ],
  ];
  for (const [name, change, expected, from] of cases) {
    it(name, async () => {
      expect(await diff(change, from)).toEqual(expected);
    });
  }

  it('reports a change in a shared, cyclic schema once, at the first operation reaching it', async () => {
    // widget is reached by GET, POST and the webhook payload (and by itself through `owner`).
    expect(await diff((s) => (widget(s).properties.id.type = 'integer'))).toEqual([['breaking', 'response-property-type-changed', 'GET /widgets/{id}', '$.id']]);
  });

  it('judges webhook payloads as responses (we receive them)', async () => {
    expect(
      await diff(
        (s) => (s.webhooks['widget.updated'].post.requestBody.content['application/json'].schema.properties.kind.enum = ['a', 'b']),
        (s) => (s.webhooks['widget.updated'].post.requestBody.content['application/json'].schema = { type: 'object', properties: { kind: { type: 'string', enum: ['a'] } } }),
      ),
    ).toEqual([['warning', 'response-enum-value-added', 'POST widget.updated', '$.kind']]);
  });

  it('documents every check id in docs/drift.md with its severity', async () => {
    const doc = await readFile('docs/drift.md', 'utf8');
    for (const [id, check] of Object.entries(SPEC_CHECKS)) expect(doc).toContain(`| \`${id}\` | ${check.severity} |`);
  });

  it('points at the changed node in both versions', async () => {
    const o = structuredClone(BASE);
    const m = structuredClone(BASE);
    widget(m).properties.status.enum.push('lost');
    await writeFile(join(dir, 'p-old.json'), JSON.stringify(o));
    await writeFile(join(dir, 'p-new.json'), JSON.stringify(m));
    const [f] = diffSpecs(await loadSpec(join(dir, 'p-old.json')), await loadSpec(join(dir, 'p-new.json')));
    expect(f).toEqual({
      check: 'response-enum-value-added',
      severity: 'warning',
      operation: 'GET /widgets/{id}',
      message: 'enum value "lost" added (the 200 response, schema widget)',
      field: '$.status',
      old: { file: join(dir, 'p-old.json'), pointer: '/components/schemas/widget/properties/status' },
      new: { file: join(dir, 'p-new.json'), pointer: '/components/schemas/widget/properties/status' },
    });
  });
});
