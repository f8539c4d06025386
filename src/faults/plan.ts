// A fault plan compiled into stubs. Each rule's selector is unrolled into the reply sequence of
// every stub it targets (by stub id, or by operation: all that operation's stubs), up to a horizon
// of calls; engines serve replies in order with the last repeating, so the sequence ends with the
// reply every later call gets (the normal one, or the fault of an `always` rule). Fault replies keep
// their stub's id, so `x-seam-stub` still names it and `faultAt(stubId, replyIndex)` maps a journal
// entry back to the fault it got.
//
// Composition: several rules on one stub — for each call the first rule (in plan order) whose
// selector picks the call and whose fault can be realised on that call's normal reply wins.
// Rules whose target names no stub are ignored: a scenario's plan covers every partner, and each
// partner's mock applies the plan to its own stubs.
//
// `unauthorized` is stateful ("401 until the token is refreshed") and is built from two parts:
// the token endpoint's stubs issue a new token per successful call (`seam-token-1`, `seam-token-2`,
// … in the JSON body's `access_token`), and each target stub gets a copy, one priority higher,
// that matches `authorization: Bearer <an expired token>` and always answers 401. The selector says
// which tokens are expired, counted in the order they are issued: `{ first: 1 }` expires the first
// token only, so the connector's refreshed token works.
import { InputError } from '../errors.js';
import type { LoadedSpec } from '../spec/index.js';
import { DEFAULT_PRIORITY, isFault, type Reply, type Stub, type ValueMatcher } from '../stubs/types.js';
import { faultReply, operationName } from './catalogue.js';
import { mulberry32, seedFor } from './random.js';
import { FAULT_IDS, type CallSelector, type FaultId, type FaultPlan, type FaultRule } from './types.js';

export const DEFAULT_HORIZON = 200;
export const TOKEN_PREFIX = 'seam-token-';
/** The id of a target stub's 401 copy: `<stub id>~unauthorized`. */
export const UNAUTHORIZED_SUFFIX = '~unauthorized';

export interface FaultPlanOptions {
  /** The partner's spec: wrong-body faults are derived from it (without one they do not apply). */
  spec?: LoadedSpec | undefined;
  /** Calls per stub the selectors are unrolled for (default 200); later calls get the normal reply. */
  horizon?: number;
}

export interface AppliedPlan {
  /** The stub set to serve: targeted stubs with their new reply sequences, 401 copies after their targets. */
  stubs: Stub[];
  /** The fault a stub's reply (as the journal's `replyIndex` names it) injects, if any. */
  faultAt(stubId: string, replyIndex: number): FaultId | undefined;
  /** The tokens the token endpoints will issue, in order: secrets the connector must not print. */
  issued: string[];
}

export function applyFaultPlan(stubs: readonly Stub[], plan: FaultPlan, options: FaultPlanOptions = {}): AppliedPlan {
  const horizon = options.horizon ?? DEFAULT_HORIZON;
  if (!Number.isInteger(horizon) || horizon < 1) throw new InputError(`the horizon must be a whole number of calls ≥ 1, got ${horizon}`);
  checkPlan(plan);
  const targets = (target: string) => stubs.filter((s) => s.id === target || operationName(s) === target);

  // unauthorized: which token numbers each target stub rejects, and which stubs issue tokens.
  const expired = new Map<string, Set<number> | 'all'>();
  const tokenStubs = new Set<string>();
  plan.rules.forEach((rule, r) => {
    if (rule.fault !== 'unauthorized') return;
    const hit = targets(rule.target);
    if (hit.length === 0) return;
    if (rule.tokenTarget === undefined) throw new InputError('unauthorized needs a tokenTarget: the token endpoint whose tokens expire', { pointer: `/rules/${r}/tokenTarget` });
    const tokens = targets(rule.tokenTarget);
    if (tokens.length === 0) throw new InputError(`the token endpoint "${rule.tokenTarget}" matches no stub`, { pointer: `/rules/${r}/tokenTarget` });
    for (const t of tokens) tokenStubs.add(t.id);
    const picks = picked(rule.when, horizon, seedFor(plan.seed, `${rule.tokenTarget}#${r}`));
    for (const stub of hit) {
      const before = expired.get(stub.id);
      if (picks === 'all' || before === 'all') expired.set(stub.id, 'all');
      else expired.set(stub.id, new Set([...(before ?? []), ...picks]));
    }
  });

  const faults = new Map<string, (FaultId | undefined)[]>();
  const issued = new Set<string>();
  const ids = new Set(stubs.map((s) => s.id));
  const out: Stub[] = [];
  for (const stub of stubs) {
    const rules = plan.rules.flatMap((rule, r) => (rule.fault !== 'unauthorized' && (rule.target === stub.id || rule.target === operationName(stub)) ? [{ rule, r }] : []));
    const issuesTokens = tokenStubs.has(stub.id);
    if (rules.length === 0 && !issuesTokens) out.push(stub);
    else {
      const unrolled = unroll(stub, rules, { seed: plan.seed, horizon, spec: options.spec, issuesTokens });
      if (issuesTokens && unrolled.tokens.length === 0) throw new InputError(`the token endpoint stub "${stub.id}" has no 2xx reply with a JSON object body to put an access_token in`);
      for (const token of unrolled.tokens) issued.add(token);
      out.push({ ...stub, replies: unrolled.replies });
      faults.set(stub.id, unrolled.faults);
    }
    const rejected = expired.get(stub.id);
    if (rejected !== undefined) {
      const copy = unauthorizedCopy(stub, rejected, ids);
      ids.add(copy.id);
      out.push(copy);
      faults.set(copy.id, ['unauthorized']);
    }
  }

  return {
    stubs: out,
    faultAt: (stubId, replyIndex) => {
      const list = faults.get(stubId);
      return list === undefined ? undefined : list[Math.min(replyIndex, list.length - 1)];
    },
    issued: [...issued],
  };
}

