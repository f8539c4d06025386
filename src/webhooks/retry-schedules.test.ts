import { describe, expect, it } from 'vitest';
import { retrySchedule } from './retry-schedules.js';

describe('retrySchedule', () => {
  it('stripe: doubling from an hour, six retries inside three days', () => {
    expect(retrySchedule('stripe', { compress: 1 })).toEqual({ name: 'stripe', delaysMs: [3_600_000, 7_200_000, 14_400_000, 28_800_000, 57_600_000, 115_200_000] });
    expect(retrySchedule('stripe', { compress: 1 }).delaysMs.reduce((a, b) => a + b)).toBeLessThanOrEqual(72 * 3_600_000);
    expect(retrySchedule('stripe', { compress: 3600 }).delaysMs).toEqual([1000, 2000, 4000, 8000, 16000, 32000]);
  });

  it('standard-webhooks: the spec example schedule, compressed and rounded to whole ms', () => {
    expect(retrySchedule('standard-webhooks', { compress: 1 }).delaysMs).toEqual([5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 50_400_000, 72_000_000, 86_400_000]);
    expect(retrySchedule('standard-webhooks', { compress: 3600 })).toEqual({ name: 'standard-webhooks', delaysMs: [1, 83, 500, 2000, 5000, 10000, 14000, 20000, 24000] });
  });

  it('refuses a compression that is not a positive number', () => {
    expect(() => retrySchedule('stripe', { compress: 0 })).toThrow('retry schedule: compress must be a positive number, not 0');
  });
});
