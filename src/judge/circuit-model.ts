// The judge's model of a circuit breaker, replayed over the requests: where the connector's circuit
// to each partner must have opened, and what it sent while it should not have. Shared by the
// circuit-breaker rule and by the rules whose waits a cool-down lengthens (back-off, timeout).
//
// Failures are counted per operation of a partner, and a success of one operation does not reset
// another's count — so a healthy read endpoint cannot mask a write endpoint that keeps failing; the
// partner's circuit opens when any of its operations fails `failures` times in a row. What counts:
// a network fault (a hang included), 408, 5xx. Any other answer — 429 too (the partner is alive and
// throttling), and a 2xx whatever its body — resets its operation's count. A connector may count
// more (429, malformed bodies) and open sooner: opening sooner is never a finding.
import { isHang, statusOf } from './attempts.js';
import type { Evidence, ObservedRequest } from './types.js';

/** Timer granularity: a request this much early still counts as after the cool-down or the probe. */
export const CIRCUIT_TOLERANCE_MS = 25;

export interface Opening {
  partner: string;
  /** The request whose failure opened (or, as a failed probe, re-opened) the circuit. */
  seq: number;
  /** When the connector learnt of that failure: the answer, or for a hang its own timeout. */
  at: number;
  /** The first request after the cool-down. */
  probe: { seq: number; at: number } | null;
}

export interface CircuitFinding {
  partner: string;
  request: ObservedRequest;
  /** `during-cool-down`: sent while open; `beside-probe`: sent before the probe was answered. */
  kind: 'during-cool-down' | 'beside-probe';
  /** When the circuit opened, or when the probe was answered. */
  since: number;
}

export function breaksCircuit(r: ObservedRequest): boolean {
  const status = statusOf(r.response);
  return status === undefined || status === 408 || status >= 500;
}

export function traceCircuits(evidence: Evidence, circuit: { failures: number; cooldownMs: number }): { openings: Opening[]; findings: CircuitFinding[] } {
  const seenAt = (r: ObservedRequest): number => r.response.at ?? (isHang(r.response) ? r.at + evidence.policy.timeoutMs : r.at);
  const openings: Opening[] = [];
  const findings: CircuitFinding[] = [];
  const partners = [...new Set(evidence.requests.map((r) => r.partner))].sort();
  for (const partner of partners) {
    const requests = evidence.requests.filter((r) => r.partner === partner).sort((a, b) => a.seq - b.seq);
    const streaks = new Map<string, number>();
    let open: Opening | undefined;
    let probeAnsweredAt: number | undefined;
    const openAt = (r: ObservedRequest): void => {
      open = { partner, seq: r.seq, at: seenAt(r), probe: null };
      openings.push(open);
      streaks.clear();
    };
    for (const r of requests) {
      if (probeAnsweredAt !== undefined) {
        if (r.at < probeAnsweredAt - CIRCUIT_TOLERANCE_MS) findings.push({ partner, request: r, kind: 'beside-probe', since: probeAnsweredAt });
        probeAnsweredAt = undefined;
      }
      if (open !== undefined) {
        if (r.at < open.at + circuit.cooldownMs - CIRCUIT_TOLERANCE_MS) {
          // One finding per opening: a connector without a breaker would otherwise repeat it for every request.
          const since = open.at;
          if (!findings.some((f) => f.kind === 'during-cool-down' && f.partner === partner && f.since === since)) {
            findings.push({ partner, request: r, kind: 'during-cool-down', since });
          }
          continue;
        }
        open.probe = { seq: r.seq, at: r.at };
        open = undefined;
        streaks.clear();
        probeAnsweredAt = seenAt(r);
        if (breaksCircuit(r)) openAt(r);
        continue;
      }
      const operation = r.operation ?? `${r.method} ${r.path}`;
      const streak = breaksCircuit(r) ? (streaks.get(operation) ?? 0) + 1 : 0;
      streaks.set(operation, streak);
      if (streak >= circuit.failures) openAt(r);
    }
  }
  return { openings, findings };
}
