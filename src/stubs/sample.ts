// A deterministic, schema-valid sample value for a JSON Schema / OpenAPI schema: what a spec-only
// mock answers when the spec gives no example. No randomness: the same schema gives the same value.
//
// Choices:
// - objects get their `required` properties only (plus enough optional ones for `minProperties`):
//   a small body that is valid, rather than a large one that fails somewhere deep;
// - arrays get `minItems` items, or one item near the top (a list endpoint shows what it lists);
// - `enum` → its first non-null value, `const` → it; a schema's `example` / `default` / 3.1
//   `examples[0]` is used when it fits the schema (specs' examples are often stale);
// - `allOf` is merged; `oneOf` / `anyOf` take the first branch whose sample fits (for `oneOf`: fits
//   that branch and no other), with the `discriminator` property set to the branch's mapping key;
// - recursion (Stripe: customer → subscription → customer …) stops at `maxDepth`: past it a nullable
//   value is `null`, an array has `minItems` items and `anyOf`/`oneOf` prefer a scalar branch;
// - `pattern`: a small generator covers literals, classes, `\d\w\s`, groups, alternation and
//   quantifiers; its result is checked with the RegExp and a few fallbacks are tried, so a pattern
//   it cannot satisfy yields a plain string (and an invalid sample — `unsatisfied` reports it).
import { InputError } from '../errors.js';
import type { LoadedSpec, Location } from '../spec/index.js';
import { isRef } from '../spec/index.js';
import { parseRef } from '../spec/load.js';
import { appendPointer, getAt } from '../spec/pointer.js';

type Obj = Record<string, unknown>;

export interface Resolved {
  value: unknown;
  at?: Location | undefined;
}

/** Follows a `$ref` node (relative to `at`, the file and pointer it appears in). */
export type ResolveRef = (ref: { $ref: string }, at: Location | undefined) => Resolved;

export interface SampleOptions {
  /** Where `schema` lives, so its relative refs resolve. */
  at?: Location | undefined;
  /** Object/array nesting past which recursion is cut short. Default 6. */
  maxDepth?: number;
  /** OpenAPI 3.1: keywords next to a `$ref` apply too (before 3.1 they are ignored). */
  refSiblings?: boolean;
}

/**
 * A resolver over a loaded spec's documents. One hop at a time (unlike `deref`), so a 3.1 `$ref`
 * whose target is itself a `$ref` with sibling keywords keeps those siblings.
 */
export function specResolver(spec: LoadedSpec): ResolveRef {
  return (ref, at) => {
    const where = at ?? { file: spec.file, pointer: '' };
    const target = parseRef(ref.$ref, where);
    const found = getAt(spec.documents.get(target.file), target.tokens);
    if (!found.found) throw new InputError(`$ref ${JSON.stringify(ref.$ref)} points at nothing`, where);
    return { value: found.value, at: { file: target.file, pointer: appendPointer('', ...target.tokens) } };
  };
}

/** `sampleFor` with the resolver and ref-sibling rule of `spec`. */
export function sampleFromSpec(spec: LoadedSpec, schema: unknown, at?: Location): unknown {
  return sampleFor(schema, specResolver(spec), { at, refSiblings: spec.version === '3.1' });
}

/** A value valid against `schema` (see the header for the rules); undefined for an unsatisfiable one. */
export function sampleFor(schema: unknown, resolveRef: ResolveRef, options: SampleOptions = {}): unknown {
  return new Sampler(resolveRef, options).value(schema, options.at, 0);
}

/** Whether `value` fits `schema` — the check the sampler uses for examples and branches (formats approximate). */
export function fitsSchema(value: unknown, schema: unknown, resolveRef: ResolveRef, options: SampleOptions = {}): boolean {
  return new Sampler(resolveRef, options).fits(value, schema, options.at, 0);
}

const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Past this nesting the sampler gives up on a schema that requires infinite recursion. */
const HARD_DEPTH = 40;
/** `fits` looks this deep; below, values are assumed to fit (they were built for the schema). */
const FITS_DEPTH = 24;

