// circuit-breaker: after N consecutive failures of one operation of a partner, the connector leaves
// that partner alone for the cool-down, then sends one probe and waits for its answer before
// anything else; a failed probe opens the circuit again. The model is circuit-model.ts.
import { CIRCUIT_TOLERANCE_MS, traceCircuits } from './circuit-model.js';
import type { Rule } from './types.js';
import { clock, describeRequest, ms, secs } from './wording.js';

export const circuitBreaker: Rule = (evidence) => {
  const circuit = evidence.policy.circuit;
  if (circuit === undefined) {
    return { rule: 'circuit-breaker', ok: true, vacuous: true, summary: 'The connector declares no circuit breaker, so none was judged.', evidence: {} };
  }
  const { failures, cooldownMs } = circuit;
  const { openings, findings } = traceCircuits(evidence, circuit);
  const base = {
    failures,
    cooldownMs,
    toleranceMs: CIRCUIT_TOLERANCE_MS,
    openings: openings.map((o) => ({ ...o, at: ms(o.at) })),
    findings: findings.map((f) => ({ partner: f.partner, kind: f.kind, seq: f.request.seq, call: describeRequest(f.request), at: ms(f.request.at), since: ms(f.since) })),
  };
  if (openings.length === 0) {
    return { rule: 'circuit-breaker', ok: true, vacuous: true, summary: `No operation failed ${failures} times in a row, so no circuit had to open.`, evidence: base };
  }
  const first = findings[0];
  if (first !== undefined) {
    const more = findings.length > 1 ? `; ${findings.length} findings in all` : '';
    const what =
      first.kind === 'during-cool-down'
        ? `${secs(first.request.at - first.since)} after its circuit opened (${failures} consecutive failures, the last seen at ${clock(first.since)}; cool-down ${secs(cooldownMs)})`
        : `before the probe ahead of it was answered (at ${clock(first.since)}): one probe at a time after a cool-down`;
    return { rule: 'circuit-breaker', ok: false, summary: `${first.partner} received ${describeRequest(first.request)} at ${clock(first.request.at)}, ${what}${more}.`, evidence: base };
  }
  const probes = openings.flatMap((o) => (o.probe === null ? [] : [o.probe.at - o.at]));
  const opened = `The ${[...new Set(openings.map((o) => o.partner))].join(' and ')} circuit ${openings.length === 1 ? 'opened once' : `opened ${openings.length} times`}`;
  const then = probes.length === 0 ? 'no request followed while it was open' : `each probe came alone, ${secs(Math.min(...probes))} or more after opening (cool-down ${secs(cooldownMs)})`;
  return { rule: 'circuit-breaker', ok: true, summary: `${opened} after ${failures} consecutive failures; ${then}.`, evidence: base };
};
