// circuit-breaker: a lone probe after the cool-down passes; a request during the cool-down, or beside
// the probe, fails; failures are counted per operation; never reaching the count is vacuous.
import { describe, expect, it } from 'vitest';
import { circuitBreaker } from './circuit-breaker.js';
import { evidence, req } from './test-evidence.js';
import type { ObservedRequest } from './types.js';

// Five creates of different tickets answered 500, 50 ms apart: the fifth answer (at 0.201 s) opens the circuit.
const failing = (n = 5, answer: number = 500): ObservedRequest[] =>
  Array.from({ length: n }, (_, i) => req('POST /v1/issues', { at: i * 50, answer, body: { json: { t: i } } }));
const probe = (at: number, answer = 201, took = 1) => req('POST /v1/issues', { at, answer, took, body: { json: { t: 99 } } });

describe('circuit-breaker', () => {
  it('passes a lone probe after the cool-down', () => {
    const v = circuitBreaker(evidence([...failing(), probe(1201), req('GET /v1/issues?external_id=T-1', { at: 1210, answer: 200 })]));
    expect(v).toMatchObject({ ok: true, summary: 'The tracker circuit opened once after 5 consecutive failures; each probe came alone, 1 s or more after opening (cool-down 1 s).' });
    expect(v.evidence.openings).toEqual([{ partner: 'tracker', seq: 5, at: 201, probe: { seq: 6, at: 1201 } }]);
  });

  it('passes a probe 25 ms early (the tolerance) and fails one 30 ms early', () => {
    expect(circuitBreaker(evidence([...failing(), probe(1176)])).ok).toBe(true);
    const v = circuitBreaker(evidence([...failing(), probe(1171)]));
    expect(v.ok).toBe(false);
    expect(v.summary).toBe('tracker received POST /v1/issues at 1.171 s, 0.97 s after its circuit opened (5 consecutive failures, the last seen at 0.201 s; cool-down 1 s).');
  });

  it('fails a request sent before the probe was answered', () => {
    const v = circuitBreaker(evidence([...failing(), probe(1300, 201, 200), req('GET /v1/issues?external_id=T-1', { at: 1350, answer: 200 })]));
    expect(v.summary).toBe(
      'tracker received GET /v1/issues?external_id=T-1 at 1.350 s, before the probe ahead of it was answered (at 1.500 s): one probe at a time after a cool-down.',
    );
  });

  it('opens again after a failed probe', () => {
    const v = circuitBreaker(evidence([...failing(), probe(1300, 500), probe(1400)]));
    expect(v.ok).toBe(false);
    expect(v.summary).toBe('tracker received POST /v1/issues at 1.400 s, 0.099 s after its circuit opened (5 consecutive failures, the last seen at 1.301 s; cool-down 1 s).');
  });

  it('counts failures per operation: another operation’s success does not reset them, a 429 does', () => {
    const interleaved = failing().flatMap((r, i) => [r, req(`GET /v1/issues?external_id=T-${i}`, { at: r.at + 10, answer: 200 })]);
    expect(circuitBreaker(evidence([...interleaved, probe(300)])).ok).toBe(false);
    const throttled = [...failing(2), req('POST /v1/issues', { at: 120, answer: 429, body: { json: { t: 7 } } }), ...failing(3).map((r) => ({ ...r, at: r.at + 200 }))];
    expect(circuitBreaker(evidence([...throttled, probe(400)]))).toMatchObject({ ok: true, vacuous: true });
  });

  it('is vacuous when no operation reached the failure count', () => {
    expect(circuitBreaker(evidence([...failing(4), probe(250)]))).toMatchObject({ ok: true, vacuous: true, summary: 'No operation failed 5 times in a row, so no circuit had to open.' });
  });
});
