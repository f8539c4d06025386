// Matcher inference: from several recorded samples of one interaction's body (or query), a tree of
// matchers that every sample satisfies and that says as much as the samples agree on. Plain data,
// independent of pact-js (pact-matchers.ts turns it into MatchersV3 values).
//
// Rules, for the values found at one place across all samples:
// - strings with a recognisable shape get a regex or date matcher even when they never vary:
//   ISO-8601 timestamps → `datetime` with the format Pact's matcher understands (Java-style:
//   `yyyy-MM-dd'T'HH:mm:ss[.S…]XXX`, one `S` per fraction digit, `XXX` for `Z` or `±hh:mm`;
//   timestamps whose shapes differ across samples → an ISO-8601 regex), dates → `date yyyy-MM-dd`,
//   ids as `idStrength` sees them (prefixed ids keep their prefix: `^cus_[A-Za-z0-9]+$`; Twilio
//   SIDs keep their two letters; UUIDs, long numbers, tokens), emails and http(s) URLs → regex;
// - otherwise a value that never varies stays literal; one that varies becomes a type matcher
//   (`integer` when every sample is an integer, `decimal` when none is, `number` when mixed);
// - arrays → `eachLike` with `min` the smallest observed length (0 when some samples are empty
//   and others are not: Pact verifies that with one example item), the item inferred from every
//   item of every sample; arrays only ever empty stay literal `[]`;
// - objects: a field is expected when every sample has it; a field present in some samples only
//   is left out (Pact has no optional-field matcher, and a response matcher ignores extra keys).
//   The same goes for a field that is null in some samples and not in others (Pact cannot say
//   "X or null") and for one whose type differs across samples. A field null in every sample
//   stays a literal null.
// Examples are taken from the first sample, so put the representative sample first.
import type { MultiMap } from '../exchange/types.js';
import { idStrength } from '../stubs/path-template.js';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export type MatcherNode =
  | { match: 'literal'; value: Json }
  | { match: 'type'; example: Json }
  | { match: 'integer'; example: number }
  | { match: 'decimal'; example: number }
  | { match: 'number'; example: number }
  | { match: 'regex'; regex: string; example: string }
  | { match: 'datetime'; format: string; example: string }
  | { match: 'date'; format: string; example: string }
  | { match: 'eachLike'; min: number; item: MatcherNode }
  | { match: 'object'; fields: Record<string, MatcherNode> };

export const REGEX = {
  uuid: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$',
  prefixedId: '^[a-z][a-z0-9]*(?:_[a-z0-9]+)*_[A-Za-z0-9]+$',
  digits: '^[0-9]+$',
  token: '^[A-Za-z0-9]+$',
  email: '^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$',
  url: '^https?://\\S+$',
  isoDateTime: '^\\d{4}-\\d{2}-\\d{2}[T ]\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?(Z|[+-]\\d{2}:?\\d{2})?$',
} as const;

/** The matcher tree for `samples` (at least one), the first sample giving the examples. */
export function inferMatchers(samples: readonly Json[]): MatcherNode {
  if (samples.length === 0) throw new Error('inferMatchers needs at least one sample');
  return inferAt(samples) ?? fallback(samples);
}

/** Values that agree on nothing usable: a type match on the first sample, or a literal when all are equal. */
function fallback(samples: readonly Json[]): MatcherNode {
  const first = samples[0]!;
  const key = JSON.stringify(first);
  return samples.every((s) => JSON.stringify(s) === key) ? { match: 'literal', value: first } : { match: 'type', example: first };
}

type Kind = 'null' | 'boolean' | 'number' | 'string' | 'array' | 'object';

function kindOf(value: Json): Kind {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value as Kind;
}

/** undefined: the samples disagree on the kind of value, so nothing can be expected here. */
function inferAt(samples: readonly Json[]): MatcherNode | undefined {
  const kinds = new Set(samples.map(kindOf));
  if (kinds.size !== 1) return undefined;
  const kind = [...kinds][0]!;
  switch (kind) {
    case 'null':
      return { match: 'literal', value: null };
    case 'boolean':
      return allEqual(samples) ? { match: 'literal', value: samples[0]! } : { match: 'type', example: samples[0]! };
    case 'number':
      return inferNumbers(samples as number[]);
    case 'string':
      return inferStrings(samples as string[]);
    case 'array':
      return inferArrays(samples as Json[][]);
    case 'object':
      return inferObjects(samples as Record<string, Json>[]);
  }
}

function allEqual(samples: readonly (string | number | boolean)[] | readonly Json[]): boolean {
  return samples.every((s) => s === samples[0]);
}

function inferNumbers(samples: readonly number[]): MatcherNode {
  const example = samples[0]!;
  if (allEqual(samples)) return { match: 'literal', value: example };
  const integers = samples.filter((n) => Number.isInteger(n)).length;
  if (integers === samples.length) return { match: 'integer', example };
  if (integers === 0) return { match: 'decimal', example };
  return { match: 'number', example };
}

function inferArrays(samples: readonly Json[][]): MatcherNode {
  const items = samples.flat();
  if (items.length === 0) return { match: 'literal', value: [] };
  const item = inferAt(items) ?? fallback(items);
  return { match: 'eachLike', min: Math.min(...samples.map((s) => s.length)), item };
}

