// timeout-enforced: a request that never gets an answer (a hang) is abandoned within the connector's
// timeout: its next request to any partner, or its exit, comes within the bound — the timeout with a
// stated slack, plus the waits the policy allows before that next request (the back-off envelope of
// the retry; the cool-down when this failure opened the circuit).
import { attemptChains, isHang } from './attempts.js';
import { traceCircuits } from './circuit-model.js';
import type { Rule } from './types.js';
import { clock, describeRequest, ms, secs } from './wording.js';

/** The bound: the declared timeout, plus this share of it, plus a fixed allowance for scheduling. */
export const TIMEOUT_SLACK = 0.5;
export const TIMEOUT_ALLOWANCE_MS = 200;

export const timeoutEnforced: Rule = (evidence) => {
  const { timeoutMs, backoffBaseMs, circuit } = evidence.policy;
  const bound = timeoutMs * (1 + TIMEOUT_SLACK) + TIMEOUT_ALLOWANCE_MS;
  const { connector } = evidence;
  const requests = [...evidence.requests].sort((a, b) => a.seq - b.seq);
  // The n-th attempt of its call: the retry after it may wait up to base·2^(n-1).
  const attemptNo = new Map(attemptChains(requests).flatMap((c) => c.attempts.map((r, i) => [r.seq, i + 1] as const)));
  const opened = new Set(circuit === undefined ? [] : traceCircuits(evidence, circuit).openings.map((o) => o.seq));
  const hangs = requests.filter((r) => isHang(r.response)).map((r) => {
    const next = requests.find((o) => o.seq > r.seq);
    const waitMs = backoffBaseMs * 2 ** ((attemptNo.get(r.seq) ?? 1) - 1) + (opened.has(r.seq) ? circuit!.cooldownMs : 0);
    const allowedMs = bound + waitMs;
    // Still waiting at the harness's time limit: nothing after it, and it did not end by itself.
    const stuck = next === undefined && connector.timedOut;
    const movedOnAt = next?.at ?? connector.endedAt;
    return {
      call: describeRequest(r),
      seq: r.seq,
      at: ms(r.at),
      movedOn: next === undefined ? (stuck ? 'stopped by the harness' : 'exited') : `next request (seq ${next.seq})`,
      movedOnAt: ms(movedOnAt),
      afterMs: ms(movedOnAt - r.at),
      allowedMs: ms(allowedMs),
      late: stuck || movedOnAt - r.at > allowedMs,
      stuck,
    };
  });
  const base = { timeoutMs, boundMs: ms(bound), hangs };
  const boundText = (allowed: number): string =>
    `${secs(allowed)}: timeout ${secs(timeoutMs)} + ${TIMEOUT_SLACK * 100}% + ${TIMEOUT_ALLOWANCE_MS} ms${allowed > bound ? ` + ${secs(allowed - bound)} allowed wait` : ''}`;
  if (hangs.length === 0) {
    return { rule: 'timeout-enforced', ok: true, vacuous: true, summary: 'No request hung, so the request timeout was never needed.', evidence: base };
  }
  const late = hangs.filter((h) => h.late);
  const first = late[0];
  if (first !== undefined) {
    const more = late.length > 1 ? `; ${late.length} of ${hangs.length} hung requests were held too long` : '';
    const what = first.stuck
      ? `the connector was still waiting when the harness stopped it at ${clock(first.movedOnAt)}`
      : first.movedOn === 'exited'
        ? `the connector exited only at ${clock(first.movedOnAt)}, ${secs(first.afterMs)} later`
        : `the connector's next request came at ${clock(first.movedOnAt)}, ${secs(first.afterMs)} later`;
    return { rule: 'timeout-enforced', ok: false, summary: `${first.call} hung from ${clock(first.at)} and ${what} (bound ${boundText(first.allowedMs)})${more}.`, evidence: base };
  }
  const slowest = hangs.reduce((a, b) => (b.afterMs > a.afterMs ? b : a));
  return {
    rule: 'timeout-enforced',
    ok: true,
    summary: `The connector moved on from ${hangs.length === 1 ? 'the hung request' : `all ${hangs.length} hung requests`} within the bound (slowest ${secs(slowest.afterMs)}, ${slowest.call}; bound ${boundText(slowest.allowedMs)}).`,
    evidence: base,
  };
};