const FORMATS: Record<string, string> = {
  'date-time': '2024-01-01T00:00:00Z',
  date: '2024-01-01',
  time: '00:00:00Z',
  email: 'user@example.com',
  'idn-email': 'user@example.com',
  uuid: '3fa85f64-5717-4562-b3fc-2c963f66afa6',
  uri: 'https://example.com',
  'uri-reference': 'https://example.com',
  iri: 'https://example.com',
  url: 'https://example.com',
  hostname: 'example.com',
  'idn-hostname': 'example.com',
  ipv4: '192.0.2.1',
  ipv6: '2001:db8::1',
  byte: 'AA==',
  binary: '',
  'unix-time': '1704067200',
  duration: 'P1D',
  password: 'password',
};

const FORMAT_CHECKS: Record<string, RegExp> = {
  'date-time': /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:?\d{2})$/,
  date: /^\d{4}-\d{2}-\d{2}$/,
  email: /^[^@\s]+@[^@\s]+\.[^@\s]+$/,
  uuid: /^(urn:uuid:)?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
  uri: /^[a-z][a-z0-9+.-]*:[^\s]*$/i,
  ipv4: /^(\d{1,3}\.){3}\d{1,3}$/,
};

class Sampler {
  private readonly maxDepth: number;
  private readonly refSiblings: boolean;
  /** Which file a schema object came from, for nodes moved around by allOf merging. */
  private readonly home = new WeakMap<object, Location | undefined>();

  constructor(
    private readonly resolveRef: ResolveRef,
    options: SampleOptions,
  ) {
    this.maxDepth = options.maxDepth ?? 6;
    this.refSiblings = options.refSiblings ?? false;
  }

  // ---- resolution ----

  /** The node with refs followed (3.1 siblings kept as an allOf), and where it lives. */
  private resolve(node: unknown, at: Location | undefined): { schema: unknown; at: Location | undefined } {
    let where = (isObj(node) && this.home.get(node)) || at;
    let value = node;
    for (let hops = 0; isRef(value) && hops < 64; hops++) {
      const siblings = Object.keys(value).filter((k) => k !== '$ref' && !k.startsWith('x-') && k !== 'description');
      if (this.refSiblings && siblings.length > 0) {
        const rest: Obj = {};
        for (const k of siblings) rest[k] = (value as Obj)[k];
        const target = this.resolveRef({ $ref: value.$ref }, where);
        if (isObj(target.value)) this.home.set(target.value, target.at);
        if (isObj(rest)) this.home.set(rest, where);
        return { schema: { allOf: [target.value, rest] }, at: where };
      }
      const r = this.resolveRef(value, where);
      value = r.value;
      where = r.at;
    }
    return { schema: value, at: where };
  }

  /** Resolved, with `allOf` merged into one schema (nested allOfs too). */
  private flat(node: unknown, at: Location | undefined, guard = 0): { schema: unknown; at: Location | undefined } {
    const r = this.resolve(node, at);
    if (!isObj(r.schema) || !Array.isArray(r.schema.allOf) || guard > 16) return r;
    const { allOf, ...rest } = r.schema;
    let merged: Obj = {};
    for (const key of Object.keys(rest)) this.adopt(rest, key, r.at);
    merged = mergeSchemas(merged, rest);
    for (const part of allOf as unknown[]) {
      const p = this.flat(part, r.at, guard + 1);
      if (p.schema === false) return { schema: false, at: r.at };
      if (!isObj(p.schema)) continue;
      for (const key of ['properties', 'items', 'additionalProperties', 'oneOf', 'anyOf', 'prefixItems', 'not']) {
        this.adopt(p.schema, key, p.at);
      }
      merged = mergeSchemas(merged, p.schema);
    }
    return { schema: merged, at: r.at };
  }

