// payments-webhooks (the receiver) against signed deliveries: in-process for the behaviour, as a
// process for the restart, and one focused test per seeded variant showing its defect.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { configFromEnv, startReceiver, type PublicState, type ReceiverConfig, type RunningReceiver } from '../connectors/payments-webhooks/index.js';
import { getScheme } from '../src/webhooks/schemes/index.js';

const SECRET = 'whsec_payments_current_0123456789';
const OLD_SECRET = 'whsec_payments_previous_0123456789';
const API_KEY = 'sk_test_payments_0123456789';

// ---- signing and events (Stripe's scheme, written out here so the test does not trust the receiver's code)

const nowSeconds = () => Math.floor(Date.now() / 1000);
const v1 = (secret: string, t: number, body: string) => createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
const header = (body: string, options: { t?: number; secrets?: string[] } = {}) => {
  const t = options.t ?? nowSeconds();
  return [`t=${t}`, ...(options.secrets ?? [SECRET]).map((s) => `v1=${v1(s, t, body)}`)].join(',');
};

let created = 1_763_800_000;
function paymentEvent(resourceId: string, version: number, status: string, eventId = `evt_${resourceId}_${version}`): string {
  return JSON.stringify({
    id: eventId,
    object: 'event',
    api_version: '2024-06-20',
    created: created++,
    type: `payment_intent.${status === 'requires_payment_method' ? 'payment_failed' : status}`,
    livemode: false,
    data: { object: { id: resourceId, object: 'payment_intent', amount: 1000, currency: 'usd', status, metadata: { seam_version: String(version) } } },
  });
}

interface Answer {
  status: number;
  body: Record<string, unknown>;
  /** ms on the test clock (see `clock`). */
  at: number;
}

const T0 = performance.now();
const clock = () => performance.now() - T0;

/** `signature` null: sent without a Stripe-Signature header. */
async function deliver(url: string, body: string, signature: string | null = header(body)): Promise<Answer> {
  const response = await fetch(`${url}/webhooks/stripe`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(signature !== null ? { 'stripe-signature': signature } : {}) },
    body,
  });
  const at = clock();
  return { status: response.status, body: (await response.json()) as Record<string, unknown>, at };
}

async function stateOf(url: string): Promise<PublicState> {
  return (await (await fetch(`${url}/state`)).json()) as PublicState;
}

async function settled(url: string): Promise<PublicState> {
  for (let i = 0; i < 500; i++) {
    const state = await stateOf(url);
    if (state.pending === 0) return state;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('the receiver never emptied its queue');
}

// ---- in-process receivers, each with its own state directory, closed after each test

const dirs: string[] = [];
const running: RunningReceiver[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((r) => r.close()));
});
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

async function stateDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'payments-webhooks-'));
  dirs.push(dir);
  return dir;
}

async function configFor(env: Record<string, string> = {}): Promise<ReceiverConfig> {
  return configFromEnv({ STRIPE_WEBHOOK_SECRET: `${SECRET},${OLD_SECRET}`, STRIPE_API_KEY: API_KEY, WEBHOOK_STATE_DIR: await stateDir(), ...env });
}

/** `startedBetween`: the receiver's own origin for `Effect.at` lies between these test-clock times. */
async function start(config: ReceiverConfig, variant?: string): Promise<RunningReceiver & { lines: string[]; startedBetween: [number, number] }> {
  const lines: string[] = [];
  const before = clock();
  const receiver = await startReceiver(config, { log: (l) => lines.push(l), now: clock, ...(variant ? { variant } : {}) });
  running.push(receiver);
  return Object.assign(receiver, { lines, startedBetween: [before, clock()] as [number, number] });
}

const events = (lines: string[], name: string) => lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.event === name);

