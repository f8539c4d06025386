// The gate for connectors/ticket-sync: its recorded partners (helpdesk, tracker) replayed by
// mocks, a full resilience matrix (every operation × every applicable fault) plus targeted
// scenarios for the rules a single fault cannot show (back-off growth and jitter across calls,
// the circuit breaker, pagination, token refresh), the connector run as a process, and the judge.
//
// `seam gate` runs this file; SEAM_VARIANT runs a seeded-defect build of the connector instead
// (then the rule that names the defect must fail), SEAM_ENGINE picks the mocks' engine.
import { describe, expect, test } from 'vitest';
import { attach, faultMatrix, preparePartner, processConnector, runScenario, type EngineChoice, type FaultPlan, type ScenarioOptions } from 'seam/testing';
import { TICKET_SYNC_ENV, TICKET_SYNC_POLICY, CREATED_ISSUES, ticketSyncCommand } from './config.js';
import { TARGETED } from './scenarios.js';

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

describe.concurrent('ticket-sync: targeted scenarios', () => {
  for (const t of TARGETED) {
    test(t.name, async ({ task }) => {
      const run = attach(task, await runScenario(scenario(t.name, t.plan, t.countsCreations ? {} : { expectations: {} })));
      // The rules a scenario is there for must have had something to judge.
      const shown = t.shows.map((rule) => run.verdicts.find((v) => v.rule === rule));
      expect(shown.map((v) => [v?.rule, v?.ok, v?.vacuous === true ? 'vacuous' : 'judged'])).toEqual(t.shows.map((rule) => [rule, true, 'judged']));
      expect(run).toPassJudge();
    });
  }
});

describe.concurrent('ticket-sync: the resilience matrix (operation × fault)', () => {
  for (const s of matrix) {
    test(s.name, async ({ task }) => {
      const run = attach(task, await runScenario(scenario(s.name, s.plan, { expectations: {} })));
      expect(run).toPassJudge();
    });
  }
});
