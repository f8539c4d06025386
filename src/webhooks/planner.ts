// The delivery planner: events + a plan (plain JSON data) → the deliveries a misbehaving provider
// would send, signed, timed and labelled with what a correct receiver must do with each.
//
// The steps apply in this fixed order, whatever order the plan's keys are written in:
//   1. duplicate  — each event n times in all; the copies come in rounds (all originals, then
//                   every event's second delivery, …), so a redelivery arrives after the others
//   2. reverse    — the whole list backwards
//   3. shuffle    — a seeded Fisher-Yates shuffle (mulberry32), after reverse
//   4. mutations  — on chosen deliveries, counted in the final order
//   5. timing     — delayMs before the first send slot, spacingMs between slots; with a burst, a
//                   slot is a group of `concurrency` consecutive deliveries sent together
//   6. signing    — each delivery signed for its own send time (now + atMs): providers re-sign
//                   on redelivery, so a duplicate differs from its original only there
// The same events, plan and clock give the same deliveries.
import { InputError } from '../errors.js';
import { mulberry32, seedFor } from '../faults/random.js';
import { getScheme } from './schemes/index.js';
import type { DeliveryMutation, PlannedDelivery, Scheme, SchemeId, WebhookEvent } from './types.js';

export const DELIVERY_MUTATIONS: readonly DeliveryMutation[] = [
  'bad-signature',
  'wrong-secret',
  'stale-timestamp',
  'future-timestamp',
  'tampered-body',
  'rotated-secret',
];

/**
 * Which deliveries a mutation hits: every delivery of the listed event ids; the first n
 * deliveries; every n-th delivery (n, 2n, …). Counted in the final send order. Default: all.
 */
export type DeliverySelector = string[] | { first: number } | { every: number };

export interface MutationStep {
  mutate: DeliveryMutation;
  events?: DeliverySelector;
}

export interface DeliveryPlan {
  /** Each event delivered this many times in all (default 1). */
  duplicate?: number;
  reverse?: boolean;
  shuffle?: { seed: number };
  /** Before the first delivery, ms. */
  delayMs?: number;
  /** Between consecutive send slots (deliveries, or bursts), ms. */
  spacingMs?: number;
  /** Groups of this many consecutive deliveries go out at once. */
  burst?: { concurrency: number };
  /** At most one mutation per delivery: two steps choosing the same delivery is a plan error. */
  mutations?: MutationStep[];
}

export interface PlanOptions {
  scheme: SchemeId;
  /** The receiver's secret(s): honest deliveries carry one signature per secret. */
  secrets: string[];
  /** The secret being rotated out, for `rotated-secret` (default: a fixed stand-in the receiver need not know). */
  oldSecret?: string;
  /** Unix ms wall clock; read once. */
  now: () => number;
}

/** How far outside the tolerance the timestamp mutations go: twice Stripe's and Slack's 5 minutes. */
export const TIMESTAMP_SKEW_SECONDS = 600;
// Stand-in secrets, valid for every scheme (Standard Webhooks wants whsec_<base64 key>).
const standIn = (name: string): string => `whsec_${Buffer.from(`seam ${name} secret`).toString('base64')}`;
const WRONG_SECRET = standIn('wrong');
const DEFAULT_OLD_SECRET = standIn('rotated-out');
const PROBE_SECRETS = [standIn('probe a'), standIn('probe b')] as const;

interface Slot {
  event: WebhookEvent;
  attempt: number;
  mutation?: DeliveryMutation;
}

