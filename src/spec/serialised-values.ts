// Parameters and form fields travel as strings; OpenAPI's serialisation rules say what typed value
// they stand for. This turns recorded strings into the JSON values a schema is checked against:
// `"42"` → 42 where the schema wants an integer, `"true"` → true, repeated or comma-separated
// values → arrays, and bracketed keys (`metadata[plan]=pro`, `items[0][price]=p_1`, `expand[]=x`:
// Stripe's forms and deepObject queries) → nested objects and arrays.
//
// Schemas are read from the ajv-converted documents (nullable already folded into `type`), walking
// `$ref`, `allOf`, `anyOf` and `oneOf` to learn which types a value may take. When a string could be
// a string, it stays one. Limits (documented in docs/validate.md): `label`/`matrix` path styles and
// `form` objects spread over several query keys are not decoded, and `content`-typed parameters
// (JSON in a query string) are left as strings.
import { fileURLToPath } from 'node:url';
import { parseRef } from './load.js';
import { getAt } from './pointer.js';

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

/** A schema node of a converted document and the file its relative `$ref`s resolve against. */
export interface SchemaAt {
  node: unknown;
  file: string;
}

/** A string tree: what a query string or form decodes to before typing. */
export type Raw = string | Raw[] | { [key: string]: Raw };

const MAX_DEPTH = 12;

/** Reads converted schemas: follows refs, and answers "which types" and "which subschema". */
export class SchemaReader {
  private readonly docs: Map<string, unknown>;

  /** `documents`: the output of `ajvDocuments(spec)` (each with its file URL as `$id`). */
  constructor(documents: ReadonlyArray<Record<string, unknown>>) {
    this.docs = new Map(documents.map((d) => [fileURLToPath(String(d.$id)), d]));
  }

  resolve(at: SchemaAt): SchemaAt {
    let { node, file } = at;
    for (let hops = 0; isObj(node) && typeof node.$ref === 'string' && hops < 64; hops++) {
      const target = parseRef(node.$ref, { file, pointer: '' });
      const found = getAt(this.docs.get(target.file), target.tokens);
      if (!found.found) return { node: undefined, file };
      node = found.value;
      file = target.file;
    }
    return { node, file };
  }

  /** The JSON types the schema admits; undefined when it does not say (anything goes). */
  types(at: SchemaAt, depth = 0): Set<string> | undefined {
    const { node, file } = this.resolve(at);
    if (!isObj(node) || depth > MAX_DEPTH) return undefined;
    if (typeof node.type === 'string') return new Set([node.type]);
    if (Array.isArray(node.type)) return new Set(node.type.map(String));
    if (Array.isArray(node.enum) || 'const' in node) {
      const values = Array.isArray(node.enum) ? node.enum : [node.const];
      return new Set(values.map(jsonType));
    }
    for (const key of ['allOf', 'anyOf', 'oneOf'] as const) {
      const list = node[key];
      if (!Array.isArray(list)) continue;
      const out = new Set<string>();
      for (const sub of list) {
        const t = this.types({ node: sub, file }, depth + 1);
        if (!t) {
          if (key !== 'allOf') return undefined;
          continue;
        }
        for (const x of t) out.add(x);
      }
      if (out.size > 0) return out;
    }
    return undefined;
  }

  /** The schema of property `key`, looking through compositions; undefined when none names it. */
  property(at: SchemaAt, key: string, depth = 0): SchemaAt | undefined {
    const { node, file } = this.resolve(at);
    if (!isObj(node) || depth > MAX_DEPTH) return undefined;
    if (isObj(node.properties) && Object.hasOwn(node.properties, key)) return { node: node.properties[key], file };
    if (isObj(node.patternProperties)) {
      for (const [pattern, sub] of Object.entries(node.patternProperties)) {
        if (safeTest(pattern, key)) return { node: sub, file };
      }
    }
    for (const k of ['allOf', 'anyOf', 'oneOf'] as const) {
      const list = node[k];
      if (!Array.isArray(list)) continue;
      for (const sub of list) {
        const found = this.property({ node: sub, file }, key, depth + 1);
        if (found) return found;
      }
    }
    if (isObj(node.additionalProperties)) return { node: node.additionalProperties, file };
    return undefined;
  }

  /** Every property name the schema defines (through compositions). */
  propertyNames(at: SchemaAt, depth = 0, out = new Set<string>()): Set<string> {
    const { node, file } = this.resolve(at);
    if (!isObj(node) || depth > MAX_DEPTH) return out;
    if (isObj(node.properties)) for (const k of Object.keys(node.properties)) out.add(k);
    for (const k of ['allOf', 'anyOf', 'oneOf'] as const) {
      const list = node[k];
      if (Array.isArray(list)) for (const sub of list) this.propertyNames({ node: sub, file }, depth + 1, out);
    }
    return out;
  }

