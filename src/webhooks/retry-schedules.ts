// Providers' retry schedules after a non-2xx answer or a timeout, time-compressed so a suite can
// run three days of retries in seconds. `delaysMs[i]` is the wait after attempt i+1 failed before
// attempt i+2 is sent (each period starts when the preceding attempt failed); the first attempt
// is the planned delivery itself ("immediately"), so it is not in the list.

export type RetryScheduleId = 'stripe' | 'standard-webhooks';
export const RETRY_SCHEDULE_IDS: readonly RetryScheduleId[] = ['stripe', 'standard-webhooks'];

export interface RetrySchedule {
  name: string;
  delaysMs: number[];
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

// Stripe documents "up to three days with an exponential back off" and does not publish the
// intervals: doubling from an hour fits six retries into three days (the last at 63 h).
const STRIPE = [1, 2, 4, 8, 16, 32].map((h) => h * HOUR);

// The Standard Webhooks spec's example schedule (after the immediate first attempt).
const STANDARD_WEBHOOKS = [5 * SECOND, 5 * MINUTE, 30 * MINUTE, 2 * HOUR, 5 * HOUR, 10 * HOUR, 14 * HOUR, 20 * HOUR, 24 * HOUR];

/** The schedule with every delay divided by `compress` (3600: an hour becomes a second), rounded to whole ms. */
export function retrySchedule(id: RetryScheduleId, options: { compress: number }): RetrySchedule {
  const { compress } = options;
  if (!Number.isFinite(compress) || compress <= 0) throw new RangeError(`retry schedule: compress must be a positive number, not ${compress}`);
  const delays = id === 'stripe' ? STRIPE : STANDARD_WEBHOOKS;
  return { name: id, delaysMs: delays.map((d) => Math.round(d / compress)) };
}
