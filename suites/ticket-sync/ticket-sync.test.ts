// The gate for connectors/ticket-sync: its recorded partners (helpdesk, tracker) replayed by
// mocks, a full resilience matrix (every operation × every applicable fault) plus targeted
// scenarios for the rules a single fault cannot show (back-off growth and jitter across calls,
// the circuit breaker, pagination, token refresh), the connector run as a process, and the judge.
//
// `seam gate` runs this file; SEAM_VARIANT runs a seeded-defect build of the connector instead
// (then the rule that names the defect must fail), SEAM_ENGINE picks the mocks' engine.
import { describe, expect, test } from 'vitest';
import { attach, faultMatrix, noFaults, preparePartner, processConnector, runScenario, type EngineChoice, type FaultPlan, type ScenarioOptions } from 'seam/testing';
import { TICKET_SYNC_ENV, TICKET_SYNC_POLICY, CREATED_ISSUES, ticketSyncCommand } from './config.js';

const variant = process.env.SEAM_VARIANT;
const engine = (process.env.SEAM_ENGINE ?? 'embedded') as EngineChoice;
const connector = processConnector(variant !== undefined ? `ticket-sync:${variant}` : 'ticket-sync', { command: ticketSyncCommand(variant) });

const helpdesk = await preparePartner({ name: 'helpdesk' });
const tracker = await preparePartner({ name: 'tracker' });

function scenario(name: string, plan: FaultPlan, extra: Partial<ScenarioOptions> = {}): ScenarioOptions {
  return {
    suite: 'ticket-sync',
    name,
    connector,
    partners: [helpdesk, tracker],
    plan,
    policy: TICKET_SYNC_POLICY,
    expectations: { creations: CREATED_ISSUES },
    env: TICKET_SYNC_ENV,
    engine,
    timeLimitMs: 20_000,
    ...extra,
  };
}

const matrix = [
  ...faultMatrix(helpdesk.stubs, { ...(helpdesk.spec !== undefined ? { spec: helpdesk.spec } : {}), seed: 7 }),
  ...faultMatrix(tracker.stubs, { ...(tracker.spec !== undefined ? { spec: tracker.spec } : {}), seed: 7, tokenTarget: 'POST /oauth/token' }),
];

describe.concurrent('ticket-sync: happy path and targeted scenarios', () => {
  test('no faults: every ticket synced, every rule passes', async ({ task }) => {
    const run = attach(task, await runScenario(scenario('no faults', noFaults())));
    expect(run.evidence.connector.exitCode).toBe(0);
    expect(run).toPassJudge();
    expect(run).toKeepSecrets();
    expect(run).toCreateExactlyOnce();
  });

  test('5xx on every operation, first 2 calls: bounded back-off with jitter', async ({ task }) => {
    const plan: FaultPlan = {
      seed: 11,
      rules: ['GET /api/v2/tickets', 'GET /v1/issues', 'POST /v1/issues', 'PATCH /v1/issues/{issue_id}'].map((target) => ({ target, fault: 'server-error' as const, when: { first: 2 } })),
    };
    const run = attach(task, await runScenario(scenario('5xx on every operation, first 2 calls', plan)));
    expect(run).toBackOffWithJitter();
    expect(run).toPassJudge();
  });

  test('429 with Retry-After on creates: the wait is honoured', async ({ task }) => {
    const run = attach(task, await runScenario(scenario('429 on creates, calls 1-2', { seed: 12, rules: [{ target: 'POST /v1/issues', fault: 'rate-limit', when: { calls: [1, 2] }, retryAfterSeconds: 1 }] })));
    expect(run).toHonorRetryAfter();
    expect(run).toPassJudge();
  });

  test('tracker down for good: the circuit opens and probes after its cool-down', async ({ task }) => {
    const run = attach(task, await runScenario(scenario('creates always 500', { seed: 13, rules: [{ target: 'POST /v1/issues', fault: 'server-error', when: { always: true } }] }, { expectations: {} })));
    expect(run).toBreakCircuit();
    expect(run).toBoundRetries();
    expect(run).toKeepIdempotencyKey();
  });

  test('second page fails once: pagination resumes at its cursor', async ({ task }) => {
    const run = attach(task, await runScenario(scenario('ticket pages fail once each', { seed: 14, rules: [{ target: 'GET /api/v2/tickets', fault: 'reset', when: { first: 1 } }] })));
    expect(run).toResumePagination();
    expect(run).toPassJudge();
  });

  test('expired token: one refresh, then the call succeeds', async ({ task }) => {
    const run = attach(task, await runScenario(scenario('401 until refreshed', { seed: 15, rules: [{ target: 'GET /v1/issues', fault: 'unauthorized', when: { always: true }, tokenTarget: 'POST /oauth/token' }] })));
    expect(run).toRefreshTokenOnce();
    expect(run).toPassJudge();
  });

  test('a hung helpdesk call is abandoned at the timeout', async ({ task }) => {
    const run = attach(task, await runScenario(scenario('helpdesk hangs once', { seed: 16, rules: [{ target: 'GET /api/v2/tickets', fault: 'hang', when: { first: 1 } }] })));
    expect(run).toEnforceTimeout();
    expect(run).toPassJudge();
  });

  test('a permanent 400 on a create is not retried', async ({ task }) => {
    const run = attach(task, await runScenario(scenario('creates answer 400', { seed: 17, rules: [{ target: 'POST /v1/issues', fault: 'bad-request', when: { first: 1 } }] }, { expectations: {} })));
    expect(run).toNotRetryPermanentErrors();
    expect(run).toBoundRetries();
  });
});

describe.concurrent('ticket-sync: the resilience matrix (operation × fault)', () => {
  for (const s of matrix) {
    test(s.name, async ({ task }) => {
      const run = attach(task, await runScenario(scenario(s.name, s.plan, { expectations: {} })));
      expect(run).toPassJudge();
    });
  }
});
