// backoff-jitter: full jitter passes, constant waits fail the spread, waits that never outgrow the
// first retry's envelope fail the growth, and too few waits are vacuous.
import { describe, expect, it } from 'vitest';
import { backoffJitter } from './backoff-jitter.js';
import { attempts, evidence } from './test-evidence.js';
import type { ObservedRequest } from './types.js';

// Calls that fail once per wait given, then succeed (base 100 ms): waits per call, [before retry 1, 2, …].
function run(waits: number[][], answer: number = 503, headers: Record<string, string> = {}): ObservedRequest[] {
  return waits.flatMap((gaps, call) =>
    attempts(`GET /v1/issues?external_id=T-${call}`, [...gaps.map(() => answer), 200], { start: call * 10_000, gaps, responseHeaders: headers }),
  );
}

// Uniform draws from [0, 100·2^(n-1)] — what full jitter produces.
const JITTERED = [
  [12, 170, 96],
  [71, 33, 310],
  [48, 121, 388],
  [93, 188, 25],
];

describe('backoff-jitter', () => {
  it('passes full jitter: a later wait outgrows the first envelope, and the waits vary', () => {
    const v = backoffJitter(evidence(run(JITTERED)));
    expect(v.ok).toBe(true);
    expect(v.vacuous).toBeUndefined();
    expect(v.summary).toBe(
      "Back-off waits grew (a later wait of 388 ms > 1.25 × 100 ms, the first retry's envelope) and varied (8 of 12 waits, 67%, below 0.8 of their envelope; CV 0.604); mean wait by retry: 56, 128, 204.8 ms.",
    );
    expect(v.evidence.waitsByRetry).toEqual([[12, 71, 48, 93], [170, 33, 121, 188], [96, 310, 388, 25]]);
  });

  it('fails exponential back-off without jitter on the spread', () => {
    const v = backoffJitter(evidence(run(Array.from({ length: 4 }, () => [100, 200, 400]))));
    expect(v.ok).toBe(false);
    expect(v.summary).toBe(
      "Back-off waits grew (a later wait of 400 ms > 1.25 × 100 ms, the first retry's envelope) and did not vary (0 of 12 waits below 0.8 of their envelope, 20% needed; CV 0: no jitter); mean wait by retry: 100, 200, 400 ms.",
    );
  });

  it('fails fixed waits stretched by a busy machine (late timers look like variation, never like early waits)', () => {
    // 100/200/400 ms envelopes, each wait 0–45% late: a CV of ~0.16, still no wait below its envelope.
    const late = [[145, 205, 410], [101, 290, 404], [118, 212, 560], [100, 251, 430]];
    const v = backoffJitter(evidence(run(late)));
    expect(v.ok).toBe(false);
    expect(v.summary).toMatch(/did not vary \(0 of 12 waits below 0.8 of their envelope, 20% needed; CV 0.1\d+: no jitter\)/);
  });

  it('fails jittered waits that never grow', () => {
    const v = backoffJitter(evidence(run([[12, 70, 96], [71, 33, 31], [48, 99, 8], [93, 18, 25]])));
    expect(v.ok).toBe(false);
    expect(v.summary).toMatch(/^Back-off waits did not grow \(none of 8 later waits above 1.25 × 100 ms, the first retry's envelope; largest 99 ms\) and varied/);
  });

  it('does not judge growth on a sample full jitter could fail by chance, nor spread under 6 waits', () => {
    const v = backoffJitter(evidence(run([[12, 70], [71, 33]])));
    expect(v).toMatchObject({ ok: true, vacuous: true });
    expect(v.summary).toBe(
      'Too few back-off waits to judge (4, 2 of them before a 3rd or later attempt; spread needs 6, growth enough later waits for full jitter to show it 99 times in 100); mean wait by retry: 41.5, 51.5 ms.',
    );
  });

  it('leaves out waits a Retry-After or RateLimit-Reset dictated', () => {
    expect(backoffJitter(evidence(run(Array.from({ length: 4 }, () => [1000, 1000, 1000]), 429, { 'retry-after': '1' }))).vacuous).toBe(true);
    expect(backoffJitter(evidence(run(Array.from({ length: 4 }, () => [1000, 1000, 1000]), 429, { 'ratelimit-reset': '1' }))).vacuous).toBe(true);
  });

  it('leaves out a wait lengthened by the circuit’s cool-down', () => {
    // Five failures of one operation in a row open the circuit: the sixth attempt waits the cool-down.
    const chain = attempts('POST /v1/issues', [500, 500, 500, 500, 500, 201], { gaps: [12, 170, 96, 390, 1500], body: { json: { t: 1 } } });
    const v = backoffJitter(evidence(chain, { policy: { maxAttempts: 6 } }));
    expect(v.evidence.waitsByRetry).toEqual([[12], [170], [96], [390]]);
  });
});