describe('payments-webhooks, the correct receiver', () => {
  it('acknowledges a valid delivery, then applies it; GET /state and /healthz answer', async () => {
    const receiver = await start(await configFor());
    expect(receiver.lines[0]).toBe(JSON.stringify({ event: 'listening', url: receiver.url }));
    const answer = await deliver(receiver.url, paymentEvent('pi_1', 1, 'processing'));
    expect([answer.status, answer.body]).toEqual([200, { received: true }]);
    const state = await settled(receiver.url);
    expect(state.resources).toEqual({ pi_1: { status: 'processing', version: 1, eventId: 'evt_pi_1_1' } });
    expect(state.effects).toEqual([{ eventId: 'evt_pi_1_1', resourceId: 'pi_1', version: 1, at: expect.any(Number) }]);
    expect(state).toEqual(receiver.state());
    expect(await (await fetch(`${receiver.url}/healthz`)).json()).toEqual({ status: 'ok' });
    expect(events(receiver.lines, 'event.applied')).toEqual([{ level: 'info', event: 'event.applied', eventId: 'evt_pi_1_1', type: 'payment_intent.processing', resourceId: 'pi_1', version: 1, status: 'processing' }]);
  });

  it('refuses bad, wrong-secret, stale, future, tampered and unsigned deliveries with 400 and a logged reason, with no effect', async () => {
    const receiver = await start(await configFor());
    const body = paymentEvent('pi_2', 1, 'succeeded');
    const honest = header(body);
    const flipped = honest.replace(/v1=([0-9a-f]+)/g, (_m, hex: string) => `v1=${[...hex].map((d) => (15 - parseInt(d, 16)).toString(16)).join('')}`);
    const cases: [string, string | null, string][] = [
      ['bad signature', flipped, 'signature-mismatch'],
      ['wrong secret', header(body, { secrets: ['whsec_someone_else_entirely'] }), 'signature-mismatch'],
      ['stale', header(body, { t: nowSeconds() - 600 }), 'stale-timestamp'],
      ['future', header(body, { t: nowSeconds() + 600 }), 'future-timestamp'],
      ['unsigned', null, 'missing-signature'],
    ];
    for (const [, signature, reason] of cases) {
      expect(await deliver(receiver.url, body, signature)).toMatchObject({ status: 400, body: { error: reason } });
    }
    expect(await deliver(receiver.url, body.replace('"amount":1000', '"amount":1001'), honest)).toMatchObject({ status: 400, body: { error: 'signature-mismatch' } });
    expect(events(receiver.lines, 'delivery.rejected').map((l) => l.reason)).toEqual([
      'signature-mismatch', 'signature-mismatch', 'stale-timestamp', 'future-timestamp', 'missing-signature', 'signature-mismatch',
    ]);
    expect(await settled(receiver.url)).toEqual({ resources: {}, effects: [], pending: 0 });
    // Rejections are not remembered: the honest delivery afterwards is the first one.
    expect((await deliver(receiver.url, body, honest)).status).toBe(200);
    expect((await settled(receiver.url)).effects.map((e) => e.eventId)).toEqual(['evt_pi_2_1']);
  });

  it('accepts a delivery signed during a rotation (old and new signatures) and one signed by the shared Stripe scheme', async () => {
    const receiver = await start(await configFor({ STRIPE_WEBHOOK_SECRET: SECRET }));
    const rotated = paymentEvent('pi_3', 1, 'processing');
    expect((await deliver(receiver.url, rotated, header(rotated, { secrets: [OLD_SECRET, SECRET] }))).status).toBe(200);
    const viaScheme = paymentEvent('pi_3', 2, 'succeeded');
    const signed = getScheme('stripe').sign({ body: viaScheme, secrets: [SECRET], timestamp: nowSeconds(), id: 'evt_pi_3_2' });
    expect((await deliver(receiver.url, viaScheme, signed['stripe-signature'])).status).toBe(200);
    expect((await settled(receiver.url)).resources.pi_3).toEqual({ status: 'succeeded', version: 2, eventId: 'evt_pi_3_2' });
  });

  it('answers a duplicate 200 without a second effect', async () => {
    const receiver = await start(await configFor());
    const body = paymentEvent('pi_4', 1, 'succeeded');
    expect((await deliver(receiver.url, body)).body).toEqual({ received: true });
    expect(await deliver(receiver.url, body)).toMatchObject({ status: 200, body: { received: true, duplicate: true } });
    await settled(receiver.url);
    expect(await deliver(receiver.url, body)).toMatchObject({ status: 200, body: { received: true, duplicate: true } });
    expect((await settled(receiver.url)).effects.map((e) => e.eventId)).toEqual(['evt_pi_4_1']);
  });

  it('converges on the newest version whatever the arrival order', async () => {
    const receiver = await start(await configFor());
    for (const version of [3, 1, 2]) await deliver(receiver.url, paymentEvent('pi_5', version, ['processing', 'requires_payment_method', 'succeeded'][version - 1]!));
    for (const version of [1, 2, 3]) await deliver(receiver.url, paymentEvent('pi_6', version, ['processing', 'requires_payment_method', 'succeeded'][version - 1]!));
    const state = await settled(receiver.url);
    expect(state.resources).toEqual({
      pi_5: { status: 'succeeded', version: 3, eventId: 'evt_pi_5_3' },
      pi_6: { status: 'succeeded', version: 3, eventId: 'evt_pi_6_3' },
    });
    expect(state.effects.map((e) => e.eventId)).toEqual(['evt_pi_5_3', 'evt_pi_6_1', 'evt_pi_6_2', 'evt_pi_6_3']);
    expect(events(receiver.lines, 'event.ignored').map((l) => [l.eventId, l.currentVersion])).toEqual([['evt_pi_5_1', 3], ['evt_pi_5_2', 3]]);
  });

  it('processes every one of a burst of 50 concurrent deliveries', async () => {
    const receiver = await start(await configFor({ WEBHOOK_WORK_MS: '2' }));
    const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => deliver(receiver.url, paymentEvent(`pi_burst_${i}`, 1, 'succeeded'))));
    expect(answers.filter((a) => a.status === 200)).toHaveLength(50);
    const state = await settled(receiver.url);
    expect(new Set(state.effects.map((e) => e.resourceId)).size).toBe(50);
  });

  it('under overload answers 503 with Retry-After and loses nothing it acknowledged', async () => {
    const receiver = await start(await configFor({ WEBHOOK_QUEUE_LIMIT: '2', WEBHOOK_WORK_MS: '50' }));
    const bodies = Array.from({ length: 10 }, (_, i) => paymentEvent(`pi_load_${i}`, 1, 'succeeded'));
    const answers = await Promise.all(bodies.map((b) => deliver(receiver.url, b)));
    const refused = bodies.filter((_, i) => answers[i]!.status === 503);
    expect(refused.length).toBeGreaterThan(0);
    expect(answers.every((a) => a.status === 200 || (a.status === 503 && a.body.error === 'overloaded'))).toBe(true);
    const accepted = answers.filter((a) => a.status === 200).length;
    expect((await settled(receiver.url)).effects).toHaveLength(accepted);
    // The provider retries a refused delivery later, and then it goes through.
    for (const body of refused) {
      while ((await deliver(receiver.url, body)).status === 503) await new Promise((r) => setTimeout(r, 20));
    }
    expect(new Set((await settled(receiver.url)).effects.map((e) => e.resourceId)).size).toBe(10);
  });

  it('acknowledges before the heavy work is done', async () => {
    const receiver = await start(await configFor({ WEBHOOK_WORK_MS: '200' }));
    const answer = await deliver(receiver.url, paymentEvent('pi_7', 1, 'succeeded'));
    expect(answer.status).toBe(200);
    const [effect] = (await settled(receiver.url)).effects;
    // On the test clock the effect happened at `at` + the receiver's origin, which is at least this:
    expect(effect!.at + receiver.startedBetween[0] - 1).toBeGreaterThan(answer.at);
  });

  it('fetches a thin event\'s payment intent from the Stripe API, retrying a 500, with the API key, and never logs a secret', async () => {
    const seen: string[] = [];
    let calls = 0;
    const stripe: Server = createServer((request, response) => {
      seen.push(`${request.method} ${request.url} ${request.headers.authorization}`);
      if (calls++ === 0) return void response.writeHead(500).end('{"error":{"type":"api_error"}}');
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ id: 'pi_thin', object: 'payment_intent', status: 'succeeded', metadata: { seam_version: '4' } }));
    });
    await new Promise<void>((r) => stripe.listen(0, '127.0.0.1', r));
    try {
      const receiver = await start(await configFor({ STRIPE_BASE_URL: `http://127.0.0.1:${(stripe.address() as AddressInfo).port}` }));
      const thin = JSON.stringify({ id: 'evt_thin_1', object: 'v2.core.event', type: 'payment_intent.succeeded', created: created++, related_object: { id: 'pi_thin', type: 'payment_intent' } });
      expect((await deliver(receiver.url, thin)).status).toBe(200);
      expect((await settled(receiver.url)).resources).toEqual({ pi_thin: { status: 'succeeded', version: 4, eventId: 'evt_thin_1' } });
      expect(seen).toEqual([`GET /v1/payment_intents/pi_thin Bearer ${API_KEY}`, `GET /v1/payment_intents/pi_thin Bearer ${API_KEY}`]);
      expect(events(receiver.lines, 'stripe.retry')).toHaveLength(1);
      const output = receiver.lines.join('\n');
      expect([SECRET, OLD_SECRET, API_KEY].filter((s) => output.includes(s))).toEqual([]);
    } finally {
      await new Promise((r) => stripe.close(r));
    }
  });

  it('keeps acknowledged events queued across a stop, and applies them after the restart', async () => {
    const config = await configFor({ WEBHOOK_WORK_MS: '100' });
    const first = await start(config);
    for (const version of [1, 2, 3]) expect((await deliver(first.url, paymentEvent('pi_9', version, 'processing'))).status).toBe(200);
    await first.close();
    const left = first.state();
    expect(left.pending).toBeGreaterThan(0);
    const second = await start({ ...config, workMs: 0 });
    expect(JSON.parse(second.lines[1]!)).toMatchObject({ event: 'receiver.started', restoredPending: left.pending });
    const state = await settled(second.url);
    expect(state.effects.map((e) => e.eventId)).toEqual(['evt_pi_9_1', 'evt_pi_9_2', 'evt_pi_9_3']);
    expect(state.resources.pi_9).toEqual({ status: 'processing', version: 3, eventId: 'evt_pi_9_3' });
  });

  it('keeps dedupe and states across an in-process restart with the same state directory', async () => {
    const config = await configFor();
    const first = await start(config);
    const body = paymentEvent('pi_8', 1, 'succeeded');
    await deliver(first.url, body);
    await settled(first.url);
    await first.close();
    const second = await start(config);
    expect((await deliver(second.url, body)).body).toEqual({ received: true, duplicate: true });
    expect(await settled(second.url)).toMatchObject({ resources: { pi_8: { version: 1 } }, effects: [{ eventId: 'evt_pi_8_1' }] });
  });
});

