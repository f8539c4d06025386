// A structural diff of two versions of a partner's OpenAPI description, from the consumer's side:
// we call its operations (requests we send, responses we read) and receive its webhooks (payloads
// we read, so they are judged like responses). Severities come from the check table
// (spec-checks.ts); this file only says what changed.
//
// Operations are paired by method and path template with parameter names ignored
// (`/v1/customers/{customer}` is `/v1/customers/{id}`), webhooks by name. Schemas are walked from
// the operations only, refs followed lazily, allOf merged, anyOf/oneOf branches paired by ref name
// or title and then by position. Each (old node, new node, side) pair is compared once: that
// protects against cycles (Stripe's customer → subscription → customer) and keeps a change in a
// shared schema to one finding, reported at the first operation (in document order) that reaches it.
// Nothing here depends on key order, so a reformatted copy diffs clean.
import { stableStringify } from '../exchange/canonical.js';
import { deref } from '../spec/load.js';
import { operations, webhooks } from '../spec/operations.js';
import { appendPointer, getAt, parsePointer } from '../spec/pointer.js';
import type { LoadedSpec, Location, MediaBody, Operation, Parameter } from '../spec/types.js';
import { branchName, child, fieldPath, schemaView, type Placed, type SchemaView } from './schema-view.js';
import { SPEC_CHECKS, type SpecCheckId } from './spec-checks.js';
import type { DriftFinding } from './types.js';

type Side = 'request' | 'response';

interface Ctx {
  old: LoadedSpec;
  new: LoadedSpec;
  findings: DriftFinding[];
  /** old node → new node → sides already compared. */
  compared: Map<object, Map<object, Set<Side>>>;
  /** Schema pairs still to compare, breadth first across all operations. */
  queue: Array<{ place: Place; path: string; old: Placed; new: Placed }>;
}

/** Where in an operation a schema is being compared. */
interface Place {
  operation: string;
  side: Side;
  /** `the 200 response`, `the request body`, `query parameter limit`. */
  context: string;
}

const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

export function diffSpecs(oldSpec: LoadedSpec, newSpec: LoadedSpec): DriftFinding[] {
  const ctx: Ctx = { old: oldSpec, new: newSpec, findings: [], compared: new Map(), queue: [] };
  diffSecuritySchemes(ctx);
  diffOperationSets(ctx, operations(oldSpec), operations(newSpec), false);
  diffOperationSets(ctx, webhooks(oldSpec), webhooks(newSpec), true);
  // Breadth first: a schema shared by many operations is reported where it is reached soonest
  // (`GET /v1/disputes/{dispute}` `$.status`, not five levels down inside an expanded account).
  for (let i = 0; i < ctx.queue.length; i++) {
    const next = ctx.queue[i]!;
    compareNow(ctx, next.place, next.path, next.old, next.new);
  }
  return ctx.findings.sort(compareFindings);
}

