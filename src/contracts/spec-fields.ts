// Which fields of a JSON value a schema does not define. A pact relies on every field of the
// body it expects; ajv alone cannot say a field is undefined when the schema leaves
// `additionalProperties` open (most partner specs do), so the value is walked beside its schema.
//
// A field is defined when some schema that applies at that place names it: `properties`, a
// matching `patternProperties`, or an `additionalProperties` schema. Compositions are flattened:
// under `allOf` every part applies, under `anyOf`/`oneOf` any branch may (so a field defined by one
// branch is defined). An object schema that declares no properties at all (a free-form map, `{}`,
// `type: object` alone) defines whatever is inside it, and the walk stops there.
import { deref, isRef } from '../spec/load.js';
import type { LoadedSpec, Location } from '../spec/types.js';
import { appendPointer } from '../spec/pointer.js';

export interface UndefinedField {
  /** JSONPath-like, as Pact names fields: `$.data[0].customer_email`. */
  path: string;
  /** JSON pointer into the value: `/data/0/customer_email`. */
  pointer: string;
  /** The object schemas that were searched for it (the first is the closest). */
  spec: Location;
}

interface Placed {
  node: Record<string, unknown>;
  at: Location;
  /** Reached through an `allOf`: a free-form part there does not open the whole object. */
  inAllOf?: boolean;
}

const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The fields of `value` that `schema` (at `at`) does not define, depth first, in the value's key order. */
export function undefinedFields(spec: LoadedSpec, schema: unknown, at: Location, value: unknown): UndefinedField[] {
  const out: UndefinedField[] = [];
  walk(spec, flatten(spec, [{ node: schema as Record<string, unknown>, at }]), value, '$', '', out);
  return out;
}

function walk(spec: LoadedSpec, schemas: Placed[], value: unknown, path: string, pointer: string, out: UndefinedField[]): void {
  if (schemas.length === 0) return;
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      const inner: Placed[] = [];
      for (const s of schemas) {
        const prefix = s.node.prefixItems;
        if (Array.isArray(prefix) && i < prefix.length) inner.push({ node: prefix[i] as Record<string, unknown>, at: child(s.at, 'prefixItems', i) });
        else if (isObj(s.node.items)) inner.push({ node: s.node.items, at: child(s.at, 'items') });
      }
      walk(spec, flatten(spec, inner), item, `${path}[${i}]`, appendPointer(pointer, i), out);
    });
    return;
  }
  if (!isObj(value)) return;
  // Only schemas that allow an object here say anything about its keys; none at all is a type
  // mismatch (ajv's to report). A free-form one among them defines everything below it.
  const objects = schemas.filter(allowsObject);
  if (objects.length === 0 || objects.every(freeForm) || objects.some((o) => freeForm(o) && o.inAllOf !== true)) return;
  for (const [key, v] of Object.entries(value)) {
    const inner: Placed[] = [];
    for (const s of objects) {
      const props = s.node.properties;
      if (isObj(props) && Object.hasOwn(props, key)) inner.push({ node: props[key] as Record<string, unknown>, at: child(s.at, 'properties', key) });
      const patterns = s.node.patternProperties;
      if (isObj(patterns)) {
        for (const [re, sub] of Object.entries(patterns)) if (safeTest(re, key)) inner.push({ node: sub as Record<string, unknown>, at: child(s.at, 'patternProperties', re) });
      }
      if (isObj(s.node.additionalProperties) && !(isObj(props) && Object.hasOwn(props, key))) {
        inner.push({ node: s.node.additionalProperties, at: child(s.at, 'additionalProperties') });
      }
    }
    const fieldPath = /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}['${key.replace(/'/g, "\\'")}']`;
    const fieldPointer = appendPointer(pointer, key);
    if (inner.length === 0) {
      out.push({ path: fieldPath, pointer: fieldPointer, spec: (objects.find((o) => !freeForm(o)) ?? objects[0]!).at });
      continue;
    }
    walk(spec, flatten(spec, inner), v, fieldPath, fieldPointer, out);
  }
}

/** Refs followed (3.1 siblings of a `$ref` kept) and compositions spread into one list of object-ish schemas. */
function flatten(spec: LoadedSpec, schemas: Placed[]): Placed[] {
  const out: Placed[] = [];
  const seen = new Set<unknown>();
  const visit = (node: unknown, at: Location, inAllOf: boolean, depth: number): void => {
    if (!isObj(node) || depth > 32) return;
    if (isRef(node)) {
      const target = deref(spec, node, at);
      visit(target.value, target.at, inAllOf, depth + 1);
      const { $ref: _ref, ...siblings } = node;
      if (Object.keys(siblings).length > 0) visit(siblings, at, inAllOf, depth + 1);
      return;
    }
    if (seen.has(node)) return;
    seen.add(node);
    for (const key of ['allOf', 'anyOf', 'oneOf'] as const) {
      const list = node[key];
      if (Array.isArray(list)) list.forEach((part, i) => visit(part, child(at, key, i), inAllOf || key === 'allOf', depth + 1));
    }
    // Only nodes that say something about shape count (a description- or required-only part does not).
    if (hasShape(node)) out.push(inAllOf ? { node, at, inAllOf } : { node, at });
  };
  for (const s of schemas) visit(s.node, s.at, s.inAllOf === true, 0);
  return out;
}

function hasShape(node: Record<string, unknown>): boolean {
  return ['properties', 'patternProperties', 'additionalProperties', 'items', 'prefixItems', 'type'].some((k) => k in node);
}

function allowsObject(s: Placed): boolean {
  const type = s.node.type;
  if (type === undefined) return true;
  return Array.isArray(type) ? type.includes('object') : type === 'object';
}

/** An object schema that says nothing about its keys: `{}`, `type: object` alone, `additionalProperties: true`. */
function freeForm(s: Placed): boolean {
  const n = s.node;
  return !isObj(n.properties) && !isObj(n.patternProperties) && !isObj(n.additionalProperties) && n.additionalProperties !== false;
}

function child(at: Location, ...tokens: Array<string | number>): Location {
  return { file: at.file, pointer: appendPointer(at.pointer, ...tokens) };
}

function safeTest(pattern: string, key: string): boolean {
  try {
    return new RegExp(pattern, 'u').test(key);
  } catch {
    return false;
  }
}
