// token-refresh-once: after a 401 the connector fetches one new token, then retries — not none
// (the retry carries the rejected token) and not several (a refresh storm).
import { attemptChains, isOperation, statusOf } from './attempts.js';
import type { Rule } from './types.js';
import { clock, describeRequest } from './wording.js';

export const tokenRefreshOnce: Rule = (evidence) => {
  const tokenOperation = evidence.policy.tokenOperation;
  if (tokenOperation === undefined) {
    return { rule: 'token-refresh-once', ok: true, vacuous: true, summary: 'The connector declares no token operation, so token refreshes were not judged.', evidence: {} };
  }
  const chains = attemptChains(evidence.requests);
  // A token fetch retried after a failure is one refresh: count logical calls, by their first attempt.
  const refreshSeqs = chains.filter((c) => isOperation(c.attempts[0]!, tokenOperation)).map((c) => c.attempts[0]!.seq);
  const refreshesBetween = (from: number, to: number): number => refreshSeqs.filter((s) => s > from && s < to).length;
  // Without a retry, the refreshes that count are those before the connector's next other request to that partner.
  const nextOther = (after: number, partner: string): number =>
    Math.min(Infinity, ...evidence.requests.filter((o) => o.seq > after && o.partner === partner && !isOperation(o, tokenOperation)).map((o) => o.seq));

  const cases: { call: string; seq: number; at: number; retrySeq: number | null; retryAt: number | null; refreshes: number }[] = [];
  for (const chain of chains) {
    if (isOperation(chain.attempts[0]!, tokenOperation)) continue;
    chain.attempts.forEach((r, i) => {
      if (statusOf(r.response) !== 401) return;
      const retry = chain.attempts[i + 1];
      // Without a retry only the call's first 401 is judged: a second 401 after a refresh means give up.
      if (retry === undefined && chain.attempts.slice(0, i).some((a) => statusOf(a.response) === 401)) return;
      const refreshes = refreshesBetween(r.seq, retry?.seq ?? nextOther(r.seq, r.partner));
      cases.push({ call: describeRequest(r), seq: r.seq, at: r.at, retrySeq: retry?.seq ?? null, retryAt: retry?.at ?? null, refreshes });
    });
  }
  const base = { tokenOperation, unauthorized: cases };
  if (cases.length === 0) {
    return { rule: 'token-refresh-once', ok: true, vacuous: true, summary: `No request was answered 401, so no token refresh was called for.`, evidence: base };
  }
  const storm = cases.find((c) => c.refreshes > 1);
  const none = cases.find((c) => c.refreshes === 0);
  const bad = cases.filter((c) => c.refreshes !== 1).length;
  const more = bad > 1 ? `; ${bad} of ${cases.length} 401s were handled wrongly` : '';
  if (storm !== undefined) {
    const until = storm.retryAt === null ? 'without retrying' : `before retrying at ${clock(storm.retryAt)}`;
    return {
      rule: 'token-refresh-once',
      ok: false,
      summary: `After a 401 to ${storm.call} at ${clock(storm.at)} the connector called ${tokenOperation} ${storm.refreshes} times ${until} (a refresh storm: one refresh per 401)${more}.`,
      evidence: base,
    };
  }
  if (none !== undefined) {
    const what = none.retryAt === null ? 'gave up on the call' : `retried at ${clock(none.retryAt)}`;
    return {
      rule: 'token-refresh-once',
      ok: false,
      summary: `After a 401 to ${none.call} at ${clock(none.at)} the connector ${what} without calling ${tokenOperation} for a new token${more}.`,
      evidence: base,
    };
  }
  return {
    rule: 'token-refresh-once',
    ok: true,
    summary: `${cases.length === 1 ? 'The 401' : `Each of the ${cases.length} 401s`} (first: ${cases[0]!.call} at ${clock(cases[0]!.at)}) was followed by exactly one ${tokenOperation} before the call went on.`,
    evidence: base,
  };
};