  /** Records the home file of the sub-schemas under `schema[key]` before they move to a merged schema. */
  private adopt(schema: Obj, key: string, at: Location | undefined): void {
    const v = schema[key];
    const mark = (s: unknown) => {
      if (isObj(s) && !this.home.has(s)) this.home.set(s, at);
    };
    if (key === 'properties' && isObj(v)) Object.values(v).forEach(mark);
    else if (Array.isArray(v)) v.forEach(mark);
    else mark(v);
  }

  /** Whether null is valid: `nullable` / `x-nullable`, `type` with null, or no type constraint at all. */
  private acceptsNull(node: unknown, at: Location | undefined, guard = 0): boolean {
    if (guard > 16) return false;
    const r = this.resolve(node, at);
    const s = r.schema;
    if (s === true) return true;
    if (!isObj(s)) return false;
    if (s.nullable === true || s['x-nullable'] === true) return true;
    if ('const' in s) return s.const === null;
    if (Array.isArray(s.enum)) return s.enum.includes(null);
    if (s.type !== undefined) return s.type === 'null' || (Array.isArray(s.type) && s.type.includes('null'));
    if (Array.isArray(s.allOf) && !s.allOf.every((b) => this.acceptsNull(b, r.at, guard + 1))) return false;
    for (const key of ['anyOf', 'oneOf'] as const) {
      const branches = s[key];
      if (Array.isArray(branches) && !branches.some((b) => this.acceptsNull(b, r.at, guard + 1))) return false;
    }
    return true;
  }

  // ---- sampling ----

  value(node: unknown, at: Location | undefined, depth: number): unknown {
    const nullable = this.acceptsNull(node, at);
    const { schema, at: where } = this.flat(node, at);
    if (schema === false) return undefined;
    if (!isObj(schema)) return {};
    if (depth > this.maxDepth && nullable) return null;
    if (depth > HARD_DEPTH) return nullable ? null : {};
    if ('const' in schema) return schema.const;
    if (Array.isArray(schema.enum) && schema.enum.length > 0) {
      return schema.enum.find((v) => v !== null && this.fits(v, schema, where, 0)) ?? schema.enum[0];
    }
    for (const candidate of given(schema)) {
      if (this.fits(candidate, node, at, 0)) return structuredClone(candidate);
    }
    if (Array.isArray(schema.oneOf) || Array.isArray(schema.anyOf)) return this.choice(schema, where, depth, nullable);
    const type = pickType(schema);
    switch (type) {
      case 'null':
        return null;
      case 'boolean':
        return false;
      case 'integer':
        return numberFor(schema, true);
      case 'number':
        return numberFor(schema, false);
      case 'string':
        return this.string(schema);
      case 'array':
        return this.array(schema, where, depth);
      case 'object':
        return this.object(schema, where, depth);
      default:
        return nullable && depth > this.maxDepth ? null : {};
    }
  }

  private choice(schema: Obj, at: Location | undefined, depth: number, nullable: boolean): unknown {
    const key = Array.isArray(schema.oneOf) ? 'oneOf' : 'anyOf';
    const branches = schema[key] as unknown[];
    const { oneOf: _o, anyOf: _a, discriminator, ...base } = schema;
    if (depth > this.maxDepth && nullable) return null;
    let order = branches.map((_, i) => i);
    if (depth > this.maxDepth) {
      // Deep in a recursion: a scalar branch (Stripe's expandable `anyOf: [string, Customer]`) first.
      const cost = (i: number) => {
        const t = pickType(asObj(this.flat(branches[i], at).schema));
        return t === 'object' || t === 'array' || t === undefined ? 1 : 0;
      };
      order = [...order].sort((a, b) => cost(a) - cost(b) || a - b);
    }
    let firstValue: unknown;
    for (const i of order) {
      const branch = branches[i];
      if (isObj(branch)) this.home.set(branch, this.home.get(branch) ?? at);
      const combined = Object.keys(base).length > 0 ? { allOf: [base, branch] } : branch;
      if (combined !== branch) this.home.set(combined as Obj, at);
      let value = this.value(combined, at, depth);
      if (value === undefined) continue;
      value = this.discriminate(value, discriminator, branch, combined, at);
      if (firstValue === undefined) firstValue = value;
      if (this.fits(value, schema, at, 0)) return value;
    }
    return firstValue;
  }