  /** The schema of the array's items, looking through compositions. */
  items(at: SchemaAt, depth = 0): SchemaAt | undefined {
    const { node, file } = this.resolve(at);
    if (!isObj(node) || depth > MAX_DEPTH) return undefined;
    if (isObj(node.items)) return { node: node.items, file };
    for (const k of ['allOf', 'anyOf', 'oneOf'] as const) {
      const list = node[k];
      if (!Array.isArray(list)) continue;
      for (const sub of list) {
        const found = this.items({ node: sub, file }, depth + 1);
        if (found) return found;
      }
    }
    return undefined;
  }

  /** `raw` typed as the schema at `at` implies (see the header comment). */
  coerce(raw: Raw, at: SchemaAt | undefined): unknown {
    const types = at ? this.types(at) : undefined;
    if (typeof raw === 'string') {
      // A single value where an array is wanted: a one-item array (form, explode).
      if (types?.has('array') && !types.has('string')) return [this.coerce(raw, at && this.items(at))];
      return coerceScalar(raw, types);
    }
    if (Array.isArray(raw)) {
      const items = types?.has('array') && at ? this.items(at) : at;
      return raw.map((r) => this.coerce(r, items));
    }
    const keys = Object.keys(raw);
    if (types?.has('array') && !types.has('object') && keys.every((k) => /^\d+$/.test(k))) {
      const items = at && this.items(at);
      return keys.sort((a, b) => Number(a) - Number(b)).map((k) => this.coerce(raw[k] as Raw, items));
    }
    const out: Obj = {};
    for (const key of keys) out[key] = this.coerce(raw[key] as Raw, at && this.property(at, key));
    return out;
  }
}

function safeTest(pattern: string, value: string): boolean {
  try {
    return new RegExp(pattern, 'u').test(value);
  } catch {
    return false;
  }
}

export function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

const INTEGER = /^-?\d+$/;
const NUMBER = /^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

function coerceScalar(value: string, types: Set<string> | undefined): unknown {
  if (!types || types.has('string')) return value;
  if (types.has('integer') && INTEGER.test(value)) return Number(value);
  if (types.has('number') && NUMBER.test(value)) return Number(value);
  if (types.has('boolean') && (value === 'true' || value === 'false')) return value === 'true';
  if (types.has('null') && (value === '' || value === 'null')) return null;
  return value;
}

/**
 * Bracketed keys to a tree: `a[b][c]=1` → `{ a: { b: { c: '1' } } }`, `a[]=x&a[]=y` → `{ a: ['x', 'y'] }`,
 * a repeated plain key → an array. Indices stay object keys (`{ '0': … }`) until `coerce` knows
 * whether the schema wants an array.
 */
export function unflatten(entries: Iterable<[string, string | string[]]>): { [key: string]: Raw } {
  const root: { [key: string]: Raw } = {};
  for (const [key, value] of entries) {
    const tokens = bracketTokens(key);
    for (const v of Array.isArray(value) ? value : [value]) put(root, tokens, v);
  }
  return root;
}

function bracketTokens(key: string): string[] {
  const m = /^([^[\]]+)((?:\[[^[\]]*\])+)$/.exec(key);
  if (!m) return [key];
  return [m[1] as string, ...[...(m[2] as string).matchAll(/\[([^[\]]*)\]/g)].map((x) => x[1] as string)];
}

function put(node: { [key: string]: Raw }, tokens: string[], value: string): void {
  const [head, ...rest] = tokens as [string, ...string[]];
  const existing = node[head];
  if (rest.length === 0) {
    if (existing === undefined) node[head] = value;
    else if (Array.isArray(existing)) existing.push(value);
    else if (typeof existing === 'string') node[head] = [existing, value];
    return;
  }
  if (rest[0] === '') {
    // `a[]=x` appends; `a[][b]=x` appends an object
    let list = existing;
    if (list === undefined) node[head] = list = [];
    else if (typeof list === 'string') node[head] = list = [list];
    if (!Array.isArray(list)) return;
    if (rest.length === 1) list.push(value);
    else {
      const child: { [key: string]: Raw } = {};
      list.push(child);
      put(child, rest.slice(1), value);
    }
    return;
  }
  let child = existing;
  if (child === undefined || typeof child === 'string' || Array.isArray(child)) node[head] = child = {};
  put(child as { [key: string]: Raw }, rest, value);
}
