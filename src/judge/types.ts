// The judge's vocabulary: the evidence a scenario run leaves (what the connector sent to each
// partner mock and what it got back, its exit and output, the secrets it held, the policy it
// declares) and the Verdict each rule returns. Rules are pure functions of the evidence.
import type { Body, MultiMap } from '../exchange/types.js';
import type { FaultId } from '../faults/types.js';
import type { FaultKind, JournalEntry } from '../stubs/types.js';
import type { DeliveryMutation } from '../webhooks/types.js';

/** One request a partner mock received, joined with what it answered. All times share one clock: ms since the scenario started. */
export interface ObservedRequest extends Pick<JournalEntry, 'method' | 'path' | 'query' | 'headers' | 'body' | 'stubId'> {
  partner: string;
  /** Arrival order across all partners, from 1 (a journal's `seq` counts one mock's). */
  seq: number;
  /** Arrival, ms since the scenario started (a journal's `at` is since its mock started). */
  at: number;
  /** `POST /v1/issues` (the stub's operation, else method + path template); absent for a miss. */
  operation?: string;
  response: ObservedResponse;
  /** The catalogue fault the plan injected into this answer, or (a webhook delivery) what the planner did to it. */
  injected?: FaultId | DeliveryMutation;
}

export type ObservedResponse =
  /** `at`: when the answer was sent (arrival + the reply's delay). Headers as served (Retry-After, …); `body` as served, when kept (pagination reads its next cursor). */
  | { status: number; headers: MultiMap; at: number; body?: Body }
  /** A network fault; `at` when it happened (a `hang` never happens: `at` is undefined). */
  | { fault: FaultKind; at?: number }
  | { miss: true; status: 404; at: number };

export interface ConnectorOutcome {
  /** null when it was killed (time limit) or threw (in-process). */
  exitCode: number | null;
  /** The harness stopped it at its time limit. */
  timedOut: boolean;
  /** ms on the scenario clock. */
  startedAt: number;
  endedAt: number;
  stdout: string;
  stderr: string;
  /** In-process: the error it threw. */
  error?: string;
}

/** What the connector declares about itself; rules judge against it, with stated tolerances. */
export interface ConnectorPolicy {
  /** Its per-request timeout, ms. */
  timeoutMs: number;
  /** Attempts per call at most (first try included). */
  maxAttempts: number;
  /** Its back-off base, ms (first retry waits up to about this). */
  backoffBaseMs: number;
  /** After this many consecutive failures to one partner the circuit opens for `cooldownMs`. */
  circuit?: { failures: number; cooldownMs: number };
  /** The token endpoint (operation) of an OAuth2 partner, for the token-refresh rule. */
  tokenOperation?: string;
  /** The operation that creates resources on the partner, and its idempotency header. */
  createOperation?: string;
  idempotencyHeader?: string;
  /** Cursor pagination: the list operation, its cursor query parameter, and where an answer's body holds the next cursor (a JSON pointer, default `/next_cursor`; null or absent there = last page). */
  pagination?: { operation: string; cursorParam: string; nextCursorPointer?: string };
}

/** What the scenario knows the outcome must be. */
export interface Expectations {
  /** Resources the connector must create exactly once each (e.g. one per source ticket). */
  creations?: number;
}

/** What a webhook scenario adds: the deliveries sent, and what the receiver did (its state endpoint). */
export interface WebhookEvidence {
  /** The delivery journal, in send order (DeliveryRecord from src/webhooks/types.ts, reduced to what rules read). */
  deliveries: {
    seq: number;
    eventId: string;
    attempt: number;
    reason: 'original' | 'duplicate' | 'provider-retry';
    mutation?: string;
    expect: 'accept' | 'reject';
    sentAt: number;
    answeredAt: number;
    status?: number;
    error?: string;
  }[];
  /** The events delivered: which resource each is about and its version (newer wins). */
  events: { id: string; resourceId: string; version: number }[];
  /** Every event the receiver applied, in order (its state endpoint's `effects`). */
  effects: { eventId: string; resourceId: string; version: number }[];
  /** The receiver's final state per resource. */
  resources: Record<string, { version: number; status?: string; eventId?: string }>;
  /** A correct receiver answers an honest delivery within this, ms. */
  ackBoundMs: number;
  /** When the harness had the receiver stopped (from the stop signal until it listened again): deliveries then are the provider's retries' business. */
  downtime?: { from: number; to: number }[];
}

export interface Evidence {
  requests: ObservedRequest[];
  connector: ConnectorOutcome;
  /** Values that must never appear in the connector's output: its env secrets and the tokens the mocks issued. */
  secrets: { name: string; value: string }[];
  policy: ConnectorPolicy;
  expectations: Expectations;
  /** Wall-clock time (ms since the Unix epoch) at scenario time 0: places an HTTP-date (Retry-After) on the scenario clock. */
  epochMs?: number;
  /** Webhook scenarios only. */
  webhooks?: WebhookEvidence;
}

export const RULE_IDS = [
  'retries-bounded',
  'no-retry-on-permanent',
  'token-refresh-once',
  'retry-after-honoured',
  'backoff-jitter',
  'timeout-enforced',
  'idempotency-key',
  'exactly-once',
  'circuit-breaker',
  'pagination-resume',
  'no-secret-in-output',
  'webhook-rejects-bad',
  'webhook-acknowledged',
  'webhook-exactly-once',
  'webhook-no-loss',
  'webhook-converges',
  'webhook-retry-processed-once',
] as const;

/** The rules about receiving webhooks, and the rules about calling partners (`no-secret-in-output` belongs to both). */
export const WEBHOOK_RULE_IDS = ['webhook-rejects-bad', 'webhook-acknowledged', 'webhook-exactly-once', 'webhook-no-loss', 'webhook-converges', 'webhook-retry-processed-once', 'no-secret-in-output'] as const satisfies readonly RuleId[];
export const OUTBOUND_RULE_IDS = RULE_IDS.filter((id) => !id.startsWith('webhook-'));

export type RuleId = (typeof RULE_IDS)[number];

export interface Verdict {
  rule: RuleId;
  ok: boolean;
  /** One sentence that explains the verdict with the evidence (times, keys, counts). */
  summary: string;
  /** The facts behind it, JSON-serialisable (for reports). */
  evidence: Record<string, unknown>;
  /** True when the run gave the rule nothing to judge (e.g. no 429 was served); then ok is true. */
  vacuous?: boolean;
}

export type Rule = (evidence: Evidence) => Verdict;
