// The judge's rules as vitest matchers: `expect(run).toHonorRetryAfter()`. Each passes or fails
// with the rule's own one-sentence summary; `.not` asserts that a rule catches a defect.
import { expect } from 'vitest';
import type { RuleId, Verdict } from '../judge/types.js';
/** Anything judged: an outbound scenario run or a webhook scenario run. */
interface Judged {
  verdicts: Verdict[];
}

export const MATCHER_RULES = {
  toBoundRetries: 'retries-bounded',
  toNotRetryPermanentErrors: 'no-retry-on-permanent',
  toRefreshTokenOnce: 'token-refresh-once',
  toHonorRetryAfter: 'retry-after-honoured',
  toBackOffWithJitter: 'backoff-jitter',
  toEnforceTimeout: 'timeout-enforced',
  toKeepIdempotencyKey: 'idempotency-key',
  toCreateExactlyOnce: 'exactly-once',
  toBreakCircuit: 'circuit-breaker',
  toResumePagination: 'pagination-resume',
  toKeepSecrets: 'no-secret-in-output',
  toRejectBadDeliveries: 'webhook-rejects-bad',
  toAcknowledgeInTime: 'webhook-acknowledged',
  toApplyEachEventOnce: 'webhook-exactly-once',
  toLoseNoEvent: 'webhook-no-loss',
  toConvergeOnNewest: 'webhook-converges',
  toProcessRetriesOnce: 'webhook-retry-processed-once',
} as const satisfies Record<string, RuleId>;

type RuleMatchers = { [K in keyof typeof MATCHER_RULES]: () => void };

interface SeamMatchers extends RuleMatchers {
  /** Every judged rule passed (or the listed ones). */
  toPassJudge(rules?: readonly RuleId[]): void;
}

declare module 'vitest' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface Matchers<T = any> extends SeamMatchers {}
}

function verdictOf(run: Judged, rule: RuleId): Verdict {
  const found = run.verdicts.find((v) => v.rule === rule);
  if (found === undefined) throw new Error(`the scenario did not judge ${rule} (rules: ${run.verdicts.map((v) => v.rule).join(', ')})`);
  return found;
}

const ruleMatchers = Object.fromEntries(
  Object.entries(MATCHER_RULES).map(([name, rule]) => [
    name,
    function (this: { isNot: boolean }, run: Judged) {
      const v = verdictOf(run, rule);
      return {
        pass: v.ok,
        message: () => (this.isNot ? `expected ${rule} to fail, but it passed: ${v.summary}` : `${rule}: ${v.summary}`),
      };
    },
  ]),
);

expect.extend({
  ...ruleMatchers,
  toPassJudge(run: Judged, rules?: readonly RuleId[]) {
    const judged = rules === undefined ? run.verdicts : rules.map((r) => verdictOf(run, r));
    const failed = judged.filter((v) => !v.ok);
    return {
      pass: failed.length === 0,
      message: () => (failed.length === 0 ? 'every rule passed' : failed.map((v) => `${v.rule}: ${v.summary}`).join('\n')),
    };
  },
});
