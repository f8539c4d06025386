// The judge: one rule per file, registered here by id. `judge` runs the rules a scenario asks for.
import { backoffJitter } from './backoff-jitter.js';
import { circuitBreaker } from './circuit-breaker.js';
import { exactlyOnce } from './exactly-once.js';
import { idempotencyKey } from './idempotency-key.js';
import { noRetryOnPermanent } from './no-retry-on-permanent.js';
import { noSecretInOutput } from './no-secret-in-output.js';
import { paginationResume } from './pagination-resume.js';
import { retriesBounded } from './retries-bounded.js';
import { retryAfterHonoured } from './retry-after-honoured.js';
import { timeoutEnforced } from './timeout-enforced.js';
import { tokenRefreshOnce } from './token-refresh-once.js';
import { webhookAcknowledged } from './webhook-acknowledged.js';
import { webhookConverges } from './webhook-converges.js';
import { webhookExactlyOnce } from './webhook-exactly-once.js';
import { webhookNoLoss } from './webhook-no-loss.js';
import { webhookRejectsBad } from './webhook-rejects-bad.js';
import { webhookRetryProcessedOnce } from './webhook-retry-processed-once.js';
import { RULE_IDS } from './types.js';
import type { Evidence, Rule, RuleId, Verdict } from './types.js';

export const RULES: Record<RuleId, Rule> = {
  'retries-bounded': retriesBounded,
  'no-retry-on-permanent': noRetryOnPermanent,
  'token-refresh-once': tokenRefreshOnce,
  'retry-after-honoured': retryAfterHonoured,
  'backoff-jitter': backoffJitter,
  'timeout-enforced': timeoutEnforced,
  'idempotency-key': idempotencyKey,
  'exactly-once': exactlyOnce,
  'circuit-breaker': circuitBreaker,
  'pagination-resume': paginationResume,
  'no-secret-in-output': noSecretInOutput,
  'webhook-rejects-bad': webhookRejectsBad,
  'webhook-acknowledged': webhookAcknowledged,
  'webhook-exactly-once': webhookExactlyOnce,
  'webhook-no-loss': webhookNoLoss,
  'webhook-converges': webhookConverges,
  'webhook-retry-processed-once': webhookRetryProcessedOnce,
};

/** The verdicts of the given rules (default: all, in RULE_IDS order) on one scenario's evidence. */
export function judge(evidence: Evidence, ruleIds: readonly RuleId[] = RULE_IDS): Verdict[] {
  return ruleIds.map((id) => RULES[id](evidence));
}

export { askedWait, attemptChains, classify, retryAfterMs } from './attempts.js';
export type { AnswerClass, AskedWait, AttemptChain } from './attempts.js';
export { RULE_IDS, WEBHOOK_RULE_IDS } from './types.js';
export type { Evidence, Rule, RuleId, Verdict } from './types.js';