  /** Sets the discriminator property to the key naming `branch`, when that still fits it. */
  private discriminate(value: unknown, discriminator: unknown, branch: unknown, schema: unknown, at: Location | undefined): unknown {
    if (!isObj(discriminator) || typeof discriminator.propertyName !== 'string' || !isObj(value) || !isRef(branch)) return value;
    const ref = branch.$ref;
    const mapping = isObj(discriminator.mapping) ? discriminator.mapping : {};
    const name = ref.slice(ref.lastIndexOf('/') + 1);
    const key = Object.keys(mapping).find((k) => mapping[k] === ref || mapping[k] === name) ?? name;
    const next = { ...value, [discriminator.propertyName]: key };
    return this.fits(next, schema, at, 0) ? next : value;
  }

  private string(schema: Obj): string {
    const min = typeof schema.minLength === 'number' ? schema.minLength : 0;
    const max = typeof schema.maxLength === 'number' ? schema.maxLength : Infinity;
    const format = typeof schema.format === 'string' ? FORMATS[schema.format] : undefined;
    const fitLength = (s: string): string => {
      let out = s;
      if ([...out].length > max) out = [...out].slice(0, max).join('');
      while ([...out].length < min) out += 'x';
      return out;
    };
    if (typeof schema.pattern === 'string') {
      const regex = compile(schema.pattern);
      if (regex !== undefined) {
        const ok = (s: string) => regex.test(s) && [...s].length >= min && [...s].length <= max;
        const tries = [0, 1, 2, 4, 8, 16, 32].map((extra) => fromPattern(schema.pattern as string, extra, min));
        for (const s of [...tries, format, format && fitLength(format), 'string', fitLength('string'), '', '0', 'a', 'A']) {
          if (s !== undefined && ok(s)) return s;
        }
      }
    }
    return fitLength(format ?? 'string');
  }

  private array(schema: Obj, at: Location | undefined, depth: number): unknown[] {
    const min = typeof schema.minItems === 'number' ? schema.minItems : 0;
    const max = typeof schema.maxItems === 'number' ? schema.maxItems : Infinity;
    const n = Math.max(min, depth <= 1 && max >= 1 && depth <= this.maxDepth ? 1 : 0);
    const prefix = Array.isArray(schema.prefixItems) ? schema.prefixItems : [];
    const out: unknown[] = [];
    for (let i = 0; i < n; i++) {
      const itemSchema = i < prefix.length ? prefix[i] : schema.items;
      if (itemSchema === undefined || itemSchema === false) {
        if (out.length >= min) break;
        out.push('string');
        continue;
      }
      const item = this.value(itemSchema, at, depth + 1);
      if (item === undefined) break;
      out.push(item);
    }
    if (schema.uniqueItems === true && out.length > 1) {
      // Identical samples would break uniqueItems: vary by the item enum when there is one.
      const items = asObj(this.flat(schema.items, at).schema);
      if (Array.isArray(items.enum) && items.enum.length >= out.length) out.splice(0, out.length, ...items.enum.slice(0, out.length));
    }
    return out;
  }

  private object(schema: Obj, at: Location | undefined, depth: number): Obj {
    const out: Obj = {};
    const props = isObj(schema.properties) ? schema.properties : {};
    const required = Array.isArray(schema.required) ? (schema.required as unknown[]).filter((r): r is string => typeof r === 'string') : [];
    const extra = schema.additionalProperties;
    for (const name of required) {
      if (name in out) continue;
      const sub = name in props ? props[name] : isObj(extra) ? extra : undefined;
      const v = sub === undefined ? 'string' : this.value(sub, at, depth + 1);
      if (v !== undefined) out[name] = v;
    }
    const minProps = typeof schema.minProperties === 'number' ? schema.minProperties : 0;
    for (const name of Object.keys(props)) {
      if (Object.keys(out).length >= minProps) break;
      if (name in out) continue;
      const v = this.value(props[name], at, depth + 1);
      if (v !== undefined) out[name] = v;
    }
    for (let i = 1; Object.keys(out).length < minProps && extra !== false && i < 100; i++) {
      const v = isObj(extra) ? this.value(extra, at, depth + 1) : 'string';
      if (v === undefined) break;
      out[`key${i}`] = v;
    }
    return out;
  }

