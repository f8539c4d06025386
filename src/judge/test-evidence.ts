// Hand-made evidence for the judge's unit tests: a request is one line (`req('POST /v1/issues', { at: 0,
// answer: 503 })`), and `evidence(...)` numbers them and fills a policy like ticket-sync's.
import type { Body, MultiMap } from '../exchange/types.js';
import type { FaultKind } from '../stubs/types.js';
import type { ConnectorOutcome, ConnectorPolicy, Evidence, ObservedRequest } from './types.js';

export interface RequestSpec {
  /** Arrival, ms. */
  at: number;
  /** A status, a network fault, or `miss` (404, no stub matched). */
  answer: number | FaultKind | 'miss';
  /** ms from arrival to the answer (default 1); ignored for a hang. */
  took?: number;
  /** Default `tracker`. */
  partner?: string;
  /** Default: method and path. */
  operation?: string;
  headers?: MultiMap;
  body?: Body;
  responseHeaders?: MultiMap;
  responseBody?: Body;
}

/** One observed request; `call` is `METHOD /path?query` (seq is set by `evidence`). */
export function req(call: string, spec: RequestSpec): ObservedRequest {
  const [method = 'GET', target = '/'] = call.split(' ');
  const url = new URL(target, 'http://partner.test');
  const query: MultiMap = {};
  for (const [key, value] of url.searchParams) {
    const had = query[key];
    query[key] = had === undefined ? value : [...(Array.isArray(had) ? had : [had]), value];
  }
  const answeredAt = spec.at + (spec.took ?? 1);
  const { answer } = spec;
  const response: ObservedRequest['response'] =
    typeof answer === 'number'
      ? { status: answer, headers: spec.responseHeaders ?? {}, at: answeredAt, ...(spec.responseBody ? { body: spec.responseBody } : {}) }
      : answer === 'miss'
        ? { miss: true, status: 404, at: answeredAt }
        : answer === 'hang'
          ? { fault: 'hang' }
          : { fault: answer, at: answeredAt };
  return {
    partner: spec.partner ?? 'tracker',
    seq: 0,
    at: spec.at,
    method,
    path: url.pathname,
    query,
    headers: spec.headers ?? {},
    ...(spec.body ? { body: spec.body } : {}),
    stubId: answer === 'miss' ? null : 'stub',
    operation: spec.operation ?? `${method} ${url.pathname}`,
    response,
  };
}

export const POLICY: ConnectorPolicy = {
  timeoutMs: 1000,
  maxAttempts: 5,
  backoffBaseMs: 100,
  circuit: { failures: 5, cooldownMs: 1000 },
  tokenOperation: 'POST /oauth/token',
  createOperation: 'POST /v1/issues',
  idempotencyHeader: 'Idempotency-Key',
  pagination: { operation: 'GET /api/v2/tickets', cursorParam: 'cursor' },
};

export interface EvidenceOverrides {
  connector?: Partial<ConnectorOutcome>;
  policy?: Partial<ConnectorPolicy>;
  secrets?: Evidence['secrets'];
  creations?: number;
  epochMs?: number;
}

/** Evidence from requests in arrival order (seq 1, 2, …); the connector ran from 0 to just after the last answer. */
export function evidence(requests: ObservedRequest[], overrides: EvidenceOverrides = {}): Evidence {
  const numbered = requests.map((r, i) => ({ ...r, seq: i + 1 }));
  const last = Math.max(0, ...numbered.map((r) => r.response.at ?? r.at));
  return {
    requests: numbered,
    connector: { exitCode: 0, timedOut: false, startedAt: 0, endedAt: last + 5, stdout: '', stderr: '', ...overrides.connector },
    secrets: overrides.secrets ?? [],
    policy: { ...POLICY, ...overrides.policy },
    expectations: overrides.creations === undefined ? {} : { creations: overrides.creations },
    ...(overrides.epochMs === undefined ? {} : { epochMs: overrides.epochMs }),
  };
}

/** A chain of attempts of one call: each answer in turn, `gap` ms between an answer and the next attempt. */
export function attempts(call: string, answers: RequestSpec['answer'][], options: { start?: number; gaps?: number[] } & Omit<RequestSpec, 'at' | 'answer'> = {}): ObservedRequest[] {
  const { start = 0, gaps = [], ...rest } = options;
  const out: ObservedRequest[] = [];
  let at = start;
  answers.forEach((answer, i) => {
    const r = req(call, { ...rest, at, answer });
    out.push(r);
    at = (r.response.at ?? at) + (gaps[i] ?? 100);
  });
  return out;
}
