// retries-bounded: no logical call is attempted more often than the connector's policy allows.
import { attemptChains } from './attempts.js';
import type { Rule } from './types.js';
import { clock, describeAnswers, describeRequest } from './wording.js';

export const retriesBounded: Rule = (evidence) => {
  const max = evidence.policy.maxAttempts;
  const retried = attemptChains(evidence.requests).filter((c) => c.attempts.length > 1);
  const facts = retried.map((c) => ({
    partner: c.partner,
    call: describeRequest(c.attempts[0]!),
    attempts: c.attempts.length,
    seqs: c.attempts.map((r) => r.seq),
    answers: describeAnswers(c.attempts),
  }));
  const over = facts.filter((f) => f.attempts > max);
  const base = { maxAttempts: max, retriedCalls: retried.length, over };
  if (retried.length === 0) {
    return { rule: 'retries-bounded', ok: true, vacuous: true, summary: `No call was retried, so the bound of ${max} attempts was never approached.`, evidence: base };
  }
  if (over.length > 0) {
    const first = retried.find((c) => c.attempts.length > max)!;
    const f = over[0]!;
    const more = over.length > 1 ? `; ${over.length} calls went over the bound` : '';
    return {
      rule: 'retries-bounded',
      ok: false,
      summary: `${f.call} was attempted ${f.attempts} times, more than the ${max} allowed (from ${clock(first.attempts[0]!.at)} to ${clock(first.attempts.at(-1)!.at)}, answered ${f.answers})${more}.`,
      evidence: base,
    };
  }
  const longest = facts.reduce((a, b) => (b.attempts > a.attempts ? b : a));
  return {
    rule: 'retries-bounded',
    ok: true,
    summary: `${retried.length === 1 ? 'The retried call' : `All ${retried.length} retried calls`} stayed within ${max} attempts (longest: ${longest.call}, ${longest.attempts} attempts, answered ${longest.answers}).`,
    evidence: { ...base, longest },
  };
};
