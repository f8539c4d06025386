// Exchanges against the current spec, as drift findings: where the partner's reality (what was
// recorded, or what a live replay got) and its documentation disagree. The SpecValidator judges
// each exchange; spec-fields.ts finds body fields the response schema does not define. Findings
// are grouped by operation, check and field, with how many of the operation's exchanges show it
// ("12 of 40 recordings of GET /x send $.foo, which the spec does not define").
import { undefinedFields } from '../contracts/spec-fields.js';
import type { Exchange } from '../exchange/types.js';
import { isFailure } from '../exchange/types.js';
import { schemaFor } from '../spec/json-schema.js';
import { parsePointer } from '../spec/pointer.js';
import type { LoadedSpec, Location, Operation } from '../spec/types.js';
import type { SpecValidator, Violation } from '../spec/validate.js';
import { inferTemplates } from '../stubs/path-template.js';
import { header } from './shape.js';
import type { DriftFinding, DriftSeverity } from './types.js';

export interface CheckedItem {
  file: string;
  exchange: Exchange;
}

/** `recorded`: the recordings (request and response checked); `live`: replayed responses (response only). */
export type Source = 'recorded' | 'live';

export interface SpecDriftSummary {
  exchanges: number;
  operations: number;
  /** Inbound deliveries not tied to a documented webhook, and failed exchanges (no response). */
  skipped: number;
}

interface Group {
  check: string;
  severity: DriftSeverity;
  operation: string;
  field?: string;
  /** The sentence after "N of M <exchanges> of OP". */
  tail: string;
  files: Set<string>;
  old: Location;
  new?: Location;
}

/** Every disagreement between `items` and the spec, grouped; sorted by operation, check, field. */
export function specFindings(
  spec: LoadedSpec,
  validator: SpecValidator,
  items: readonly CheckedItem[],
  source: Source,
): { findings: DriftFinding[]; summary: SpecDriftSummary } {
  const unresolved = inferTemplates(items.filter((i) => !validator.resolve(i.exchange.request.method, i.exchange.request.path)).map((i) => i.exchange.request.path));
  const totals = new Map<string, number>();
  const groups = new Map<string, Group>();
  let skipped = 0;

  for (const { file, exchange } of items) {
    if (isFailure(exchange.response)) {
      skipped++;
      continue;
    }
    const response = exchange.response;
    let operation: Operation | undefined;
    let violations: Violation[];
    if (source === 'live') {
      operation = validator.resolve(exchange.request.method, exchange.request.path)?.operation;
      violations = operation
        ? validator.validateResponse(operation, response)
        : [{ part: 'request', location: 'operation', keyword: 'undocumented-operation', message: 'no operation' }];
    } else {
      const checked = validator.validateExchange(exchange);
      if (checked.skipped.some((s) => s.part === 'exchange')) {
        skipped++;
        continue;
      }
      operation = checked.operation;
      violations = checked.violations;
    }
    const name = operation?.id ?? `${exchange.request.method.toUpperCase()} ${unresolved.get(exchange.request.path) ?? exchange.request.path}`;
    totals.set(name, (totals.get(name) ?? 0) + 1);
    // `detail` tells groups of one check apart (the status, the field and keyword); the first
    // exchange's wording stands for the group.
    const add = (g: Omit<Group, 'files' | 'operation' | 'old'>, pointer: string, detail: string): void => {
      const key = [g.check, name, detail].join('\u0000');
      let group = groups.get(key);
      if (!group) {
        group = { ...g, operation: name, files: new Set(), old: { file, pointer } };
        groups.set(key, group);
      }
      group.files.add(file);
    };

    for (const v of violations) {
      if (v.keyword === 'undocumented-operation') {
        add({ check: `${source}-operation-undocumented`, severity: 'warning', tail: 'match no operation in the spec' }, '/request/path', '');
      } else if (v.keyword === 'undocumented-status') {
        add(
          { check: `${source}-status-undocumented`, severity: 'warning', tail: `answered ${response.status}, which the spec does not document${operation ? ` (documented: ${operation.responses.map((r) => r.status).join(', ') || 'none'})` : ''}`, ...(v.spec ? { new: v.spec } : {}) },
          '/response/status',
          String(response.status),
        );
      } else {
        const field = v.location === 'body' && v.pointer !== undefined ? pathOf(v.pointer) : undefined;
        const where = v.location === 'body' ? (field ?? 'the body') : `${v.location}${v.name !== undefined ? ` ${v.name}` : ''}`;
        add(
          {
            check: `${source}-${v.part === 'request' ? 'request' : 'value'}-invalid`,
            severity: 'warning',
            tail: `${v.part === 'request' ? 'send a request with' : `answered ${response.status} with`} ${where} failing \`${v.keyword}\` (${v.message})`,
            ...(field !== undefined ? { field } : {}),
            ...(v.spec ? { new: v.spec } : {}),
          },
          v.location === 'body' ? `/${v.part}/body/json${v.pointer ?? ''}` : `/${v.part}/${v.location === 'header' ? `headers/${v.name ?? ''}` : v.location}`,
          [v.part, v.location, v.name ?? '', field ?? '', v.keyword].join(' '),
        );
      }
    }

    // Fields the schema does not define: only where the body was judged against a documented schema.
    if (!operation || violations.some((v) => v.keyword === 'undocumented-status' || v.keyword === 'undocumented-media-type')) continue;
    if (response.body === undefined || !('json' in response.body)) continue;
    const schema = schemaFor(operation, response.status, header(response.headers, 'content-type'));
    if (!schema?.at) continue;
    for (const u of undefinedFields(spec, schema.node, schema.at, response.body.json)) {
      const field = u.path.replace(/\[\d+\]/g, '[*]');
      add({ check: `${source}-field-undocumented`, severity: 'info', field, tail: `send ${field}, which the spec does not define`, new: u.spec }, `/response/body/json${u.pointer}`, field);
    }
  }

  const noun = source === 'recorded' ? 'recordings' : 'live responses';
  const findings = [...groups.values()]
    .map((g): DriftFinding => {
      const total = totals.get(g.operation) ?? g.files.size;
      return {
        check: g.check,
        severity: g.severity,
        operation: g.operation,
        message: `${g.files.size} of ${total} ${noun} of ${g.operation} ${g.tail}`,
        old: g.old,
        ...(g.new ? { new: g.new } : {}),
        ...(g.field !== undefined ? { field: g.field } : {}),
      };
    })
    .sort((a, b) => cmp(a.operation ?? '', b.operation ?? '') || cmp(a.check, b.check) || cmp(a.field ?? '', b.field ?? '') || cmp(a.message, b.message));
  return { findings, summary: { exchanges: items.length, operations: totals.size, skipped } };
}

/** `/data/0/status` → `$.data[*].status` (array indices merged, as the findings group them). */
export function pathOf(pointer: string): string {
  const tokens = parsePointer(pointer) ?? [];
  let path = '$';
  for (const t of tokens) {
    if (/^\d+$/.test(t)) path += '[*]';
    else path += /^[A-Za-z_$][\w$]*$/.test(t) ? `.${t}` : `['${t.replace(/'/g, "\\'")}']`;
  }
  return path;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