// ---------------------------------------------------------------------------------------------

interface Unrolled {
  replies: Reply[];
  faults: (FaultId | undefined)[];
  tokens: string[];
}

/** One stub's reply sequence under its rules (see the header for the rules of composition). */
function unroll(stub: Stub, rules: { rule: FaultRule; r: number }[], context: { seed: number; horizon: number; spec: LoadedSpec | undefined; issuesTokens: boolean }): Unrolled {
  const { horizon, issuesTokens } = context;
  const count = stub.replies.length;
  const picks = rules.map(({ rule, r }) => picked(rule.when, horizon, seedFor(context.seed, `${stub.id}#${r}`)));
  const fault = (k: number, normal: Reply): Reply | undefined => {
    const rule = rules[k]!.rule;
    return faultReply(rule.fault, normal, { stub, spec: context.spec, retryAfterSeconds: rule.retryAfterSeconds, delayMs: rule.delayMs });
  };
  // Whether rule k can be realised on the stub's reply i: wrong bodies need something to change.
  const realisable = new Map<string, boolean>();
  const canRealise = (k: number, i: number) => {
    const key = `${k}:${i}`;
    if (!realisable.has(key)) realisable.set(key, fault(k, stub.replies[i]!) !== undefined);
    return realisable.get(key)!;
  };
  /** The rule (index into `rules`) that faults call `call` (1-based; past the horizon: only `always` rules) on normal reply i, or -1. */
  const decide = (call: number, i: number): number => picks.findIndex((p, k) => (p === 'all' || (call <= horizon && p.has(call))) && canRealise(k, i));

  // A fault is inserted, not substituted: the normal replies (a recorded sequence: page 2, then
  // page 3) are consumed only by the calls that get them, so the retry after a fault gets the
  // answer the faulted call would have had. Unrolled call by call up to the horizon, then until
  // the normal sequence is used up; the last reply repeats.
  const out: Unrolled = { replies: [], faults: [], tokens: [] };
  let next = 0; // the next normal reply
  for (let call = 1; call <= horizon || (next < count && decide(call, Math.min(next, count - 1)) === -1); call++) {
    const i = Math.min(next, count - 1);
    const k = decide(call, i);
    let normal = stub.replies[i]!;
    if (issuesTokens && k === -1) {
      const token = `${TOKEN_PREFIX}${out.tokens.length + 1}`;
      const withToken = tokenReply(normal, token);
      if (withToken !== undefined) {
        normal = withToken;
        out.tokens.push(token);
      }
    }
    const reply = k === -1 ? undefined : fault(k, normal);
    out.replies.push(reply ?? normal);
    out.faults.push(reply === undefined ? undefined : rules[k]!.rule.fault);
    // A call whose fault still delivers the normal answer (late, or with a plausibly wrong body)
    // used it up; a call that got no answer did not.
    if (reply === undefined || DELIVERS_ANSWER.has(rules[k]!.rule.fault)) next += 1;
  }
  // What every later call gets: an `always` fault, or the last normal reply.
  const tailRule = decide(horizon + 1, count - 1);
  const tailReply = tailRule === -1 ? stub.replies[count - 1]! : fault(tailRule, stub.replies[count - 1]!)!;
  const tailFault = tailRule === -1 ? undefined : rules[tailRule]!.rule.fault;
  if (!issuesTokens) {
    // Trailing calls that already get the tail reply need no entries of their own.
    while (out.replies.length > 1 && out.faults[out.faults.length - 1] === tailFault && sameReply(out.replies[out.replies.length - 1]!, tailReply) && out.replies.length > count) {
      out.replies.pop();
      out.faults.pop();
    }
    if (!sameReply(out.replies[out.replies.length - 1]!, tailReply)) {
      out.replies.push(tailReply);
      out.faults.push(tailFault);
    }
  }
  return out;
}

/** Faults that still carry the normal answer to the client. */
const DELIVERS_ANSWER: ReadonlySet<FaultId> = new Set<FaultId>(['slow', 'unknown-enum', 'missing-optional', 'extra-field']);

