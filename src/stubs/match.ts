// Which stub answers a request. Pure: compile a stub set once (templates parsed, regexes built,
// stubs bucketed by method and segment count, each bucket pre-sorted by precedence), then each
// match is a short scan of one bucket that stops at the first stub that fits.
//
// Precedence, in order: a path with literal segments where another has parameters wins
// (compared segment by segment from the left: literal > mixed like `{Sid}.json` > `{param}`),
// then lower `priority`, then more matchers (specificity), then stub order.
import { InputError } from '../errors.js';
import { bodyBytes, parseForm } from '../exchange/body.js';
import type { Body, MultiMap } from '../exchange/types.js';
import { DEFAULT_PRIORITY, type BodyMatcher, type Stub, type ValueMatcher } from './types.js';

export interface MatchRequest {
  /** Upper-case. */
  method: string;
  /** Without the query string, percent-encoding as sent. */
  path: string;
  query: MultiMap;
  /** Names lower-case. Give this or `rawHeaders`. */
  headers?: MultiMap | undefined;
  /**
   * Node's `rawHeaders` (`[name, value, …]`, names in any case), read in place of `headers` when
   * given: the embedded engine then never builds a header map just to match.
   */
  rawHeaders?: readonly string[] | undefined;
  body?: Body | undefined;
}

/** Why a stub did not match, e.g. `['method is POST, stub wants GET', 'query "limit" is missing']`. */
export interface NearMiss {
  stubId: string;
  reasons: string[];
}

export type MatchResult =
  | { stub: Stub; params: Record<string, string> }
  | { miss: true; near: NearMiss[] };

export interface CompiledStubs {
  readonly stubs: readonly Stub[];
  /** @internal method (or ANY) → segment count → stubs in precedence order. */
  readonly buckets: ReadonlyMap<string, (Bucket | undefined)[]>;
  /** @internal every stub in stub order, for near misses. */
  readonly all: readonly CompiledStub[];
}

// Ordered by precedence: a literal segment beats a mixed one beats a bare parameter.
const SegmentKind = { Literal: 0, Mixed: 1, Param: 2 } as const;

type Segment =
  | { kind: typeof SegmentKind.Literal; text: string }
  | { kind: typeof SegmentKind.Mixed; regex: RegExp; names: string[]; template: string }
  | { kind: typeof SegmentKind.Param; name: string };

/** One shape for every matcher kind, so the hot tests below stay monomorphic. */
interface CompiledValue {
  name: string;
  matcher: ValueMatcher;
  regex: RegExp | undefined;
  equals: string | undefined;
  /** `'present' in matcher` (then `present` is its value). */
  hasPresent: boolean;
  present: unknown;
}

interface CompiledStub {
  stub: Stub;
  order: number;
  method: string; // upper-case or ANY
  segments: Segment[];
  priority: number;
  specificity: number;
  query: CompiledValue[];
  headers: CompiledValue[];
  body: BodyMatcher | undefined;
  formFields: CompiledValue[];
  textValue: CompiledValue | undefined;
}

/**
 * The stubs of one method and segment count, in precedence order, plus an index on the segment
 * whose literal text tells them apart best: `byLiteral` maps that text to the sublist that can
 * match it (the stubs with that literal and every stub with a parameter there), still in
 * precedence order, so a match scans a handful of candidates instead of the whole bucket.
 */
interface Bucket {
  stubs: CompiledStub[];
  /** -1: no index (scan `stubs`). */
  at: number;
  byLiteral: Map<string, CompiledStub[]>;
  /** The stubs with a parameter at `at`: the candidates for a segment no literal names. */
  open: CompiledStub[];
}

const NEAR_MISSES = 3;

