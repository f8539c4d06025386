// Stubs derived from recorded exchanges, so a mock replays what the partner said.
//
// Grouping: by (method, path template) — the operation's template when a spec resolver knows the
// request, else a template inferred from the recorded paths (path-template.ts).
//
// Inside a group, one *concrete* stub per distinct request, matched exactly on its recorded path
// (a literal path) and on what tells its recordings apart:
// - query: a value the same in every recording of that path is matched `equals`; a value that
//   changes every call (all recordings differ and it is not a small number, a word or an email;
//   or it looks like a timestamp; or a cursor/nonce-named key that varies) is matched
//   `present: true`; a key some recordings lack is matched `present: false` where it is absent;
// - body (any method that sends one, in practice the writes): only the fields that differ
//   between the recordings of that path (`jsonSubset` / `form`), minus volatile ones
//   (timestamp-looking values, `*_at`/nonce/idempotency-named fields, UUIDs new on every call),
//   so a re-run with a fresh timestamp still matches. A JSON field present in some recordings
//   only cannot be matched as absent; the stubs that have it win by priority instead (one step
//   lower number per such field);
// - headers are never matched: auth is redacted and idempotency keys change per call, so a
//   header difference is not a reliable way to tell recordings apart. Requests differing only
//   in headers become a sequence.
// Identical requests keep their responses as a sequence in recorded order (trailing repeats
// dropped, since the last reply repeats anyway), so every recorded request gets its recorded
// response when replayed in order.
//
// Then, unless one concrete stub already covers the whole template loosely, a *fallback* stub on
// the template (priority FALLBACK_PRIORITY, no query/body matchers) answers requests never
// recorded — unseen ids, new create bodies — with the most recent 2xx response of the group (the
// most recent response when there is no 2xx), plus `echo` entries for path parameters and request
// body fields the recorded 2xx responses consistently contain.
//
// Replies: status, headers without hop-by-hop ones, `content-length`, `content-encoding` (bodies
// are stored decoded) and `date`; the body as stored, redaction placeholders included. An
// exchange whose partner never answered (`{ error }`: refused, reset, timeout…) becomes a `reset`
// fault: the connector sees a failed connection, as close to every such error as one fault gets.
//
// Inbound exchanges (webhook deliveries) are not requests to the partner and are skipped.
import { createHash } from 'node:crypto';
import { stableStringify } from '../exchange/canonical.js';
import type { Body, Exchange, MultiMap, MultiValue } from '../exchange/types.js';
import { isFailure } from '../exchange/types.js';
import { canonicalStubs } from './canonical.js';
import { extractParams, inferTemplates, templateParams } from './path-template.js';
import type { BodyMatcher, Echo, Reply, Stub, StubRequest, ValueMatcher } from './types.js';
import { isFault } from './types.js';
import { requestResolver } from '../spec/request-template.js';
import type { LoadedSpec } from '../spec/types.js';

export interface ResolvedOperation {
  id: string;
  pathTemplate: string;
}

export interface StubsFromExchangesOptions {
  /** The spec's operation for a concrete request, when there is a spec. */
  resolveOperation?: (method: string, path: string) => ResolvedOperation | undefined;
  /** Or the spec itself: requests are resolved against its operations (templates as the requests spell them). */
  spec?: LoadedSpec;
}

/** Concrete stubs start here; lower numbers win. */
export const CONCRETE_PRIORITY = 5;
/** Template fallbacks: below every concrete stub, above nothing. */
export const FALLBACK_PRIORITY = 7;

const DROPPED_RESPONSE_HEADERS = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'content-length',
  'content-encoding',
  'date',
]);

interface Group {
  method: string;
  template: string;
  operation?: string;
  exchanges: Exchange[];
}

/** A spec's operations as a resolver: the operation id, and the template as the request spells it. */
function specResolver(spec: LoadedSpec | undefined): StubsFromExchangesOptions['resolveOperation'] {
  if (spec === undefined) return undefined;
  const resolve = requestResolver(spec);
  return (method, path) => {
    const found = resolve(method, path);
    return found === undefined ? undefined : { id: found.operation.id, pathTemplate: found.template };
  };
}

