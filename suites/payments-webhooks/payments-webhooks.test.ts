// The gate for connectors/payments-webhooks: Stripe-signed deliveries with chaos (duplicates,
// shuffles, bursts, bad signatures, slow work, a restart with provider retries), the receiver run
// as a process, and the webhook rules judged on the delivery journal and its state endpoint.
// SEAM_VARIANT runs a seeded-defect build instead (then the rule naming its defect must fail).
import { describe, expect, test } from 'vitest';
import { attach, processReceiver, runWebhookScenario } from 'seam/testing';
import { RECEIVER_ENV, WEBHOOK_SCENARIOS, WEBHOOK_SECRET, receiverCommand } from './scenarios.js';

const variant = process.env.SEAM_VARIANT;
const receiver = processReceiver(variant !== undefined ? `payments-webhooks:${variant}` : 'payments-webhooks', { command: receiverCommand(variant) });

describe.concurrent('payments-webhooks: webhook chaos', () => {
  for (const s of WEBHOOK_SCENARIOS) {
    test(s.name, async ({ task }) => {
      const run = attach(
        task,
        await runWebhookScenario({
          suite: 'payments-webhooks',
          name: s.name,
          receiver,
          events: s.events,
          deliveries: s.deliveries,
          scheme: 'stripe',
          secrets: [WEBHOOK_SECRET],
          env: { ...RECEIVER_ENV, ...s.env },
          ...(s.ackBoundMs !== undefined ? { ackBoundMs: s.ackBoundMs } : {}),
          ...(s.settleMs !== undefined ? { settleMs: s.settleMs } : {}),
          ...(s.restart !== undefined ? { restart: s.restart } : {}),
          ...(s.retry !== undefined ? { retry: s.retry } : {}),
        }),
      );
      // The rules a scenario is there for must have had something to judge.
      expect(s.shows.map((rule) => [rule, run.verdicts.find((v) => v.rule === rule)?.vacuous === true ? 'vacuous' : 'judged'])).toEqual(s.shows.map((rule) => [rule, 'judged']));
      expect(run).toPassJudge();
    });
  }
});
