import { describe, expect, it } from 'vitest';
import { formatFinding, renderJson, renderMarkdown, renderText } from './report.js';
import type { DriftFinding } from './types.js';

const removed: DriftFinding = {
  check: 'response-property-removed',
  severity: 'breaking',
  operation: 'GET /v1/x',
  message: 'property removed (the 200 response)',
  field: '$.field',
  old: { file: '/repo/old.yaml', pointer: '/components/schemas/x/properties/field' },
  new: { file: '/repo/new.yaml', pointer: '/components/schemas/x' },
};
const added: DriftFinding = { check: 'operation-added', severity: 'info', operation: 'GET /v1/y', message: 'GET /v1/y was added', new: { file: '/repo/new.yaml', pointer: '/paths/~1v1~1y/get' } };
const touched: DriftFinding = { check: 'response-status-removed', severity: 'warning', operation: 'GET /v1/z', message: 'the 403 response is no longer documented', affects: ['shop'] };

describe('drift report', () => {
  it('formats one line per finding', () => {
    expect(formatFinding(removed, { relativeTo: '/repo' })).toBe(
      'BREAKING response-property-removed GET /v1/x  $.field  property removed (the 200 response)  (old: old.yaml#/components/schemas/x/properties/field → new: new.yaml#/components/schemas/x)',
    );
    expect(formatFinding(touched)).toBe('WARNING response-status-removed GET /v1/z  the 403 response is no longer documented  [affects shop]');
  });

  it('lists findings affecting a consumer first, then a summary line', () => {
    const text = renderText({ title: 'drift', findings: [removed, added, touched] }, { relativeTo: '/repo' });
    expect(text.split('\n').map((l) => l.split('  ')[0])).toEqual([
      'WARNING response-status-removed GET /v1/z',
      'BREAKING response-property-removed GET /v1/x',
      'INFO operation-added GET /v1/y',
      'drift: 1 breaking, 1 warning, 1 info',
      '',
    ]);
  });

  it('renders Markdown: counts, then groups by severity', () => {
    const md = renderMarkdown({ title: 'drift', findings: [added, removed, touched] }, { relativeTo: '/repo' });
    expect(md).toContain('| severity | findings |\n|---|---:|\n| breaking | 1 |\n| warning | 1 |\n| info | 1 |');
    expect(md.indexOf('## breaking (1)')).toBeLessThan(md.indexOf('## warning (1)'));
    expect(md.indexOf('## warning (1)')).toBeLessThan(md.indexOf('## info (1)'));
    expect(md).toContain('| `response-status-removed` | `GET /v1/z` |  | the 403 response is no longer documented | shop |  |');
    expect(renderMarkdown({ title: 'drift', findings: [] })).toMatch(/No changes found\.\n$/);
  });

  it('renders deterministic JSON with counts', () => {
    const json = JSON.parse(renderJson({ title: 'drift', findings: [removed, touched] }, { relativeTo: '/repo' }));
    expect(json.counts).toEqual({ breaking: 1, warning: 1, info: 0 });
    expect(json.findings.map((f: DriftFinding) => f.check)).toEqual(['response-status-removed', 'response-property-removed']);
    expect(Object.keys(json.findings[1])).toEqual(['check', 'severity', 'operation', 'field', 'message', 'old', 'new']);
    expect(json.findings[1].old).toEqual({ file: 'old.yaml', pointer: '/components/schemas/x/properties/field' });
    expect(renderJson({ title: 'drift', findings: [removed, touched] })).toBe(renderJson({ title: 'drift', findings: [removed, touched] }));
  });
});
