import { describe, expect, it } from 'vitest';
import { CORRECT_PARTS } from './parts.js';
import { partsFor, UnknownVariantError, VARIANT_NAMES } from './variants.js';

describe('partsFor', () => {
  it('gives the correct parts without a variant', () => {
    expect(partsFor()).toBe(CORRECT_PARTS);
    expect(partsFor('correct')).toBe(CORRECT_PARTS);
  });

  it('swaps exactly one part per variant', () => {
    const swapped = Object.fromEntries(
      VARIANT_NAMES.map((name) => {
        const parts = partsFor(name);
        return [name, (Object.keys(CORRECT_PARTS) as (keyof typeof CORRECT_PARTS)[]).filter((k) => parts[k] !== CORRECT_PARTS[k])];
      }),
    );
    expect(swapped).toEqual({
      'no-jitter': ['backoff'],
      'ignores-retry-after': ['retryAfter'],
      'retry-after-as-ms': ['retryAfter'],
      'retries-400': ['retryableStatus'],
      'unbounded-retries': ['attemptBudget'],
      'new-idempotency-key-per-retry': ['idempotencyKeys'],
      'no-timeout': ['attemptLimit'],
      'logs-token': ['tokenSource'],
      'restarts-pagination': ['pages'],
      'refresh-storm': ['onUnauthorized'],
      'no-circuit-breaker': ['breaker'],
    });
  });

  it('the defective parts behave as their names say', () => {
    expect(partsFor('no-jitter').backoff(3, { baseMs: 100, maxMs: 1000 }, () => 0)).toBe(400);
    expect(partsFor('retry-after-as-ms').retryAfter('1', 0)).toBe(1);
    expect(partsFor('ignores-retry-after').retryAfter('1', 0)).toBeUndefined();
    expect(partsFor('retries-400').retryableStatus(400)).toBe(true);
    expect(partsFor('unbounded-retries').attemptBudget(4)).toBe(50);
    const keys = partsFor('new-idempotency-key-per-retry').idempotencyKeys('k');
    expect(keys()).not.toBe(keys());
    expect(partsFor('no-timeout').attemptLimit(10, undefined).signal).toBeUndefined();
  });

  it('rejects an unknown name, listing the known ones', () => {
    expect(() => partsFor('flaky')).toThrow(UnknownVariantError);
    expect(() => partsFor('flaky')).toThrow(`unknown variant "flaky"; known: ${VARIANT_NAMES.join(', ')}`);
  });
});
