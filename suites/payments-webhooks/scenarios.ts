// The webhook chaos scenarios for connectors/payments-webhooks: Stripe payment-intent lifecycles
// delivered duplicated, shuffled, in a burst, with bad signatures among honest ones, to a
// receiver that works slowly or restarts mid-delivery. Each names the rules it is there to show
// and the seeded receiver defects it catches (test/mutations.test.ts runs those).
import { join } from 'node:path';
import type { DeliveryPlan, RuleId, WebhookEvent } from 'seam/testing';
import { stripeLifecycle, retrySchedule, type RetrySchedule } from 'seam/testing';

export const WEBHOOK_SECRET = 'whsec_seam_suite_4f1d9a2c7e5b';
export const RECEIVER_ENV: Record<string, string> = {
  STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
  STRIPE_API_KEY: 'sk_test_seam_suite_8b3e1f0a',
  WEBHOOK_TOLERANCE_SECONDS: '300',
};

export function receiverCommand(variant: string | undefined): string[] {
  return [process.execPath, join('dist', 'connectors', 'payments-webhooks', 'main.js'), ...(variant !== undefined ? ['--variant', variant] : [])];
}

/** Lifecycles of `n` payment intents: 3–4 events each, versions 1.. per intent. */
export function lifecycles(n: number, seed: string): WebhookEvent[] {
  return Array.from({ length: n }, (_, i) => stripeLifecycle(`pi_seam${seed}${String(i).padStart(3, '0')}`, `${seed}-${i}`)).flat();
}

function odd<T>(list: T[]): T[] {
  return list.length % 2 === 1 ? list : list.slice(0, -1);
}

export interface WebhookScenarioSpec {
  name: string;
  events: WebhookEvent[];
  deliveries: DeliveryPlan;
  shows: RuleId[];
  catches: Record<string, RuleId>;
  env?: Record<string, string>;
  ackBoundMs?: number;
  settleMs?: number;
  restart?: { atMs: number; downMs: number };
  retry?: RetrySchedule;
}

const few = lifecycles(4, 'a');
const mutated = lifecycles(6, 'b');
// One delivery of each kind of bad, on events of their own (so they must have no effect), and a
// rotated-secret one that must be accepted.
const firstOf = (resource: number): string => mutated.find((e) => e.resourceId === `pi_seamb${String(resource).padStart(3, '0')}`)!.id;

export const WEBHOOK_SCENARIOS: WebhookScenarioSpec[] = [
  {
    name: 'every event twice, shuffled',
    events: few,
    deliveries: { duplicate: 2, shuffle: { seed: 21 }, spacingMs: 5 },
    shows: ['webhook-exactly-once', 'webhook-converges', 'webhook-acknowledged'],
    catches: { 'last-write-wins': 'webhook-converges', '500-on-duplicate': 'webhook-acknowledged' },
  },
  {
    name: 'bad signatures among honest deliveries',
    events: mutated,
    deliveries: {
      spacingMs: 5,
      mutations: [
        { mutate: 'bad-signature', events: [firstOf(0)] },
        { mutate: 'wrong-secret', events: [firstOf(1)] },
        { mutate: 'stale-timestamp', events: [firstOf(2)] },
        { mutate: 'future-timestamp', events: [firstOf(3)] },
        { mutate: 'tampered-body', events: [firstOf(4)] },
        { mutate: 'rotated-secret', events: [firstOf(5)] },
      ],
    },
    shows: ['webhook-rejects-bad'],
    catches: { 'no-signature-check': 'webhook-rejects-bad', 'no-timestamp-tolerance': 'webhook-rejects-bad' },
  },
  {
    // A captured genuine delivery replayed with its body altered (same signature header).
    name: 'tampered copies of genuine deliveries',
    // An odd number of events, so that with every 2nd delivery tampered the copies hit events whose first delivery was honest.
    events: odd(lifecycles(2, 'f')),
    deliveries: { duplicate: 2, spacingMs: 10, mutations: [{ mutate: 'tampered-body', events: { every: 2 } }] },
    shows: ['webhook-rejects-bad'],
    catches: { 'accepts-tampered-body': 'webhook-rejects-bad' },
  },
  {
    name: 'a burst of every event at once',
    events: lifecycles(12, 'c'),
    deliveries: { burst: { concurrency: 48 } },
    shows: ['webhook-no-loss'],
    catches: { 'drops-under-burst': 'webhook-no-loss' },
    ackBoundMs: 1000,
  },
  {
    name: 'heavy processing: acknowledged before the work',
    events: lifecycles(1, 'd'),
    deliveries: { spacingMs: 20 },
    // Each event takes a second of work: twice the acknowledgement bound, so only an ack sent
    // before the work passes, however busy the machine.
    env: { WEBHOOK_WORK_MS: '1000' },
    settleMs: 10_000,
    shows: ['webhook-acknowledged'],
    catches: { 'slow-ack': 'webhook-acknowledged' },
  },
  {
    name: 'receiver restarts mid-delivery; the provider retries and redelivers',
    events: lifecycles(3, 'e'),
    deliveries: { duplicate: 2, spacingMs: 40 },
    restart: { atMs: 200, downMs: 250 },
    retry: retrySchedule('stripe', { compress: 36_000 }), // 1 h → 100 ms
    shows: ['webhook-exactly-once', 'webhook-retry-processed-once'],
    catches: { 'dedupe-lost-on-restart': 'webhook-exactly-once' },
  },
];
