// Mutation score: every seeded defect of ticket-sync (a connector variant with exactly one defect)
// is caught by the rule that names it, on the targeted scenario built to show that rule; the
// correct connector passes the same scenario (the suite under suites/ asserts that too).
// Runs the built connector as a process (`npx tsc -p .` first) against the recorded partners.
import { describe, expect, it } from 'vitest';
import { preparePartner, processConnector, runScenario } from '../src/testing/index.js';
import { CREATED_ISSUES, TICKET_SYNC_ENV, TICKET_SYNC_POLICY, ticketSyncCommand } from '../suites/ticket-sync/config.js';
import { TARGETED } from '../suites/ticket-sync/scenarios.js';

const helpdesk = await preparePartner({ name: 'helpdesk' });
const tracker = await preparePartner({ name: 'tracker' });

const cases = TARGETED.flatMap((scenario) => Object.entries(scenario.catches).map(([variant, rule]) => ({ variant, rule, scenario })));

describe.concurrent('each seeded defect is caught by the rule that names it', () => {
  it('covers every variant the connector ships', () => {
    expect(cases.map((c) => c.variant).sort()).toEqual(
      [
        'ignores-retry-after',
        'logs-token',
        'new-idempotency-key-per-retry',
        'no-circuit-breaker',
        'no-jitter',
        'no-timeout',
        'refresh-storm',
        'restarts-pagination',
        'retries-400',
        'retry-after-as-ms',
        'unbounded-retries',
      ].sort(),
    );
  });

  for (const { variant, rule, scenario } of cases) {
    it(`${variant} fails ${rule} on "${scenario.name}"`, async () => {
      const run = await runScenario({
        suite: 'mutations',
        name: scenario.name,
        connector: processConnector(`ticket-sync:${variant}`, { command: ticketSyncCommand(variant) }),
        partners: [helpdesk, tracker],
        plan: scenario.plan,
        policy: TICKET_SYNC_POLICY,
        expectations: scenario.countsCreations ? { creations: CREATED_ISSUES } : {},
        env: TICKET_SYNC_ENV,
        timeLimitMs: 6_000,
      });
      const verdict = run.verdicts.find((v) => v.rule === rule)!;
      expect(verdict.ok, verdict.summary).toBe(false);
      expect(verdict.vacuous ?? false).toBe(false);
    });
  }
});
