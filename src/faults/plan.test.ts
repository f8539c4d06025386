import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { faultSpec, faultStubs, tokenBody } from '../../test/support/fault-spec.js';
import { startEmbedded, type EmbeddedEngine } from '../engines/embedded.js';
import { InputError } from '../errors.js';
import { isFault, type Reply, type Stub } from '../stubs/types.js';
import { applyFaultPlan, type AppliedPlan } from './plan.js';
import type { CallSelector, FaultPlan, FaultRule } from './types.js';

const ok: Reply = { status: 200, body: { json: { ok: true } } };
const thing = (replies: Reply[] = [ok]): Stub => ({ id: 'thing', request: { method: 'GET', path: '/thing' }, replies });
const plan = (rules: Partial<FaultRule>[], seed = 1): FaultPlan => ({ seed, rules: rules.map((r) => ({ target: 'GET /thing', fault: 'server-error', when: { first: 1 }, ...r })) });

/** A stub's replies as short labels: the status, the fault kind, or `ok`. */
function labels(applied: AppliedPlan, id = 'thing'): string[] {
  const stub = applied.stubs.find((s) => s.id === id)!;
  return stub.replies.map((r) => (isFault(r) ? r.fault : r.status === 200 ? 'ok' : String(r.status)));
}
/** What calls 1..n get, following "the last repeats". */
function calls(applied: AppliedPlan, n: number, id = 'thing'): string[] {
  const seq = labels(applied, id);
  return Array.from({ length: n }, (_, i) => seq[Math.min(i, seq.length - 1)]!);
}
const unrolled = (when: CallSelector, options: { horizon?: number; seed?: number } = {}) => applyFaultPlan([thing()], plan([{ when }], options.seed), { horizon: options.horizon ?? 20 });