/** Parse templates and regexes once; throws InputError (naming the stub) on a malformed stub. */
export function compileStubs(stubs: readonly Stub[]): CompiledStubs {
  const seen = new Set<string>();
  const all = stubs.map((stub, order) => {
    if (seen.has(stub.id)) throw new InputError(`duplicate stub id "${stub.id}"`, { pointer: `/${order}/id` });
    seen.add(stub.id);
    return compileStub(stub, order);
  });
  const methods = new Set(all.map((c) => c.method));
  methods.add('ANY');
  const lists = new Map<string, (CompiledStub[] | undefined)[]>();
  for (const c of all) {
    const targets = c.method === 'ANY' ? [...methods] : [c.method];
    for (const method of targets) {
      let byCount = lists.get(method);
      if (byCount === undefined) lists.set(method, (byCount = []));
      (byCount[c.segments.length] ??= []).push(c);
    }
  }
  const buckets = new Map<string, (Bucket | undefined)[]>();
  for (const [method, byCount] of lists) buckets.set(method, byCount.map((list) => (list === undefined ? undefined : indexBucket(list.sort(precedence)))));
  return { stubs, buckets, all };
}

function indexBucket(stubs: CompiledStub[]): Bucket {
  // Index the segment with the most distinct literals; ties go to the leftmost.
  let at = -1;
  let best = 1;
  for (let i = 1; i < (stubs[0]?.segments.length ?? 0); i++) {
    const texts = new Set<string>();
    for (const c of stubs) {
      const t = c.segments[i]!;
      if (t.kind === SegmentKind.Literal) texts.add(t.text);
    }
    if (texts.size > best) [at, best] = [i, texts.size];
  }
  const byLiteral = new Map<string, CompiledStub[]>();
  if (at === -1) return { stubs, at, byLiteral, open: stubs };
  const literalAt = (c: CompiledStub) => {
    const t = c.segments[at]!;
    return t.kind === SegmentKind.Literal ? t.text : undefined;
  };
  const open = stubs.filter((c) => literalAt(c) === undefined);
  for (const c of stubs) {
    const text = literalAt(c);
    if (text !== undefined && !byLiteral.has(text)) byLiteral.set(text, stubs.filter((d) => literalAt(d) === undefined || literalAt(d) === text));
  }
  return { stubs, at, byLiteral, open };
}

function candidates(bucket: Bucket, segments: string[]): CompiledStub[] {
  if (bucket.at === -1) return bucket.stubs;
  const s = segments[bucket.at]!;
  // A percent-encoded segment may decode to a literal: scan everything (literalsFit decodes).
  if (s.includes('%')) return bucket.stubs;
  return bucket.byLiteral.get(s) ?? bucket.open;
}

const cache = new WeakMap<readonly Stub[], CompiledStubs>();

/** The stub that answers `request` and its path parameters, or the closest stubs and why they missed. */
export function matchStub(stubs: CompiledStubs | readonly Stub[], request: MatchRequest): MatchResult {
  let compiled: CompiledStubs;
  if (Array.isArray(stubs)) {
    const array = stubs as readonly Stub[];
    compiled = cache.get(array) ?? compileStubs(array);
    cache.set(array, compiled);
  } else compiled = stubs as CompiledStubs;

  const segments = splitPath(request.path);
  const bucket = compiled.buckets.get(request.method)?.[segments.length] ?? compiled.buckets.get('ANY')?.[segments.length];
  if (bucket !== undefined) {
    for (const c of candidates(bucket, segments)) {
      // Literal segments first: a cheap rejection for most candidates, with no allocation.
      if (!literalsFit(c.segments, segments)) continue;
      const params = matchPath(c.segments, segments);
      if (params !== undefined && matchesRest(c, request)) return { stub: c.stub, params };
    }
  }
  return { miss: true, near: nearMisses(compiled, request, segments) };
}

/** `path.split('/')`, a few times faster on fresh strings (V8's split is fast only on cached ones). */
function splitPath(path: string): string[] {
  const out: string[] = [];
  let start = 0;
  for (;;) {
    const slash = path.indexOf('/', start);
    if (slash === -1) {
      out.push(path.slice(start));
      return out;
    }
    out.push(path.slice(start, slash));
    start = slash + 1;
  }
}

// ---------------------------------------------------------------------------------------------
// Compiling