  // ---- checking ----

  fits(value: unknown, node: unknown, at: Location | undefined, depth: number): boolean {
    if (depth > FITS_DEPTH) return true;
    if (value === null) return this.acceptsNull(node, at);
    const { schema, at: where } = this.resolve(node, at);
    if (schema === true || schema === undefined) return true;
    if (schema === false || !isObj(schema)) return false;
    if ('const' in schema && !deepEqual(value, schema.const)) return false;
    if (Array.isArray(schema.enum) && !schema.enum.some((e) => deepEqual(e, value))) return false;
    if (schema.type !== undefined) {
      const types = Array.isArray(schema.type) ? schema.type : [schema.type];
      if (!types.some((t) => typeMatches(value, t))) return false;
    }
    if (Array.isArray(schema.allOf) && !schema.allOf.every((s) => this.fits(value, s, where, depth + 1))) return false;
    if (Array.isArray(schema.anyOf) && !schema.anyOf.some((s) => this.fits(value, s, where, depth + 1))) return false;
    if (Array.isArray(schema.oneOf) && schema.oneOf.filter((s) => this.fits(value, s, where, depth + 1)).length !== 1) return false;
    if (schema.not !== undefined && this.fits(value, schema.not, where, depth + 1)) return false;
    if (typeof value === 'string') return stringFits(value, schema);
    if (typeof value === 'number') return numberFits(value, schema);
    if (Array.isArray(value)) {
      if (typeof schema.minItems === 'number' && value.length < schema.minItems) return false;
      if (typeof schema.maxItems === 'number' && value.length > schema.maxItems) return false;
      const prefix = Array.isArray(schema.prefixItems) ? schema.prefixItems : [];
      for (let i = 0; i < value.length; i++) {
        const s = i < prefix.length ? prefix[i] : schema.items;
        if (s !== undefined && !this.fits(value[i], s, where, depth + 1)) return false;
      }
      if (schema.uniqueItems === true && new Set(value.map((v) => JSON.stringify(v))).size !== value.length) return false;
      return true;
    }
    if (isObj(value)) {
      const props = isObj(schema.properties) ? schema.properties : {};
      const keys = Object.keys(value);
      if (Array.isArray(schema.required) && !schema.required.every((r) => typeof r !== 'string' || r in value)) return false;
      if (typeof schema.minProperties === 'number' && keys.length < schema.minProperties) return false;
      if (typeof schema.maxProperties === 'number' && keys.length > schema.maxProperties) return false;
      const patterns = isObj(schema.patternProperties) ? Object.entries(schema.patternProperties) : [];
      for (const key of keys) {
        if (key in props) {
          if (!this.fits(value[key], props[key], where, depth + 1)) return false;
          continue;
        }
        const matching = patterns.filter(([p]) => compile(p)?.test(key));
        for (const [, s] of matching) if (!this.fits(value[key], s, where, depth + 1)) return false;
        if (matching.length > 0) continue;
        const extra = schema.additionalProperties;
        if (extra === false) return false;
        if (extra !== undefined && extra !== true && !this.fits(value[key], extra, where, depth + 1)) return false;
      }
      return true;
    }
    return true;
  }
}

// ---- helpers ----

function asObj(v: unknown): Obj {
  return isObj(v) ? v : {};
}