export function planDeliveries(events: WebhookEvent[], plan: DeliveryPlan, options: PlanOptions): PlannedDelivery[] {
  checkPlan(plan, options);
  const scheme = getScheme(options.scheme);
  const startMs = options.now();

  const copies = plan.duplicate ?? 1;
  let slots: Slot[] = [];
  for (let attempt = 1; attempt <= copies; attempt++) for (const event of events) slots.push({ event, attempt });
  if (plan.reverse) slots.reverse();
  if (plan.shuffle) slots = shuffled(slots, plan.shuffle.seed);
  (plan.mutations ?? []).forEach((step, i) => {
    checkMutationFits(scheme, step.mutate, `/mutations/${i}/mutate`);
    slots.forEach((slot, index) => {
      if (!selects(step.events, slot, index)) return;
      if (slot.mutation !== undefined) {
        throw planError(`delivery ${index + 1} is chosen by two mutations (${slot.mutation}, ${step.mutate}); give them disjoint events`, `/mutations/${i}/events`);
      }
      slot.mutation = step.mutate;
    });
  });

  const concurrency = plan.burst?.concurrency ?? 1;
  // The headers of each event's latest honest delivery: a tampered copy replays them, as an
  // attacker who captured a genuine delivery and altered its body would.
  const captured = new Map<string, Record<string, string>>();
  return slots.map((slot, index) => {
    const group = Math.floor(index / concurrency);
    const atMs = (plan.delayMs ?? 0) + group * (plan.spacingMs ?? 0);
    const timestamp = Math.floor((startMs + atMs) / 1000);
    const replayed = slot.mutation === 'tampered-body' ? captured.get(slot.event.id) : undefined;
    const signed = replayed !== undefined ? { body: tamper(JSON.stringify(slot.event.payload)), headers: replayed } : signDelivery(scheme, slot, timestamp, options);
    if (slot.mutation === undefined) captured.set(slot.event.id, signed.headers);
    const delivery: PlannedDelivery = {
      seq: index + 1,
      eventId: slot.event.id,
      attempt: slot.attempt,
      atMs,
      body: signed.body,
      headers: { 'content-type': 'application/json; charset=utf-8', ...signed.headers },
      expect: slot.mutation === undefined || slot.mutation === 'rotated-secret' ? 'accept' : 'reject',
      reason: slot.attempt === 1 ? 'original' : 'duplicate',
    };
    if (plan.burst) delivery.burst = group + 1;
    if (slot.mutation !== undefined) delivery.mutation = slot.mutation;
    return delivery;
  });
}

function signDelivery(scheme: Scheme, slot: Slot, timestamp: number, options: PlanOptions): { body: string; headers: Record<string, string> } {
  const body = JSON.stringify(slot.event.payload);
  const input = { body, secrets: options.secrets, timestamp, id: slot.event.id };
  switch (slot.mutation) {
    case undefined:
      return { body, headers: scheme.sign(input) };
    case 'bad-signature':
      return { body, headers: flipSignatures(scheme, input) };
    case 'wrong-secret':
      return { body, headers: scheme.sign({ ...input, secrets: [WRONG_SECRET] }) };
    case 'stale-timestamp':
      return { body, headers: scheme.sign({ ...input, timestamp: timestamp - TIMESTAMP_SKEW_SECONDS }) };
    case 'future-timestamp':
      return { body, headers: scheme.sign({ ...input, timestamp: timestamp + TIMESTAMP_SKEW_SECONDS }) };
    case 'tampered-body':
      return { body: tamper(body), headers: scheme.sign(input) };
    case 'rotated-secret':
      // The old secret's signature first: a receiver that checks only the first one fails.
      return { body, headers: scheme.sign({ ...input, secrets: [options.oldSecret ?? DEFAULT_OLD_SECRET, ...options.secrets] }) };
  }
}

// The signature headers are the ones that change with the secret; in them every hex digit of a
// SHA-256 hex digest is inverted, or every byte of a base64 one, so the value keeps its shape.
function flipSignatures(scheme: Scheme, input: { body: string; secrets: string[]; timestamp: number; id: string }): Record<string, string> {
  const honest = scheme.sign(input);
  const other = scheme.sign({ ...input, secrets: [WRONG_SECRET] });
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(honest)) {
    out[name] = value === other[name] ? value : flipDigests(value);
  }
  if (same(out, honest)) throw new Error(`bad-signature: no SHA-256 digest to flip in the ${scheme.id} signature headers`);
  return out;
}

function flipDigests(value: string): string {
  return value
    .replace(/\b[0-9a-f]{64}\b/g, (hex) => hex.replace(/[0-9a-f]/g, (d) => (15 - parseInt(d, 16)).toString(16)))
    .replace(/[A-Za-z0-9+/]{43}=/g, (b64) => Buffer.from(Buffer.from(b64, 'base64').map((byte) => byte ^ 0xff)).toString('base64'));
}

