import { describe, expect, it } from 'vitest';
import { InputError } from '../errors.js';
import { planDeliveries, TIMESTAMP_SKEW_SECONDS, type DeliveryPlan, type PlanOptions } from './planner.js';
import { getScheme, SCHEMES } from './schemes/index.js';
import type { PlannedDelivery, WebhookEvent } from './types.js';

const NOW_MS = 1_750_000_000_250; // a fixed wall clock: unix second 1750000000
const T = 1_750_000_000;
const SECRET = 'whsec_test_new';
const OLD = 'whsec_test_old';
const stripe = getScheme('stripe');

function event(n: number): WebhookEvent {
  return {
    id: `evt_${n}`,
    type: 'payment_intent.succeeded',
    resourceId: `pi_${n}`,
    version: n,
    payload: { id: `evt_${n}`, type: 'payment_intent.succeeded', data: { object: { id: `pi_${n}`, amount: 1000 * n, currency: 'eur' } } },
  };
}
const events = (n: number): WebhookEvent[] => Array.from({ length: n }, (_, i) => event(i + 1));
const options: PlanOptions = { scheme: 'stripe', secrets: [SECRET], oldSecret: OLD, now: () => NOW_MS };
const plan = (p: DeliveryPlan, n = 3, o: Partial<PlanOptions> = {}): PlannedDelivery[] => planDeliveries(events(n), p, { ...options, ...o });
const order = (ds: PlannedDelivery[]): string[] => ds.map((d) => `${d.eventId}#${d.attempt}`);
const verify = (d: PlannedDelivery, secrets = [SECRET], now = T) => stripe.verify({ body: d.body, headers: d.headers, secrets, now });
const stripeHeader = (secrets: string[], t: number, body: string): string => stripe.sign({ body, secrets, timestamp: t, id: 'x' })['stripe-signature']!;