describe('applyFaultPlan: selectors unrolled into the reply sequence', () => {
  it('first n: calls 1..n, then the normal reply repeats', () => {
    expect(labels(unrolled({ first: 2 }))).toEqual(['500', '500', 'ok']);
  });

  it('every n-th call up to the horizon', () => {
    expect(labels(unrolled({ every: 3 }, { horizon: 10 }))).toEqual(['ok', 'ok', '500', 'ok', 'ok', '500', 'ok', 'ok', '500', 'ok']);
  });

  it('calls from..to, inclusive', () => {
    expect(labels(unrolled({ calls: [5, 7] }))).toEqual(['ok', 'ok', 'ok', 'ok', '500', '500', '500', 'ok']);
  });

  it('always: the fault is the reply that repeats', () => {
    expect(labels(unrolled({ always: true }))).toEqual(['500']);
  });

  it('probability: the same seed gives the same sequence, another seed another', () => {
    const a = calls(unrolled({ probability: 0.3 }, { seed: 42 }), 20);
    expect(calls(unrolled({ probability: 0.3 }, { seed: 42 }), 20)).toEqual(a);
    expect(calls(unrolled({ probability: 0.3 }, { seed: 43 }), 20)).not.toEqual(a);
    expect(a.filter((l) => l === '500').length).toBeGreaterThan(0);
    expect(a.filter((l) => l === 'ok').length).toBeGreaterThan(0);
    expect(calls(unrolled({ probability: 0 }), 20)).toEqual(Array(20).fill('ok'));
    expect(calls(unrolled({ probability: 1 }), 20)).toEqual(Array(20).fill('500'));
    // Past the horizon: the normal reply.
    expect(labels(unrolled({ probability: 1 }))).toHaveLength(21);
    expect(labels(unrolled({ probability: 1 })).at(-1)).toBe('ok');
  });

  it('a selector past the horizon stops at it', () => {
    expect(labels(unrolled({ first: 50 }, { horizon: 3 }))).toEqual(['500', '500', '500', 'ok']);
  });

  it('a stub with a sequence keeps it: the fault is inserted, the retry gets what the faulted call would have had', () => {
    const created: Reply = { status: 201 };
    const conflict: Reply = { status: 409 };
    const seq = (when: CallSelector) => labels(applyFaultPlan([thing([created, conflict])], plan([{ when }]), { horizon: 10 }));
    expect(seq({ first: 1 })).toEqual(['500', '201', '409']);
    expect(seq({ first: 2 })).toEqual(['500', '500', '201', '409']);
    // a fault that still delivers the answer (late, or with a wrong body) uses it up
    const slow = applyFaultPlan([thing([created, conflict])], plan([{ when: { first: 1 }, fault: 'slow' }]), { horizon: 10 });
    expect(slow.stubs[0]!.replies.map((r) => (isFault(r) ? r.fault : `${r.status}${r.delayMs !== undefined ? ` after ${r.delayMs} ms` : ''}`))).toEqual(['201 after 200 ms', '409']);
    expect(seq({ calls: [3, 3] })).toEqual(['201', '409', '500', '409']);
    expect(seq({ always: true })).toEqual(['500', '500']);
  });

  it('rules compose: the first rule that picks a call wins', () => {
    const applied = applyFaultPlan([thing()], plan([{ fault: 'server-error', when: { calls: [2, 3] } }, { fault: 'rate-limit', when: { first: 3 } }]));
    expect(labels(applied)).toEqual(['429', '500', '500', 'ok']);
    expect([0, 1, 2, 3, 99].map((i) => applied.faultAt('thing', i))).toEqual(['rate-limit', 'server-error', 'server-error', undefined, undefined]);
  });

  it('a rule that cannot be realised on a call falls through to the next (a wrong body without a spec)', () => {
    const applied = applyFaultPlan([thing()], plan([{ fault: 'unknown-enum', when: { first: 1 } }, { fault: 'reset', when: { first: 2 } }]));
    expect(labels(applied)).toEqual(['reset', 'reset', 'ok']);
    expect(applied.faultAt('thing', 0)).toBe('reset');
  });

  it('targets by operation (all its stubs) or by stub id; faults keep the stub id; other stubs are untouched', () => {
    const stubs = faultStubs();
    const applied = applyFaultPlan(stubs, { seed: 1, rules: [{ target: 'POST /v1/issues', fault: 'conflict', when: { first: 1 } }, { target: 'update-issue', fault: 'empty', when: { first: 1 } }] });
    expect(applied.stubs.map((s) => s.id)).toEqual(['list-tickets', 'create-issue', 'update-issue', 'token']);
    expect(labels(applied, 'create-issue')).toEqual(['409', '201']);
    expect(labels(applied, 'update-issue')).toEqual(['empty', 'ok']);
    expect(applied.stubs[0]).toBe(stubs[0]);
    expect(applied.faultAt('create-issue', 0)).toBe('conflict');
    expect(applied.faultAt('list-tickets', 0)).toBeUndefined();
    expect(applied.issued).toEqual([]);
  });

  it('rules for operations this partner does not have are ignored', () => {
    const applied = applyFaultPlan(faultStubs(), { seed: 1, rules: [{ target: 'GET /elsewhere', fault: 'unauthorized', when: { first: 1 } }] });
    expect(applied.stubs).toEqual(faultStubs());
  });

  it('wrong bodies with the spec', () => {
    const applied = applyFaultPlan(faultStubs(), { seed: 1, rules: [{ target: 'GET /api/v2/tickets', fault: 'extra-field', when: { first: 1 } }] }, { spec: faultSpec });
    const replies = applied.stubs[0]!.replies;
    expect(replies).toHaveLength(2);
    expect(replies[0]).toMatchObject({ status: 200, body: { json: { seam_extra_field: 'seam extra value' } } });
    expect(replies[1]).toEqual(faultStubs()[0]!.replies[0]);
  });

  it('rejects a bad plan with the pointer of the problem', () => {
    const problem = (p: FaultPlan, horizon?: number): InputError => {
      try {
        applyFaultPlan([thing()], p, horizon !== undefined ? { horizon } : {});
      } catch (error) {
        if (error instanceof InputError) return error;
        throw error;
      }
      throw new Error('expected an InputError');
    };
    expect(problem(plan([{}, { fault: 'explode' as 'reset' }])).pointer).toBe('/rules/1/fault');
    expect(problem(plan([{ when: { every: 0 } }]))).toMatchObject({ pointer: '/rules/0/when', message: '/rules/0/when: every must be a whole number ≥ 1, got 0' });
    expect(problem(plan([{ when: { calls: [4, 2] } }])).message).toContain('calls must be [from, to] with 1 ≤ from ≤ to, got [4,2]');
    expect(problem(plan([{ when: { probability: 1.5 } }])).pointer).toBe('/rules/0/when');
    expect(problem(plan([{ when: { first: 1, every: 2 } as unknown as CallSelector }])).message).toContain('exactly one of');
    expect(problem(plan([{ retryAfterSeconds: 1.5 }])).pointer).toBe('/rules/0/retryAfterSeconds');
    expect(problem(plan([{ fault: 'unauthorized' }])).pointer).toBe('/rules/0/tokenTarget');
    expect(problem(plan([{ fault: 'unauthorized', tokenTarget: 'POST /nowhere' }])).message).toBe('/rules/0/tokenTarget: the token endpoint "POST /nowhere" matches no stub');
    expect(problem(plan([]), 0).message).toBe('the horizon must be a whole number of calls ≥ 1, got 0');
  });
});