// An amount altered after signing (or, when the event had an honest delivery before, a genuine
// signature header replayed on the altered body) (the first `amount` found depth-first, else the first number,
// else the first string); a payload with none of these gets a trailing space.
function tamper(body: string): string {
  const copy: unknown = JSON.parse(body);
  const alter = (key: (k: string) => boolean, kind: 'number' | 'string'): boolean => {
    const visit = (node: unknown): boolean => {
      if (node === null || typeof node !== 'object') return false;
      for (const [k, v] of Object.entries(node)) {
        if (typeof v === kind && key(k)) {
          (node as Record<string, unknown>)[k] = kind === 'number' ? (v as number) + 1 : `${v as string}-tampered`;
          return true;
        }
        if (visit(v)) return true;
      }
      return false;
    };
    return visit(copy);
  };
  if (alter((k) => k === 'amount', 'number') || alter(() => true, 'number') || alter(() => true, 'string')) return JSON.stringify(copy);
  return `${body} `;
}

function selects(selector: DeliverySelector | undefined, slot: Slot, index: number): boolean {
  if (selector === undefined) return true;
  if (Array.isArray(selector)) return selector.includes(slot.event.id);
  if ('first' in selector) return index < selector.first;
  return (index + 1) % selector.every === 0;
}

function shuffled<T>(items: T[], seed: number): T[] {
  const random = mulberry32(seedFor(seed, 'shuffle'));
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

function checkPlan(plan: DeliveryPlan, options: PlanOptions): void {
  const whole = (value: number | undefined, pointer: string, min: number): void => {
    if (value !== undefined && (!Number.isInteger(value) || value < min)) {
      throw planError(`must be a whole number ≥ ${min}, not ${value}`, pointer);
    }
  };
  whole(plan.duplicate, '/duplicate', 1);
  whole(plan.delayMs, '/delayMs', 0);
  whole(plan.spacingMs, '/spacingMs', 0);
  whole(plan.burst?.concurrency, '/burst/concurrency', 1);
  if (plan.shuffle && !Number.isInteger(plan.shuffle.seed)) throw planError(`the shuffle seed must be an integer`, '/shuffle/seed');
  (plan.mutations ?? []).forEach((step, i) => {
    if (!DELIVERY_MUTATIONS.includes(step.mutate)) {
      throw planError(`unknown mutation "${step.mutate}" (known: ${DELIVERY_MUTATIONS.join(', ')})`, `/mutations/${i}/mutate`);
    }
    const s = step.events;
    if (s !== undefined && !Array.isArray(s)) whole('first' in s ? s.first : s.every, `/mutations/${i}/events/${'first' in s ? 'first' : 'every'}`, 1);
  });
  if (options.secrets.length === 0) throw planError('at least one secret is needed to sign', '/');
}

// A mutation the scheme cannot express would yield an honest delivery labelled "reject".
function checkMutationFits(scheme: Scheme, mutation: DeliveryMutation, pointer: string): void {
  const probe = { body: '{}', secrets: [PROBE_SECRETS[0]], timestamp: 1_700_000_000, id: 'evt_probe' };
  if (mutation === 'stale-timestamp' || mutation === 'future-timestamp') {
    if (same(scheme.sign(probe), scheme.sign({ ...probe, timestamp: probe.timestamp + 1 }))) {
      throw planError(`the ${scheme.id} scheme signs no timestamp, so ${mutation} does not apply`, pointer);
    }
  }
  if (mutation === 'rotated-secret' && same(scheme.sign(probe), scheme.sign({ ...probe, secrets: [...PROBE_SECRETS] }))) {
    throw planError(`the ${scheme.id} scheme carries one signature only, so rotated-secret does not apply`, pointer);
  }
}

// Plans are JSON data: the error points into the plan.
function planError(message: string, pointer: string): InputError {
  return new InputError(message, { file: 'delivery plan', pointer });
}

function same(a: Record<string, string>, b: Record<string, string>): boolean {
  return JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort());
}
