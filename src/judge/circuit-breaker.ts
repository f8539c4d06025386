// circuit-breaker: after N consecutive failed requests to one partner the connector leaves it alone
// for the cool-down, then sends one probe and waits for its answer before anything else; a failed
// probe opens the circuit again.
import { isHang, statusOf } from './attempts.js';
import type { ObservedRequest, Rule } from './types.js';
import { clock, describeRequest, ms, secs } from './wording.js';

/** Timer granularity: a request this much early still counts as after the cool-down. */
export const CIRCUIT_TOLERANCE_MS = 25;

/**
 * What trips a breaker: a network fault (a hang included), 408 or 5xx. A 429 is the partner alive
 * and throttling — like any other answer it ends a run of failures.
 */
function breaks(r: ObservedRequest): boolean {
  const status = statusOf(r.response);
  return status === undefined || status === 408 || status >= 500;
}

interface Finding {
  partner: string;
  call: string;
  seq: number;
  at: number;
  kind: 'during-cool-down' | 'beside-probe';
  /** during-cool-down: when the circuit opened; beside-probe: when the probe was answered. */
  since: number;
}

export const circuitBreaker: Rule = (evidence) => {
  const circuit = evidence.policy.circuit;
  if (circuit === undefined) {
    return { rule: 'circuit-breaker', ok: true, vacuous: true, summary: 'The connector declares no circuit breaker, so none was judged.', evidence: {} };
  }
  const { failures, cooldownMs } = circuit;
  // When the connector learnt of a failure: the answer, or for a hang its own timeout.
  const seenAt = (r: ObservedRequest): number => r.response.at ?? (isHang(r.response) ? r.at + evidence.policy.timeoutMs : r.at);
  const openings: { partner: string; at: number; probeSeq: number | null; probeAt: number | null }[] = [];
  const findings: Finding[] = [];
  const partners = [...new Set(evidence.requests.map((r) => r.partner))].sort();
  for (const partner of partners) {
    const requests = evidence.requests.filter((r) => r.partner === partner).sort((a, b) => a.seq - b.seq);
    let streak = 0;
    let openSince: number | undefined;
    let probeAnsweredAt: number | undefined;
    for (const r of requests) {
      if (probeAnsweredAt !== undefined) {
        if (r.at < probeAnsweredAt - CIRCUIT_TOLERANCE_MS) findings.push({ partner, call: describeRequest(r), seq: r.seq, at: r.at, kind: 'beside-probe', since: probeAnsweredAt });
        probeAnsweredAt = undefined;
      }
      if (openSince !== undefined) {
        if (r.at < openSince + cooldownMs - CIRCUIT_TOLERANCE_MS) {
          // One finding per opening: a connector without a breaker would otherwise repeat it for every request.
          if (!findings.some((f) => f.kind === 'during-cool-down' && f.partner === partner && f.since === openSince)) {
            findings.push({ partner, call: describeRequest(r), seq: r.seq, at: r.at, kind: 'during-cool-down', since: openSince });
          }
          continue;
        }
        const opening = openings.at(-1)!;
        opening.probeSeq = r.seq;
        opening.probeAt = r.at;
        probeAnsweredAt = seenAt(r);
        openSince = undefined;
        if (breaks(r)) {
          openSince = seenAt(r);
          openings.push({ partner, at: openSince, probeSeq: null, probeAt: null });
        }
        continue;
      }
      streak = breaks(r) ? streak + 1 : 0;
      if (streak >= failures) {
        streak = 0;
        openSince = seenAt(r);
        openings.push({ partner, at: openSince, probeSeq: null, probeAt: null });
      }
    }
  }
  const base = {
    failures,
    cooldownMs,
    toleranceMs: CIRCUIT_TOLERANCE_MS,
    openings: openings.map((o) => ({ ...o, at: ms(o.at), probeAt: o.probeAt === null ? null : ms(o.probeAt) })),
    findings: findings.map((f) => ({ ...f, at: ms(f.at), since: ms(f.since) })),
  };
  if (openings.length === 0) {
    return { rule: 'circuit-breaker', ok: true, vacuous: true, summary: `No partner failed ${failures} times in a row, so the circuit never had to open.`, evidence: base };
  }
  const first = findings[0];
  if (first !== undefined) {
    const more = findings.length > 1 ? `; ${findings.length} findings in all` : '';
    const what =
      first.kind === 'during-cool-down'
        ? `${secs(first.at - first.since)} after its circuit opened (${failures} consecutive failures, the last seen at ${clock(first.since)}; cool-down ${secs(cooldownMs)})`
        : `before the probe sent ahead of it was answered (at ${clock(first.since)}): one probe at a time after the cool-down`;
    return { rule: 'circuit-breaker', ok: false, summary: `${first.partner} received ${first.call} at ${clock(first.at)}, ${what}${more}.`, evidence: base };
  }
  const probed = openings.filter((o) => o.probeAt !== null);
  const soonest = probed.length > 0 ? Math.min(...probed.map((o) => o.probeAt! - o.at)) : undefined;
  const opened = openings.length === 1 ? 'opened once' : `opened ${openings.length} times`;
  const then = soonest === undefined ? 'no request followed while it was open' : `each probe came alone, ${secs(soonest)} or more after opening (cool-down ${secs(cooldownMs)})`;
  return { rule: 'circuit-breaker', ok: true, summary: `The circuit ${opened} after ${failures} consecutive failures; ${then}.`, evidence: base };
};
