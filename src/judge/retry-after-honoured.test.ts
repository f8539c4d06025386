// retry-after-honoured at its boundaries: exactly on time, within the tolerance, 30 ms early, HTTP-dates.
import { describe, expect, it } from 'vitest';
import { retryAfterHonoured } from './retry-after-honoured.js';
import { evidence, req } from './test-evidence.js';

const asked = (retryAt: number, headers: Record<string, string> = { 'retry-after': '1' }, status = 429) => [
  req('POST /v1/issues', { at: 1202, took: 1, answer: status, responseHeaders: headers, body: { json: { t: 1 } } }),
  req('POST /v1/issues', { at: retryAt, answer: 201, body: { json: { t: 1 } } }),
];

describe('retry-after-honoured', () => {
  it('passes an attempt exactly at Retry-After', () => {
    const v = retryAfterHonoured(evidence(asked(2203)));
    expect(v).toMatchObject({ ok: true, summary: 'The retry after a 429/503 with Retry-After waited as asked (closest: POST /v1/issues retried 1 s after asking for 1 s, Retry-After: 1).' });
    expect(v.vacuous).toBeUndefined();
  });

  it('passes an attempt 25 ms early (the tolerance) and fails one 30 ms early, with the evidence in one sentence', () => {
    expect(retryAfterHonoured(evidence(asked(2178))).ok).toBe(true);
    const v = retryAfterHonoured(evidence(asked(2173)));
    expect(v.ok).toBe(false);
    expect(v.summary).toBe('POST /v1/issues was retried 0.97 s after a 429 that asked for 1 s (Retry-After: 1, answered at 1.203 s; next attempt at 2.173 s, tolerance 25 ms).');
    expect(v.evidence.waits).toEqual([
      { call: 'POST /v1/issues', status: 429, retryAfter: '1', form: 'seconds', answeredAt: 1203, until: 2203, askedMs: 1000, nextSeq: 2, nextAt: 2173, waitedMs: 970, early: true },
    ]);
  });

  it('fails a Retry-After read as milliseconds, and judges 503 as it judges 429', () => {
    const v = retryAfterHonoured(evidence(asked(1240, { 'retry-after': '1' }, 503)));
    expect(v.summary).toBe('POST /v1/issues was retried 0.037 s after a 503 that asked for 1 s (Retry-After: 1, answered at 1.203 s; next attempt at 1.240 s, tolerance 25 ms).');
  });

  it('judges an HTTP-date against the date itself (1 s resolution), placed with the scenario’s wall clock', () => {
    const epochMs = Date.parse('2026-11-22T10:00:00.000Z');
    const headers = { 'retry-after': 'Sun, 22 Nov 2026 10:00:03 GMT' };
    expect(retryAfterHonoured(evidence(asked(3000, headers), { epochMs })).ok).toBe(true);
    const early = retryAfterHonoured(evidence(asked(2970, headers), { epochMs }));
    expect(early.ok).toBe(false);
    expect(early.summary).toBe(
      'POST /v1/issues was retried 1.767 s after a 429 that asked for 1.797 s (Retry-After: Sun, 22 Nov 2026 10:00:03 GMT, answered at 1.203 s; next attempt at 2.970 s, tolerance 25 ms).',
    );
  });

  it('counts early retries across calls', () => {
    const second = asked(2173).map((r) => ({ ...r, at: r.at + 5000, body: { json: { t: 2 } }, response: { ...r.response, at: (r.response.at ?? 0) + 5000 } }));
    const v = retryAfterHonoured(evidence([...asked(2173), ...second]));
    expect(v.summary).toMatch(/; 2 of 2 retries came early\.$/);
  });

  it('is vacuous with no Retry-After, with no retry after it, or with a date it cannot place', () => {
    const none = retryAfterHonoured(evidence(asked(1300, {}, 429)));
    expect(none).toMatchObject({ ok: true, vacuous: true, summary: 'Nothing to judge: no 429 or 503 with Retry-After was served.' });
    expect(retryAfterHonoured(evidence(asked(1300, { 'retry-after': '1' }, 500))).vacuous).toBe(true);
    const gaveUp = retryAfterHonoured(evidence(asked(2203).slice(0, 1)));
    expect(gaveUp.summary).toBe('Nothing to judge: the 429/503 with Retry-After was not followed by a retry of its call.');
    const unplaced = retryAfterHonoured(evidence(asked(1300, { 'retry-after': 'Sun, 22 Nov 2026 10:00:03 GMT' })));
    expect(unplaced).toMatchObject({ ok: true, vacuous: true });
    expect(unplaced.summary).toMatch(/could not be placed on the scenario clock/);
  });
});