function compileStub(stub: Stub, order: number): CompiledStub {
  const where = (pointer: string) => ({ pointer: `/${order}${pointer}` });
  if (!Array.isArray(stub.replies) || stub.replies.length === 0) {
    throw new InputError(`stub "${stub.id}" has no replies`, where('/replies'));
  }
  const path = stub.request.path;
  if (typeof path !== 'string' || !path.startsWith('/')) {
    throw new InputError(`stub "${stub.id}" path must start with "/"`, where('/request/path'));
  }
  const value = (name: string, matcher: ValueMatcher, pointer: string): CompiledValue => {
    const hasPresent = 'present' in matcher;
    const present = hasPresent ? matcher.present : undefined;
    const equals = 'equals' in matcher ? matcher.equals : undefined;
    if ('matches' in matcher) {
      try {
        return { name, matcher, regex: new RegExp(`^(?:${matcher.matches})$`), equals, hasPresent, present };
      } catch (error) {
        throw new InputError(`stub "${stub.id}": bad regular expression: ${(error as Error).message}`, where(pointer));
      }
    }
    return { name, matcher, regex: undefined, equals, hasPresent, present };
  };
  const query = Object.entries(stub.request.query ?? {}).map(([k, m]) => value(k, m, `/request/query/${k}`));
  const headers = Object.entries(stub.request.headers ?? {}).map(([k, m]) => value(k.toLowerCase(), m, `/request/headers/${k}`));
  const body = stub.request.body;
  const formFields = body !== undefined && 'form' in body ? Object.entries(body.form).map(([k, m]) => value(k, m, `/request/body/form/${k}`)) : [];
  const textValue = body !== undefined && 'text' in body ? value('text', body.text, '/request/body/text') : undefined;
  const method = stub.request.method.toUpperCase();
  return {
    stub,
    order,
    method,
    segments: path.split('/').map(parseSegment),
    priority: stub.priority ?? DEFAULT_PRIORITY,
    specificity: (method === 'ANY' ? 0 : 1) + query.length + headers.length + bodyWeight(body),
    query,
    headers,
    body,
    formFields,
    textValue,
  };
}

const PARAM = /\{([^{}]+)\}/g;

function parseSegment(segment: string): Segment {
  const names = [...segment.matchAll(PARAM)].map((m) => m[1]!);
  if (names.length === 0) return { kind: SegmentKind.Literal, text: segment };
  if (names.length === 1 && segment === `{${names[0]}}`) return { kind: SegmentKind.Param, name: names[0]! };
  const source = segment
    .split(PARAM)
    // split with a capture group alternates literal, name, literal, …
    .map((part, i) => (i % 2 === 1 ? '(.+?)' : escapeRegExp(part)))
    .join('');
  return { kind: SegmentKind.Mixed, regex: new RegExp(`^${source}$`), names, template: segment };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function bodyWeight(body: BodyMatcher | undefined): number {
  if (body === undefined) return 0;
  if ('jsonSubset' in body) return Math.max(1, leaves(body.jsonSubset));
  if ('form' in body) return Math.max(1, Object.keys(body.form).length);
  return 1;
}

function leaves(value: unknown): number {
  if (value === null || typeof value !== 'object') return 1;
  let n = 0;
  for (const v of Object.values(value)) n += leaves(v);
  return n;
}

function precedence(a: CompiledStub, b: CompiledStub): number {
  const length = Math.min(a.segments.length, b.segments.length);
  for (let i = 0; i < length; i++) {
    const d = a.segments[i]!.kind - b.segments[i]!.kind;
    if (d !== 0) return d;
  }
  return a.priority - b.priority || b.specificity - a.specificity || a.order - b.order;
}

// ---------------------------------------------------------------------------------------------
// Matching (the hot path: no allocation beyond the params object)

function literalsFit(template: Segment[], segments: string[]): boolean {
  for (let i = 0; i < template.length; i++) {
    const t = template[i]!;
    if (t.kind === SegmentKind.Literal) {
      const s = segments[i]!;
      if (t.text !== s && (!s.includes('%') || t.text !== decode(s))) return false;
    }
  }
  return true;
}

function matchPath(template: Segment[], segments: string[]): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (let i = 0; i < template.length; i++) {
    const t = template[i]!;
    const s = segments[i]!;
    if (t.kind === SegmentKind.Literal) {
      if (t.text !== s && (!s.includes('%') || t.text !== decode(s))) return undefined;
    } else if (t.kind === SegmentKind.Param) {
      if (s === '') return undefined;
      params[t.name] = decode(s);
    } else {
      const m = t.regex.exec(decode(s));
      if (m === null) return undefined;
      t.names.forEach((name, j) => (params[name] = m[j + 1]!));
    }
  }
  return params;
}