describe('unauthorized: 401 until the token is refreshed', () => {
  const rule: FaultRule = { target: 'GET /v1/issues', fault: 'unauthorized', when: { first: 1 }, tokenTarget: 'POST /oauth/token' };
  const stubs: Stub[] = [
    { id: 'token', request: { method: 'POST', path: '/oauth/token' }, replies: [{ status: 200, body: { json: tokenBody } }] },
    { id: 'get-issues', request: { method: 'GET', path: '/v1/issues' }, replies: [{ status: 200, body: { json: { issues: [] } } }] },
  ];

  it('the token endpoint issues distinct tokens; the target gets a 401 copy for the expired one', () => {
    const applied = applyFaultPlan(stubs, { seed: 1, rules: [rule] }, { horizon: 4 });
    expect(applied.issued).toEqual(['seam-token-1', 'seam-token-2', 'seam-token-3', 'seam-token-4']);
    expect(applied.stubs.find((s) => s.id === 'token')!.replies).toEqual(applied.issued.map((token) => ({ status: 200, body: { json: { ...tokenBody, access_token: token } } })));
    expect(applied.stubs.map((s) => s.id)).toEqual(['token', 'get-issues', 'get-issues~unauthorized']);
    expect(applied.stubs[2]).toEqual({
      id: 'get-issues~unauthorized',
      priority: 4,
      operation: 'GET /v1/issues',
      request: { method: 'GET', path: '/v1/issues', headers: { authorization: { equals: 'Bearer seam-token-1' } } },
      replies: [
        {
          status: 401,
          headers: { 'content-type': 'application/json', 'www-authenticate': 'Bearer error="invalid_token"' },
          body: { json: { error: 'unauthorized', message: 'The access token expired.' } },
        },
      ],
    });
    expect(applied.stubs[1]).toBe(stubs[1]);
    expect(applied.faultAt('get-issues~unauthorized', 0)).toBe('unauthorized');
    expect(applied.faultAt('token', 3)).toBeUndefined();
  });

  it('the selector counts tokens: several expired, or all', () => {
    const matcher = (when: CallSelector) => applyFaultPlan(stubs, { seed: 1, rules: [{ ...rule, when }] }, { horizon: 6 }).stubs[2]!.request.headers!.authorization;
    expect(matcher({ every: 2 })).toEqual({ matches: 'Bearer seam-token-(2|4|6)' });
    expect(matcher({ always: true })).toEqual({ matches: 'Bearer seam-token-[0-9]+' });
  });

  it('a fault on the token endpoint does not use up a token', () => {
    const applied = applyFaultPlan(stubs, { seed: 1, rules: [rule, { target: 'token', fault: 'rate-limit', when: { first: 1 } }] }, { horizon: 4 });
    expect(labels(applied, 'token')).toEqual(['429', 'ok', 'ok', 'ok']);
    const tokens = applied.stubs[0]!.replies.map((r) => (!isFault(r) && r.body !== undefined && 'json' in r.body ? (r.body.json as { access_token?: string }).access_token : undefined));
    expect(tokens).toEqual([undefined, 'seam-token-1', 'seam-token-2', 'seam-token-3']);
    expect(applied.issued).toEqual(['seam-token-1', 'seam-token-2', 'seam-token-3']);
    expect(applied.faultAt('token', 0)).toBe('rate-limit');
  });

  describe('served by the embedded engine', () => {
    let engine: EmbeddedEngine;
    let applied: AppliedPlan;
    beforeAll(async () => {
      applied = applyFaultPlan(stubs, { seed: 1, rules: [rule] });
      engine = await startEmbedded({ stubs: applied.stubs });
    });
    afterAll(async () => {
      await engine.close();
    });

    it('the first token gets 401, the refreshed one 200; the journal maps back to the fault', async () => {
      const token = async () => ((await (await fetch(`${engine.url}/oauth/token`, { method: 'POST' })).json()) as { access_token: string }).access_token;
      const issues = (t: string) => fetch(`${engine.url}/v1/issues`, { headers: { authorization: `Bearer ${t}` } });
      const first = await token();
      expect(first).toBe('seam-token-1');
      const denied = await issues(first);
      expect([denied.status, denied.headers.get('www-authenticate'), denied.headers.get('x-seam-stub')]).toEqual([401, 'Bearer error="invalid_token"', 'get-issues~unauthorized']);
      await denied.arrayBuffer();
      const second = await token();
      expect(second).toBe('seam-token-2');
      const allowed = await issues(second);
      expect([allowed.status, await allowed.json()]).toEqual([200, { issues: [] }]);
      const journal = await engine.journal();
      expect(journal.map((e) => [e.stubId, e.replyIndex, applied.faultAt(e.stubId!, e.replyIndex!)])).toEqual([
        ['token', 0, undefined],
        ['get-issues~unauthorized', 0, 'unauthorized'],
        ['token', 1, undefined],
        ['get-issues', 0, undefined],
      ]);
    });
  });
});

describe('rate-limit-date served by the embedded engine', () => {
  it('carries an HTTP-date about retryAfterSeconds ahead of the moment it was sent', async () => {
    const applied = applyFaultPlan([thing()], plan([{ fault: 'rate-limit-date', when: { first: 1 } }]));
    const engine = await startEmbedded({ stubs: applied.stubs });
    try {
      const response = await fetch(`${engine.url}/thing`);
      const received = Date.now();
      await response.arrayBuffer();
      const value = response.headers.get('retry-after')!;
      expect(response.status).toBe(429);
      expect(value).toMatch(/^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/);
      // Whole seconds, truncated: 2 s ahead reads as 1–2 s ahead.
      const ahead = Date.parse(value) - received;
      expect(ahead).toBeGreaterThan(900);
      expect(ahead).toBeLessThanOrEqual(2000);
      expect((await fetch(`${engine.url}/thing`)).status).toBe(200);
    } finally {
      await engine.close();
    }
  });
});
