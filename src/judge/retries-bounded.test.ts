// retries-bounded: the bound exactly, one attempt too many, and nothing retried.
import { describe, expect, it } from 'vitest';
import { retriesBounded } from './retries-bounded.js';
import { attempts, evidence } from './test-evidence.js';

const create = (answers: number[]) => attempts('POST /v1/issues', answers, { body: { json: { t: 1 } } });

describe('retries-bounded', () => {
  it('passes a call attempted exactly maxAttempts times', () => {
    const v = retriesBounded(evidence(create([503, 503, 503, 503, 201])));
    expect(v).toMatchObject({ ok: true, summary: 'The retried call stayed within 5 attempts (longest: POST /v1/issues, 5 attempts, answered 503 ×4, 201).' });
  });

  it('fails one retry too many, whatever the attempts’ headers', () => {
    const chain = create([503, 503, 503, 503, 503, 201]).map((r, i) => ({ ...r, headers: { 'idempotency-key': `k${i}` } }));
    const v = retriesBounded(evidence(chain));
    expect(v.ok).toBe(false);
    expect(v.summary).toBe('POST /v1/issues was attempted 6 times, more than the 5 allowed (from 0.000 s to 0.505 s, answered 503 ×5, 201).');
    expect(v.evidence.over).toEqual([{ partner: 'tracker', call: 'POST /v1/issues', attempts: 6, seqs: [1, 2, 3, 4, 5, 6], answers: '503 ×5, 201' }]);
  });

  it('is vacuous when no call was retried', () => {
    expect(retriesBounded(evidence(create([201])))).toMatchObject({ ok: true, vacuous: true, summary: 'No call was retried, so the bound of 5 attempts was never approached.' });
  });
});
