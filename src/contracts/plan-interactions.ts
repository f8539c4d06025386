// Recordings deduplicated into Pact interactions (pure; generate-pact.ts executes them with pact-js).
//
// One interaction per (operation, method, response status): the operation is the spec's when a
// spec knows the request, else a path template inferred from the recorded paths. Every recording
// of the group is a sample for matcher inference; the most recent one is the representative: its
// values are the examples, and its request (less what the contract leaves out) is the one replayed
// against Pact's mock server.
//
// What an interaction says:
// - description: `GET /v1/customers/{customer} → 200`, plus ` (operationId)` when the spec has one;
// - provider states: `session <name>` of the representative recording, with its exchange id as
//   `params.exchange` (a state handler can look the recording up to seed data), then every tag all
//   the group's recordings carry (tags are written by people, so they make good state names);
// - request: method; the concrete path, with a regex on the template when it has parameters;
//   query parameters every sample has, with inferred matchers; the body (JSON or form) with
//   inferred matchers; headers: the body's content type, and the *presence* of `authorization`
//   and `idempotency-key` when every sample sent them (regex `.+`, a placeholder example — never a
//   recorded value). Other headers are the connector's business, not the partner's contract;
// - response: status; content type; a JSON body with inferred matchers. A non-JSON body is
//   expected only through its content type.
import { isJsonMediaType, mediaType } from '../exchange/body.js';
import type { Exchange, ExchangeResponse, MultiMap } from '../exchange/types.js';
import { isFailure } from '../exchange/types.js';
import { inferTemplates } from '../stubs/path-template.js';
import type { Json, MatcherNode } from './infer-matchers.js';
import { inferMatchers, inferParams, restrictTo } from './infer-matchers.js';

export interface ProviderState {
  name: string;
  params?: Record<string, string>;
}

export type PlannedBody =
  | { kind: 'json'; mediaType: string; node: MatcherNode; replay: string }
  | { kind: 'form'; node: Record<string, MatcherNode>; replay: string }
  /** Neither JSON nor a form: expected through its content type only; replayed as recorded. */
  | { kind: 'other'; mediaType: string; replay: Buffer };

export interface InteractionPlan {
  description: string;
  providerStates: ProviderState[];
  /** Ids of the recordings behind it, the representative first. */
  exchanges: string[];
  request: {
    method: string;
    path: string;
    /** Set when the template has parameters. */
    pathRegex?: string;
    query: Record<string, MatcherNode>;
    /** The representative's values for the expected query parameters, to replay. */
    replayQuery: MultiMap;
    /** Header name → placeholder example; matched on presence only. */
    presentHeaders: Record<string, string>;
    body?: PlannedBody;
  };
  response: { status: number; contentType?: string; body?: MatcherNode; bodyMediaType?: string };
}

export interface ResolvedTemplate {
  /** The path template as the request spells it (base path included). */
  template: string;
  operationId?: string;
}

export interface PlanOptions {
  /** The spec's operation for a request, when there is a spec. */
  resolve?: (method: string, path: string) => ResolvedTemplate | undefined;
}

export interface Recording {
  session: string;
  exchange: Exchange;
}

type Answered = Recording & { exchange: Exchange & { response: ExchangeResponse } };

export interface Plan {
  interactions: InteractionPlan[];
  /** Recordings used. */
  used: number;
  skipped: { failed: number; inbound: number };
}

export function planInteractions(recordings: readonly Recording[], options: PlanOptions = {}): Plan {
  const answered: Answered[] = [];
  let failed = 0;
  let inbound = 0;
  for (const r of recordings) {
    if (r.exchange.direction !== 'outbound') inbound++;
    else if (isFailure(r.exchange.response)) failed++;
    else answered.push(r as Answered);
  }
  const located = new Map<Answered, ResolvedTemplate>();
  const unresolved: Answered[] = [];
  for (const r of answered) {
    const found = options.resolve?.(r.exchange.request.method, r.exchange.request.path);
    if (found) located.set(r, found);
    else unresolved.push(r);
  }
  const inferred = inferTemplates(unresolved.map((r) => r.exchange.request.path));
  for (const r of unresolved) located.set(r, { template: inferred.get(r.exchange.request.path)! });

  const groups = new Map<string, { method: string; located: ResolvedTemplate; status: number; members: Answered[] }>();
  for (const r of answered) {
    const where = located.get(r)!;
    const method = r.exchange.request.method.toUpperCase();
    const status = r.exchange.response.status;
    const key = `${where.template}\u0000${method}\u0000${String(status).padStart(3, '0')}`;
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { method, located: where, status, members: [] }));
    group.members.push(r);
  }

  const used = new Set<string>();
  const interactions = [...groups.keys()].sort(compareStrings).map((key) => {
    const g = groups.get(key)!;
    const members = [...g.members].sort(latestFirst);
    const base = `${g.method} ${g.located.template} → ${g.status}${g.located.operationId !== undefined ? ` (${g.located.operationId})` : ''}`;
    let description = base;
    for (let n = 2; used.has(description); n++) description = `${base} #${n}`;
    used.add(description);
    return planGroup(description, g.method, g.located.template, members);
  });
  return { interactions, used: answered.length, skipped: { failed, inbound } };
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function latestFirst(a: Recording, b: Recording): number {
  const ta = Date.parse(a.exchange.recordedAt);
  const tb = Date.parse(b.exchange.recordedAt);
  if (ta !== tb && !Number.isNaN(ta) && !Number.isNaN(tb)) return tb - ta;
  return compareStrings(b.exchange.recordedAt, a.exchange.recordedAt) || compareStrings(a.exchange.id, b.exchange.id);
}

