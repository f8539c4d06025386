import { describe, expect, it } from 'vitest';
import { retryAfter } from './retry-after.js';

describe('retryAfter', () => {
  it('reads delay-seconds', () => {
    expect(retryAfter({ 'retry-after': '1' })).toEqual({ delayMs: 1000, value: '1' });
    expect(retryAfter({ 'retry-after': [' 0 ', '5'] })).toEqual({ delayMs: 0, value: '0' });
  });

  it('places an HTTP-date relative to the response Date header', () => {
    expect(retryAfter({ 'retry-after': 'Tue, 04 Mar 2025 05:06:09 GMT', date: 'Tue, 04 Mar 2025 05:06:07 GMT' })).toEqual({ delayMs: 2000, value: 'Tue, 04 Mar 2025 05:06:09 GMT' });
    expect(retryAfter({ 'retry-after': 'Tue, 04 Mar 2025 05:06:05 GMT', date: 'Tue, 04 Mar 2025 05:06:07 GMT' })?.delayMs).toBe(0);
  });

  it('cannot place a date without a Date header, nor a value of neither form', () => {
    expect(retryAfter({ 'retry-after': 'Tue, 04 Mar 2025 05:06:09 GMT' })).toEqual({ delayMs: undefined, value: 'Tue, 04 Mar 2025 05:06:09 GMT' });
    expect(retryAfter({ 'retry-after': '1.5', date: 'Tue, 04 Mar 2025 05:06:07 GMT' })).toEqual({ delayMs: undefined, value: '1.5' });
    expect(retryAfter({ 'retry-after': 'soon', date: 'Tue, 04 Mar 2025 05:06:07 GMT' })).toEqual({ delayMs: undefined, value: 'soon' });
    // the RFC 850 and asctime forms are HTTP-dates too
    expect(retryAfter({ 'retry-after': 'Tuesday, 04-Mar-25 05:06:08 GMT', date: 'Tue, 04 Mar 2025 05:06:07 GMT' })?.delayMs).toBe(1000);
  });

  it('is absent without the header', () => {
    expect(retryAfter({})).toBeUndefined();
    expect(retryAfter({ 'retry-after': '' })).toBeUndefined();
  });
});
