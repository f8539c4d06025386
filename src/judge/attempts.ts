// What the rules share: how an answer is classed, how requests group into logical calls ("attempt
// chains": a first try and its retries), and how long an answer asked the client to wait.
import { isJsonMediaType, mediaType } from '../exchange/body.js';
import { sortDeep } from '../exchange/canonical.js';
import type { Body, MultiMap } from '../exchange/types.js';
import type { ObservedRequest, ObservedResponse } from './types.js';

/**
 * - `success`: 1xx–3xx
 * - `transient`: worth retrying — a network fault (a hang included), 408, 429, 5xx, and a 2xx
 *   whose JSON body does not parse (the client got nothing it could use)
 * - `unauthorized`: 401, worth one retry after a token refresh
 * - `permanent`: any other 4xx, a miss included
 */
export type AnswerClass = 'success' | 'transient' | 'unauthorized' | 'permanent';

export function classify(response: ObservedResponse): AnswerClass {
  if ('fault' in response) return 'transient';
  if ('miss' in response) return 'permanent';
  const { status } = response;
  if (status === 401) return 'unauthorized';
  if (status === 408 || status === 429 || status >= 500) return 'transient';
  if (status >= 400) return 'permanent';
  return malformedJson(response) ? 'transient' : 'success';
}

function malformedJson(response: { headers: MultiMap; body?: Body }): boolean {
  const { body } = response;
  if (body === undefined || !('text' in body) || !isJsonMediaType(mediaType(header(response.headers, 'content-type')))) return false;
  try {
    JSON.parse(body.text);
    return false;
  } catch {
    return true;
  }
}

/** A failure a client may retry: transient, or a 401. */
export function failed(response: ObservedResponse): boolean {
  const c = classify(response);
  return c === 'transient' || c === 'unauthorized';
}

export function isHang(response: ObservedResponse): boolean {
  return 'fault' in response && response.fault === 'hang';
}

export function statusOf(response: ObservedResponse): number | undefined {
  return 'fault' in response ? undefined : response.status;
}

/** The request belongs to an operation: its stub's operation, or its method and path, equal `operation`. */
export function isOperation(r: ObservedRequest, operation: string): boolean {
  return r.operation === operation || `${r.method} ${r.path}` === operation;
}

/** One header value (the first when repeated); evidence keeps names lower-case. */
export function header(headers: MultiMap, name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/** One logical call: its first try and the retries of it, in arrival order. */
export interface AttemptChain {
  partner: string;
  attempts: ObservedRequest[];
}

/**
 * Groups requests into logical calls. A request continues the open chain of an identical earlier
 * request to the same partner — same method, path, query and body; headers ignored, so a retry with
 * a refreshed token or a new idempotency key still belongs to it — when that chain's last attempt
 * failed (see `failed`). A success or a permanent answer closes the chain: a later identical request
 * starts a new one. Other requests may come in between (a token refresh, other calls). Chains are in
 * the order of their first attempts.
 */
export function attemptChains(requests: readonly ObservedRequest[]): AttemptChain[] {
  const chains: AttemptChain[] = [];
  const open = new Map<string, AttemptChain>();
  for (const r of [...requests].sort((a, b) => a.seq - b.seq)) {
    const key = identity(r);
    let chain = open.get(key);
    if (chain === undefined) {
      chain = { partner: r.partner, attempts: [] };
      chains.push(chain);
    }
    chain.attempts.push(r);
    if (failed(r.response)) open.set(key, chain);
    else open.delete(key);
  }
  return chains;
}

/** What makes two requests "the same call": partner, method, path, query and body (not headers). */
export function identity(r: ObservedRequest): string {
  return JSON.stringify(sortDeep([r.partner, r.method.toUpperCase(), r.path, r.query, r.body ?? null]));
}

/** A wait an answer asked for, placed on the scenario clock. */
export interface AskedWait {
  /** The header that asked (`retry-after`, `ratelimit-reset`, `x-ratelimit-reset`) and its value as served. */
  header: string;
  value: string;
  /** `seconds`: delta seconds; `date`: an HTTP-date (or epoch seconds in X-RateLimit-Reset). */
  form: 'seconds' | 'date';
  /** Scenario time before which the client must not retry; undefined when a date cannot be placed. */
  until: number | undefined;
}

const WAIT_HEADERS = ['retry-after', 'ratelimit-reset', 'x-ratelimit-reset'] as const;
const DELTA_SECONDS = /^\s*(\d+(?:\.\d+)?)\s*$/;
// An X-RateLimit-Reset this large is a Unix time in seconds (GitHub's form), not a delta.
const EPOCH_SECONDS_FROM = 1e9;

/**
 * The wait an answer asked for: Retry-After (delta seconds or an HTTP-date), else RateLimit-Reset
 * (delta seconds), else X-RateLimit-Reset (delta seconds, or Unix seconds). A date is placed with
 * `epochMs` (wall clock at scenario time 0), exactly; without it, with the answer's own `Date`
 * header, which has whole seconds — so the earliest the date can be (one second sooner) is used.
 */
export function askedWait(headers: MultiMap, answeredAt: number, epochMs?: number): AskedWait | undefined {
  for (const name of WAIT_HEADERS) {
    const value = header(headers, name);
    if (value === undefined) continue;
    const delta = DELTA_SECONDS.exec(value);
    if (delta !== null) {
      const seconds = Number(delta[1]);
      if (name === 'x-ratelimit-reset' && seconds >= EPOCH_SECONDS_FROM) {
        return { header: name, value, form: 'date', until: placeDate(seconds * 1000, headers, answeredAt, epochMs) };
      }
      return { header: name, value, form: 'seconds', until: answeredAt + seconds * 1000 };
    }
    if (name !== 'retry-after') continue;
    const date = Date.parse(value);
    if (Number.isNaN(date)) continue;
    return { header: name, value, form: 'date', until: placeDate(date, headers, answeredAt, epochMs) };
  }
  return undefined;
}

/** How many ms after `answeredAt` the answer asked the client to wait (see `askedWait`). */
export function retryAfterMs(headers: MultiMap, answeredAt: number, epochMs?: number): number | undefined {
  const until = askedWait(headers, answeredAt, epochMs)?.until;
  return until === undefined ? undefined : until - answeredAt;
}

function placeDate(date: number, headers: MultiMap, answeredAt: number, epochMs: number | undefined): number | undefined {
  if (epochMs !== undefined) return date - epochMs;
  const served = Date.parse(header(headers, 'date') ?? '');
  if (Number.isNaN(served)) return undefined;
  return answeredAt + (date - served) - 1000;
}