function compareFindings(a: DriftFinding, b: DriftFinding): number {
  return (
    cmp(a.operation ?? '', b.operation ?? '') ||
    cmp(a.check, b.check) ||
    cmp(a.field ?? '', b.field ?? '') ||
    cmp(a.message, b.message)
  );
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function report(
  ctx: Ctx,
  check: SpecCheckId,
  operation: string | undefined,
  message: string,
  where: { old?: Location; new?: Location; field?: string },
): void {
  const finding: DriftFinding = { check, severity: SPEC_CHECKS[check].severity, message };
  if (operation !== undefined) finding.operation = operation;
  if (where.old) finding.old = where.old;
  if (where.new) finding.new = where.new;
  if (where.field !== undefined) finding.field = where.field;
  ctx.findings.push(finding);
}

/** `GET /v1/customers/{}`: the pairing key, parameter names ignored. */
function operationKey(op: Operation): string {
  return `${op.method} ${op.pathTemplate.replace(/\{[^}]*\}/g, '{}')}`;
}

function byKey(ops: Operation[]): Map<string, Operation> {
  const map = new Map<string, Operation>();
  for (const op of ops) if (!map.has(operationKey(op))) map.set(operationKey(op), op);
  return map;
}

function diffOperationSets(ctx: Ctx, oldOps: Operation[], newOps: Operation[], areWebhooks: boolean): void {
  const olds = byKey(oldOps);
  const news = byKey(newOps);
  for (const [key, o] of olds) {
    const n = news.get(key);
    if (!n) {
      report(ctx, areWebhooks ? 'webhook-removed' : 'operation-removed', o.id, `${o.id} was removed`, { old: o.at });
      continue;
    }
    if (areWebhooks) diffWebhook(ctx, o, n);
    else diffOperation(ctx, o, n);
  }
  for (const [key, n] of news) {
    if (!olds.has(key)) report(ctx, areWebhooks ? 'webhook-added' : 'operation-added', n.id, `${n.id} was added`, { new: n.at });
  }
}

function diffOperation(ctx: Ctx, o: Operation, n: Operation): void {
  const id = n.id;
  if (n.deprecated && !o.deprecated) report(ctx, 'operation-deprecated', id, `${id} is deprecated`, { old: o.at, new: n.at });
  diffOperationSecurity(ctx, o, n);
  diffParameters(ctx, o, n);
  diffRequestBody(ctx, o, n);
  diffResponses(ctx, o, n);
}

function diffWebhook(ctx: Ctx, o: Operation, n: Operation): void {
  // We receive the payload: what the partner sends is judged as a response is.
  const place: Place = { operation: n.id, side: 'response', context: 'the payload' };
  diffContents(ctx, place, o.requestBody?.content ?? [], n.requestBody?.content ?? []);
}

// ── parameters ────────────────────────────────────────────────────────────────────────────────

function parameterKey(op: Operation, p: Parameter): string {
  if (p.in === 'path') {
    // Path parameters pair by position: their names may change with the template.
    const names = [...op.pathTemplate.matchAll(/\{([^}]*)\}/g)].map((m) => m[1]);
    return `path:${names.indexOf(p.name)}`;
  }
  return `${p.in}:${p.in === 'header' ? p.name.toLowerCase() : p.name}`;
}

function diffParameters(ctx: Ctx, o: Operation, n: Operation): void {
  const id = n.id;
  const olds = new Map(o.parameters.map((p) => [parameterKey(o, p), p]));
  const news = new Map(n.parameters.map((p) => [parameterKey(n, p), p]));
  for (const [key, op] of olds) {
    const np = news.get(key);
    const label = `${op.in} parameter ${op.name}`;
    if (!np) {
      report(ctx, 'request-parameter-removed', id, `${label} was removed`, { old: op.at });
      continue;
    }
    if (np.required && !op.required) report(ctx, 'request-parameter-became-required', id, `${label} became required`, { old: op.at, new: np.at });
    compareSchema(ctx, { operation: id, side: 'request', context: label }, label, schemaPlace(op), schemaPlace(np));
  }
  for (const [key, np] of news) {
    if (olds.has(key)) continue;
    const label = `${np.in} parameter ${np.name}`;
    if (np.required) report(ctx, 'request-parameter-required-added', id, `required ${label} was added`, { new: np.at });
    else report(ctx, 'request-parameter-added', id, `optional ${label} was added`, { new: np.at });
  }
}

/** 3.x: the `schema` beside the parameter; 2.0: the parameter object is the schema. */
function schemaPlace(p: Parameter): Placed {
  const at = p.schema === undefined || (isObj(p.schema) && 'in' in p.schema) ? p.at : child(p.at, 'schema');
  return { node: p.schema, at };
}

// ── bodies ────────────────────────────────────────────────────────────────────────────────────

