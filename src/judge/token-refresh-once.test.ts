// token-refresh-once: one refresh per 401 passes; two is a storm; none fails; a 401 after the refresh may end the call.
import { describe, expect, it } from 'vitest';
import { tokenRefreshOnce } from './token-refresh-once.js';
import { evidence, req } from './test-evidence.js';

const lookup = (at: number, answer: number) => req('GET /v1/issues?external_id=T-1', { at, answer });
const token = (at: number, answer = 200) => req('POST /oauth/token', { at, answer, body: { form: { grant_type: 'client_credentials' } } });

describe('token-refresh-once', () => {
  it('passes one refresh between the 401 and the retry (a token fetch retried after a 503 is one refresh)', () => {
    const v = tokenRefreshOnce(evidence([token(0), lookup(10, 401), token(20, 503), token(40), lookup(60, 200)]));
    expect(v).toMatchObject({ ok: true, summary: 'The 401 (first: GET /v1/issues?external_id=T-1 at 0.010 s) was followed by exactly one POST /oauth/token before the call went on.' });
  });

  it('fails a refresh storm', () => {
    const v = tokenRefreshOnce(evidence([token(0), lookup(10, 401), token(20), token(30), lookup(60, 200)]));
    expect(v.ok).toBe(false);
    expect(v.summary).toBe(
      'After a 401 to GET /v1/issues?external_id=T-1 at 0.010 s the connector called POST /oauth/token 2 times before retrying at 0.060 s (a refresh storm: one refresh per 401).',
    );
  });

  it('fails a retry without a refresh, and giving up without one', () => {
    expect(tokenRefreshOnce(evidence([token(0), lookup(10, 401), lookup(60, 200)])).summary).toBe(
      'After a 401 to GET /v1/issues?external_id=T-1 at 0.010 s the connector retried at 0.060 s without calling POST /oauth/token for a new token.',
    );
    expect(tokenRefreshOnce(evidence([token(0), lookup(10, 401), req('GET /v1/issues?external_id=T-2', { at: 60, answer: 200 })])).summary).toBe(
      'After a 401 to GET /v1/issues?external_id=T-1 at 0.010 s the connector gave up on the call without calling POST /oauth/token for a new token.',
    );
  });

  it('passes giving up on a second 401 after the refresh', () => {
    expect(tokenRefreshOnce(evidence([token(0), lookup(10, 401), token(20), lookup(60, 401), req('GET /v1/issues?external_id=T-2', { at: 90, answer: 200 })])).ok).toBe(true);
  });

  it('is vacuous without a 401, or without a declared token operation', () => {
    expect(tokenRefreshOnce(evidence([token(0), lookup(10, 200)]))).toMatchObject({ ok: true, vacuous: true, summary: 'No request was answered 401, so no token refresh was called for.' });
    expect(tokenRefreshOnce(evidence([lookup(10, 401)], { policy: { tokenOperation: undefined } }))).toMatchObject({ ok: true, vacuous: true });
  });
});