function planGroup(description: string, method: string, template: string, members: Answered[]): InteractionPlan {
  const rep = members[0]!;
  const requests = members.map((m) => m.exchange.request);
  const query = inferParams(requests.map((r) => r.query));
  const replayQuery: MultiMap = {};
  for (const name of Object.keys(query)) replayQuery[name] = rep.exchange.request.query[name]!;

  const presentHeaders: Record<string, string> = {};
  const auth = requests.map((r) => first(r.headers.authorization));
  if (auth.every((v) => v !== undefined)) presentHeaders.authorization = authPlaceholder(auth[0]!);
  if (requests.every((r) => r.headers['idempotency-key'] !== undefined)) presentHeaders['idempotency-key'] = '<idempotency-key>';

  const requestBody = planRequestBody(members);
  const response = planResponse(members);
  const tags = (rep.exchange.tags ?? []).filter((tag) => members.every((m) => m.exchange.tags?.includes(tag)));
  return {
    description,
    providerStates: [
      { name: `session ${rep.session}`, params: { exchange: rep.exchange.id } },
      ...[...new Set(tags)].map((name) => ({ name })),
    ],
    exchanges: members.map((m) => m.exchange.id),
    request: {
      method,
      path: rep.exchange.request.path,
      ...(template.includes('{') ? { pathRegex: templateRegex(template) } : {}),
      query,
      replayQuery,
      presentHeaders,
      ...(requestBody ? { body: requestBody } : {}),
    },
    response,
  };
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** `Bearer <token>` for a bearer token, `<credentials>` when the scheme is not recognisable. */
function authPlaceholder(recorded: string): string {
  const scheme = /^(Bearer|Basic|Token|Bot|Digest)\s/i.exec(recorded)?.[1];
  return scheme !== undefined ? `${scheme} <token>` : '<credentials>';
}

/** `^/v1/customers/[^/]+$` for `/v1/customers/{customer}`. */
export function templateRegex(template: string): string {
  return `^${template
    .split(/\{[^}/]+\}/)
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('[^/]+')}$`;
}

function bodyMediaType(headers: MultiMap): string {
  return mediaType(first(headers['content-type']));
}

function planRequestBody(members: Answered[]): PlannedBody | undefined {
  const repBody = members[0]!.exchange.request.body;
  if (repBody === undefined || 'omitted' in repBody) return undefined;
  if ('json' in repBody) {
    const samples = members.flatMap((m) => (m.exchange.request.body && 'json' in m.exchange.request.body ? [m.exchange.request.body.json as Json] : []));
    const node = inferMatchers(samples);
    const type = bodyMediaType(members[0]!.exchange.request.headers);
    return { kind: 'json', mediaType: isJsonMediaType(type) ? type : 'application/json', node, replay: JSON.stringify(restrictTo(samples[0]!, node)) };
  }
  if ('form' in repBody) {
    const samples = members.flatMap((m) => (m.exchange.request.body && 'form' in m.exchange.request.body ? [m.exchange.request.body.form] : []));
    const node = inferParams(samples);
    const params = new URLSearchParams();
    for (const name of Object.keys(node)) {
      const value = repBody.form[name]!;
      for (const v of Array.isArray(value) ? value : [value]) params.append(name, v);
    }
    return { kind: 'form', node, replay: params.toString() };
  }
  const type = 'base64' in repBody ? mediaType(repBody.contentType) : bodyMediaType(members[0]!.exchange.request.headers) || 'text/plain';
  return { kind: 'other', mediaType: type, replay: 'base64' in repBody ? Buffer.from(repBody.base64, 'base64') : Buffer.from(repBody.text, 'utf8') };
}

function planResponse(members: Answered[]): InteractionPlan['response'] {
  const rep = members[0]!.exchange.response;
  const status = rep.status;
  const type = bodyMediaType(rep.headers);
  if (rep.body !== undefined && 'json' in rep.body) {
    const samples = members.flatMap((m) => (m.exchange.response.body && 'json' in m.exchange.response.body ? [m.exchange.response.body.json as Json] : []));
    return { status, body: inferMatchers(samples), bodyMediaType: isJsonMediaType(type) ? type : 'application/json' };
  }
  return type !== '' ? { status, contentType: type } : { status };
}