// ---- the process form

interface Proc {
  child: ChildProcessWithoutNullStreams;
  url: string;
  lines: string[];
  exit: Promise<number | null>;
}

function spawnReceiver(env: Record<string, string>, args: string[] = []): Promise<Proc> {
  const child = spawn(process.execPath, [join('dist', 'connectors', 'payments-webhooks', 'main.js'), ...args], { env: { PATH: process.env.PATH ?? '', ...env } });
  const lines: string[] = [];
  const exit = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    createInterface({ input: child.stdout }).on('line', (line) => {
      lines.push(line);
      if (lines.length === 1) resolve({ child, url: (JSON.parse(line) as { url: string }).url, lines, exit });
    });
    void exit.then((code) => reject(new Error(`exited ${code} before listening: ${stderr}`)));
  });
}

describe('payments-webhooks as a process', () => {
  let env: Record<string, string>;
  beforeAll(async () => {
    env = { STRIPE_WEBHOOK_SECRET: SECRET, STRIPE_API_KEY: API_KEY, STRIPE_BASE_URL: 'http://127.0.0.1:9', WEBHOOK_STATE_DIR: await stateDir(), PORT: '0' };
  });

  it('prints where it listens, exits 0 on SIGTERM, and after a restart still knows what it processed', async () => {
    const body = paymentEvent('pi_proc', 1, 'succeeded');
    const first = await spawnReceiver(env);
    expect(first.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await deliver(first.url, body)).status).toBe(200);
    await settled(first.url);
    first.child.kill('SIGTERM');
    expect(await first.exit).toBe(0);
    expect(JSON.parse(first.lines.at(-1)!)).toMatchObject({ event: 'receiver.stopped' });

    const second = await spawnReceiver(env);
    try {
      expect((await deliver(second.url, body)).body).toEqual({ received: true, duplicate: true });
      expect((await settled(second.url)).effects.map((e) => e.eventId)).toEqual(['evt_pi_proc_1']);
    } finally {
      second.child.kill('SIGTERM');
      expect(await second.exit).toBe(0);
    }
  });

  it('exits 2 naming the bad configuration or variant', async () => {
    await expect(spawnReceiver({ PORT: '0' })).rejects.toThrow('exited 2 before listening: payments-webhooks: bad configuration: STRIPE_WEBHOOK_SECRET is not set (one secret, or several comma-separated); WEBHOOK_STATE_DIR is not set\n');
    await expect(spawnReceiver(env, ['--variant', 'flaky'])).rejects.toThrow('exited 2 before listening: payments-webhooks: unknown variant "flaky"');
  });
});