function decode(segment: string): string {
  if (!segment.includes('%')) return segment;
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function matchesRest(c: CompiledStub, request: MatchRequest): boolean {
  for (const q of c.query) if (!testValue(q, request.query[q.name])) return false;
  for (const h of c.headers) if (!testValue(h, headerOf(request, h.name))) return false;
  return c.body === undefined || bodyReason(c, request.body) === undefined;
}

/** The value(s) of header `name` (lower-case), as a MultiMap holds them. */
function headerOf(request: MatchRequest, name: string): string | string[] | undefined {
  const raw = request.rawHeaders;
  if (raw === undefined) return request.headers?.[name];
  let found: string | string[] | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const n = raw[i]!;
    if (n.length !== name.length || (n !== name && n.toLowerCase() !== name)) continue;
    const value = raw[i + 1]!;
    if (found === undefined) found = value;
    else if (typeof found === 'string') found = [found, value];
    else found.push(value);
  }
  return found;
}

function testValue(v: CompiledValue, value: string | string[] | undefined): boolean {
  if (v.hasPresent) return v.present === (value !== undefined);
  if (value === undefined) return false;
  if (typeof value === 'string') return testOne(v, value);
  for (const x of value) if (testOne(v, x)) return true;
  return false;
}

function testOne(v: CompiledValue, value: string): boolean {
  return v.regex !== undefined ? v.regex.test(value) : v.equals !== undefined && v.equals === value;
}

/** Undefined when the body fits the stub's body matcher, else why not. */
function bodyReason(c: CompiledStub, body: Body | undefined): string | undefined {
  const matcher = c.body;
  if (matcher === undefined) return undefined;
  if ('jsonSubset' in matcher) {
    const json = bodyJson(body);
    if (json === undefined) return `body is not JSON, stub wants JSON fields`;
    return jsonDifference(matcher.jsonSubset, json.value, '');
  }
  if ('form' in matcher) {
    const form = bodyForm(body);
    if (form === undefined) return `body is not a form, stub wants form fields`;
    for (const f of c.formFields) {
      if (!testValue(f, form[f.name])) return valueReason('form field', f, form[f.name]);
    }
    return undefined;
  }
  const text = body === undefined ? undefined : 'text' in body ? body.text : bodyBytes(body).toString('utf8');
  return testValue(c.textValue!, text) ? undefined : valueReason('body', c.textValue!, text);
}

function bodyJson(body: Body | undefined): { value: unknown } | undefined {
  if (body === undefined) return undefined;
  if ('json' in body) return { value: body.json };
  if ('text' in body) {
    // A JSON body sent with the wrong content-type still counts as JSON.
    try {
      return { value: JSON.parse(body.text) };
    } catch {
      return undefined;
    }
  }
  return undefined;
}

function bodyForm(body: Body | undefined): MultiMap | undefined {
  if (body === undefined) return undefined;
  if ('form' in body) return body.form;
  if ('text' in body) return parseForm(body.text);
  return undefined;
}

/**
 * Deep subset: every field of `expected` is in `actual` with a fitting value; extra object fields
 * are allowed. Arrays must have the same length and fit element by element, in order (an array
 * in a stub says "this list", not "contains").
 */
