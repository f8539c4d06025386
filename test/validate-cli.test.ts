// `seam validate` end to end: the built CLI (run `npx tsc -p .` first) on a temp repo with a small
// spec of our own and recordings written as `seam record` writes them.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serializeExchange } from '../src/exchange/canonical.js';
import type { Exchange } from '../src/exchange/types.js';
import { runSeam } from './support/run-seam.js';


const SPEC = `openapi: 3.0.3
info: { title: Widgets, version: '1' }
servers: [{ url: 'https://api.widgets.test/v1' }]
paths:
  /widgets:
    get:
      parameters:
        - { name: limit, in: query, required: true, schema: { type: integer, maximum: 100 } }
      responses:
        '200':
          description: a page
          content:
            application/json:
              schema: { type: object, required: [data], properties: { data: { type: array, items: { $ref: '#/components/schemas/widget' } } } }
    post:
      requestBody:
        required: true
        content:
          application/x-www-form-urlencoded:
            schema:
              type: object
              required: [amount]
              properties: { amount: { type: integer }, name: { type: string } }
      responses:
        '200':
          description: created
          content: { application/json: { schema: { $ref: '#/components/schemas/widget' } } }
  /widgets/{id}:
    get:
      parameters:
        - { name: id, in: path, required: true, schema: { type: string, pattern: '^wd_' } }
      responses:
        '200':
          description: one widget
          content: { application/json: { schema: { $ref: '#/components/schemas/widget' } } }
        '404':
          description: not found
          content: { application/json: { schema: { type: object } } }
  /widgets/{id}/image:
    get:
      parameters:
        - { name: id, in: path, required: true, schema: { type: string } }
      responses:
        '200': { description: the image, content: { image/png: { schema: { type: string, format: binary } } } }
components:
  schemas:
    widget:
      type: object
      additionalProperties: false
      required: [id, amount]
      properties:
        id: { type: string }
        amount: { type: integer }
        status: { type: string, nullable: true, enum: [active, retired] }
`;

let tmp: string;
let seq = 0;

function exchange(session: string, name: string, request: Partial<Exchange['request']>, response: Exchange['response']): [string, string] {
  seq++;
  const file = `${String(seq).padStart(4, '0')}-${name}.json`;
  const e: Exchange = {
    seam: 1,
    id: `${session}/${file.slice(0, -5)}`,
    partner: 'widgets',
    direction: 'outbound',
    recordedAt: '2026-01-01T00:00:00.000Z',
    durationMs: 12,
    request: { method: 'GET', origin: 'https://api.widgets.test', path: '/', query: {}, headers: {}, ...request },
    response,
    redactions: [],
  };
  return [join(session, file), serializeExchange(e)];
}

const json = (status: number, body: unknown): Exchange['response'] => ({ status, headers: { 'content-type': 'application/json' }, body: { json: body } });

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'seam-validate-'));
  await mkdir(join(tmp, 'contracts', 'widgets'), { recursive: true });
  await writeFile(join(tmp, 'contracts', 'widgets', 'openapi.yaml'), SPEC);
  await mkdir(join(tmp, 'contracts', 'broken'), { recursive: true });
  await writeFile(join(tmp, 'contracts', 'broken', 'openapi.yaml'), 'openapi: 3.0.3\npaths: {\n');
  const files = [
    exchange('s1', 'get-v1-widgets-wd-1', { path: '/v1/widgets/wd_1' }, json(200, { id: 'wd_1', amount: 5, status: null })),
    exchange('s1', 'get-v1-widgets-wd-2', { path: '/v1/widgets/wd_2' }, json(200, { id: 'wd_2', amount: '5', colour: 'red' })),
    exchange('s1', 'get-v1-widgets', { path: '/v1/widgets', query: { cursor: 'x' } }, json(418, { error: 'teapot' })),
    exchange(
      's1',
      'post-v1-widgets',
      { method: 'POST', path: '/v1/widgets', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: { form: { amount: 'lots' } } },
      json(200, { id: 'wd_3', amount: 3, status: 'gone' }),
    ),
    exchange('s1', 'get-v1-nope', { path: '/v1/nope' }, json(200, {})),
    exchange('s1', 'get-v1-widgets-x-image', { path: '/v1/widgets/x/image' }, { status: 200, headers: { 'content-type': 'image/png' }, body: { base64: 'iVBORw0K', contentType: 'image/png' } }),
    exchange('s1', 'get-v1-widgets-bad', { path: '/v1/widgets/bad' }, { error: { code: 'ECONNRESET', message: 'socket hang up' } }),
    exchange('s2', 'get-v1-widgets-wd-9', { path: '/v1/widgets/wd_9' }, json(200, { id: 'wd_9', amount: 9 })),
    exchange('s2', 'post-v1-widgets', { method: 'POST', path: '/v1/widgets', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: { form: { amount: '7', name: 'w' } } }, json(200, { id: 'wd_7', amount: 7 })),
  ];
  for (const [rel, text] of files) {
    await mkdir(join(tmp, 'recordings', 'widgets', rel, '..'), { recursive: true });
    await writeFile(join(tmp, 'recordings', 'widgets', rel), text);
  }
  await mkdir(join(tmp, 'recordings', 'broken', 's1'), { recursive: true });
  await writeFile(join(tmp, 'recordings', 'broken', files[0]![0]), files[0]![1]);
});

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

