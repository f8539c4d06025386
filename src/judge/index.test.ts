// The registry: every rule id has a rule, and judge runs the asked ones in order.
import { describe, expect, it } from 'vitest';
import { judge, RULES } from './index.js';
import { evidence, req } from './test-evidence.js';
import { RULE_IDS } from './types.js';

describe('judge', () => {
  it('registers one rule per id and runs them all by default, each verdict under its own id', () => {
    expect(Object.keys(RULES).sort()).toEqual([...RULE_IDS].sort());
    const verdicts = judge(evidence([req('GET /api/v2/tickets?limit=5', { at: 0, answer: 200 })]));
    expect(verdicts.map((v) => [v.rule, v.ok])).toEqual(RULE_IDS.map((id) => [id, true]));
  });

  it('runs only the rules asked for, in the order asked', () => {
    expect(judge(evidence([]), ['timeout-enforced', 'retries-bounded']).map((v) => v.rule)).toEqual(['timeout-enforced', 'retries-bounded']);
  });
});
