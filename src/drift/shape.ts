// A live response compared with what was recorded: status, content type, headers, body shape.
// Pure: evidence in, DriftFindings out.
//
// The body is compared with a model learned from every recording of the operation with the same
// status class (more recordings teach more about what varies): per JSON path (array items merged
// as `[*]`), the types seen, whether null was seen, how often each object key was present, and the
// values seen. Then, for the live body:
// - a key present in every recorded object at that place and missing now: removed (breaking);
// - a key never recorded there: added (info);
// - a type never recorded there (null aside): type changed (breaking);
// - null where every recording had a value: warning;
// - a string never seen before at an enum-like place (lower-case words from a small set, or a
//   field named like `status`/`type`): warning;
// - a value constant in every recording and different now: info, unless the value looks volatile
//   (ids, timestamps, UUIDs, cursors — these change on every call by nature).
// A value that differed across recordings is compared by type only.
import { mediaType, isJsonMediaType } from '../exchange/body.js';
import type { Body, MultiMap, MultiValue } from '../exchange/types.js';
import { idStrength } from '../stubs/path-template.js';
import type { DriftFinding, DriftSeverity } from './types.js';

/** A response, recorded or live. */
export interface Observed {
  status: number;
  headers: MultiMap;
  body?: Body;
}

export interface ResponseEvidence {
  /** `GET /v1/customers/{customer}`. */
  operation: string;
  live: Observed;
  /** Recordings of this very request (method, path, query, body). */
  sameRequest: readonly Observed[];
  /** Recordings of every request of the operation (this one included): what varies is learned here. */
  sameOperation: readonly Observed[];
}

// Headers that change per response or per connection by nature.
const VOLATILE_HEADER =
  /^(date|age|expires|last-modified|etag|content-length|content-encoding|connection|keep-alive|transfer-encoding|set-cookie|via|retry-after|alt-svc|report-to|nel|server-timing|x-timer|x-served-by)$|request-?id|trace|correlation|^cf-|^x-amz|^x-envoy|^x-cache|ratelimit|rate-limit/;
const ENUM_NAME = /(^|_)(status|state|type|kind|object|category|reason|code|mode|currency|interval|level|role|brand|network|outcome)$/i;
const ENUM_WORD = /^[a-z][a-z0-9]*(?:[_.-][a-z0-9]+)*$/;
const ENUM_MAX = 12;
const VOLATILE_NAME = /(^id$|_id$|Id$|cursor|token|timestamp|nonce|idempotency|request_?id|^ts$|_at$|[a-z]At$|^date$|^time$|^created$|^updated$|^url$|_url$|^uri$|_uri$|^next|^previous|^prev)/;
const TIMESTAMP = /^(\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}.*)?|1\d{9}(\.\d+)?|1\d{12})$/;

type Kind = 'object' | 'array' | 'string' | 'number' | 'boolean';

interface FieldModel {
  kinds: Set<Kind>;
  nulls: number;
  /** Observations with a value other than null. */
  count: number;
  /** Scalar values seen (JSON-encoded), capped: enough to tell constant from varying. */
  values: Set<string>;
  strings: Set<string>;
}

interface ObjectModel {
  count: number;
  keys: Map<string, number>;
}

interface BodyModel {
  fields: Map<string, FieldModel>;
  objects: Map<string, ObjectModel>;
}

const VALUES_CAP = 64;