function jsonDifference(expected: unknown, actual: unknown, pointer: string): string | undefined {
  const at = pointer === '' ? 'body' : `body field ${pointer}`;
  if (expected === null || typeof expected !== 'object') {
    return expected === actual ? undefined : `${at} is ${show(actual)}, stub wants ${show(expected)}`;
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return `${at} is ${show(actual)}, stub wants an array`;
    if (actual.length !== expected.length) return `${at} has ${actual.length} items, stub wants ${expected.length}`;
    for (let i = 0; i < expected.length; i++) {
      const reason = jsonDifference(expected[i], actual[i], `${pointer}/${i}`);
      if (reason !== undefined) return reason;
    }
    return undefined;
  }
  if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) return `${at} is ${show(actual)}, stub wants an object`;
  for (const [key, value] of Object.entries(expected)) {
    const child = `${pointer}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    if (!Object.hasOwn(actual, key)) return `body field ${child} is missing`;
    const reason = jsonDifference(value, (actual as Record<string, unknown>)[key], child);
    if (reason !== undefined) return reason;
  }
  return undefined;
}

function show(value: unknown): string {
  if (value === undefined) return 'absent';
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

// ---------------------------------------------------------------------------------------------
// Near misses: only computed on a miss, so clarity over speed.

function nearMisses(compiled: CompiledStubs, request: MatchRequest, segments: string[]): NearMiss[] {
  const scored = compiled.all.map((c) => {
    const { reasons, score } = explain(c, request, segments);
    return { c, reasons, score };
  });
  scored.sort((a, b) => a.score - b.score || precedence(a.c, b.c));
  return scored.slice(0, NEAR_MISSES).map(({ c, reasons }) => ({ stubId: c.stub.id, reasons }));
}

function explain(c: CompiledStub, request: MatchRequest, segments: string[]): { reasons: string[]; score: number } {
  const reasons: string[] = [];
  let score = 0;
  if (c.method !== 'ANY' && c.method !== request.method) {
    reasons.push(`method is ${request.method}, stub wants ${c.method}`);
    score += 2;
  }
  const pathReason = explainPath(c, request.path, segments);
  if (pathReason !== undefined) {
    reasons.push(pathReason.reason);
    score += 2 + pathReason.misfits;
  }
  for (const q of c.query) {
    if (!testValue(q, request.query[q.name])) {
      reasons.push(valueReason('query', q, request.query[q.name]));
      score += 1;
    }
  }
  for (const h of c.headers) {
    if (!testValue(h, headerOf(request, h.name))) {
      reasons.push(valueReason('header', h, headerOf(request, h.name)));
      score += 1;
    }
  }
  const body = bodyReason(c, request.body);
  if (body !== undefined) {
    reasons.push(body);
    score += 1;
  }
  return { reasons, score };
}

function explainPath(c: CompiledStub, path: string, segments: string[]): { reason: string; misfits: number } | undefined {
  const template = c.stub.request.path;
  if (c.segments.length !== segments.length) {
    return {
      reason: `path ${path} has ${segments.length - 1} segments, stub wants ${template} (${c.segments.length - 1})`,
      misfits: Math.abs(c.segments.length - segments.length) + countMisfits(c.segments, segments),
    };
  }
  if (matchPath(c.segments, segments) !== undefined) return undefined;
  const misfits = countMisfits(c.segments, segments);
  const first = c.segments.findIndex((t, i) => !segmentFits(t, segments[i]!));
  return { reason: `path ${path} does not fit ${template}: "${segments[first]}" is not "${segmentText(c.segments[first]!)}"`, misfits };
}

function countMisfits(template: Segment[], segments: string[]): number {
  let n = 0;
  for (let i = 0; i < Math.min(template.length, segments.length); i++) if (!segmentFits(template[i]!, segments[i]!)) n++;
  return n;
}

function segmentFits(t: Segment, s: string): boolean {
  return matchPath([t], [s]) !== undefined;
}

function segmentText(t: Segment): string {
  return t.kind === SegmentKind.Literal ? t.text : t.kind === SegmentKind.Param ? `{${t.name}}` : t.template;
}

function valueReason(what: string, v: CompiledValue, value: string | string[] | undefined): string {
  const name = what === 'body' ? 'body' : `${what} "${v.name}"`;
  const m = v.matcher;
  if ('present' in m) return m.present ? `${name} is missing` : `${name} is present, stub wants it absent`;
  if (value === undefined) return `${name} is missing`;
  const actual = show(value);
  if ('equals' in m) return `${name} is ${actual}, stub wants ${show(m.equals)}`;
  return `${name} is ${actual}, stub wants it to match /${m.matches}/`;
}