describe('planDeliveries', () => {
  it('delivers each event once, honestly, in order, when the plan is empty', () => {
    const ds = plan({});
    expect(ds).toEqual(
      [1, 2, 3].map((n) => ({
        seq: n,
        eventId: `evt_${n}`,
        attempt: 1,
        atMs: 0,
        body: JSON.stringify(event(n).payload),
        headers: { 'content-type': 'application/json; charset=utf-8', 'stripe-signature': stripeHeader([SECRET], T, JSON.stringify(event(n).payload)) },
        expect: 'accept',
        reason: 'original',
      })),
    );
    for (const d of ds) expect(verify(d)).toEqual({ ok: true });
  });

  it('duplicate: each event n times in all, in rounds, byte-identical bodies, re-signed for the later send time', () => {
    const ds = plan({ duplicate: 2, spacingMs: 1000 });
    expect(order(ds)).toEqual(['evt_1#1', 'evt_2#1', 'evt_3#1', 'evt_1#2', 'evt_2#2', 'evt_3#2']);
    expect(ds.map((d) => d.reason)).toEqual(['original', 'original', 'original', 'duplicate', 'duplicate', 'duplicate']);
    expect(ds[3]!.body).toBe(ds[0]!.body);
    expect(ds[0]!.headers['stripe-signature']).toMatch(new RegExp(`^t=${T},v1=`));
    expect(ds[3]!.headers['stripe-signature']).toBe(stripeHeader([SECRET], T + 3, ds[0]!.body));
    expect(ds.map((d) => d.seq)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('reverse', () => {
    expect(order(plan({ reverse: true }))).toEqual(['evt_3#1', 'evt_2#1', 'evt_1#1']);
  });

  it('shuffle: the same seed gives the same order, another seed another', () => {
    const a = order(plan({ shuffle: { seed: 7 } }, 6));
    expect(a).toEqual(['evt_3#1', 'evt_2#1', 'evt_1#1', 'evt_6#1', 'evt_4#1', 'evt_5#1']);
    expect(order(plan({ shuffle: { seed: 7 } }, 6))).toEqual(a);
    expect(order(plan({ shuffle: { seed: 8 } }, 6))).not.toEqual(a);
  });

  it('composes in the documented order: duplicate, reverse, shuffle, then timing', () => {
    const ds = plan({ shuffle: { seed: 7 }, reverse: true, duplicate: 2, delayMs: 50, spacingMs: 10 });
    // Seed 7 permutes six items as [2, 1, 0, 5, 3, 4] (see the shuffle test); here it permutes the
    // reversed, duplicated list, whatever order the plan's keys are written in.
    const base = ['evt_3#2', 'evt_2#2', 'evt_1#2', 'evt_3#1', 'evt_2#1', 'evt_1#1'];
    expect(order(ds)).toEqual([2, 1, 0, 5, 3, 4].map((i) => base[i]));
    expect(order(ds)).toEqual(['evt_1#2', 'evt_2#2', 'evt_3#2', 'evt_1#1', 'evt_3#1', 'evt_2#1']);
    expect(ds.map((d) => d.atMs)).toEqual([50, 60, 70, 80, 90, 100]);
  });

  it('delayMs before the first delivery, spacingMs between deliveries', () => {
    expect(plan({ delayMs: 250, spacingMs: 100 }).map((d) => d.atMs)).toEqual([250, 350, 450]);
  });

  it('burst: groups of `concurrency` share a burst number and a send time', () => {
    const ds = plan({ burst: { concurrency: 2 }, spacingMs: 100 }, 5);
    expect(ds.map((d) => [d.burst, d.atMs])).toEqual([[1, 0], [1, 0], [2, 100], [2, 100], [3, 200]]);
    expect(plan({}).every((d) => !('burst' in d))).toBe(true);
  });

  it('is reproducible from events, plan, seed and clock, and reads the clock once', () => {
    let reads = 0;
    const now = (): number => (reads++, NOW_MS);
    const p: DeliveryPlan = { duplicate: 3, shuffle: { seed: 99 }, burst: { concurrency: 2 }, spacingMs: 700, mutations: [{ mutate: 'tampered-body', events: { every: 4 } }] };
    const a = plan(p, 4, { now });
    expect(reads).toBe(1);
    expect(plan(p, 4)).toEqual(a);
    expect(plan({ ...p, shuffle: { seed: 100 } }, 4)).not.toEqual(a);
  });
});

describe('mutations', () => {
  const one = (mutate: NonNullable<DeliveryPlan['mutations']>[number]['mutate'], o: Partial<PlanOptions> = {}): PlannedDelivery =>
    plan({ mutations: [{ mutate }] }, 1, o)[0]!;
  const body = JSON.stringify(event(1).payload);

  it('bad-signature: every hex digit of the v1 signature inverted, same shape, rejected', () => {
    const d = one('bad-signature');
    const honest = stripeHeader([SECRET], T, body).slice(`t=${T},v1=`.length);
    const flipped = honest.replace(/[0-9a-f]/g, (c) => (15 - parseInt(c, 16)).toString(16));
    expect(d.headers['stripe-signature']).toBe(`t=${T},v1=${flipped}`);
    expect(d.body).toBe(body);
    expect([d.mutation, d.expect]).toEqual(['bad-signature', 'reject']);
    expect(verify(d)).toEqual({ ok: false, reason: 'no v1 signature matches' });
  });

  it('wrong-secret: a well-formed signature by another secret, rejected', () => {
    const d = one('wrong-secret');
    expect(d.headers['stripe-signature']).toMatch(new RegExp(`^t=${T},v1=[0-9a-f]{64}$`));
    expect(d.headers['stripe-signature']).not.toBe(stripeHeader([SECRET], T, body));
    expect([d.mutation, d.expect]).toEqual(['wrong-secret', 'reject']);
    expect(verify(d)).toEqual({ ok: false, reason: 'no v1 signature matches' });
  });

  it('stale-timestamp: ten minutes old, correctly signed for that time, rejected', () => {
    const d = one('stale-timestamp');
    expect(TIMESTAMP_SKEW_SECONDS).toBe(600);
    expect(d.headers['stripe-signature']).toBe(stripeHeader([SECRET], T - 600, body));
    expect(verify(d, [SECRET], T - 600)).toEqual({ ok: true });
    expect(verify(d)).toEqual({ ok: false, reason: `timestamp ${T - 600} is 600 s in the past, tolerance 300 s` });
    expect([d.mutation, d.expect]).toEqual(['stale-timestamp', 'reject']);
  });

  it('future-timestamp: ten minutes ahead, rejected', () => {
    const d = one('future-timestamp');
    expect(d.headers['stripe-signature']).toBe(stripeHeader([SECRET], T + 600, body));
    expect(verify(d)).toEqual({ ok: false, reason: `timestamp ${T + 600} is 600 s in the future, tolerance 300 s` });
    expect(d.expect).toBe('reject');
  });

  it('tampered-body: the amount altered after signing, rejected', () => {
    const d = one('tampered-body');
    expect(d.body).toBe(body.replace('"amount":1000', '"amount":1001'));
    expect(d.headers['stripe-signature']).toBe(stripeHeader([SECRET], T, body));
    expect(verify(d)).toEqual({ ok: false, reason: 'no v1 signature matches' });
    expect(d.expect).toBe('reject');
  });

  it('rotated-secret: two signatures, the old one first, accepted by a receiver that knows only the new secret', () => {
    const d = one('rotated-secret');
    const old = stripeHeader([OLD], T, body).split(',')[1];
    const fresh = stripeHeader([SECRET], T, body).split(',')[1];
    expect(d.headers['stripe-signature']).toBe(`t=${T},${old},${fresh}`);
    expect(verify(d)).toEqual({ ok: true });
    expect(verify(d, [OLD])).toEqual({ ok: true });
    expect([d.mutation, d.expect]).toEqual(['rotated-secret', 'accept']);
  });

  it('standard-webhooks: bad-signature flips the base64 signature bytes and leaves id and timestamp', () => {
    const secret = `whsec_${Buffer.from('a standard webhooks key').toString('base64')}`;
    const d = one('bad-signature', { scheme: 'standard-webhooks', secrets: [secret] });
    const honest = getScheme('standard-webhooks').sign({ body, secrets: [secret], timestamp: T, id: 'evt_1' });
    const sig = Buffer.from(honest['webhook-signature']!.slice(3), 'base64').map((b) => b ^ 0xff);
    expect(d.headers).toEqual({ 'content-type': 'application/json; charset=utf-8', ...honest, 'webhook-signature': `v1,${Buffer.from(sig).toString('base64')}` });
    expect(getScheme('standard-webhooks').verify({ body, headers: d.headers, secrets: [secret], now: T })).toEqual({ ok: false, reason: 'no v1 signature matches' });
  });

  it('every scheme: honest and rotated deliveries verify, the rejected mutations do not', () => {
    const secret = `whsec_${Buffer.from('a key every scheme takes').toString('base64')}`;
    for (const scheme of SCHEMES) {
      const rejected = ['bad-signature', 'wrong-secret', 'tampered-body'] as const;
      const timed = scheme.id === 'github' || scheme.id === 'shopify' ? [] : (['stale-timestamp', 'future-timestamp'] as const);
      const rotated = scheme.id === 'stripe' || scheme.id === 'standard-webhooks' ? (['rotated-secret'] as const) : [];
      const steps = [...rejected, ...timed, ...rotated].map((mutate, i) => ({ mutate, events: [`evt_${i + 2}`] }));
      const ds = plan({ mutations: steps }, steps.length + 1, { scheme: scheme.id, secrets: [secret], oldSecret: undefined });
      const results = ds.map((d) => [d.mutation ?? 'honest', d.expect, scheme.verify({ body: d.body, headers: d.headers, secrets: [secret], now: T }).ok]);
      expect(results, scheme.id).toEqual([['honest', 'accept', true], ...steps.map((s) => [s.mutate, s.mutate === 'rotated-secret' ? 'accept' : 'reject', s.mutate === 'rotated-secret'])]);
    }
  });

  it('chooses deliveries by event ids, the first n, or every n-th, in send order', () => {
    const kinds = (p: DeliveryPlan): (string | undefined)[] => plan(p, 2).map((d) => d.mutation);
    expect(kinds({ duplicate: 2, mutations: [{ mutate: 'bad-signature', events: ['evt_2'] }] })).toEqual([undefined, 'bad-signature', undefined, 'bad-signature']);
    expect(kinds({ duplicate: 2, mutations: [{ mutate: 'wrong-secret', events: { first: 1 } }] })).toEqual(['wrong-secret', undefined, undefined, undefined]);
    expect(kinds({ duplicate: 2, mutations: [{ mutate: 'stale-timestamp', events: { every: 2 } }, { mutate: 'tampered-body', events: { first: 1 } }] })).toEqual([
      'tampered-body',
      'stale-timestamp',
      undefined,
      'stale-timestamp',
    ]);
    expect(plan({ duplicate: 2, reverse: true, mutations: [{ mutate: 'bad-signature', events: { first: 1 } }] }, 2)[0]).toMatchObject({ eventId: 'evt_2', attempt: 2, mutation: 'bad-signature' });
  });

  it('refuses a delivery chosen by two mutations, naming the step', () => {
    const p: DeliveryPlan = { mutations: [{ mutate: 'bad-signature', events: { first: 2 } }, { mutate: 'tampered-body', events: ['evt_2'] }] };
    expect(() => plan(p)).toThrow(new InputError('delivery 2 is chosen by two mutations (bad-signature, tampered-body); give them disjoint events', { file: 'delivery plan', pointer: '/mutations/1/events' }));
  });

  it('refuses mutations the scheme cannot express, and malformed steps', () => {
    expect(() => plan({ mutations: [{ mutate: 'stale-timestamp' }] }, 1, { scheme: 'github' })).toThrow(
      'delivery plan at /mutations/0/mutate: the github scheme signs no timestamp, so stale-timestamp does not apply',
    );
    expect(() => plan({ mutations: [{ mutate: 'rotated-secret' }] }, 1, { scheme: 'slack' })).toThrow(
      'delivery plan at /mutations/0/mutate: the slack scheme carries one signature only, so rotated-secret does not apply',
    );
    expect(() => plan({ duplicate: 0 })).toThrow('delivery plan at /duplicate: must be a whole number ≥ 1, not 0');
    expect(() => plan({ mutations: [{ mutate: 'bad-signature', events: { every: 0 } }] })).toThrow('delivery plan at /mutations/0/events/every: must be a whole number ≥ 1, not 0');
    expect(() => plan({ mutations: [{ mutate: 'nonsense' as 'bad-signature' }] })).toThrow('unknown mutation "nonsense"');
  });
});

describe('tampered copies', () => {
  it('replay the signature header of the event’s earlier honest delivery on an altered body', () => {
    const event = { id: 'evt_t', type: 't', resourceId: 'r', version: 1, payload: { id: 'evt_t', data: { object: { amount: 100 } } } };
    const [honest, copy] = planDeliveries([event], { duplicate: 2, spacingMs: 1500, mutations: [{ mutate: 'tampered-body', events: { every: 2 } }] }, { scheme: 'stripe', secrets: ['whsec_x'], now: () => 1_700_000_000_900 });
    expect(copy!.headers['stripe-signature']).toBe(honest!.headers['stripe-signature']);
    expect(JSON.parse(copy!.body)).toEqual({ id: 'evt_t', data: { object: { amount: 101 } } });
    expect(copy).toMatchObject({ mutation: 'tampered-body', expect: 'reject' });
    const verdict = getScheme('stripe').verify({ body: copy!.body, headers: copy!.headers, secrets: ['whsec_x'], now: 1_700_000_002 });
    expect(verdict).toEqual({ ok: false, reason: expect.stringMatching(/signature/) });
  });
});