function diffRequestBody(ctx: Ctx, o: Operation, n: Operation): void {
  const id = n.id;
  const ob = o.requestBody;
  const nb = n.requestBody;
  if (nb?.required && !ob?.required) {
    report(ctx, 'request-body-became-required', id, ob ? 'the request body became required' : 'a required request body was added', {
      new: n.at,
      ...(ob ? { old: o.at } : {}),
    });
  }
  if (!ob || !nb) return;
  diffContents(ctx, { operation: id, side: 'request', context: 'the request body' }, ob.content, nb.content);
}

/** Pairs media types (exactly, or the only one with the only one) and compares their schemas. */
function diffContents(ctx: Ctx, place: Place, olds: MediaBody[], news: MediaBody[]): void {
  for (const o of olds) {
    const n = news.find((m) => m.mediaType === o.mediaType) ?? (olds.length === 1 && news.length === 1 ? news[0] : undefined);
    if (!n) {
      const check = place.side === 'request' && place.context === 'the request body' ? 'request-media-type-removed' : 'response-media-type-removed';
      report(ctx, check, place.operation, `${o.mediaType} is no longer documented for ${place.context}`, o.schemaAt ? { old: o.schemaAt } : {});
      continue;
    }
    if (o.schema === undefined || n.schema === undefined || !o.schemaAt || !n.schemaAt) continue;
    compareSchema(ctx, place, '$', { node: o.schema, at: o.schemaAt }, { node: n.schema, at: n.schemaAt });
  }
}

// ── responses ─────────────────────────────────────────────────────────────────────────────────

function diffResponses(ctx: Ctx, o: Operation, n: Operation): void {
  const id = n.id;
  for (const or of o.responses) {
    const nr = n.responses.find((r) => r.status === or.status);
    if (!nr) {
      report(ctx, 'response-status-removed', id, `the ${or.status} response is no longer documented`, { old: or.at });
      continue;
    }
    const context = `the ${or.status} response`;
    for (const name of Object.keys(or.headers)) {
      if (!(name in nr.headers)) {
        report(ctx, 'response-header-removed', id, `header ${name} was removed from ${context}`, { old: headerAt(ctx.old, or.at, name), new: nr.at });
      }
    }
    diffContents(ctx, { operation: id, side: 'response', context }, or.content, nr.content);
  }
  for (const nr of n.responses) {
    if (!o.responses.some((r) => r.status === nr.status)) report(ctx, 'response-status-added', id, `a ${nr.status} response was added`, { new: nr.at });
  }
}

/** The pointer of a response header as written (ResponseSpec lower-cases the names). */
function headerAt(spec: LoadedSpec, responseAt: Location, name: string): Location {
  const found = getAt(spec.documents.get(responseAt.file), parsePointer(responseAt.pointer) ?? []);
  const headers = found.found && isObj(found.value) && isObj(found.value.headers) ? found.value.headers : {};
  const written = Object.keys(headers).find((k) => k.toLowerCase() === name) ?? name;
  return child(responseAt, 'headers', written);
}

// ── schemas ───────────────────────────────────────────────────────────────────────────────────

function firstVisit(ctx: Ctx, o: SchemaView, n: SchemaView, side: Side): boolean {
  let inner = ctx.compared.get(o.key);
  if (!inner) ctx.compared.set(o.key, (inner = new Map()));
  let sides = inner.get(n.key);
  if (!sides) inner.set(n.key, (sides = new Set()));
  if (sides.has(side)) return false;
  sides.add(side);
  return true;
}

/** `integer` values are `number`s: widening integer → number is no new type for a reader. */
function covers(types: Set<string>, t: string): boolean {
  return types.has(t) || (t === 'integer' && types.has('number'));
}

const list = (values: Iterable<string>, max = 5): string => {
  const all = [...values].sort();
  return all.slice(0, max).join(', ') + (all.length > max ? ` and ${all.length - max} more` : '');
};

function compareSchema(ctx: Ctx, place: Place, path: string, oPlace: Placed, nPlace: Placed): void {
  ctx.queue.push({ place, path, old: oPlace, new: nPlace });
}

