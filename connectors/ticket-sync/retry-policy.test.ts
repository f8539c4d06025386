import { describe, expect, it } from 'vitest';
import { backoffCeiling, fullJitter, isRetryableStatus, parseRetryAfter, retryWait } from './retry-policy.js';

const policy = { baseMs: 500, maxMs: 30_000 };

describe('fullJitter', () => {
  it('waits random(0, base·2^(retry-1)): 0 at the bottom of the range, just under the ceiling at the top', () => {
    expect(fullJitter(1, policy, () => 0)).toBe(0);
    expect(fullJitter(1, policy, () => 0.999999)).toBe(499);
    expect(fullJitter(2, policy, () => 0.5)).toBe(500);
    expect(fullJitter(4, policy, () => 0.25)).toBe(1000);
  });

  it('caps the ceiling at maxMs', () => {
    expect(backoffCeiling(6, policy)).toBe(16_000);
    expect(backoffCeiling(7, policy)).toBe(30_000);
    expect(backoffCeiling(20, policy)).toBe(30_000);
    expect(fullJitter(20, policy, () => 0.999999)).toBe(29_999);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('Sun, 06 Nov 1994 08:49:37 GMT');

  it('reads delay-seconds', () => {
    expect(parseRetryAfter('2', now)).toBe(2000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
  });

  it('reads an HTTP-date as the time left until it, and a past date as 0', () => {
    expect(parseRetryAfter('Sun, 06 Nov 1994 08:49:40 GMT', now)).toBe(3000);
    expect(parseRetryAfter('Sun, 06 Nov 1994 08:49:30 GMT', now)).toBe(0);
  });

  it('gives undefined for an absent or unreadable value', () => {
    for (const junk of [undefined, '', 'soon', '1.5', '-1', '2s', 'Sunday', 'Sun, 32 Foo 1994 99:99:99 GMT']) {
      expect(parseRetryAfter(junk, now), String(junk)).toBeUndefined();
    }
  });
});

describe('retryWait', () => {
  it('never waits less than Retry-After, and keeps a longer back-off', () => {
    expect(retryWait(120, 1000)).toBe(1000);
    expect(retryWait(1500, 1000)).toBe(1500);
    expect(retryWait(120, undefined)).toBe(120);
  });
});

describe('isRetryableStatus', () => {
  it('retries 408, 429 and 5xx only', () => {
    expect([400, 401, 403, 404, 408, 409, 422, 429, 500, 502, 503, 504].filter(isRetryableStatus)).toEqual([408, 429, 500, 502, 503, 504]);
  });
});