const seam = (args: string[]) => runSeam(args, tmp);

const SPEC_AT = 'contracts/widgets/openapi.yaml#';

describe('seam validate', () => {
  it('prints one line per violation, a summary, and exits 1', async () => {
    const r = await seam(['validate', 'widgets']);
    expect(r.stdout.split('\n')).toEqual([
      `recordings/widgets/s1/0002-get-v1-widgets-wd-2.json  response body /colour  body field /colour is not defined by the spec, which allows no other fields here  (spec: ${SPEC_AT}/components/schemas/widget/additionalProperties)`,
      `recordings/widgets/s1/0002-get-v1-widgets-wd-2.json  response body /amount  body field /amount is a string, the spec wants integer  (spec: ${SPEC_AT}/components/schemas/widget/properties/amount/type)`,
      `recordings/widgets/s1/0003-get-v1-widgets.json  request query limit  required query parameter limit is missing  (spec: ${SPEC_AT}/paths/~1widgets/get/parameters/0)`,
      `recordings/widgets/s1/0003-get-v1-widgets.json  response status  status 418 is not documented for GET /widgets (the spec has 200)  (spec: ${SPEC_AT}/paths/~1widgets/get/responses)`,
      `recordings/widgets/s1/0004-post-v1-widgets.json  request body /amount  body field /amount is a string, the spec wants integer  (spec: ${SPEC_AT}/paths/~1widgets/post/requestBody/content/application~1x-www-form-urlencoded/schema/properties/amount/type)`,
      `recordings/widgets/s1/0004-post-v1-widgets.json  response body /status  body field /status is "gone", the spec allows "active", "retired", null  (spec: ${SPEC_AT}/components/schemas/widget/properties/status/enum)`,
      `recordings/widgets/s1/0005-get-v1-nope.json  request operation  GET /v1/nope matches no operation in the spec`,
      `recordings/widgets/s1/0007-get-v1-widgets-bad.json  request path id  path parameter id is "bad", which does not match the pattern ^wd_  (spec: ${SPEC_AT}/paths/~1widgets~1{id}/get/parameters/0/schema/pattern)`,
      '9 exchanges checked, 5 with violations (8 violations), 0 skipped, 1 body not checked',
      '',
    ]);
    expect(r.stderr).toBe('seam validate: 8 violations of contracts/widgets/openapi.yaml in 5 exchanges\n');
    expect(r.code).toBe(1);
  });

  it('--json prints a deterministic document', async () => {
    const r = await seam(['validate', 'widgets', '--session', 's1', '--json']);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout) as { spec: string; summary: unknown; exchanges: Array<{ file: string; operation?: string; violations: unknown[]; skipped: unknown[] }> };
    expect(doc.spec).toBe('contracts/widgets/openapi.yaml');
    expect(doc.summary).toEqual({ exchanges: 7, withViolations: 5, violations: 8, skippedExchanges: 0, skippedBodies: 1 });
    expect(doc.exchanges.map((e) => [e.file.split('/').pop(), e.operation ?? null, e.violations.length])).toEqual([
      ['0001-get-v1-widgets-wd-1.json', 'GET /widgets/{id}', 0],
      ['0002-get-v1-widgets-wd-2.json', 'GET /widgets/{id}', 2],
      ['0003-get-v1-widgets.json', 'GET /widgets', 2],
      ['0004-post-v1-widgets.json', 'POST /widgets', 2],
      ['0005-get-v1-nope.json', null, 1],
      ['0006-get-v1-widgets-x-image.json', 'GET /widgets/{id}/image', 0],
      ['0007-get-v1-widgets-bad.json', 'GET /widgets/{id}', 1],
    ]);
    expect(doc.exchanges[1]!.violations[1]).toEqual({
      keyword: 'type',
      location: 'body',
      message: 'body field /amount is a string, the spec wants integer',
      part: 'response',
      pointer: '/amount',
      spec: { file: 'contracts/widgets/openapi.yaml', pointer: '/components/schemas/widget/properties/amount/type' },
    });
    expect(doc.exchanges[5]!.skipped).toEqual([{ part: 'response', reason: 'response body is binary (image/png)' }]);
    // the same input gives the same bytes
    expect((await seam(['validate', 'widgets', '--session', 's1', '--json'])).stdout).toBe(r.stdout);
  });

  it('exits 0 when every exchange is valid', async () => {
    const r = await seam(['validate', 'widgets', '--session', 's2']);
    expect(r.stdout).toBe('2 exchanges checked, 0 with violations (0 violations), 0 skipped, 0 bodies not checked\n');
    expect(r.code).toBe(0);
  });

  it('exits 2 naming the file for a broken spec', async () => {
    const r = await seam(['validate', 'broken']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `seam: ${join(tmp, 'contracts', 'broken', 'openapi.yaml')} at 3:1: invalid YAML: Flow map in block collection must be sufficiently indented and end with a }\n`,
    );
  });

  it('exits 2 for an unknown partner and for a missing --spec', async () => {
    const r = await seam(['validate', 'nobody']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('seam: unknown partner nobody: no folder recordings/nobody (recorded partners: broken, widgets)\n');
    const s = await seam(['validate', 'widgets', '--spec', 'nowhere.yaml']);
    expect(s.code).toBe(2);
    expect(s.stderr).toBe('seam: nowhere.yaml: spec file not found\n');
  });
});