/** Stubs replaying `exchanges`; pure and deterministic (input order does not matter). */
export function stubsFromExchanges(exchanges: readonly Exchange[], options: StubsFromExchangesOptions = {}): Stub[] {
  const ordered = exchanges.filter((e) => e.direction === 'outbound').sort(byRecorded);
  const located = new Map<Exchange, { template: string; operation?: string }>();
  const unresolved: Exchange[] = [];
  const resolve = options.resolveOperation ?? specResolver(options.spec);
  for (const e of ordered) {
    const op = resolve?.(e.request.method, e.request.path);
    if (op) located.set(e, { template: op.pathTemplate, operation: `${e.request.method} ${op.pathTemplate}` });
    else unresolved.push(e);
  }
  const inferred = inferTemplates(unresolved.map((e) => e.request.path));
  for (const e of unresolved) located.set(e, { template: inferred.get(e.request.path)! });

  const groups = new Map<string, Group>();
  for (const e of ordered) {
    const { template, operation } = located.get(e)!;
    const key = `${e.request.method} ${template}`;
    let group = groups.get(key);
    if (!group) {
      group = { method: e.request.method, template, ...(operation !== undefined ? { operation } : {}), exchanges: [] };
      groups.set(key, group);
    }
    group.exchanges.push(e);
  }

  const stubs: Stub[] = [];
  const ids = new Set<string>();
  for (const key of [...groups.keys()].sort()) {
    for (const draft of groupStubs(groups.get(key)!)) {
      stubs.push({ ...draft.stub, id: uniqueId(stubId(draft.group, draft.kind, draft.stub.request), ids) });
    }
  }
  return canonicalStubs(stubs);
}

function byRecorded(a: Exchange, b: Exchange): number {
  const ta = Date.parse(a.recordedAt);
  const tb = Date.parse(b.recordedAt);
  if (ta !== tb && !Number.isNaN(ta) && !Number.isNaN(tb)) return ta - tb;
  return a.recordedAt < b.recordedAt ? -1 : a.recordedAt > b.recordedAt ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

interface Draft {
  group: Group;
  kind: 'concrete' | 'fallback';
  stub: Omit<Stub, 'id'>;
}

function groupStubs(group: Group): Draft[] {
  const byPath = new Map<string, Exchange[]>();
  for (const e of group.exchanges) {
    const members = byPath.get(e.request.path);
    if (members) members.push(e);
    else byPath.set(e.request.path, [e]);
  }
  const drafts: Draft[] = [];
  const common = {
    ...(group.operation !== undefined ? { operation: group.operation } : {}),
  };
  for (const path of [...byPath.keys()].sort()) {
    const members = byPath.get(path)!;
    const queries = queryMatchers(members);
    const bodies = bodyMatchers(members);
    const partitions = new Map<string, { request: StubRequest; rank: number; members: Exchange[] }>();
    members.forEach((e, i) => {
      const query = queries[i];
      const body = bodies[i]!;
      const request: StubRequest = {
        method: group.method,
        path,
        ...(query !== undefined ? { query } : {}),
        ...(body.matcher !== undefined ? { body: body.matcher } : {}),
      };
      const key = stableStringify(request);
      const partition = partitions.get(key);
      if (partition) partition.members.push(e);
      else partitions.set(key, { request, rank: body.rank, members: [e] });
    });
    for (const p of partitions.values()) {
      const priority = Math.max(1, CONCRETE_PRIORITY - p.rank);
      drafts.push({
        group,
        kind: 'concrete',
        stub: {
          ...(priority !== CONCRETE_PRIORITY ? { priority } : {}),
          ...common,
          request: p.request,
          replies: replySequence(p.members),
          source: p.members.map((e) => e.id),
        },
      });
    }
  }
  const only = drafts.length === 1 ? drafts[0]!.stub.request : undefined;
  const coveredLoosely = only !== undefined && only.path === group.template && !only.query && !only.body;
  if (!coveredLoosely) drafts.push(fallback(group, common));
  return drafts;
}

function fallback(group: Group, common: { operation?: string }): Draft {
  const is2xx = (e: Exchange): boolean => !isFailure(e.response) && e.response.status >= 200 && e.response.status < 300;
  const all = group.exchanges;
  const chosen = [...all].reverse().find(is2xx) ?? all[all.length - 1]!;
  const reply = toReply(chosen);
  const echo = isFault(reply) ? [] : detectEchoes(group, all.filter(is2xx), chosen);
  return {
    group,
    kind: 'fallback',
    stub: {
      priority: FALLBACK_PRIORITY,
      ...common,
      request: { method: group.method, path: group.template },
      replies: [echo.length > 0 ? { ...reply, echo } : reply],
      source: [chosen.id],
    },
  };
}

// ---- replies ----

function toReply(e: Exchange): Reply {
  if (isFailure(e.response)) return { fault: 'reset' };
  const headers: MultiMap = {};
  for (const [name, value] of Object.entries(e.response.headers)) {
    if (!DROPPED_RESPONSE_HEADERS.has(name.toLowerCase())) headers[name] = value;
  }
  return {
    status: e.response.status,
    ...(Object.keys(headers).length > 0 ? { headers } : {}),
    ...(e.response.body !== undefined ? { body: e.response.body } : {}),
  };
}

function replySequence(members: Exchange[]): Reply[] {
  const replies = members.map(toReply);
  const keys = replies.map((r) => stableStringify(r));
  while (replies.length > 1 && keys[keys.length - 1] === keys[keys.length - 2]) {
    replies.pop();
    keys.pop();
  }
  return replies;
}

// ---- volatility ----

const TIMESTAMP = /^(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}.*|1\d{9}(\.\d+)?|1\d{12})$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const VOLATILE_QUERY_NAME =
  /^(cursor|page_?token|next_?page_?token|continuation_?token|starting_after|ending_before|after|before|since|until|timestamp|ts|t|_|nonce|cache_?buster)$/i;
