// no-retry-on-permanent: a refused request sent again fails; a changed request, a 409 or a 5xx do not count.
import { describe, expect, it } from 'vitest';
import { noRetryOnPermanent } from './no-retry-on-permanent.js';
import { evidence, req } from './test-evidence.js';

const create = (at: number, answer: number | 'miss', t = 1) => req('POST /v1/issues', { at, answer, body: { json: { t } }, headers: { 'idempotency-key': `k${at}` } });

describe('no-retry-on-permanent', () => {
  it('fails a 400 sent again, even with a new idempotency key', () => {
    const v = noRetryOnPermanent(evidence([create(100, 400), create(350, 400), create(900, 400)]));
    expect(v.ok).toBe(false);
    expect(v.summary).toBe('POST /v1/issues was answered 400 at 0.100 s and sent again 2 more times (first at 0.350 s).');
  });

  it('fails a miss (404) sent again', () => {
    expect(noRetryOnPermanent(evidence([create(0, 'miss'), create(100, 'miss')])).summary).toBe('POST /v1/issues was answered 404 at 0.000 s and sent again once more (first at 0.100 s).');
  });

  it('passes when the refused request is not repeated (a different body is a different request)', () => {
    const v = noRetryOnPermanent(evidence([create(0, 422), create(100, 201, 2)]));
    expect(v).toMatchObject({ ok: true, summary: 'The request answered 422 (POST /v1/issues) was not sent again.' });
    expect(v.vacuous).toBeUndefined();
  });

  it('is vacuous with no 400/403/404/422 (a 409 or 503 retried is not its business)', () => {
    expect(noRetryOnPermanent(evidence([create(0, 409), create(100, 409), create(200, 503), create(300, 201)]))).toMatchObject({ ok: true, vacuous: true });
  });
});
