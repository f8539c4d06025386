// The targeted scenarios: each shows what one rule needs to see (a single fault from the matrix
// cannot show back-off growth across calls, a circuit opening, a cursor resumed, a refresh), and
// names the seeded defects it catches. The suite runs them against the correct connector (every
// rule must pass); test/mutations.test.ts runs each defect against its scenario (its rule must fail).
import type { FaultPlan, RuleId } from 'seam/testing';

export interface TargetedScenario {
  name: string;
  plan: FaultPlan;
  /** The rules this scenario is there to exercise. */
  shows: RuleId[];
  /** Seeded defects (connector variants) it catches, and by which rule. */
  catches: Record<string, RuleId>;
  /** Creations can only be counted when every create eventually gets through. */
  countsCreations: boolean;
}

export const TARGETED: TargetedScenario[] = [
  {
    name: 'no faults',
    plan: { seed: 1, rules: [] },
    shows: ['no-secret-in-output', 'exactly-once'],
    catches: { 'logs-token': 'no-secret-in-output' },
    countsCreations: true,
  },
  {
    name: '5xx on every operation, first 2 calls',
    plan: {
      seed: 11,
      rules: ['GET /api/v2/tickets', 'GET /v1/issues', 'POST /v1/issues'].map((target) => ({ target, fault: 'server-error' as const, when: { first: 2 } })),
    },
    shows: ['backoff-jitter', 'idempotency-key', 'exactly-once'],
    catches: { 'no-jitter': 'backoff-jitter', 'new-idempotency-key-per-retry': 'idempotency-key' },
    countsCreations: true,
  },
  {
    name: '429 with Retry-After on a quarter of the creates',
    plan: { seed: 12, rules: [{ target: 'POST /v1/issues', fault: 'rate-limit', when: { probability: 0.25 }, retryAfterSeconds: 1 }] },
    shows: ['retry-after-honoured'],
    catches: { 'ignores-retry-after': 'retry-after-honoured', 'retry-after-as-ms': 'retry-after-honoured' },
    countsCreations: true,
  },
  {
    name: 'creates always 500',
    plan: { seed: 13, rules: [{ target: 'POST /v1/issues', fault: 'server-error', when: { always: true } }] },
    shows: ['circuit-breaker', 'retries-bounded'],
    catches: { 'unbounded-retries': 'retries-bounded', 'no-circuit-breaker': 'circuit-breaker' },
    countsCreations: false,
  },
  {
    name: 'ticket pages reset once each',
    plan: { seed: 14, rules: [{ target: 'GET /api/v2/tickets', fault: 'reset', when: { first: 1 } }] },
    shows: ['pagination-resume'],
    catches: { 'restarts-pagination': 'pagination-resume' },
    countsCreations: true,
  },
  {
    name: '401 until the token is refreshed',
    plan: { seed: 15, rules: [{ target: 'GET /v1/issues', fault: 'unauthorized', when: { first: 1 }, tokenTarget: 'POST /oauth/token' }] },
    shows: ['token-refresh-once'],
    catches: { 'refresh-storm': 'token-refresh-once' },
    countsCreations: true,
  },
  {
    name: 'helpdesk hangs once',
    plan: { seed: 16, rules: [{ target: 'GET /api/v2/tickets', fault: 'hang', when: { first: 1 } }] },
    shows: ['timeout-enforced'],
    catches: { 'no-timeout': 'timeout-enforced' },
    countsCreations: true,
  },
  {
    name: 'creates answer 400 once',
    plan: { seed: 17, rules: [{ target: 'POST /v1/issues', fault: 'bad-request', when: { first: 1 } }] },
    shows: ['no-retry-on-permanent'],
    catches: { 'retries-400': 'no-retry-on-permanent' },
    countsCreations: false,
  },
];
