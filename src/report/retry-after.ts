// Retry-After as the timeline draws it: how long after the answer the partner allowed a retry.
// An HTTP-date is absolute, and the scenario clock is not, so it is placed relative to the
// answer's own `Date` header; without one the window cannot be drawn.
import type { MultiMap } from '../exchange/types.js';

function first(headers: MultiMap, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export type RetryAfter =
  | { delayMs: number; value: string }
  /** A date without a `Date` header to measure it from, or a value that parses as neither form. */
  | { delayMs: undefined; value: string };

/** The response's Retry-After (header names lower-case), or undefined when it has none. */
export function retryAfter(headers: MultiMap): RetryAfter | undefined {
  const value = first(headers, 'retry-after')?.trim();
  if (value === undefined || value === '') return undefined;
  if (/^\d+$/.test(value)) return { delayMs: Number(value) * 1000, value };
  // V8's Date.parse takes almost anything ('1.5' is a date); an HTTP-date names a month and a time.
  const until = /[A-Za-z]{3}/.test(value) && /\d{2}:\d{2}:\d{2}/.test(value) ? Date.parse(value) : Number.NaN;
  const date = first(headers, 'date');
  const now = date === undefined ? Number.NaN : Date.parse(date);
  if (Number.isNaN(until) || Number.isNaN(now)) return { delayMs: undefined, value };
  return { delayMs: Math.max(0, until - now), value };
}