const VOLATILE_BODY_NAME = /(timestamp|nonce|idempotency|request_?id|^ts$|_at$|[a-z]At$|^date$|^time$)/;

function looksLikeTimestamp(value: unknown): boolean {
  return (typeof value === 'string' || typeof value === 'number') && TIMESTAMP.test(String(value));
}

/** Values that repeat in nature (page numbers, enum words, emails): never loose merely for differing. */
function stableKind(value: string): boolean {
  return /^-?\d{1,4}$/.test(value) || /^[A-Za-z_.-]{1,32}$/.test(value) || EMAIL.test(value);
}

function first(value: MultiValue | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

// ---- query ----

function queryMatchers(members: Exchange[]): (Record<string, ValueMatcher> | undefined)[] {
  const keys = [...new Set(members.flatMap((e) => Object.keys(e.request.query)))].sort();
  const out = members.map((): Record<string, ValueMatcher> => ({}));
  for (const key of keys) {
    const values = members.map((e) => first(e.request.query[key]));
    const present = values.filter((v): v is string => v !== undefined);
    const distinct = new Set(present).size;
    const volatile =
      present.some(looksLikeTimestamp) ||
      (VOLATILE_QUERY_NAME.test(key) && distinct > 1) ||
      (present.length >= 2 && distinct === present.length && !present.every(stableKind));
    const someAbsent = present.length < members.length;
    values.forEach((v, i) => {
      if (v === undefined) {
        if (someAbsent) out[i]![key] = { present: false };
      } else out[i]![key] = volatile ? { present: true } : { equals: v };
    });
  }
  return out.map((m) => (Object.keys(m).length > 0 ? m : undefined));
}

// ---- body ----

type BodyKind = 'json' | 'form' | 'text' | 'binary';

function bodyKind(body: Body | undefined): BodyKind | undefined {
  if (body === undefined) return undefined;
  if ('json' in body) return 'json';
  if ('form' in body) return 'form';
  if ('text' in body) return 'text';
  return 'binary';
}

function escapePointer(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

function unescapePointer(token: string): string {
  return token.replace(/~1/g, '/').replace(/~0/g, '~');
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Leaves of a JSON value by pointer: objects are walked, arrays and scalars are leaves. */
function jsonLeaves(value: unknown, prefix = '', out = new Map<string, unknown>()): Map<string, unknown> {
  if (isPlainObject(value) && (Object.keys(value).length > 0 || prefix === '')) {
    for (const [k, v] of Object.entries(value)) jsonLeaves(v, `${prefix}/${escapePointer(k)}`, out);
  } else out.set(prefix, value);
  return out;
}

function bodyLeaves(body: Body | undefined): Map<string, unknown> {
  if (body === undefined) return new Map();
  if ('json' in body) return jsonLeaves(body.json);
  if ('form' in body) return new Map(Object.entries(body.form).map(([k, v]) => [`/${escapePointer(k)}`, first(v)]));
  if ('text' in body) return new Map([['', body.text]]);
  return new Map(); // binary or omitted: nothing to compare field by field
}

function setAtPointer(target: Record<string, unknown>, pointer: string, value: unknown): void {
  const tokens = pointer.split('/').slice(1).map(unescapePointer);
  let node = target;
  tokens.forEach((token, i) => {
    if (i === tokens.length - 1) node[token] = value;
    else {
      if (!isPlainObject(node[token])) node[token] = {};
      node = node[token] as Record<string, unknown>;
    }
  });
}

function lastToken(pointer: string): string {
  const tokens = pointer.split(/[/[\]]/).filter((t) => t !== '');
  return unescapePointer(tokens[tokens.length - 1] ?? '');
}

function bodyMatchers(members: Exchange[]): { matcher?: BodyMatcher; rank: number }[] {
  const none = members.map(() => ({ rank: 0 }));
  const kinds = new Set(members.map((e) => bodyKind(e.request.body)).filter((k) => k !== undefined));
  if (kinds.size !== 1) return none; // no bodies, or bodies of different kinds: nothing to tell apart by
  const kind = [...kinds][0]!;
  if (kind === 'binary') return none;
  const leaves = members.map((e) => bodyLeaves(e.request.body));
  const pointers = [...new Set(leaves.flatMap((l) => [...l.keys()]))].sort();
  const distinguishing: string[] = [];
  for (const pointer of pointers) {
    const values = leaves.map((l) => (l.has(pointer) ? stableStringify(l.get(pointer)) : undefined));
    if (values.every((v) => v === values[0])) continue;
    const raw = leaves.map((l) => l.get(pointer));
    const allUuids = raw.every((v) => typeof v === 'string' && UUID.test(v)) && new Set(values).size === values.length;
    const volatile = raw.some(looksLikeTimestamp) || VOLATILE_BODY_NAME.test(lastToken(pointer)) || allUuids;
    if (!volatile) distinguishing.push(pointer);
  }
  if (distinguishing.length === 0) return none;
  const sometimesAbsent = new Set(distinguishing.filter((p) => leaves.some((l) => !l.has(p))));
  return leaves.map((l) => {
    if (kind === 'text') return { matcher: { text: { equals: String(l.get('') ?? '') } }, rank: 0 };
    if (kind === 'form') {
      const form: Record<string, ValueMatcher> = {};
      for (const p of distinguishing) {
        const v = l.get(p);
        form[unescapePointer(p.slice(1))] = v === undefined ? { present: false } : { equals: String(v) };
      }
      return { matcher: { form }, rank: 0 };
    }
    // A body that is not an object (an array, a scalar) is one leaf at '' and matched whole.
    if (l.has('')) return distinguishing.includes('') ? { matcher: { jsonSubset: l.get('') }, rank: 0 } : { rank: 0 };
    const subset: Record<string, unknown> = {};
    let rank = 0;
    for (const p of distinguishing) {
      if (p === '' || !l.has(p)) continue;
      setAtPointer(subset, p, l.get(p));
      if (sometimesAbsent.has(p)) rank++;
    }
    return Object.keys(subset).length > 0 ? { matcher: { jsonSubset: subset }, rank } : { rank };
  });
}

// ---- echo ----

/** Pointers (through objects only, a few levels deep) where `json` holds exactly `value`. */
function pointersOf(json: unknown, value: string, prefix = '', depth = 0, out: string[] = []): string[] {
  if (typeof json === 'string' && json === value && prefix !== '') out.push(prefix);
  else if (isPlainObject(json) && depth < 4) {
    for (const [k, v] of Object.entries(json)) pointersOf(v, value, `${prefix}/${escapePointer(k)}`, depth + 1, out);
  }
  return out;
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function responseJson(e: Exchange): unknown {
  if (isFailure(e.response) || e.response.body === undefined || !('json' in e.response.body)) return undefined;
  return e.response.body.json;
}

/**
 * Echoes the recorded 2xx responses agree on: a path parameter, or a request body field (a string
 * of 2+ characters, so a stray `"a"` does not count), found at the same response pointer in every one.
 */
function detectEchoes(group: Group, successes: Exchange[], chosen: Exchange): Echo[] {
  const candidates = successes.filter((e) => responseJson(e) !== undefined);
  if (!candidates.includes(chosen)) return [];
  const echoes = new Map<string, string>(); // to → from
  const agree = (valueOf: (e: Exchange) => string | undefined, minLength: number): string[] => {
    let common: string[] | undefined;
    for (const e of candidates) {
      const value = valueOf(e);
      if (value === undefined || value.length < minLength) return [];
      const found = pointersOf(responseJson(e), value);
      common = common === undefined ? found : common.filter((p) => found.includes(p));
      if (common.length === 0) return [];
    }
    return (common ?? []).sort();
  };
  for (const name of templateParams(group.template)) {
    for (const to of agree((e) => {
      const raw = extractParams(group.template, e.request.path)?.[name];
      return raw === undefined ? undefined : decode(raw);
    }, 1)) {
      if (!echoes.has(to)) echoes.set(to, `path.${name}`);
    }
  }
  const fieldsOf = (e: Exchange): Map<string, unknown> => {
    return bodyLeaves(e.request.body);
  };
  const fields = [...fieldsOf(chosen).keys()].filter((p) => p !== '').sort();
  for (const field of fields) {
    for (const to of agree((e) => {
      const v = fieldsOf(e).get(field);
      return typeof v === 'string' ? v : undefined;
    }, 2)) {
      if (!echoes.has(to)) echoes.set(to, `body${field}`);
    }
  }
  return [...echoes.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([to, from]) => ({ from, to }));
}

// ---- ids ----

function stubId(group: Group, kind: Draft['kind'], request: StubRequest): string {
  const slug =
    group.template
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60)
      .replace(/-+$/, '') || 'root';
  const hash = createHash('sha256').update(stableStringify({ kind, request })).digest('hex').slice(0, 6);
  return `${group.method.toLowerCase()}-${slug}-${hash}`;
}

function uniqueId(id: string, used: Set<string>): string {
  let candidate = id;
  for (let n = 2; used.has(candidate); n++) candidate = `${id}-${n}`;
  used.add(candidate);
  return candidate;
}
