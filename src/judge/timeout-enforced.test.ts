// timeout-enforced: a hang abandoned within the bound passes; later, or never, fails.
import { describe, expect, it } from 'vitest';
import { timeoutEnforced } from './timeout-enforced.js';
import { evidence, req } from './test-evidence.js';

// Timeout 1 s: the bound is 1.7 s, plus the back-off envelope of the retry (100 ms for a first attempt).
const hang = req('GET /api/v2/tickets?limit=5', { at: 100, answer: 'hang' });
const retry = (at: number) => req('GET /api/v2/tickets?limit=5', { at, answer: 200 });

describe('timeout-enforced', () => {
  it('passes a retry within the bound', () => {
    const v = timeoutEnforced(evidence([hang, retry(1900)]));
    expect(v).toMatchObject({ ok: true, summary: 'The connector moved on from the hung request within the bound (slowest 1.8 s, GET /api/v2/tickets?limit=5; bound 1.8 s: timeout 1 s + 50% + 200 ms + 0.1 s allowed wait).' });
  });

  it('fails a next request after the bound', () => {
    const v = timeoutEnforced(evidence([hang, retry(1901)]));
    expect(v.ok).toBe(false);
    expect(v.summary).toBe(
      "GET /api/v2/tickets?limit=5 hung from 0.100 s and the connector's next request came at 1.901 s, 1.801 s later (bound 1.8 s: timeout 1 s + 50% + 200 ms + 0.1 s allowed wait).",
    );
  });

  it('fails a connector still waiting at the harness’s time limit, and passes one that exits in time', () => {
    const stuck = timeoutEnforced(evidence([hang], { connector: { timedOut: true, exitCode: null, endedAt: 20_000 } }));
    expect(stuck.summary).toBe('GET /api/v2/tickets?limit=5 hung from 0.100 s and the connector was still waiting when the harness stopped it at 20.000 s (bound 1.8 s: timeout 1 s + 50% + 200 ms + 0.1 s allowed wait).');
    expect(timeoutEnforced(evidence([hang], { connector: { exitCode: 1, endedAt: 1200 } })).ok).toBe(true);
  });

  it('allows the cool-down when the hang opened the circuit', () => {
    // Five pages hang in a row (first attempts each): the fifth, timed out at 5.8 s, opens the circuit.
    const hangs = [0, 1, 2, 3, 4].map((i) => req(`GET /api/v2/tickets?limit=5&cursor=c${i}`, { at: i * 1200, answer: 'hang' }));
    expect(timeoutEnforced(evidence([...hangs, retry(7500)])).ok).toBe(true);
    expect(timeoutEnforced(evidence([...hangs, retry(7500)], { policy: { circuit: undefined } })).ok).toBe(false);
  });

  it('is vacuous when nothing hung', () => {
    expect(timeoutEnforced(evidence([retry(0)]))).toMatchObject({ ok: true, vacuous: true, summary: 'No request hung, so the request timeout was never needed.' });
  });
});
