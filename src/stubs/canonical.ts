// Deterministic form of a stub set: a fixed field order, sorted matcher maps and a fixed stub
// order, so regenerating stubs from the same recordings makes no diff. Recorded JSON bodies keep
// the partner's key order (that is what was recorded); matchers we build ourselves are key-sorted.
import { canonicalBody, sortDeep, sortedMap } from '../exchange/canonical.js';
import type { BodyMatcher, Reply, Stub, StubRequest, ValueMatcher } from './types.js';
import { DEFAULT_PRIORITY, isFault } from './types.js';

function valueMatcher(m: ValueMatcher): ValueMatcher {
  if ('equals' in m) return { equals: m.equals };
  if ('matches' in m) return { matches: m.matches };
  return { present: m.present };
}

function matcherMap(map: Record<string, ValueMatcher>): Record<string, ValueMatcher> {
  const out: Record<string, ValueMatcher> = {};
  for (const key of Object.keys(map).sort()) out[key] = valueMatcher(map[key]!);
  return out;
}

function bodyMatcher(m: BodyMatcher): BodyMatcher {
  if ('jsonSubset' in m) return { jsonSubset: sortDeep(m.jsonSubset) };
  if ('form' in m) return { form: matcherMap(m.form) };
  return { text: valueMatcher(m.text) };
}

function request(r: StubRequest): StubRequest {
  return {
    method: r.method,
    path: r.path,
    ...(r.query !== undefined ? { query: matcherMap(r.query) } : {}),
    ...(r.headers !== undefined ? { headers: matcherMap(r.headers) } : {}),
    ...(r.body !== undefined ? { body: bodyMatcher(r.body) } : {}),
  };
}

function reply(r: Reply): Reply {
  if (isFault(r)) return { fault: r.fault, ...(r.delayMs !== undefined ? { delayMs: r.delayMs } : {}) };
  return {
    status: r.status,
    ...(r.headers !== undefined ? { headers: sortedMap(r.headers) } : {}),
    ...(r.dateHeaders !== undefined ? { dateHeaders: Object.fromEntries(Object.entries(r.dateHeaders).sort(([a], [b]) => compare(a, b))) } : {}),
    ...(r.body !== undefined ? { body: canonicalBody(r.body) } : {}),
    ...(r.delayMs !== undefined ? { delayMs: r.delayMs } : {}),
    ...(r.echo !== undefined ? { echo: r.echo.map((e) => ({ from: e.from, to: e.to })) } : {}),
  };
}

/** One stub rebuilt in canonical field order (a new object; the input is untouched). */
export function canonicalStub(s: Stub): Stub {
  return {
    id: s.id,
    ...(s.priority !== undefined ? { priority: s.priority } : {}),
    ...(s.operation !== undefined ? { operation: s.operation } : {}),
    request: request(s.request),
    replies: s.replies.map(reply),
    ...(s.source !== undefined ? { source: [...s.source] } : {}),
  };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The order stubs are written in: by path (a literal sorts before `{param}` at the same place),
 * then method, then priority (the one that wins first), then id.
 */
export function compareStubs(a: Stub, b: Stub): number {
  return (
    compare(a.request.path, b.request.path) ||
    compare(a.request.method, b.request.method) ||
    (a.priority ?? DEFAULT_PRIORITY) - (b.priority ?? DEFAULT_PRIORITY) ||
    compare(a.id, b.id)
  );
}

/** The stub set in canonical order and field order. */
export function canonicalStubs(stubs: readonly Stub[]): Stub[] {
  return stubs.map(canonicalStub).sort(compareStubs);
}

/** The stub set as it is written to disk: canonical, 2-space JSON, trailing newline. */
export function serializeStubs(stubs: readonly Stub[]): string {
  return `${JSON.stringify(canonicalStubs(stubs), null, 2)}\n`;
}

