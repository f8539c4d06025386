// idempotency-key: one key across a create's retries passes; a new key per retry, a missing key or a
// key shared by two different creates fails.
import { describe, expect, it } from 'vitest';
import { idempotencyKey } from './idempotency-key.js';
import { evidence, req } from './test-evidence.js';

const create = (at: number, answer: number, key: string | undefined, t = 1) =>
  req('POST /v1/issues', { at, answer, body: { json: { t } }, headers: key === undefined ? {} : { 'idempotency-key': key } });

describe('idempotency-key', () => {
  it('passes a key reused on every retry, with different keys for different creates', () => {
    const v = idempotencyKey(evidence([create(0, 503, 'k1'), create(100, 500, 'k1'), create(300, 201, 'k1'), create(400, 201, 'k2', 2)]));
    expect(v).toMatchObject({ ok: true, summary: 'The retried create kept one Idempotency-Key across 3 attempts, and the 2 creates used 2 distinct keys.' });
    expect(v.vacuous).toBeUndefined();
  });

  it('fails a key renewed on a retry', () => {
    const v = idempotencyKey(evidence([create(0, 503, 'k1'), create(350, 201, 'k9')]));
    expect(v.ok).toBe(false);
    expect(v.summary).toBe('POST /v1/issues attempt 2 at 0.350 s carried Idempotency-Key k9 where attempt 1 at 0.000 s carried k1: a new key on a retry.');
  });

  it('fails a missing key, and one key on two different creates', () => {
    expect(idempotencyKey(evidence([create(0, 503, 'k1'), create(100, 201, undefined)])).summary).toBe('POST /v1/issues attempt 2 at 0.100 s carried no Idempotency-Key.');
    expect(idempotencyKey(evidence([create(0, 201, 'k1'), create(100, 201, 'k1', 2)])).summary).toBe(
      'Two different POST /v1/issues requests (at 0.000 s and 0.100 s) carried the same Idempotency-Key k1.',
    );
  });

  it('is vacuous when no create was retried and the keys are sound', () => {
    expect(idempotencyKey(evidence([create(0, 201, 'k1'), create(100, 201, 'k2', 2)]))).toMatchObject({
      ok: true,
      vacuous: true,
      summary: 'No create was retried, so key reuse was not tested (2 POST /v1/issues calls, each with its own Idempotency-Key).',
    });
  });
});
