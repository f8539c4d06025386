// Mutation score: every seeded defect of ticket-sync (a connector variant with exactly one defect)
// is caught by the rule that names it, on the targeted scenario built to show that rule; the
// correct connector passes the same scenario (the suite under suites/ asserts that too).
// Runs the built connector as a process (`npx tsc -p .` first) against the recorded partners.
import { describe, expect, it } from 'vitest';
import { preparePartner, processConnector, processReceiver, runScenario, runWebhookScenario } from '../src/testing/index.js';
import { CREATED_ISSUES, TICKET_SYNC_ENV, TICKET_SYNC_POLICY, ticketSyncCommand } from '../suites/ticket-sync/config.js';
import { TARGETED } from '../suites/ticket-sync/scenarios.js';
import { RECEIVER_ENV, WEBHOOK_SCENARIOS, WEBHOOK_SECRET, receiverCommand } from '../suites/payments-webhooks/scenarios.js';

const helpdesk = await preparePartner({ name: 'helpdesk' });
const tracker = await preparePartner({ name: 'tracker' });

const cases = TARGETED.flatMap((scenario) => Object.entries(scenario.catches).map(([variant, rule]) => ({ variant, rule, scenario })));

describe.concurrent('each seeded defect of ticket-sync is caught by the rule that names it', () => {
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

const receiverCases = WEBHOOK_SCENARIOS.flatMap((scenario) => Object.entries(scenario.catches).map(([variant, rule]) => ({ variant, rule, scenario })));

describe.concurrent('each seeded defect of payments-webhooks is caught by the rule that names it', () => {
  it('covers every variant the receiver ships', () => {
    expect(receiverCases.map((c) => c.variant).sort()).toEqual(
      ['500-on-duplicate', 'accepts-tampered-body', 'dedupe-lost-on-restart', 'drops-under-burst', 'last-write-wins', 'no-signature-check', 'no-timestamp-tolerance', 'slow-ack'].sort(),
    );
  });

  for (const { variant, rule, scenario } of receiverCases) {
    it(`${variant} fails ${rule} on "${scenario.name}"`, async () => {
      const run = await runWebhookScenario({
        suite: 'mutations',
        name: scenario.name,
        receiver: processReceiver(`payments-webhooks:${variant}`, { command: receiverCommand(variant) }),
        events: scenario.events,
        deliveries: scenario.deliveries,
        scheme: 'stripe',
        secrets: [WEBHOOK_SECRET],
        env: { ...RECEIVER_ENV, ...scenario.env },
        ...(scenario.ackBoundMs !== undefined ? { ackBoundMs: scenario.ackBoundMs } : {}),
        ...(scenario.settleMs !== undefined ? { settleMs: scenario.settleMs } : {}),
        ...(scenario.restart !== undefined ? { restart: scenario.restart } : {}),
        ...(scenario.retry !== undefined ? { retry: scenario.retry } : {}),
      });
      const verdict = run.verdicts.find((v) => v.rule === rule)!;
      expect(verdict.ok, verdict.summary).toBe(false);
      expect(verdict.vacuous ?? false).toBe(false);
    });
  }
});