function sameReply(a: Reply, b: Reply): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}

/** The calls a selector picks within the horizon (1-based), or 'all' for `always`. */
function picked(when: CallSelector, horizon: number, seed: number): Set<number> | 'all' {
  if ('always' in when) return 'all';
  const out = new Set<number>();
  if ('first' in when) for (let call = 1; call <= Math.min(when.first, horizon); call++) out.add(call);
  else if ('every' in when) for (let call = when.every; call <= horizon; call += when.every) out.add(call);
  else if ('calls' in when) for (let call = when.calls[0]; call <= Math.min(when.calls[1], horizon); call++) out.add(call);
  else {
    const random = mulberry32(seed);
    // One draw per call whatever other rules decide, so each rule's calls depend on the seed only.
    for (let call = 1; call <= horizon; call++) if (random() < when.probability) out.add(call);
  }
  return out;
}

/** A 2xx JSON object reply with `access_token` set to `token`; undefined for any other reply. */
function tokenReply(reply: Reply, token: string): Reply | undefined {
  if (isFault(reply) || reply.status < 200 || reply.status >= 300 || reply.body === undefined || !('json' in reply.body)) return undefined;
  const json = reply.body.json;
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return undefined;
  return { ...reply, body: { json: { ...json, access_token: token } } };
}

/** The target's copy that answers 401 to the expired tokens, preferred over the target. */
function unauthorizedCopy(stub: Stub, rejected: Set<number> | 'all', ids: Set<string>): Stub {
  const numbers = rejected === 'all' ? [] : [...rejected].sort((a, b) => a - b);
  const authorization: ValueMatcher =
    rejected === 'all' ? { matches: `Bearer ${TOKEN_PREFIX}[0-9]+` } : numbers.length === 1 ? { equals: `Bearer ${TOKEN_PREFIX}${numbers[0]}` } : { matches: `Bearer ${TOKEN_PREFIX}(${numbers.join('|')})` };
  let id = `${stub.id}${UNAUTHORIZED_SUFFIX}`;
  for (let n = 2; ids.has(id); n++) id = `${stub.id}${UNAUTHORIZED_SUFFIX}-${n}`;
  return {
    id,
    priority: Math.max(0, (stub.priority ?? DEFAULT_PRIORITY) - 1),
    operation: operationName(stub),
    request: { ...stub.request, headers: { ...stub.request.headers, authorization } },
    replies: [faultReply('unauthorized', stub.replies[0]!, { stub })!],
    ...(stub.source !== undefined ? { source: stub.source } : {}),
  };
}

function checkPlan(plan: FaultPlan): void {
  if (!Number.isFinite(plan.seed)) throw new InputError(`the seed must be a number, got ${String(plan.seed)}`, { pointer: '/seed' });
  plan.rules.forEach((rule, r) => {
    const at = (field: string) => ({ pointer: `/rules/${r}/${field}` });
    if (!(FAULT_IDS as readonly string[]).includes(rule.fault)) throw new InputError(`unknown fault "${rule.fault}" (known: ${FAULT_IDS.join(', ')})`, at('fault'));
    const problem = selectorProblem(rule.when);
    if (problem !== undefined) throw new InputError(problem, at('when'));
    if (rule.retryAfterSeconds !== undefined && !(Number.isInteger(rule.retryAfterSeconds) && rule.retryAfterSeconds >= 0)) {
      throw new InputError(`retryAfterSeconds must be a whole number ≥ 0, got ${rule.retryAfterSeconds}`, at('retryAfterSeconds'));
    }
    if (rule.delayMs !== undefined && !(Number.isFinite(rule.delayMs) && rule.delayMs >= 0)) throw new InputError(`delayMs must be ≥ 0, got ${rule.delayMs}`, at('delayMs'));
  });
}

function selectorProblem(when: CallSelector): string | undefined {
  const keys = Object.keys(when);
  if (keys.length !== 1) return `a selector has exactly one of first, every, calls, probability, always; got ${JSON.stringify(when)}`;
  const whole = (n: unknown) => Number.isInteger(n) && (n as number) >= 1;
  if ('first' in when) return whole(when.first) ? undefined : `first must be a whole number ≥ 1, got ${when.first}`;
  if ('every' in when) return whole(when.every) ? undefined : `every must be a whole number ≥ 1, got ${when.every}`;
  if ('calls' in when) {
    const [from, to] = Array.isArray(when.calls) ? when.calls : [];
    return whole(from) && whole(to) && from! <= to! ? undefined : `calls must be [from, to] with 1 ≤ from ≤ to, got ${JSON.stringify(when.calls)}`;
  }
  if ('probability' in when) return typeof when.probability === 'number' && when.probability >= 0 && when.probability <= 1 ? undefined : `probability must be between 0 and 1, got ${when.probability}`;
  if ('always' in when) return when.always === true ? undefined : 'always must be true';
  return `unknown selector ${JSON.stringify(when)}`;
}
