// Answer classes, attempt chains and asked waits on hand-made requests.
import { describe, expect, it } from 'vitest';
import { askedWait, attemptChains, classify, retryAfterMs } from './attempts.js';
import { evidence, req } from './test-evidence.js';

describe('classify', () => {
  it('classes statuses, faults and misses', () => {
    const classes = [200, 201, 304, 400, 401, 403, 404, 408, 409, 422, 429, 500, 503, 'reset', 'hang', 'miss'].map((answer) =>
      classify(req('GET /x', { at: 0, answer: answer as never }).response),
    );
    expect(classes).toEqual([
      'success', 'success', 'success', 'permanent', 'unauthorized', 'permanent', 'permanent', 'transient', 'permanent', 'permanent', 'transient', 'transient', 'transient', 'transient', 'transient', 'permanent',
    ]);
  });

  it('takes a 2xx whose JSON body does not parse for a transient failure, and a parsing one for a success', () => {
    const json = { 'content-type': 'application/json; charset=utf-8' };
    expect(classify(req('GET /x', { at: 0, answer: 200, responseHeaders: json, responseBody: { text: '{"tickets": [' } }).response)).toBe('transient');
    expect(classify(req('GET /x', { at: 0, answer: 200, responseHeaders: json, responseBody: { text: '{"tickets": []}' } }).response)).toBe('success');
    expect(classify(req('GET /x', { at: 0, answer: 200, responseHeaders: { 'content-type': 'text/plain' }, responseBody: { text: '{' } }).response)).toBe('success');
  });
});

describe('attemptChains', () => {
  it('keeps a retry in its chain whatever its headers, across a token refresh in between', () => {
    const e = evidence([
      req('POST /v1/issues', { at: 0, answer: 401, body: { json: { t: 1 } }, headers: { authorization: 'Bearer a', 'idempotency-key': 'k1' } }),
      req('POST /oauth/token', { at: 5, answer: 200 }),
      req('POST /v1/issues', { at: 10, answer: 503, body: { json: { t: 1 } }, headers: { authorization: 'Bearer b', 'idempotency-key': 'k2' } }),
      req('POST /v1/issues', { at: 200, answer: 201, body: { json: { t: 1 } } }),
    ]);
    expect(attemptChains(e.requests).map((c) => c.attempts.map((r) => r.seq))).toEqual([[1, 3, 4], [2]]);
  });

  it('starts a new chain after a success or a permanent answer, and for a different body, query or partner', () => {
    const e = evidence([
      req('GET /v1/issues?external_id=T-1', { at: 0, answer: 200 }),
      req('GET /v1/issues?external_id=T-1', { at: 10, answer: 500 }),
      req('GET /v1/issues?external_id=T-2', { at: 20, answer: 500 }),
      req('GET /v1/issues?external_id=T-1', { at: 30, answer: 404 }),
      req('GET /v1/issues?external_id=T-1', { at: 40, answer: 500 }),
      req('GET /v1/issues?external_id=T-1', { at: 50, answer: 500, partner: 'helpdesk' }),
      req('POST /v1/issues', { at: 60, answer: 500, body: { json: { t: 1 } } }),
      req('POST /v1/issues', { at: 70, answer: 500, body: { json: { t: 2 } } }),
    ]);
    expect(attemptChains(e.requests).map((c) => c.attempts.map((r) => r.seq))).toEqual([[1], [2, 4], [3], [5], [6], [7], [8]]);
  });
});

describe('askedWait and retryAfterMs', () => {
  it('reads Retry-After delta seconds from the answer', () => {
    expect(retryAfterMs({ 'retry-after': '1' }, 1203)).toBe(1000);
    expect(retryAfterMs({ 'retry-after': ' 2 ' }, 0)).toBe(2000);
    expect(askedWait({ 'retry-after': '1' }, 1203)).toEqual({ header: 'retry-after', value: '1', form: 'seconds', until: 2203 });
  });

  it('places an HTTP-date with the wall clock at scenario time 0, exactly', () => {
    const epochMs = Date.parse('2026-11-22T10:00:00.000Z');
    expect(askedWait({ 'retry-after': 'Sun, 22 Nov 2026 10:00:03 GMT' }, 1203, epochMs)).toEqual({ header: 'retry-after', value: 'Sun, 22 Nov 2026 10:00:03 GMT', form: 'date', until: 3000 });
    expect(retryAfterMs({ 'retry-after': 'Sun, 22 Nov 2026 10:00:03 GMT' }, 1203, epochMs)).toBe(1797);
  });

  it('without a wall clock, places an HTTP-date by the answer’s Date header, at the earliest it can be', () => {
    const headers = { 'retry-after': 'Sun, 22 Nov 2026 10:00:03 GMT', date: 'Sun, 22 Nov 2026 10:00:01 GMT' };
    expect(retryAfterMs(headers, 500)).toBe(1000);
    expect(askedWait({ 'retry-after': 'Sun, 22 Nov 2026 10:00:03 GMT' }, 500)).toEqual({ header: 'retry-after', value: 'Sun, 22 Nov 2026 10:00:03 GMT', form: 'date', until: undefined });
  });

  it('falls back to RateLimit-Reset, then X-RateLimit-Reset (delta, or Unix seconds), and ignores what does not parse', () => {
    expect(askedWait({ 'ratelimit-reset': '3', 'x-ratelimit-reset': '9' }, 100)).toEqual({ header: 'ratelimit-reset', value: '3', form: 'seconds', until: 3100 });
    expect(retryAfterMs({ 'x-ratelimit-reset': '2' }, 100)).toBe(2000);
    expect(retryAfterMs({ 'x-ratelimit-reset': String(Date.parse('2026-11-22T10:00:05Z') / 1000) }, 100, Date.parse('2026-11-22T10:00:00Z'))).toBe(4900);
    expect(retryAfterMs({ 'retry-after': 'soon', 'ratelimit-reset': '1' }, 0)).toBe(1000);
    expect(retryAfterMs({ 'retry-after': '-1' }, 0)).toBeUndefined();
    expect(retryAfterMs({}, 0)).toBeUndefined();
  });
});