function compareNow(ctx: Ctx, place: Place, path: string, oPlace: Placed, nPlace: Placed): void {
  const o = schemaView(ctx.old, oPlace.node, oPlace.at);
  const n = schemaView(ctx.new, nPlace.node, nPlace.at);
  if (!o || !n || !firstVisit(ctx, o, n, place.side)) return;
  const request = place.side === 'request';
  const field = path.startsWith('$') ? { field: path } : {};
  const where = { old: o.at, new: n.at, ...field };
  const what = describe(place, path, n.at);
  const emit = (check: SpecCheckId, message: string, at: { old?: Location; new?: Location; field?: string } = where) =>
    report(ctx, check, place.operation, message, at);

  let typeChanged = false;
  if (o.types.size > 0 && n.types.size > 0) {
    const types = (s: Set<string>) => [...s].sort().join('|');
    if (request) {
      const lost = [...o.types].filter((t) => !covers(n.types, t));
      if (lost.length > 0) {
        typeChanged = true;
        emit('request-type-narrowed', `type ${types(o.types)} → ${types(n.types)} (${what})`);
      }
    } else {
      const added = [...n.types].filter((t) => !covers(o.types, t));
      if (added.length > 0) {
        typeChanged = true;
        emit('response-property-type-changed', `type ${types(o.types)} → ${types(n.types)} (${what})`);
      }
    }
  }
  if (!request && n.nullable && !o.nullable) emit('response-property-became-nullable', `may now be null (${what})`);
  if (request && o.nullable && !n.nullable) emit('request-type-narrowed', `null no longer accepted (${what})`);

  if (!typeChanged) diffEnum(place, o, n, what, emit);

  diffProperties(ctx, place, path, o, n);
  if (o.items && n.items) compareSchema(ctx, place, `${path}[*]`, o.items, n.items);
  if (o.additionalProperties && n.additionalProperties) compareSchema(ctx, place, `${path}.*`, o.additionalProperties, n.additionalProperties);
  diffBranches(ctx, place, path, o, n);
}

/** `the 200 response, schema dispute`; a parameter's own label when the path is not in a body. */
function describe(place: Place, path: string, at: Location): string {
  const base = path.startsWith('$') ? place.context : path;
  const m = /^\/(?:components\/schemas|definitions)\/([^/]+)/.exec(at.pointer);
  return m ? `${base}, schema ${m[1]!.replace(/~1/g, '/').replace(/~0/g, '~')}` : base;
}

type Emit = (check: SpecCheckId, message: string) => void;

function diffEnum(place: Place, o: SchemaView, n: SchemaView, what: string, emit: Emit): void {
  const request = place.side === 'request';
  if (o.enum && n.enum) {
    const removed = [...o.enum].filter((v) => !n.enum!.has(v));
    const added = [...n.enum].filter((v) => !o.enum!.has(v));
    if (removed.length > 0) {
      emit(request ? 'request-enum-value-removed' : 'response-enum-value-removed', `enum value${removed.length > 1 ? 's' : ''} ${list(removed)} removed (${what})`);
    }
    if (added.length > 0) {
      emit(request ? 'request-enum-value-added' : 'response-enum-value-added', `enum value${added.length > 1 ? 's' : ''} ${list(added)} added (${what})`);
    }
  } else if (o.enum && !n.enum) {
    emit(request ? 'request-enum-removed' : 'response-enum-removed', `the enum of ${o.enum.size} values was removed: any value now (${what})`);
  } else if (!o.enum && n.enum && request) {
    emit('request-enum-introduced', `now limited to ${list(n.enum)} (${what})`);
  }
}