/** A schema's own example values, in order of preference. */
function given(schema: Obj): unknown[] {
  const out: unknown[] = [];
  if ('example' in schema && schema.example !== undefined) out.push(schema.example);
  if (Array.isArray(schema.examples) && schema.examples.length > 0) out.push(schema.examples[0]);
  if ('default' in schema && schema.default !== undefined) out.push(schema.default);
  return out;
}

/** The type to generate: the first non-null one declared, else one implied by the keywords. */
function pickType(schema: Obj): string | undefined {
  if (typeof schema.type === 'string') return schema.type;
  if (Array.isArray(schema.type)) {
    const types = schema.type.filter((t): t is string => typeof t === 'string');
    return types.find((t) => t !== 'null') ?? types[0];
  }
  if (isObj(schema.properties) || Array.isArray(schema.required) || isObj(schema.additionalProperties)) return 'object';
  if (schema.items !== undefined || Array.isArray(schema.prefixItems)) return 'array';
  if (typeof schema.pattern === 'string' || typeof schema.minLength === 'number' || typeof schema.format === 'string') return 'string';
  if (typeof schema.minimum === 'number' || typeof schema.maximum === 'number') return 'number';
  return undefined;
}

function typeMatches(value: unknown, type: unknown): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'number':
      return typeof value === 'number';
    case 'boolean':
      return typeof value === 'boolean';
    case 'array':
      return Array.isArray(value);
    case 'object':
      return isObj(value);
    case 'null':
      return value === null;
    case 'file':
      return true;
    default:
      return true;
  }
}

function bounds(schema: Obj): { lo: number; loEx: boolean; hi: number; hiEx: boolean } {
  let lo = -Infinity;
  let hi = Infinity;
  let loEx = false;
  let hiEx = false;
  if (typeof schema.minimum === 'number') lo = schema.minimum;
  if (typeof schema.maximum === 'number') hi = schema.maximum;
  if (schema.exclusiveMinimum === true) loEx = true;
  if (schema.exclusiveMaximum === true) hiEx = true;
  if (typeof schema.exclusiveMinimum === 'number' && schema.exclusiveMinimum >= lo) [lo, loEx] = [schema.exclusiveMinimum, true];
  if (typeof schema.exclusiveMaximum === 'number' && schema.exclusiveMaximum <= hi) [hi, hiEx] = [schema.exclusiveMaximum, true];
  return { lo, loEx, hi, hiEx };
}

function numberFits(value: number, schema: Obj): boolean {
  const { lo, loEx, hi, hiEx } = bounds(schema);
  if (loEx ? value <= lo : value < lo) return false;
  if (hiEx ? value >= hi : value > hi) return false;
  const m = schema.multipleOf;
  if (typeof m === 'number' && m > 0 && !Number.isInteger(value / m)) return false;
  return true;
}

/** The value closest to zero in bounds (0 when allowed: a multiple of everything). */
function numberFor(schema: Obj, integer: boolean): number {
  if (typeof schema.format === 'string' && schema.format === 'unix-time' && !('minimum' in schema)) return 1704067200;
  const { lo, loEx, hi, hiEx } = bounds(schema);
  const m = typeof schema.multipleOf === 'number' && schema.multipleOf > 0 ? schema.multipleOf : integer ? 1 : undefined;
  const ok = (v: number) => numberFits(v, schema) && (!integer || Number.isInteger(v));
  if (ok(0)) return 0;
  const step = m ?? 1;
  if (lo > -Infinity) {
    let v = m !== undefined ? Math.ceil(lo / step) * step : lo;
    if (loEx && v <= lo) v = m !== undefined ? v + step : lo + Math.min(1, (hi - lo) / 2);
    if (integer && !Number.isInteger(v)) v = Math.ceil(v);
    if (ok(v)) return v;
  }
  if (hi < Infinity) {
    let v = m !== undefined ? Math.floor(hi / step) * step : hi;
    if (hiEx && v >= hi) v = m !== undefined ? v - step : hi - Math.min(1, (hi - lo) / 2);
    if (integer && !Number.isInteger(v)) v = Math.floor(v);
    if (ok(v)) return v;
  }
  return integer ? Math.ceil(lo) : lo;
}

