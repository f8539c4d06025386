import { describe, expect, it } from 'vitest';
import { faultSpec, faultStubs } from '../../test/support/fault-spec.js';
import type { Stub } from '../stubs/types.js';
import { faultMatrix } from './matrix.js';
import { applyFaultPlan } from './plan.js';

describe('faultMatrix', () => {
  it('one scenario per operation × applicable fault, operations by path then method, faults in catalogue order', () => {
    const scenarios = faultMatrix(faultStubs(), { spec: faultSpec, tokenTarget: 'POST /oauth/token', faults: ['server-error', 'malformed-json', 'unauthorized', 'conflict', 'unknown-enum', 'missing-optional', 'extra-field'] });
    expect(scenarios.map((s) => s.name)).toEqual([
      'GET /api/v2/tickets × server-error',
      'GET /api/v2/tickets × malformed-json',
      'GET /api/v2/tickets × unauthorized',
      'GET /api/v2/tickets × unknown-enum',
      'GET /api/v2/tickets × missing-optional',
      'GET /api/v2/tickets × extra-field',
      'POST /oauth/token × server-error',
      'POST /oauth/token × malformed-json',
      'POST /oauth/token × conflict',
      'POST /oauth/token × extra-field',
      'POST /v1/issues × server-error',
      'POST /v1/issues × malformed-json',
      'POST /v1/issues × unauthorized',
      'POST /v1/issues × conflict',
      'POST /v1/issues × unknown-enum',
      'POST /v1/issues × missing-optional',
      'POST /v1/issues × extra-field',
      'PATCH /v1/issues/{issue} × server-error',
      'PATCH /v1/issues/{issue} × malformed-json',
      'PATCH /v1/issues/{issue} × unauthorized',
      'PATCH /v1/issues/{issue} × conflict',
      'PATCH /v1/issues/{issue} × unknown-enum',
      'PATCH /v1/issues/{issue} × missing-optional',
      'PATCH /v1/issues/{issue} × extra-field',
    ]);
  });

  it('each plan targets the operation with the selector and seed; unauthorized names the token endpoint', () => {
    const scenarios = faultMatrix(faultStubs(), { tokenTarget: 'POST /oauth/token', seed: 9, when: { first: 2 }, faults: ['unauthorized', 'hang'] });
    expect(scenarios).toEqual([
      { name: 'GET /api/v2/tickets × hang', operation: 'GET /api/v2/tickets', fault: 'hang', plan: { seed: 9, rules: [{ target: 'GET /api/v2/tickets', fault: 'hang', when: { first: 2 } }] } },
      {
        name: 'GET /api/v2/tickets × unauthorized',
        operation: 'GET /api/v2/tickets',
        fault: 'unauthorized',
        plan: { seed: 9, rules: [{ target: 'GET /api/v2/tickets', fault: 'unauthorized', when: { first: 2 }, tokenTarget: 'POST /oauth/token' }] },
      },
      { name: 'POST /oauth/token × hang', operation: 'POST /oauth/token', fault: 'hang', plan: { seed: 9, rules: [{ target: 'POST /oauth/token', fault: 'hang', when: { first: 2 } }] } },
      { name: 'POST /v1/issues × hang', operation: 'POST /v1/issues', fault: 'hang', plan: { seed: 9, rules: [{ target: 'POST /v1/issues', fault: 'hang', when: { first: 2 } }] } },
      {
        name: 'POST /v1/issues × unauthorized',
        operation: 'POST /v1/issues',
        fault: 'unauthorized',
        plan: { seed: 9, rules: [{ target: 'POST /v1/issues', fault: 'unauthorized', when: { first: 2 }, tokenTarget: 'POST /oauth/token' }] },
      },
      { name: 'PATCH /v1/issues/{issue} × hang', operation: 'PATCH /v1/issues/{issue}', fault: 'hang', plan: { seed: 9, rules: [{ target: 'PATCH /v1/issues/{issue}', fault: 'hang', when: { first: 2 } }] } },
      {
        name: 'PATCH /v1/issues/{issue} × unauthorized',
        operation: 'PATCH /v1/issues/{issue}',
        fault: 'unauthorized',
        plan: { seed: 9, rules: [{ target: 'PATCH /v1/issues/{issue}', fault: 'unauthorized', when: { first: 2 }, tokenTarget: 'POST /oauth/token' }] },
      },
    ]);
  });

  it('the whole catalogue by default; exclude by operation or stub id; an operation with several stubs is one operation', () => {
    const all = faultMatrix(faultStubs(), { spec: faultSpec, tokenTarget: 'POST /oauth/token' });
    expect(all).toHaveLength(18 + 17 + 20 + 20); // reads 18 faults, writes 20 (conflict, unprocessable), the token endpoint 17 (no unauthorized)
    expect(new Set(all.map((s) => s.plan.seed))).toEqual(new Set([1]));
    const second: Stub = { id: 'list-tickets-page-2', operation: 'GET /api/v2/tickets', request: { method: 'GET', path: '/api/v2/tickets', query: { cursor: { equals: 'c2' } } }, replies: [{ status: 200, body: { json: { tickets: [], next_cursor: null } } }] };
    const names = faultMatrix([...faultStubs(), second], { faults: ['reset'], exclude: ['POST /oauth/token', 'update-issue'] }).map((s) => s.name);
    expect(names).toEqual(['GET /api/v2/tickets × reset', 'POST /v1/issues × reset']);
  });

  it('every scenario applies to its stubs', () => {
    const stubs = faultStubs();
    for (const scenario of faultMatrix(stubs, { spec: faultSpec, tokenTarget: 'POST /oauth/token' })) {
      const applied = applyFaultPlan(stubs, scenario.plan, { spec: faultSpec, horizon: 5 });
      const faulted = applied.stubs.some((s) => s.replies.some((_, i) => applied.faultAt(s.id, i) === scenario.fault));
      expect(faulted, scenario.name).toBe(true);
    }
  });
});
