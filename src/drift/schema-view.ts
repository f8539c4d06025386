// One schema node seen as what a consumer cares about: its types, nullability, enum, properties
// (allOf parts merged), items and alternative branches. Refs are followed (3.1 siblings of a `$ref`
// kept) and the locations of every node that made up the view are kept, so a finding can point at
// the node that changed and a pact's fields can be traced to the nodes they rely on.
import { deref, isRef } from '../spec/load.js';
import { appendPointer } from '../spec/pointer.js';
import type { LoadedSpec, Location } from '../spec/types.js';

export interface Placed {
  node: unknown;
  at: Location;
}

export interface SchemaView {
  /** The node after following refs (the identity used for memoising), and where it lives. */
  key: object;
  at: Location;
  /** Declared types, `null` excluded; empty when the schema says nothing about type. */
  types: Set<string>;
  nullable: boolean;
  /** Enum values (null excluded) as stable strings, or undefined when there is no enum. */
  enum?: Set<string>;
  properties: Map<string, Placed>;
  required: Set<string>;
  items?: Placed;
  additionalProperties?: Placed;
  /** `anyOf`/`oneOf` branches (nested ones of allOf parts included). */
  branches: Placed[];
  deprecated: boolean;
  /** Every node that contributed (ref sites, targets, allOf parts). */
  locations: Location[];
}

const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

export function child(at: Location, ...tokens: Array<string | number>): Location {
  return { file: at.file, pointer: appendPointer(at.pointer, ...tokens) };
}

/** Follows refs from a written node; `undefined` for a node that is not a schema object. */
function resolveNode(spec: LoadedSpec, node: unknown, at: Location): { value: Record<string, unknown>; at: Location } | undefined {
  const target = deref(spec, node, at);
  return isObj(target.value) ? { value: target.value, at: target.at } : undefined;
}

const cache = new WeakMap<LoadedSpec, WeakMap<object, SchemaView>>();

export function schemaView(spec: LoadedSpec, node: unknown, at: Location): SchemaView | undefined {
  const target = resolveNode(spec, node, at);
  if (!target) return undefined;
  const key = target.value as object;
  let views = cache.get(spec);
  if (!views) cache.set(spec, (views = new WeakMap()));
  // A 3.1 ref with siblings is its own view (the siblings add to the target).
  const siblings = isRef(node) && Object.keys(node).length > 1;
  const cached = siblings ? undefined : views.get(key);
  if (cached) return cached;
  const view: SchemaView = {
    key,
    at: target.at,
    types: new Set(),
    nullable: false,
    properties: new Map(),
    required: new Set(),
    branches: [],
    deprecated: false,
    locations: [],
  };
  let typed = false;
  const seen = new Set<unknown>();
  const merge = (raw: unknown, rawAt: Location, depth: number): void => {
    if (!isObj(raw) || depth > 32) return;
    if (isRef(raw)) {
      view.locations.push(rawAt);
      const t = deref(spec, raw, rawAt);
      merge(t.value, t.at, depth + 1);
      const { $ref: _ref, ...rest } = raw;
      if (Object.keys(rest).length > 0) merge(rest, rawAt, depth + 1);
      return;
    }
    if (seen.has(raw)) return;
    seen.add(raw);
    view.locations.push(rawAt);
    const type = raw.type;
    const types = Array.isArray(type) ? type.map(String) : typeof type === 'string' ? [type] : [];
    for (const t of types) {
      if (t === 'null') view.nullable = true;
      else {
        // allOf parts narrow each other: keep the types every typed part allows.
        if (typed && !view.types.has(t)) continue;
        view.types.add(t);
      }
    }
    if (types.some((t) => t !== 'null')) {
      if (typed) for (const t of [...view.types]) if (!types.includes(t)) view.types.delete(t);
      typed = true;
    }
    if (raw.nullable === true) view.nullable = true;
    if (raw.deprecated === true) view.deprecated = true;
    if (Array.isArray(raw.enum)) {
      const values = raw.enum.filter((v) => v !== null).map((v) => JSON.stringify(v));
      if (raw.enum.includes(null)) view.nullable = true;
      view.enum = view.enum ? new Set(values.filter((v) => view.enum!.has(v))) : new Set(values);
    }
    if ('const' in raw && raw.const !== null) view.enum = new Set([JSON.stringify(raw.const)]);
    if (isObj(raw.properties)) {
      for (const name of Object.keys(raw.properties)) {
        if (!view.properties.has(name)) view.properties.set(name, { node: raw.properties[name], at: child(rawAt, 'properties', name) });
      }
    }
    if (Array.isArray(raw.required)) for (const r of raw.required) if (typeof r === 'string') view.required.add(r);
    if (raw.items !== undefined && !view.items) view.items = { node: raw.items, at: child(rawAt, 'items') };
    if (isObj(raw.additionalProperties) && !view.additionalProperties) {
      view.additionalProperties = { node: raw.additionalProperties, at: child(rawAt, 'additionalProperties') };
    }
    if (Array.isArray(raw.allOf)) raw.allOf.forEach((part, i) => merge(part, child(rawAt, 'allOf', i), depth + 1));
    for (const k of ['anyOf', 'oneOf'] as const) {
      const list = raw[k];
      if (!Array.isArray(list)) continue;
      list.forEach((branch, i) => {
        const branchAt = child(rawAt, k, i);
        // `{type: 'null'}` branches are how 3.1 (and Stripe's `nullable` anyOf) say nullable.
        const resolved = resolveNode(spec, branch, branchAt);
        if (resolved && isObj(resolved.value) && resolved.value.type === 'null') view.nullable = true;
        else view.branches.push({ node: branch, at: branchAt });
      });
    }
  };
  merge(node, at, 0);
  if (!siblings) views.set(key, view);
  return view;
}

/** A name for a branch, to pair branches across versions: its ref target's last token, or its title. */
export function branchName(spec: LoadedSpec, branch: Placed): string | undefined {
  if (isRef(branch.node)) return branch.node.$ref.split('/').pop();
  const resolved = resolveNode(spec, branch.node, branch.at);
  const title = resolved && isObj(resolved.value) ? resolved.value.title : undefined;
  return typeof title === 'string' ? title : undefined;
}

/** JSONPath-like field names: `$.status`, `$['x-y']`, `$.data[*]`. */
export function fieldPath(parent: string, key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `${parent}.${key}` : `${parent}['${key.replace(/'/g, "\\'")}']`;
}
