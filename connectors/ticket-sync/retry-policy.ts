// The pure parts of the retry policy: which answers are worth another attempt, how long to wait
// (exponential back-off with full jitter), and what a Retry-After header asks for.

/** A source of uniform numbers in [0, 1); injectable so tests can pin it. */
export type Random = () => number;

export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
}

/** Full jitter: random(0, min(max, base·2^(retry-1))), `retry` counting from 1 (the wait before the second attempt). */
export function fullJitter(retry: number, policy: BackoffPolicy, random: Random): number {
  return Math.floor(random() * backoffCeiling(retry, policy));
}

export function backoffCeiling(retry: number, policy: BackoffPolicy): number {
  return Math.min(policy.maxMs, policy.baseMs * 2 ** (retry - 1));
}

/** 408, 429 and 5xx may succeed later; any other status is the partner's final word on the request. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/** What a circuit breaker counts as the partner failing (as opposed to refusing one request). */
export function isPartnerFailureStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/**
 * Retry-After (RFC 9110 §10.2.3) in ms from `nowMs`: delay-seconds or an HTTP-date (a past date
 * is 0). Undefined when absent or unreadable: the caller falls back to its back-off.
 */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // An HTTP-date names a weekday and a GMT time; bare numbers or words are not dates.
  if (!/^[A-Za-z]{3}, /.test(text)) return undefined;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

/** The wait before retry number `retry`: the back-off, but never less than what Retry-After asked for. */
export function retryWait(backoffMs: number, retryAfterMs: number | undefined): number {
  return retryAfterMs === undefined ? backoffMs : Math.max(retryAfterMs, backoffMs);
}