function diffProperties(ctx: Ctx, place: Place, path: string, o: SchemaView, n: SchemaView): void {
  if (o.properties.size === 0 && n.properties.size === 0) return;
  const request = place.side === 'request';
  const emit = (check: SpecCheckId, message: string, at: { old?: Location; new?: Location; field?: string }) =>
    report(ctx, check, place.operation, message, at);
  const inWhat = describe(place, path, n.at);
  // Body fields stand in `field`; parameter sub-fields are named in the message.
  const label = (sub: string) => (sub.startsWith('$') ? 'property' : sub);
  for (const [name, op] of o.properties) {
    const sub = fieldPath(path, name);
    const field = sub.startsWith('$') ? { field: sub } : {};
    const np = n.properties.get(name);
    if (!np) {
      emit(request ? 'request-property-removed' : 'response-property-removed', `${label(sub)} removed (${inWhat})`, { old: op.at, new: n.at, ...field });
      continue;
    }
    const wasRequired = o.required.has(name);
    const isRequired = n.required.has(name);
    if (isRequired && !wasRequired) {
      emit(request ? 'request-property-became-required' : 'response-property-became-required', `${label(sub)} became required (${inWhat})`, { old: op.at, new: np.at, ...field });
    } else if (wasRequired && !isRequired && !request) {
      emit('response-property-became-optional', `${label(sub)} is no longer required (${inWhat})`, { old: op.at, new: np.at, ...field });
    }
    compareSchema(ctx, place, sub, op, np);
  }
  for (const [name, np] of n.properties) {
    if (o.properties.has(name)) continue;
    const sub = fieldPath(path, name);
    const at = { old: o.at, new: np.at, ...(sub.startsWith('$') ? { field: sub } : {}) };
    if (!request) emit('response-property-added', `${label(sub)} added${n.required.has(name) ? ', always present' : ''} (${inWhat})`, at);
    else if (n.required.has(name)) emit('request-property-required-added', `required ${label(sub)} added (${inWhat})`, at);
    else emit('request-property-added', `optional ${label(sub)} added (${inWhat})`, at);
  }
}

/** anyOf/oneOf: pair branches by ref name or title, then the rest by position. */
function diffBranches(ctx: Ctx, place: Place, path: string, o: SchemaView, n: SchemaView): void {
  const what = describe(place, path, n.at);
  if (o.branches.length === 0 && n.branches.length === 0) return;
  const request = place.side === 'request';
  const oNames = o.branches.map((b) => branchName(ctx.old, b));
  const nNames = n.branches.map((b) => branchName(ctx.new, b));
  const pairedNew = new Set<number>();
  const pairs: Array<[number, number]> = [];
  const unpairedOld: number[] = [];
  oNames.forEach((name, i) => {
    const j = name === undefined ? -1 : nNames.findIndex((m, k) => m === name && !pairedNew.has(k));
    if (j >= 0) {
      pairs.push([i, j]);
      pairedNew.add(j);
    } else unpairedOld.push(i);
  });
  const unpairedNew = nNames.map((_, j) => j).filter((j) => !pairedNew.has(j));
  // Positionally: unnamed with unnamed, or a renamed ref with its counterpart at the same place.
  for (const i of [...unpairedOld]) {
    const j = unpairedNew.find((k) => k === i) ?? (unpairedOld.length === 1 && unpairedNew.length === 1 ? unpairedNew[0] : undefined);
    if (j === undefined) continue;
    pairs.push([i, j]);
    unpairedOld.splice(unpairedOld.indexOf(i), 1);
    unpairedNew.splice(unpairedNew.indexOf(j), 1);
  }
  for (const [i, j] of pairs) compareSchema(ctx, place, path, o.branches[i]!, n.branches[j]!);
  const field = path.startsWith('$') ? { field: path } : {};
  const name = (names: Array<string | undefined>, i: number) => names[i] ?? `#${i}`;
  for (const i of unpairedOld) {
    const b = o.branches[i]!;
    if (request) report(ctx, 'request-type-narrowed', place.operation, `alternative ${name(oNames, i)} no longer accepted (${what})`, { old: b.at, new: n.at, ...field });
    else report(ctx, 'response-variant-removed', place.operation, `alternative ${name(oNames, i)} removed (${what})`, { old: b.at, new: n.at, ...field });
  }
  if (!request) {
    for (const j of unpairedNew) {
      const b = n.branches[j]!;
      report(ctx, 'response-variant-added', place.operation, `alternative ${name(nNames, j)} added (${what})`, { old: o.at, new: b.at, ...field });
    }
  }
}