function stringFits(value: string, schema: Obj): boolean {
  const length = [...value].length;
  if (typeof schema.minLength === 'number' && length < schema.minLength) return false;
  if (typeof schema.maxLength === 'number' && length > schema.maxLength) return false;
  if (typeof schema.pattern === 'string' && compile(schema.pattern)?.test(value) === false) return false;
  const check = typeof schema.format === 'string' ? FORMAT_CHECKS[schema.format] : undefined;
  if (check !== undefined && !check.test(value)) return false;
  return true;
}

const regexCache = new Map<string, RegExp | undefined>();

/** The pattern as ajv reads it (unicode flag); undefined when JavaScript cannot compile it. */
function compile(pattern: string): RegExp | undefined {
  if (!regexCache.has(pattern)) {
    let regex: RegExp | undefined;
    try {
      regex = new RegExp(pattern, 'u');
    } catch {
      try {
        regex = new RegExp(pattern);
      } catch {
        regex = undefined;
      }
    }
    regexCache.set(pattern, regex);
  }
  return regexCache.get(pattern);
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  return JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (isObj(v)) return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys(v[k])]));
  return v;
}

/** allOf merging: properties and required united, types intersected, other keywords: the later wins. */
function mergeSchemas(a: Obj, b: Obj): Obj {
  const out: Obj = { ...a };
  for (const [key, value] of Object.entries(b)) {
    if (!(key in out)) {
      out[key] = value;
      continue;
    }
    const prev = out[key];
    if (key === 'properties' && isObj(prev) && isObj(value)) {
      const props: Obj = { ...prev };
      for (const [name, s] of Object.entries(value)) props[name] = name in props ? { allOf: [props[name], s] } : s;
      out.properties = props;
    } else if (key === 'required' && Array.isArray(prev) && Array.isArray(value)) {
      out.required = [...new Set([...prev, ...value])];
    } else if (key === 'type') {
      const list = (t: unknown) => (Array.isArray(t) ? t : [t]) as unknown[];
      const both = list(prev).flatMap((t) => {
        if (list(value).includes(t)) return [t];
        if (t === 'integer' && list(value).includes('number')) return ['integer'];
        if (t === 'number' && list(value).includes('integer')) return ['integer'];
        return [];
      });
      out.type = both.length === 1 ? both[0] : both;
    } else if (key === 'enum' && Array.isArray(prev) && Array.isArray(value)) {
      out.enum = prev.filter((p) => value.some((v) => deepEqual(p, v)));
    } else if ((key === 'minimum' || key === 'minLength' || key === 'minItems' || key === 'minProperties') && typeof prev === 'number' && typeof value === 'number') {
      out[key] = Math.max(prev, value);
    } else if ((key === 'maximum' || key === 'maxLength' || key === 'maxItems' || key === 'maxProperties') && typeof prev === 'number' && typeof value === 'number') {
      out[key] = Math.min(prev, value);
    } else if ((key === 'oneOf' || key === 'anyOf') && Array.isArray(prev)) {
      // Two choices in one merged schema: keep the first here, the second as a nested allOf.
      out.allOf = [...(Array.isArray(out.allOf) ? out.allOf : []), { [key]: value }];
    } else if (key === 'nullable' || key === 'x-nullable') {
      out[key] = prev === true && value === true;
    } else {
      out[key] = value;
    }
  }
  return out;
}

// ---- patterns ----

/**
 * A string for a regular expression: the first alternative of each alternation, the minimum of each
 * quantifier plus `extra` for open ones (`*`, `+`, `{n,}`), the first character of each class.
 * Lookarounds and anchors produce nothing. Best effort: the caller checks the result.
 */