function inferObjects(samples: readonly Record<string, Json>[]): MatcherNode {
  const fields: Record<string, MatcherNode> = {};
  for (const key of Object.keys(samples[0]!)) {
    if (!samples.every((s) => Object.hasOwn(s, key))) continue;
    const node = inferAt(samples.map((s) => s[key]!));
    if (node) fields[key] = node;
  }
  return { match: 'object', fields };
}

// ---- strings ----

const ISO_DATE_TIME = /^(\d{4}-\d{2}-\d{2})([T ])(\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})?$/;
const ISO_LOOSE = new RegExp(REGEX.isoDateTime);
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const UUID = new RegExp(REGEX.uuid);
const TWILIO_SID = /^([A-Z]{2})[0-9a-fA-F]{32}$/;
const PREFIXED = /^([a-z][a-z0-9]*(?:_[a-z0-9]+)*)_[A-Za-z0-9]+$/;
const EMAIL = new RegExp(REGEX.email);
const URL_SHAPE = /^https?:\/\/[^\s/]+(\/\S*)?$/;

/**
 * The shape of one string: a key (equal keys = same matcher) and the matcher for it, or
 * undefined for a plain string.
 */
function shapeOf(value: string): { key: string; node: (example: string) => MatcherNode } | undefined {
  const dt = ISO_DATE_TIME.exec(value);
  if (dt) {
    const fraction = dt[4] !== undefined ? `.${'S'.repeat(dt[4].length)}` : '';
    const zone = dt[5] !== undefined ? 'XXX' : '';
    const format = `yyyy-MM-dd${dt[2] === 'T' ? "'T'" : ' '}HH:mm:ss${fraction}${zone}`;
    return { key: `datetime ${format}`, node: (example) => ({ match: 'datetime', format, example }) };
  }
  if (ISO_LOOSE.test(value)) return { key: 'iso', node: isoRegex };
  if (ISO_DATE.test(value)) return { key: 'date', node: (example) => ({ match: 'date', format: 'yyyy-MM-dd', example }) };
  if (URL_SHAPE.test(value)) return { key: 'url', node: (example) => ({ match: 'regex', regex: REGEX.url, example }) };
  if (idStrength(value) !== 'strong') return undefined;
  if (UUID.test(value)) return { key: 'uuid', node: (example) => ({ match: 'regex', regex: REGEX.uuid, example }) };
  if (EMAIL.test(value)) return { key: 'email', node: (example) => ({ match: 'regex', regex: REGEX.email, example }) };
  const sid = TWILIO_SID.exec(value);
  if (sid) {
    const regex = `^${sid[1]}[0-9a-fA-F]{32}$`;
    return { key: `sid ${sid[1]}`, node: (example) => ({ match: 'regex', regex, example }) };
  }
  const prefixed = PREFIXED.exec(value);
  if (prefixed) {
    const regex = `^${prefixed[1]}_[A-Za-z0-9]+$`;
    return { key: `prefixed ${prefixed[1]}`, node: (example) => ({ match: 'regex', regex, example }) };
  }
  if (/^\d+$/.test(value)) return { key: 'digits', node: (example) => ({ match: 'regex', regex: REGEX.digits, example }) };
  return { key: 'token', node: (example) => ({ match: 'regex', regex: REGEX.token, example }) };
}

function isoRegex(example: string): MatcherNode {
  return { match: 'regex', regex: REGEX.isoDateTime, example };
}

/** Widening when the samples' shapes differ but belong to one family. */
function commonFamily(keys: ReadonlySet<string>, example: string): MatcherNode | undefined {
  const all = (test: (key: string) => boolean): boolean => [...keys].every(test);
  if (all((k) => k.startsWith('datetime ') || k === 'iso')) return isoRegex(example);
  if (all((k) => k.startsWith('prefixed '))) return { match: 'regex', regex: REGEX.prefixedId, example };
  return undefined;
}

export function inferStrings(samples: readonly string[]): MatcherNode {
  const example = samples[0]!;
  const shapes = samples.map(shapeOf);
  if (shapes.every((s) => s !== undefined)) {
    const keys = new Set(shapes.map((s) => s!.key));
    if (keys.size === 1) return shapes[0]!.node(example);
    const family = commonFamily(keys, example);
    if (family) return family;
  }
  return allEqual(samples) ? { match: 'literal', value: example } : { match: 'type', example };
}

/**
 * Query or form parameters: one node per name every sample has (names in sorted order); a
 * repeated name is an array of values and gets an `eachLike`.
 */
export function inferParams(samples: readonly MultiMap[]): Record<string, MatcherNode> {
  if (samples.length === 0) throw new Error('inferParams needs at least one sample');
  const out: Record<string, MatcherNode> = {};
  for (const name of Object.keys(samples[0]!).sort()) {
    if (!samples.every((s) => s[name] !== undefined)) continue;
    const node = inferAt(samples.map((s) => s[name]!));
    if (node) out[name] = node;
  }
  return out;
}

/** `value` (a sample the tree was inferred from) without what the tree leaves out: the request to replay. */
export function restrictTo(value: Json, node: MatcherNode): Json {
  if (node.match === 'object' && value !== null && typeof value === 'object' && !Array.isArray(value)) {
    return Object.fromEntries(Object.entries(node.fields).map(([k, field]) => [k, restrictTo(value[k]!, field)]));
  }
  if (node.match === 'eachLike' && Array.isArray(value)) return value.map((v) => restrictTo(v, node.item));
  return value;
}
