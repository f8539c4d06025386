// `seam drift recordings` end to end: the built CLI (run `npx tsc -p .` first) on a small spec and
// recordings that disagree with it — an undocumented field, an undocumented status, a bad value.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serializeExchange } from '../src/exchange/canonical.js';
import { exchangeFileName } from '../src/exchange/store.js';
import type { Exchange } from '../src/exchange/types.js';
import { runSeam } from './support/run-seam.js';

const SPEC = `openapi: 3.0.3
info: { title: Widgets, version: '1' }
paths:
  /widgets/{id}:
    get:
      parameters: [{ name: id, in: path, required: true, schema: { type: string } }]
      responses:
        '200':
          description: one
          content:
            application/json:
              schema:
                type: object
                properties:
                  id: { type: string }
                  state: { type: string, enum: [on, off] }
                  parts: { type: array, items: { type: object, properties: { sku: { type: string } } } }
`;

let dir: string;

function exchange(seq: number, status: number, body: unknown): Exchange {
  const path = `/widgets/wd_${seq}Ab${seq}`;
  return {
    seam: 1,
    id: `s1/${exchangeFileName(seq, 'GET', path).slice(0, -5)}`,
    partner: 'widgets',
    direction: 'outbound',
    recordedAt: '2026-01-01T00:00:00.000Z',
    durationMs: 5,
    request: { method: 'GET', path, query: {}, headers: {} },
    response: { status, headers: { 'content-type': 'application/json' }, body: { json: body } },
    redactions: [],
  };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'seam-drift-recordings-'));
  const session = join(dir, 'recordings', 'widgets', 's1');
  await mkdir(session, { recursive: true });
  const recs = [
    exchange(1, 200, { id: 'wd_1', state: 'on', colour: 'red', parts: [{ sku: 'a', weight: 1 }, { sku: 'b', weight: 2 }] }),
    exchange(2, 200, { id: 'wd_2', state: 'on', colour: 'blue', parts: [] }),
    exchange(3, 200, { id: 'wd_3', state: 'broken', parts: [] }),
    exchange(4, 200, { id: 'wd_4', state: 'off', parts: [] }),
    exchange(5, 410, { error: 'gone' }),
  ];
  for (const e of recs) await writeFile(join(session, `${e.id.slice(3)}.json`), serializeExchange(e));
  await mkdir(join(dir, 'contracts', 'widgets'), { recursive: true });
  await writeFile(join(dir, 'contracts', 'widgets', 'openapi.yaml'), SPEC);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('seam drift recordings', () => {
  it('reports undocumented fields and statuses and invalid values, with counts, and exits 0', async () => {
    const run = await runSeam(['drift', 'recordings', 'widgets', '--json'], dir);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout) as { summary: unknown; findings: Record<string, unknown>[] };
    expect(out.summary).toEqual({ exchanges: 5, operations: 1, skipped: 0 });
    const op = 'GET /widgets/{id}';
    const spec = join('contracts', 'widgets', 'openapi.yaml');
    expect(out.findings).toEqual([
      {
        check: 'recorded-field-undocumented',
        severity: 'info',
        operation: op,
        field: '$.colour',
        message: `2 of 5 recordings of ${op} send $.colour, which the spec does not define`,
        old: { file: join('recordings', 'widgets', 's1', '0001-get-widgets-wd-1ab1.json'), pointer: '/response/body/json/colour' },
        new: { file: spec, pointer: '/paths/~1widgets~1{id}/get/responses/200/content/application~1json/schema' },
      },
      {
        check: 'recorded-field-undocumented',
        severity: 'info',
        operation: op,
        field: '$.parts[*].weight',
        message: `1 of 5 recordings of ${op} send $.parts[*].weight, which the spec does not define`,
        old: { file: join('recordings', 'widgets', 's1', '0001-get-widgets-wd-1ab1.json'), pointer: '/response/body/json/parts/0/weight' },
        new: { file: spec, pointer: '/paths/~1widgets~1{id}/get/responses/200/content/application~1json/schema/properties/parts/items' },
      },
      {
        check: 'recorded-status-undocumented',
        severity: 'warning',
        operation: op,
        message: `1 of 5 recordings of ${op} answered 410, which the spec does not document (documented: 200)`,
        old: { file: join('recordings', 'widgets', 's1', '0005-get-widgets-wd-5ab5.json'), pointer: '/response/status' },
        new: { file: spec, pointer: '/paths/~1widgets~1{id}/get/responses' },
      },
      {
        check: 'recorded-value-invalid',
        severity: 'warning',
        operation: op,
        field: '$.state',
        message: `1 of 5 recordings of ${op} answered 200 with $.state failing \`enum\` (body field /state is "broken", the spec allows "on", "off")`,
        old: { file: join('recordings', 'widgets', 's1', '0003-get-widgets-wd-3ab3.json'), pointer: '/response/body/json/state' },
        new: { file: spec, pointer: '/paths/~1widgets~1{id}/get/responses/200/content/application~1json/schema/properties/state/enum' },
      },
    ]);
  });

  it('prints one line per finding and a summary', async () => {
    const run = await runSeam(['drift', 'recordings', 'widgets'], dir);
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines).toHaveLength(5);
    expect(lines[0]).toBe(
      'INFO recorded-field-undocumented GET /widgets/{id}  $.colour  2 of 5 recordings of GET /widgets/{id} send $.colour, which the spec does not define  ' +
        '(old: recordings/widgets/s1/0001-get-widgets-wd-1ab1.json#/response/body/json/colour → new: contracts/widgets/openapi.yaml#/paths/~1widgets~1{id}/get/responses/200/content/application~1json/schema)',
    );
    expect(lines[4]).toBe('5 recordings of 1 operation checked against contracts/widgets/openapi.yaml: 4 findings');
  });

  it('is an input error without a spec', async () => {
    const run = await runSeam(['drift', 'recordings', 'widgets', '--spec', 'nope.yaml'], dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('nope.yaml: spec file not found');
  });
});