/** Every finding for one live response of a replayed request. */
export function compareResponse(evidence: ResponseEvidence): DriftFinding[] {
  const { operation, live, sameRequest, sameOperation } = evidence;
  const out: DriftFinding[] = [];
  const add = (check: string, severity: DriftSeverity, message: string, field?: string): void => {
    out.push({ check, severity, operation, message, ...(field !== undefined ? { field } : {}) });
  };

  const recordedStatuses = [...new Set(sameRequest.map((o) => o.status))].sort((a, b) => a - b);
  if (recordedStatuses.length > 0 && !recordedStatuses.includes(live.status)) {
    const was2xx = recordedStatuses.some(is2xx);
    add(
      'live-status-changed',
      was2xx && !is2xx(live.status) ? 'breaking' : 'warning',
      `${operation} answered ${live.status}; recorded ${recordedStatuses.join(', ')}`,
    );
  }

  for (const finding of lifecycleHeaders(operation, live.headers)) out.push(finding);

  // Shape is compared within a status class: a 404 body says nothing about a 200 body.
  const base = sameOperation.filter((o) => o.status === live.status);
  const comparable = base.length > 0 ? base : sameOperation.filter((o) => statusClass(o.status) === statusClass(live.status));
  if (comparable.length === 0) return out;

  const recordedTypes = new Set(comparable.filter((o) => o.body !== undefined).map((o) => mediaType(header(o.headers, 'content-type'))));
  const liveType = mediaType(header(live.headers, 'content-type'));
  if (live.body !== undefined && recordedTypes.size > 0 && !recordedTypes.has(liveType)) {
    const wasJson = [...recordedTypes].every(isJsonMediaType);
    add(
      'live-content-type-changed',
      wasJson && !isJsonMediaType(liveType) ? 'breaking' : 'warning',
      `${operation} ${live.status} is ${liveType || 'untyped'}; recorded ${[...recordedTypes].sort().map((t) => t || 'untyped').join(', ')}`,
    );
  }

  for (const name of alwaysPresentHeaders(comparable)) {
    if (live.headers[name] === undefined) {
      add('live-header-missing', 'warning', `${operation} ${live.status} no longer sends the ${name} header (present in all ${comparable.length} recordings)`);
    }
  }

  const jsonBodies = comparable.flatMap((o) => (o.body !== undefined && 'json' in o.body ? [o.body.json] : []));
  if (jsonBodies.length > 0 && live.body !== undefined && 'json' in live.body) {
    const model = learn(jsonBodies);
    compareValue(model, live.body.json, '$', undefined, (check, severity, message, field) => add(check, severity, `${operation} ${live.status}: ${message}`, field));
  }
  return dedupe(out);
}

// --- lifecycle headers ---------------------------------------------------------------------------

/** `Deprecation` (RFC 9745: `@<epoch>`, or an HTTP-date, or `true`) and `Sunset` (RFC 8594, an HTTP-date). */
export function lifecycleHeaders(operation: string, headers: MultiMap): DriftFinding[] {
  const out: DriftFinding[] = [];
  const deprecation = header(headers, 'deprecation');
  if (deprecation !== undefined) {
    const when = dateOf(deprecation);
    out.push({
      check: 'live-deprecated',
      severity: 'warning',
      operation,
      message: `${operation} is deprecated by the partner${when ? ` since ${when}` : ''} (Deprecation: ${deprecation})`,
    });
  }
  const sunset = header(headers, 'sunset');
  if (sunset !== undefined) {
    const when = dateOf(sunset);
    out.push({
      check: 'live-sunset',
      severity: 'warning',
      operation,
      message: `${operation} will stop working${when ? ` on ${when}` : ''} (Sunset: ${sunset})`,
    });
  }
  return out;
}

function dateOf(value: string): string | undefined {
  const v = value.trim();
  const epoch = /^@(-?\d+)$/.exec(v);
  const ms = epoch ? Number(epoch[1]) * 1000 : /[A-Za-z]{3}|\d{4}-\d{2}-\d{2}/.test(v) ? Date.parse(v) : Number.NaN;
  return Number.isFinite(ms) ? new Date(ms).toISOString().slice(0, 10) : undefined;
}

// --- headers ----------------------------------------------------------------------------------------

function alwaysPresentHeaders(observed: readonly Observed[]): string[] {
  const [first, ...rest] = observed;
  if (!first) return [];
  return Object.keys(first.headers)
    .filter((name) => !VOLATILE_HEADER.test(name) && name !== 'deprecation' && name !== 'sunset')
    .filter((name) => rest.every((o) => o.headers[name] !== undefined))
    .sort();
}

// --- body model -------------------------------------------------------------------------------------

function learn(bodies: readonly unknown[]): BodyModel {
  const model: BodyModel = { fields: new Map(), objects: new Map() };
  for (const body of bodies) observe(model, body, '$');
  return model;
}

function observe(model: BodyModel, value: unknown, path: string): void {
  let field = model.fields.get(path);
  if (!field) {
    field = { kinds: new Set(), nulls: 0, count: 0, values: new Set(), strings: new Set() };
    model.fields.set(path, field);
  }
  if (value === null) {
    field.nulls++;
    return;
  }
  const kind = kindOf(value);
  field.kinds.add(kind);
  field.count++;
  if (kind === 'array') {
    for (const item of value as unknown[]) observe(model, item, `${path}[*]`);
    return;
  }
  if (kind === 'object') {
    let object = model.objects.get(path);
    if (!object) {
      object = { count: 0, keys: new Map() };
      model.objects.set(path, object);
    }
    object.count++;
    for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
      object.keys.set(key, (object.keys.get(key) ?? 0) + 1);
      observe(model, v, childPath(path, key));
    }
    return;
  }
  if (field.values.size < VALUES_CAP) field.values.add(JSON.stringify(value));
  if (typeof value === 'string' && field.strings.size < VALUES_CAP) field.strings.add(value);
}

