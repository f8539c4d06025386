// exactly-once: creations counted by distinct idempotency keys among creates that may have taken effect.
import { describe, expect, it } from 'vitest';
import { exactlyOnce } from './exactly-once.js';
import { evidence, req } from './test-evidence.js';

const create = (at: number, answer: number | 'reset' | 'hang', key: string | undefined, t = 1) =>
  req('POST /v1/issues', { at, answer, body: { json: { t } }, headers: key === undefined ? {} : { 'idempotency-key': key } });

describe('exactly-once', () => {
  it('passes when the creations equal the expectation (a retry with the same key creates nothing new)', () => {
    const v = exactlyOnce(evidence([create(0, 500, 'k1'), create(100, 'reset', 'k1'), create(200, 201, 'k1'), create(300, 429, 'k2', 2), create(400, 201, 'k2', 2)], { creations: 2 }));
    expect(v).toMatchObject({ ok: true, summary: 'The partner created 2 resources, as expected: 2 distinct keys among 4 creates that created or may have (of 5 received).' });
  });

  it('fails more creations than expected: a new key on a retry after a lost answer', () => {
    const v = exactlyOnce(evidence([create(0, 500, 'k1'), create(100, 201, 'k2')], { creations: 1 }));
    expect(v.ok).toBe(false);
    expect(v.summary).toBe('The partner created 2 resources, 1 more than the 1 expected: 2 distinct keys among 2 creates that created or may have (of 2 received).');
  });

  it('counts every key-less create that may have taken effect, and fails fewer than expected', () => {
    expect(exactlyOnce(evidence([create(0, 'hang', undefined), create(1500, 201, undefined)], { creations: 1 })).summary).toBe(
      'The partner created 2 resources, 1 more than the 1 expected: 0 distinct keys and 2 key-less among 2 creates that created or may have (of 2 received).',
    );
    expect(exactlyOnce(evidence([create(0, 409, 'k1'), create(100, 201, 'k2', 2)], { creations: 2 })).summary).toBe(
      'The partner created 1 resource, 1 fewer than the 2 expected: 1 distinct key among 1 create that created or may have (of 2 received).',
    );
  });

  it('is vacuous without an expectation', () => {
    expect(exactlyOnce(evidence([create(0, 201, 'k1')]))).toMatchObject({ ok: true, vacuous: true });
  });
});
