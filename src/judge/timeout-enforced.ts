// timeout-enforced: a request that never gets an answer (a hang) is abandoned within the connector's
// timeout: its next request to any partner, or its exit, comes within the bound.
import { isHang } from './attempts.js';
import type { Rule } from './types.js';
import { clock, describeRequest, ms, secs } from './wording.js';

/** The bound: the declared timeout, plus this share of it, plus a fixed allowance for scheduling. */
export const TIMEOUT_SLACK = 0.5;
export const TIMEOUT_ALLOWANCE_MS = 200;

export const timeoutEnforced: Rule = (evidence) => {
  const { timeoutMs } = evidence.policy;
  const bound = timeoutMs * (1 + TIMEOUT_SLACK) + TIMEOUT_ALLOWANCE_MS;
  const { connector } = evidence;
  const requests = [...evidence.requests].sort((a, b) => a.seq - b.seq);
  const hangs = requests.filter((r) => isHang(r.response)).map((r) => {
    const next = requests.find((o) => o.seq > r.seq);
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
      late: stuck || movedOnAt - r.at > bound,
      stuck,
    };
  });
  const base = { timeoutMs, boundMs: ms(bound), hangs };
  const boundText = `${secs(bound)}: timeout ${secs(timeoutMs)} + ${TIMEOUT_SLACK * 100}% + ${TIMEOUT_ALLOWANCE_MS} ms`;
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
    return { rule: 'timeout-enforced', ok: false, summary: `${first.call} hung from ${clock(first.at)} and ${what} (bound ${boundText})${more}.`, evidence: base };
  }
  const slowest = hangs.reduce((a, b) => (b.afterMs > a.afterMs ? b : a));
  return {
    rule: 'timeout-enforced',
    ok: true,
    summary: `The connector moved on from ${hangs.length === 1 ? 'the hung request' : `all ${hangs.length} hung requests`} within the bound (${boundText}; slowest ${secs(slowest.afterMs)}, ${slowest.call}).`,
    evidence: base,
  };
};
