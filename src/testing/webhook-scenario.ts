// A webhook scenario: the receiver started (with its partners' mocks, for the objects it fetches),
// events planned into deliveries (duplicates, reordering, bursts, bad signatures, …) and sent
// with the provider's retry schedule, optionally a restart in the middle (down for a while, back
// on the same port and state), then the receiver's state read once it has settled, and the
// webhook rules judged on the delivery journal beside what the receiver did.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FaultPlan } from '../faults/types.js';
import { judge } from '../judge/index.js';
import { WEBHOOK_RULE_IDS, type ConnectorPolicy, type Evidence, type ObservedRequest, type RuleId, type Verdict, type WebhookEvidence } from '../judge/types.js';
import type { ScenarioResult } from '../report/types.js';
import { planDeliveries, type DeliveryPlan } from '../webhooks/planner.js';
import type { RetrySchedule } from '../webhooks/retry-schedules.js';
import { sendDeliveries } from '../webhooks/send.js';
import type { DeliveryRecord, SchemeId, WebhookEvent } from '../webhooks/types.js';
import type { EngineChoice, PartnerMock, PreparedPartner } from './partner.js';
import { startPartners } from './partner.js';
import type { Receiver, RunningReceiver } from './receiver.js';
import { envName } from './scenario.js';

export interface WebhookScenarioOptions {
  suite: string;
  name: string;
  receiver: Receiver;
  /** Where deliveries go on the receiver (default `/webhooks/stripe`). */
  path?: string;
  events: WebhookEvent[];
  deliveries: DeliveryPlan;
  scheme: SchemeId;
  /** The provider's signing secrets now (the receiver is configured through `env`). */
  secrets: string[];
  /** For rotated-secret deliveries: the secret being rotated out. */
  oldSecret?: string;
  /** The provider's retry schedule after a non-2xx or a timeout. */
  retry?: RetrySchedule;
  /** The provider gives up on one delivery after this long (default 2 s). */
  deliveryTimeoutMs?: number;
  /** Stop the receiver this long after sending starts, and start it again `downMs` later (same port, same state dir). */
  restart?: { atMs: number; downMs: number };
  /** A correct receiver acknowledges an honest delivery within this (default 500 ms: well above a durable write on a busy CI machine). */
  ackBoundMs?: number;
  /** Partners whose APIs the receiver calls (their `<NAME>_BASE_URL` goes into its env), with a fault plan. */
  partners?: PreparedPartner[];
  plan?: FaultPlan;
  engine?: EngineChoice;
  env?: Record<string, string>;
  /** Env values that are secrets (default: names with SECRET, KEY, TOKEN or PASSWORD). */
  secretEnv?: string[];
  /** How long to wait for the receiver to finish its work after the last delivery (default 5 s). */
  settleMs?: number;
  rules?: readonly RuleId[];
}

export interface WebhookScenarioRun {
  evidence: Evidence;
  verdicts: Verdict[];
  deliveries: DeliveryRecord[];
  result: ScenarioResult;
}

interface ReceiverState {
  resources: Record<string, { version: number; status?: string; eventId?: string }>;
  effects: { eventId: string; resourceId: string; version: number }[];
  pending: number;
}

const SECRET_NAME = /SECRET|KEY|TOKEN|PASSWORD/i;
const POLICY: ConnectorPolicy = { timeoutMs: 0, maxAttempts: 1, backoffBaseMs: 0 };

