// The fault catalogue's ids and fault plans, as data. A plan says which calls of which operation
// get which fault; `applyFaultPlan` (plan.ts) compiles it into the stubs' reply sequences, so every
// engine serves it (embedded, msw, WireMock scenarios) and the journal's stub id + reply index say
// which request got which fault.

/** Stable ids: suites, reports and `seam gate --fault` name faults by these. */
export const FAULT_IDS = [
  'rate-limit', // 429 + Retry-After: <seconds>
  'rate-limit-date', // 429 + Retry-After: <HTTP-date>
  'rate-limit-headers', // 429 + RateLimit-Limit/Remaining/Reset and X-RateLimit-*, no Retry-After
  'server-error', // 500
  'bad-gateway', // 502
  'unavailable', // 503 + Retry-After: <seconds>
  'gateway-timeout', // 504
  'slow', // the normal answer, delayed (under the client's timeout)
  'hang', // never answers
  'reset', // TCP reset
  'empty', // connection closed without a response
  'malformed-json', // 200, JSON content type, a body that does not parse
  'truncated', // Content-Length larger than the body sent
  'unauthorized', // 401 for the current token until the connector fetches a new one
  'conflict', // 409
  'bad-request', // 400: permanent, must not be retried
  'unprocessable', // 422 on a write: permanent, must not be retried
  'unknown-enum', // the normal body with an enum field set to a value the spec does not list
  'missing-optional', // the normal body without an optional field
  'extra-field', // the normal body with a field the spec does not define
] as const;

export type FaultId = (typeof FAULT_IDS)[number];

/**
 * Which calls get the fault, counted per stub (1-based: the first call to the route is call 1).
 * - `first`: calls 1..n
 * - `every`: every n-th call (n, 2n, …)
 * - `calls`: calls from..to, inclusive
 * - `probability`: each call with probability p, decided by a PRNG seeded with the plan's seed
 * - `always`: every call
 * Sequences are unrolled up to a horizon (default 200 calls); later calls get the normal reply.
 */
export type CallSelector =
  | { first: number }
  | { every: number }
  | { calls: [number, number] }
  | { probability: number }
  | { always: true };

export interface FaultRule {
  /** An operation (`GET /api/v2/tickets`: the stub's `operation`, else method + path template) or a stub id. */
  target: string;
  fault: FaultId;
  when: CallSelector;
  /** Retry-After seconds for rate-limit / unavailable (default 1); the HTTP-date's distance for rate-limit-date (default 2). */
  retryAfterSeconds?: number;
  /** `slow`: the delay, ms (default 200). */
  delayMs?: number;
  /** `unauthorized`: the token endpoint (an operation or stub id) whose tokens are counted. */
  tokenTarget?: string;
}

export interface FaultPlan {
  /** Seeds `probability` selectors and anything else random; printed in reports to reproduce a run. */
  seed: number;
  rules: FaultRule[];
}
