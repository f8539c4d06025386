// Webhook vocabulary: signing schemes, events, planned deliveries and what the receiver answered.
// Plain data; the planner (planner.ts) turns events into deliveries, the sender (send.ts) sends
// them and returns the delivery journal, the judge reads it beside the receiver's effects.

export const SCHEME_IDS = ['stripe', 'github', 'standard-webhooks', 'shopify', 'slack'] as const;
export type SchemeId = (typeof SCHEME_IDS)[number];

export interface SignInput {
  /** The raw body exactly as sent. */
  body: string;
  /** One secret, or several (secret rotation: Stripe and Standard Webhooks send one signature per secret). */
  secrets: string[];
  /** Unix seconds. */
  timestamp: number;
  /** The message id (Standard Webhooks `webhook-id`); ignored by schemes without one. */
  id: string;
}

export interface VerifyInput {
  body: string;
  /** Names lower-case. */
  headers: Record<string, string>;
  /** Any of these may have signed it. */
  secrets: string[];
  /** Unix seconds, the verifier's clock. */
  now: number;
  /** Schemes with a timestamp reject one further than this from `now` (default: the scheme's own, e.g. Stripe 300 s). */
  toleranceSeconds?: number;
}

export type VerifyResult = { ok: true } | { ok: false; reason: string };

export interface Scheme {
  id: SchemeId;
  /** The headers that carry the signature (and timestamp/id where the scheme has them), names lower-case. */
  sign(input: SignInput): Record<string, string>;
  verify(input: VerifyInput): VerifyResult;
}

/** One event a provider delivers. `version` orders the states of one resource: newer wins. */
export interface WebhookEvent {
  id: string;
  type: string;
  /** The resource the event is about (e.g. a payment intent id). */
  resourceId: string;
  /** A number that grows with each state of the resource (Stripe: the event's `created`, then a sequence). */
  version: number;
  /** The JSON delivered as the body. */
  payload: unknown;
}

/** What the planner did to a delivery; `undefined` is an honest delivery. */
export type DeliveryMutation = 'bad-signature' | 'wrong-secret' | 'stale-timestamp' | 'future-timestamp' | 'tampered-body' | 'rotated-secret';

export interface PlannedDelivery {
  /** Order in the plan, from 1. */
  seq: number;
  eventId: string;
  /** 1 for the first delivery of this event, then duplicates and provider retries count up. */
  attempt: number;
  /** When to send, ms after the plan starts (delays, spacing, retry schedule, compressed). */
  atMs: number;
  /** Deliveries with the same burst number go out concurrently. */
  burst?: number;
  body: string;
  /** Names lower-case, the signature headers included. */
  headers: Record<string, string>;
  mutation?: DeliveryMutation;
  /** Whether a correct receiver must accept it (2xx) or reject it (4xx). */
  expect: 'accept' | 'reject';
  /** Why it exists: 'original', 'duplicate', 'provider-retry'. */
  reason: 'original' | 'duplicate' | 'provider-retry';
}

/** One delivery as sent, with the receiver's answer. Times in ms on the scenario clock. */
export interface DeliveryRecord extends PlannedDelivery {
  sentAt: number;
  /** When the answer's head arrived, or the request failed / timed out. */
  answeredAt: number;
  status?: number;
  /** Network error or timeout, when there was no answer. */
  error?: string;
}