export async function runWebhookScenario(options: WebhookScenarioOptions): Promise<WebhookScenarioRun> {
  const origin = performance.now();
  const stateDir = await mkdtemp(join(tmpdir(), 'seam-webhook-state-'));
  const mocks: PartnerMock[] = [];
  const runs: { stdout: string; stderr: string; exitCode: number | null }[] = [];
  let receiver: RunningReceiver | undefined;
  try {
    mocks.push(...(await startPartners(options.partners ?? [], options.plan ?? { seed: 1, rules: [] }, options.engine ?? 'embedded')));
    const env: Record<string, string> = { WEBHOOK_STATE_DIR: stateDir, PORT: '0', ...options.env };
    for (const m of mocks) env[envName(m.name)] = m.url;
    const startedAt = performance.now() - origin;
    receiver = await options.receiver.start(env);
    const path = options.path ?? '/webhooks/stripe';
    const planned = planDeliveries(options.events, options.deliveries, { scheme: options.scheme, secrets: options.secrets, ...(options.oldSecret !== undefined ? { oldSecret: options.oldSecret } : {}), now: () => Date.now() });

    // The restart runs beside the sending: down at atMs, back (same port) downMs later.
    let restarting: Promise<void> = Promise.resolve();
    const downtime: { from: number; to: number }[] = [];
    if (options.restart !== undefined) {
      const { atMs, downMs } = options.restart;
      const port = receiver.port;
      restarting = (async () => {
        await sleep(atMs);
        const from = round(performance.now() - origin);
        runs.push(await receiver!.stop());
        await sleep(downMs);
        receiver = await options.receiver.start({ ...env, PORT: String(port) });
        downtime.push({ from, to: round(performance.now() - origin) });
      })();
    }
    const deliveries = await sendDeliveries(`${receiver.url}${path}`, planned, {
      timeoutMs: options.deliveryTimeoutMs ?? 2000,
      origin,
      ...(options.retry !== undefined ? { retry: options.retry } : {}),
    });
    await restarting;
    const state = await settle(receiver.url, options.settleMs ?? 5000);
    runs.push(await receiver.stop());
    receiver = undefined;
    const endedAt = performance.now() - origin;

    const observed = (await Promise.all(mocks.map((m) => m.observed(origin)))).flat();
    const asRequests: Omit<ObservedRequest, 'seq'>[] = deliveries.map((d) => ({
      partner: 'webhooks',
      at: d.sentAt,
      method: 'POST',
      path,
      query: {},
      headers: d.headers,
      stubId: null,
      operation: `${d.reason} ${d.eventId}#${d.attempt}`,
      // No answer: the provider gave up waiting (drawn as a hang) or the connection broke.
      response: d.status !== undefined ? { status: d.status, headers: {}, at: d.answeredAt } : d.error === 'timeout' ? { fault: 'hang' } : { fault: 'reset', at: d.answeredAt },
      ...(d.mutation !== undefined ? { injected: d.mutation } : {}),
    }));
    const requests: ObservedRequest[] = [...observed, ...asRequests].sort((a, b) => a.at - b.at).map((r, i) => ({ ...r, seq: i + 1 }));
    const secretNames = options.secretEnv ?? Object.keys(options.env ?? {}).filter((k) => SECRET_NAME.test(k));
    const webhooks: WebhookEvidence = {
      deliveries: deliveries.map((d) => ({
        seq: d.seq,
        eventId: d.eventId,
        attempt: d.attempt,
        reason: d.reason,
        ...(d.mutation !== undefined ? { mutation: d.mutation } : {}),
        expect: d.expect,
        sentAt: d.sentAt,
        answeredAt: d.answeredAt,
        ...(d.status !== undefined ? { status: d.status } : {}),
        ...(d.error !== undefined ? { error: d.error } : {}),
      })),
      events: options.events.map((e) => ({ id: e.id, resourceId: e.resourceId, version: e.version })),
      effects: state.effects.map((e) => ({ eventId: e.eventId, resourceId: e.resourceId, version: e.version })),
      resources: state.resources,
      ackBoundMs: options.ackBoundMs ?? 500,
      ...(downtime.length > 0 ? { downtime } : {}),
    };
    const evidence: Evidence = {
      epochMs: Math.round(Date.now() - (performance.now() - origin)),
      requests,
      connector: {
        exitCode: runs.at(-1)?.exitCode ?? null,
        timedOut: false,
        startedAt: round(startedAt),
        endedAt: round(endedAt),
        stdout: runs.map((r) => r.stdout).join(''),
        stderr: runs.map((r) => r.stderr).join(''),
      },
      secrets: secretNames.flatMap((name) => (options.env?.[name] ? options.env[name]!.split(',').map((value, i, all) => ({ name: all.length > 1 ? `${name} #${i + 1}` : name, value })) : [])),
      policy: POLICY,
      expectations: {},
      webhooks,
    };
    const verdicts = judge(evidence, options.rules ?? WEBHOOK_RULE_IDS);
    const result: ScenarioResult = {
      suite: options.suite,
      name: options.name,
      connector: options.receiver.name,
      engine: options.engine ?? 'embedded',
      plan: options.plan ?? { seed: options.deliveries.shuffle?.seed ?? 0, rules: [] },
      verdicts,
      requests,
      outcome: evidence.connector,
      durationMs: round(performance.now() - origin),
    };
    return { evidence, verdicts, deliveries, result };
  } finally {
    if (receiver !== undefined) await receiver.stop(1000).catch(() => undefined);
    await Promise.all(mocks.map((m) => m.close()));
    await rm(stateDir, { recursive: true, force: true });
  }
}

/** Polls the receiver's state until its queue is empty and its effects stop changing. */
async function settle(url: string, limitMs: number): Promise<ReceiverState> {
  const deadline = performance.now() + limitMs;
  let last = -1;
  for (;;) {
    const state = await readState(url);
    if (state.pending === 0 && state.effects.length === last) return state;
    last = state.pending === 0 ? state.effects.length : -1;
    if (performance.now() > deadline) return state;
    await sleep(50);
  }
}

async function readState(url: string): Promise<ReceiverState> {
  const response = await fetch(`${url}/state`, { signal: AbortSignal.timeout(2000) });
  if (!response.ok) throw new Error(`GET ${url}/state answered ${response.status}`);
  return (await response.json()) as ReceiverState;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const round = (ms: number): number => Math.round(ms * 10) / 10;