export function fromPattern(pattern: string, extra = 0, minLength = 0): string {
  let i = 0;
  const src = pattern;

  const parseAlternation = (): string => {
    const first = parseSequence();
    while (src[i] === '|') {
      i++;
      parseSequence(); // later alternatives are skipped
    }
    return first;
  };

  const parseSequence = (): string => {
    let out = '';
    while (i < src.length && src[i] !== '|' && src[i] !== ')') {
      const atom = parseAtom();
      const q = parseQuantifier();
      let reps = q.min;
      if (q.max > q.min) reps = Math.min(q.max, q.min + extra + (q.min === 0 && out.length + atom.length < minLength ? 1 : 0));
      out += atom.repeat(reps);
    }
    return out;
  };

  const parseQuantifier = (): { min: number; max: number } => {
    let q = { min: 1, max: 1 };
    const c = src[i];
    if (c === '*') q = { min: 0, max: Infinity };
    else if (c === '+') q = { min: 1, max: Infinity };
    else if (c === '?') q = { min: 0, max: 1 };
    else if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(src.slice(i));
      if (m) {
        const min = Number(m[1]);
        const max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]);
        i += m[0].length;
        if (src[i] === '?' || src[i] === '+') i++;
        return { min, max };
      }
      return q;
    } else return q;
    i++;
    if (src[i] === '?' || src[i] === '+') i++; // lazy / possessive
    return q;
  };

  const parseAtom = (): string => {
    const c = src[i]!;
    if (c === '^' || c === '$') {
      i++;
      return '';
    }
    if (c === '(') {
      i++;
      let skip = false;
      if (src[i] === '?') {
        if (src[i + 1] === ':') i += 2;
        else if (src[i + 1] === '<' && src[i + 2] !== '=' && src[i + 2] !== '!') i = src.indexOf('>', i) + 1;
        else {
          skip = true; // lookaround
          i += src[i + 1] === '<' ? 3 : 2;
        }
      }
      const inner = parseAlternation();
      if (src[i] === ')') i++;
      return skip ? '' : inner;
    }
    if (c === '[') return parseClass();
    if (c === '.') {
      i++;
      return 'a';
    }
    if (c === '\\') {
      const e = src[i + 1] ?? '';
      i += 2;
      if (e === 'd') return '0';
      if (e === 'w') return 'a';
      if (e === 's') return ' ';
      if (e === 'D' || e === 'W' || e === 'S') return e === 'D' ? 'a' : e === 'W' ? '-' : 'a';
      if (e === 'b' || e === 'B') return '';
      if (e === 'n') return '\n';
      if (e === 't') return '\t';
      if (e === 'u') {
        const hex = src.slice(i, i + 4);
        i += 4;
        return String.fromCharCode(parseInt(hex, 16));
      }
      if (e === 'x') {
        const hex = src.slice(i, i + 2);
        i += 2;
        return String.fromCharCode(parseInt(hex, 16));
      }
      return e;
    }
    i++;
    return c;
  };

  const parseClass = (): string => {
    i++; // [
    const negated = src[i] === '^';
    if (negated) i++;
    const members: string[] = [];
    let first = true;
    while (i < src.length && (src[i] !== ']' || first)) {
      first = false;
      let c = src[i]!;
      if (c === '\\') {
        const e = src[i + 1] ?? '';
        i += 2;
        c = e === 'd' ? '0' : e === 'w' ? 'a' : e === 's' ? ' ' : e;
      } else i++;
      if (src[i] === '-' && src[i + 1] !== ']' && i + 1 < src.length) {
        i++;
        let end = src[i]!;
        if (end === '\\') {
          end = src[i + 1] ?? end;
          i++;
        }
        i++;
        members.push(c, end);
      } else members.push(c);
    }
    i++; // ]
    if (!negated) return members[0] ?? 'a';
    for (const candidate of ['a', 'x', '0', 'A', '_', '-', ' ']) {
      if (!classHas(members, candidate)) return candidate;
    }
    return 'z';
  };

  try {
    return parseAlternation();
  } catch {
    return '';
  }
}

/** Approximate membership for a negated class: listed characters and ranges (pairs are not tracked). */
function classHas(members: string[], c: string): boolean {
  return members.includes(c);
}