// ---- one focused test per seeded defect

describe('payments-webhooks variants, each showing its defect', () => {
  it('no-signature-check accepts a bad signature', async () => {
    const receiver = await start(await configFor(), 'no-signature-check');
    const body = paymentEvent('pi_v1', 1, 'succeeded');
    expect((await deliver(receiver.url, body, header(body, { secrets: ['whsec_someone_else_entirely'] }))).status).toBe(200);
    expect((await settled(receiver.url)).effects).toHaveLength(1);
  });

  it('no-timestamp-tolerance accepts a delivery signed an hour ago', async () => {
    const receiver = await start(await configFor(), 'no-timestamp-tolerance');
    const body = paymentEvent('pi_v2', 1, 'succeeded');
    expect((await deliver(receiver.url, body, header(body, { t: nowSeconds() - 3600 }))).status).toBe(200);
    expect((await deliver(receiver.url, paymentEvent('pi_v2', 2, 'succeeded'), header(body, { secrets: ['whsec_someone_else_entirely'] }))).status).toBe(400);
  });

  it('accepts-tampered-body accepts a tampered body under a signature it has verified before', async () => {
    const receiver = await start(await configFor(), 'accepts-tampered-body');
    const body = paymentEvent('pi_v3', 1, 'succeeded', 'evt_v3');
    const signature = header(body);
    const tampered = body.replace('"amount":1000', '"amount":1001');
    expect((await deliver(receiver.url, tampered, signature)).status).toBe(400);
    expect((await deliver(receiver.url, body, signature)).status).toBe(200);
    expect((await deliver(receiver.url, tampered, signature)).status).toBe(200);
  });

  it('dedupe-lost-on-restart applies a redelivery again after a restart', async () => {
    const config = await configFor();
    const first = await start(config, 'dedupe-lost-on-restart');
    const body = paymentEvent('pi_v4', 1, 'succeeded');
    await deliver(first.url, body);
    expect((await deliver(first.url, body)).body).toEqual({ received: true, duplicate: true });
    await settled(first.url);
    await first.close();
    const second = await start(config, 'dedupe-lost-on-restart');
    expect((await deliver(second.url, body)).body).toEqual({ received: true });
    expect((await settled(second.url)).effects.map((e) => e.eventId)).toEqual(['evt_pi_v4_1', 'evt_pi_v4_1']);
  });

  it('last-write-wins lets an older version arriving late overwrite the newer one', async () => {
    const receiver = await start(await configFor(), 'last-write-wins');
    await deliver(receiver.url, paymentEvent('pi_v5', 2, 'succeeded'));
    await deliver(receiver.url, paymentEvent('pi_v5', 1, 'processing'));
    expect((await settled(receiver.url)).resources.pi_v5).toEqual({ status: 'processing', version: 1, eventId: 'evt_pi_v5_1' });
  });

  it('slow-ack answers only after the work is done', async () => {
    const receiver = await start(await configFor({ WEBHOOK_WORK_MS: '200' }), 'slow-ack');
    const answer = await deliver(receiver.url, paymentEvent('pi_v6', 1, 'succeeded'));
    expect(answer.status).toBe(200);
    const [effect] = receiver.state().effects;
    // On the test clock the effect happened at `at` + the receiver's origin, which is at most this:
    expect(effect!.at + receiver.startedBetween[1] - 1).toBeLessThanOrEqual(answer.at);
  });

  it('drops-under-burst acknowledges all of a 50-burst and loses some', async () => {
    const receiver = await start(await configFor({ WEBHOOK_WORK_MS: '2' }), 'drops-under-burst');
    const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => deliver(receiver.url, paymentEvent(`pi_drop_${i}`, 1, 'succeeded'))));
    expect(answers.filter((a) => a.status === 200)).toHaveLength(50);
    expect((await settled(receiver.url)).effects.length).toBeLessThan(50);
  });

  it('500-on-duplicate answers a duplicate with 500', async () => {
    const receiver = await start(await configFor(), '500-on-duplicate');
    const body = paymentEvent('pi_v8', 1, 'succeeded');
    expect((await deliver(receiver.url, body)).status).toBe(200);
    expect((await deliver(receiver.url, body)).status).toBe(500);
    expect((await settled(receiver.url)).effects).toHaveLength(1);
  });
});
