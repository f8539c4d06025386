// Plausibly-wrong bodies: the stub's normal JSON body, changed the way a partner's answers drift
// in the wild — an enum value the spec does not list, an optional field left out, a field the spec
// does not define. Derived from the partner's spec, so the change is one the spec says is possible
// (missing-optional) or one it does not describe (unknown-enum, extra-field); without a spec there
// is nothing to derive from.
//
// The choice is deterministic: the shallowest candidate, properties in the schema's order (a
// breadth-first walk of the body alongside its schema; `allOf` parts merged, `oneOf`/`anyOf` not
// entered, arrays entered through their first item).
import { deref, indexOperations, operations, resolveOperation, schemaFor } from '../spec/index.js';
import type { LoadedSpec, Location, Operation, OperationIndex } from '../spec/index.js';
import { appendPointer } from '../spec/pointer.js';
import type { ResponseReply, Stub } from '../stubs/types.js';
import type { FaultId } from './types.js';

export type WrongBodyFault = Extract<FaultId, 'unknown-enum' | 'missing-optional' | 'extra-field'>;

export const WRONG_BODY_FAULTS: readonly WrongBodyFault[] = ['unknown-enum', 'missing-optional', 'extra-field'];

export const UNKNOWN_ENUM_VALUE = 'seam_unknown_value';
export const EXTRA_FIELD = 'seam_extra_field';
export const EXTRA_FIELD_VALUE = 'seam extra value';

export interface WrongBody {
  json: unknown;
  /** Where the body was changed (JSON pointer into the body). */
  pointer: string;
}

/** The stub's operation in `spec`: by its `operation` id, else by its method and path template. */
export function operationOf(stub: Stub, spec: LoadedSpec): Operation | undefined {
  const { ops, index } = indexed(spec);
  if (stub.operation !== undefined) {
    const op = ops.find((o) => o.id === stub.operation);
    if (op !== undefined) return op;
  }
  return resolveOperation(index, stub.request.method, stub.request.path)?.operation;
}

/**
 * `reply`'s JSON body changed as `fault` says, or undefined when that cannot be done: no spec
 * schema for the reply's status, a body that is not JSON, or nothing in it to change.
 */
export function wrongBody(fault: WrongBodyFault, stub: Stub, reply: ResponseReply, spec: LoadedSpec): WrongBody | undefined {
  if (reply.body === undefined || !('json' in reply.body)) return undefined;
  const op = operationOf(stub, spec);
  const schema = op && schemaFor(op, reply.status, 'application/json');
  if (schema === undefined) return undefined;
  const json = reply.body.json;
  if (fault === 'extra-field') return extraField(json);
  const at = schema.at ?? { file: spec.file, pointer: '' };
  const found = findProperty(spec, json, schema.node, at, fault === 'unknown-enum' ? isStringEnum : isOptional);
  if (found === undefined) return undefined;
  const copy = structuredClone(json);
  const parent = getPointer(copy, found.parent) as Record<string, unknown>;
  if (fault === 'unknown-enum') parent[found.name] = UNKNOWN_ENUM_VALUE;
  else delete parent[found.name];
  return { json: copy, pointer: appendPointer(found.parent, found.name) };
}

// ---------------------------------------------------------------------------------------------

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

const indexes = new WeakMap<LoadedSpec, { ops: Operation[]; index: OperationIndex }>();

function indexed(spec: LoadedSpec): { ops: Operation[]; index: OperationIndex } {
  let found = indexes.get(spec);
  if (found === undefined) {
    const ops = operations(spec);
    indexes.set(spec, (found = { ops, index: indexOperations(ops) }));
  }
  return found;
}

function extraField(json: unknown): WrongBody | undefined {
  if (isObj(json)) return { json: { ...json, [EXTRA_FIELD]: EXTRA_FIELD_VALUE }, pointer: `/${EXTRA_FIELD}` };
  if (Array.isArray(json) && isObj(json[0])) return { json: [{ ...json[0], [EXTRA_FIELD]: EXTRA_FIELD_VALUE }, ...json.slice(1)], pointer: `/0/${EXTRA_FIELD}` };
  return undefined;
}

/** What the walk needs of one schema: its enum, its properties in order, which are required, its items. */
interface View {
  enum?: unknown[];
  properties: { name: string; node: unknown; at: Location }[];
  required: Set<string>;
  items?: { node: unknown; at: Location };
}

function view(spec: LoadedSpec, node: unknown, at: Location, guard = 0): View {
  const { value, at: where } = deref(spec, node, at);
  const out: View = { properties: [], required: new Set() };
  if (!isObj(value) || guard > 16) return out;
  if (Array.isArray(value.enum)) out.enum = value.enum;
  if (isObj(value.properties)) {
    for (const [name, child] of Object.entries(value.properties)) out.properties.push({ name, node: child, at: { file: where.file, pointer: appendPointer(where.pointer, 'properties', name) } });
  }
  if (Array.isArray(value.required)) for (const name of value.required) if (typeof name === 'string') out.required.add(name);
  if (value.items !== undefined && !Array.isArray(value.items)) out.items = { node: value.items, at: { file: where.file, pointer: appendPointer(where.pointer, 'items') } };
  if (Array.isArray(value.allOf)) {
    value.allOf.forEach((part, i) => {
      const v = view(spec, part, { file: where.file, pointer: appendPointer(where.pointer, 'allOf', i) }, guard + 1);
      out.enum ??= v.enum;
      for (const p of v.properties) if (!out.properties.some((q) => q.name === p.name)) out.properties.push(p);
      for (const r of v.required) out.required.add(r);
      out.items ??= v.items;
    });
  }
  return out;
}

type Candidate = (value: unknown, property: View, parent: View, name: string) => boolean;

const isStringEnum: Candidate = (value, property) => typeof value === 'string' && property.enum !== undefined && property.enum.some((e) => typeof e === 'string');
const isOptional: Candidate = (_value, _property, parent, name) => !parent.required.has(name);

/** The shallowest present property (schema order) that `candidate` accepts: its parent's pointer and its name. */
function findProperty(spec: LoadedSpec, json: unknown, node: unknown, at: Location, candidate: Candidate): { parent: string; name: string } | undefined {
  const queue: { value: unknown; node: unknown; at: Location; pointer: string }[] = [{ value: json, node, at, pointer: '' }];
  // A body is finite, but a schema walk per element is not free: a bound keeps large lists cheap.
  for (let visited = 0; queue.length > 0 && visited < 500; visited++) {
    const { value, node: n, at: a, pointer } = queue.shift()!;
    const v = view(spec, n, a);
    if (Array.isArray(value)) {
      if (v.items !== undefined && value.length > 0) queue.push({ value: value[0], node: v.items.node, at: v.items.at, pointer: appendPointer(pointer, 0) });
      continue;
    }
    if (!isObj(value)) continue;
    for (const p of v.properties) {
      if (!(p.name in value)) continue;
      const child = value[p.name];
      const pv = view(spec, p.node, p.at);
      if (candidate(child, pv, v, p.name)) return { parent: pointer, name: p.name };
      if (child !== null && typeof child === 'object') queue.push({ value: child, node: p.node, at: p.at, pointer: appendPointer(pointer, p.name) });
    }
  }
  return undefined;
}

function getPointer(root: unknown, pointer: string): unknown {
  if (pointer === '') return root;
  let node = root;
  for (const token of pointer.slice(1).split('/')) node = (node as Obj)[token.replace(/~1/g, '/').replace(/~0/g, '~')];
  return node;
}