// ── security ──────────────────────────────────────────────────────────────────────────────────

function securitySchemes(spec: LoadedSpec): { schemes: Record<string, unknown>; pointer: string } {
  if (spec.version === '2.0') {
    return { schemes: isObj(spec.document.securityDefinitions) ? spec.document.securityDefinitions : {}, pointer: '/securityDefinitions' };
  }
  const components = isObj(spec.document.components) ? spec.document.components : {};
  return { schemes: isObj(components.securitySchemes) ? components.securitySchemes : {}, pointer: '/components/securitySchemes' };
}

/** What of a scheme changes how we authenticate: descriptions and extensions do not. */
function schemeSignature(spec: LoadedSpec, node: unknown, at: Location): string {
  const strip = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(strip);
    if (!isObj(v)) return v;
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (k !== 'description' && !k.startsWith('x-')) out[k] = strip(x);
    return out;
  };
  return stableStringify(strip(deref(spec, node, at).value));
}

function diffSecuritySchemes(ctx: Ctx): void {
  const o = securitySchemes(ctx.old);
  const n = securitySchemes(ctx.new);
  const at = (spec: LoadedSpec, pointer: string, name: string): Location => ({ file: spec.file, pointer: appendPointer(pointer, name) });
  for (const [name, scheme] of Object.entries(o.schemes)) {
    const oldAt = at(ctx.old, o.pointer, name);
    if (!(name in n.schemes)) {
      report(ctx, 'security-scheme-removed', undefined, `security scheme ${name} was removed`, { old: oldAt });
      continue;
    }
    const newAt = at(ctx.new, n.pointer, name);
    if (schemeSignature(ctx.old, scheme, oldAt) !== schemeSignature(ctx.new, n.schemes[name], newAt)) {
      report(ctx, 'security-scheme-changed', undefined, `security scheme ${name} changed`, { old: oldAt, new: newAt });
    }
  }
  for (const name of Object.keys(n.schemes)) {
    if (!(name in o.schemes)) report(ctx, 'security-scheme-added', undefined, `security scheme ${name} was added`, { new: at(ctx.new, n.pointer, name) });
  }
}

/** The operation's security requirements (its own, or the document's), each as `scheme[scopes]&…`. */
function requirements(spec: LoadedSpec, op: Operation): Set<string> | undefined {
  const raw = getAt(spec.documents.get(op.at.file), parsePointer(op.at.pointer) ?? []);
  const node = raw.found && isObj(raw.value) ? raw.value : {};
  const security = Array.isArray(node.security) ? node.security : Array.isArray(spec.document.security) ? spec.document.security : undefined;
  if (!security) return undefined;
  return new Set(
    security.filter(isObj).map((req) =>
      Object.entries(req)
        .map(([name, scopes]) => `${name}[${Array.isArray(scopes) ? scopes.map(String).sort().join(',') : ''}]`)
        .sort()
        .join('&'),
    ),
  );
}

function diffOperationSecurity(ctx: Ctx, o: Operation, n: Operation): void {
  const olds = requirements(ctx.old, o);
  const news = requirements(ctx.new, n);
  if (!olds) return;
  const lost = [...olds].filter((r) => !news?.has(r));
  // Only a lost alternative hurts: a new alternative is one more way in.
  if (lost.length > 0 && news) {
    report(ctx, 'operation-security-changed', n.id, `security ${list(lost)} no longer accepted (now: ${list(news) || 'none'})`, { old: o.at, new: n.at });
  }
}
