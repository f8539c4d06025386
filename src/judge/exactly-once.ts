// exactly-once: the partner ends up with as many created resources as the scenario expects. The
// partner is modelled as a careful one: it creates once per idempotency key, and a create it may
// have processed counts even when its answer was lost (a 5xx or a network fault).
import { header, isOperation, statusOf } from './attempts.js';
import type { Rule } from './types.js';
import { count } from './wording.js';

export const exactlyOnce: Rule = (evidence) => {
  const expected = evidence.expectations.creations;
  const { createOperation, idempotencyHeader } = evidence.policy;
  if (expected === undefined || createOperation === undefined) {
    return { rule: 'exactly-once', ok: true, vacuous: true, summary: 'The scenario expects no particular number of creations, so none was counted.', evidence: {} };
  }
  const creates = evidence.requests.filter((r) => isOperation(r, createOperation));
  // A 4xx (401, 409, 429, a miss…) is a refusal before any effect; anything else may have created.
  const effective = creates.filter((r) => {
    const status = statusOf(r.response);
    return status === undefined || status < 400 || status >= 500;
  });
  const keys = new Set<string>();
  let keyless = 0;
  for (const r of effective) {
    const key = idempotencyHeader === undefined ? undefined : header(r.headers, idempotencyHeader);
    if (key === undefined) keyless++;
    else keys.add(`${r.partner}\u0000${key}`);
  }
  const created = keys.size + keyless;
  const base = { expected, created, creates: creates.length, effective: effective.length, distinctKeys: keys.size, keyless };
  const how = `${count(keys.size, 'distinct key', 'distinct keys')}${keyless > 0 ? ` and ${keyless} key-less` : ''} among ${count(effective.length, 'create', 'creates')} that created or may have (of ${creates.length} received)`;
  if (created === expected) {
    return { rule: 'exactly-once', ok: true, summary: `The partner created ${count(created, 'resource', 'resources')}, as expected: ${how}.`, evidence: base };
  }
  const diff = created > expected ? `${created - expected} more than` : `${expected - created} fewer than`;
  return { rule: 'exactly-once', ok: false, summary: `The partner created ${count(created, 'resource', 'resources')}, ${diff} the ${expected} expected: ${how}.`, evidence: base };
};
