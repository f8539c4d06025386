// idempotency-key: every attempt of one logical create carries the same idempotency key, and
// different creates carry different keys — so a retry cannot create twice, and two creates are never merged.
import { attemptChains, header, identity, isOperation } from './attempts.js';
import type { Rule } from './types.js';
import { clock, describeRequest } from './wording.js';

export const idempotencyKey: Rule = (evidence) => {
  const { createOperation, idempotencyHeader } = evidence.policy;
  if (createOperation === undefined || idempotencyHeader === undefined) {
    return { rule: 'idempotency-key', ok: true, vacuous: true, summary: 'The connector declares no create operation with an idempotency header, so keys were not judged.', evidence: {} };
  }
  const creates = attemptChains(evidence.requests).filter((c) => isOperation(c.attempts[0]!, createOperation));
  const findings: string[] = [];
  const facts = creates.map((c) => ({ call: describeRequest(c.attempts[0]!), seqs: c.attempts.map((r) => r.seq), keys: c.attempts.map((r) => header(r.headers, idempotencyHeader) ?? null) }));
  creates.forEach((chain, n) => {
    const keys = facts[n]!.keys;
    const missing = keys.indexOf(null);
    if (missing >= 0) {
      const r = chain.attempts[missing]!;
      findings.push(`${describeRequest(r)} attempt ${missing + 1} at ${clock(r.at)} carried no ${idempotencyHeader}`);
      return;
    }
    const changed = keys.findIndex((k) => k !== keys[0]);
    if (changed >= 0) {
      const r = chain.attempts[changed]!;
      findings.push(
        `${describeRequest(r)} attempt ${changed + 1} at ${clock(r.at)} carried ${idempotencyHeader} ${keys[changed]} where attempt 1 at ${clock(chain.attempts[0]!.at)} carried ${keys[0]}: a new key on a retry`,
      );
    }
  });
  // The same key on two different creates (different bodies): the partner would merge them into one.
  const firstUse = new Map<string, { identity: string; at: number }>();
  creates.forEach((chain, n) => {
    const key = facts[n]!.keys[0];
    if (key === null || key === undefined) return;
    const seen = firstUse.get(key);
    const id = identity(chain.attempts[0]!);
    if (seen === undefined) firstUse.set(key, { identity: id, at: chain.attempts[0]!.at });
    else if (seen.identity !== id) findings.push(`two different ${createOperation} requests (at ${clock(seen.at)} and ${clock(chain.attempts[0]!.at)}) carried the same ${idempotencyHeader} ${key}`);
  });
  const retried = creates.filter((c) => c.attempts.length > 1);
  const base = { createOperation, idempotencyHeader, creates: facts, findings };
  const first = findings[0];
  if (first !== undefined) {
    const more = findings.length > 1 ? `; ${findings.length} findings in all` : '';
    return { rule: 'idempotency-key', ok: false, summary: `${first[0]!.toUpperCase()}${first.slice(1)}${more}.`, evidence: base };
  }
  if (retried.length === 0) {
    return {
      rule: 'idempotency-key',
      ok: true,
      vacuous: true,
      summary: `No create was retried, so key reuse was not tested (${creates.length} ${createOperation} calls, each with its own ${idempotencyHeader}).`,
      evidence: base,
    };
  }
  const attempts = retried.reduce((s, c) => s + c.attempts.length, 0);
  return {
    rule: 'idempotency-key',
    ok: true,
    summary: `${retried.length === 1 ? 'The retried create' : `All ${retried.length} retried creates`} kept one ${idempotencyHeader} across ${attempts} attempts, and the ${creates.length} creates used ${firstUse.size} distinct keys.`,
    evidence: base,
  };
};