type Report = (check: string, severity: DriftSeverity, message: string, field: string) => void;

function compareValue(model: BodyModel, value: unknown, path: string, key: string | undefined, report: Report): void {
  const field = model.fields.get(path);
  if (!field) return;
  if (value === null) {
    if (field.nulls === 0 && field.count > 0) report('live-null-new', 'warning', `${path} is null; it never was in ${field.count} recorded value${field.count === 1 ? '' : 's'}`, path);
    return;
  }
  const kind = kindOf(value);
  if (field.kinds.size === 0) return; // always null before: a value now is what the field is for
  if (!field.kinds.has(kind)) {
    report('live-type-changed', 'breaking', `${path} is ${article(kind)}; recorded as ${[...field.kinds].sort().join(' or ')}`, path);
    return;
  }
  if (kind === 'array') {
    for (const item of value as unknown[]) compareValue(model, item, `${path}[*]`, undefined, report);
    return;
  }
  if (kind === 'object') {
    const object = model.objects.get(path);
    if (!object) return;
    const record = value as Record<string, unknown>;
    for (const [k, n] of object.keys) {
      if (n === object.count && !Object.hasOwn(record, k)) {
        report('live-field-removed', 'breaking', `${childPath(path, k)} is gone; it was in all ${n} recorded object${n === 1 ? '' : 's'}`, childPath(path, k));
      }
    }
    for (const [k, v] of Object.entries(record)) {
      if (!object.keys.has(k)) report('live-field-added', 'info', `${childPath(path, k)} is new`, childPath(path, k));
      else compareValue(model, v, childPath(path, k), k, report);
    }
    return;
  }
  if (typeof value === 'string' && enumLike(field, key) && !field.strings.has(value)) {
    const seen = [...field.strings].sort().map((s) => JSON.stringify(s)).join(', ');
    report('live-enum-value-new', 'warning', `${path} is ${JSON.stringify(value)}, never recorded (recorded: ${seen})`, path);
    return;
  }
  if (field.values.size === 1 && !field.values.has(JSON.stringify(value)) && !volatile(value, key)) {
    report('live-value-changed', 'info', `${path} is ${JSON.stringify(value)}; it was ${[...field.values][0]} in every recording`, path);
  }
}

/** Lower-case words from a small set: a value seen repeatedly, or a field named like one. */
function enumLike(field: FieldModel, key: string | undefined): boolean {
  if (field.strings.size === 0 || field.strings.size > ENUM_MAX || field.kinds.size !== 1) return false;
  for (const s of field.strings) if (!ENUM_WORD.test(s) || s.length > 40 || idStrength(s) !== undefined) return false;
  return (key !== undefined && ENUM_NAME.test(key)) || field.strings.size < field.count;
}

function volatile(value: unknown, key: string | undefined): boolean {
  if (key !== undefined && VOLATILE_NAME.test(key)) return true;
  if (typeof value !== 'string' && typeof value !== 'number') return false;
  const text = String(value);
  return TIMESTAMP.test(text) || idStrength(text) === 'strong';
}

// --- helpers ----------------------------------------------------------------------------------------

function kindOf(value: unknown): Kind {
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'object') return 'object';
  if (typeof value === 'number' || typeof value === 'bigint') return 'number';
  if (typeof value === 'boolean') return 'boolean';
  return 'string';
}

function article(kind: Kind): string {
  return kind === 'object' || kind === 'array' ? `an ${kind}` : `a ${kind}`;
}

function childPath(path: string, key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}['${key.replace(/'/g, "\\'")}']`;
}

function is2xx(status: number): boolean {
  return status >= 200 && status < 300;
}

function statusClass(status: number): number {
  return Math.floor(status / 100);
}

export function header(headers: MultiMap, name: string): string | undefined {
  const value: MultiValue | undefined = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** One finding per check, field and operation (array items, or several requests of one operation, would repeat it). */
export function dedupe(findings: DriftFinding[]): DriftFinding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const key = `${f.check}\u0000${f.operation ?? ''}\u0000${f.field ?? f.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
