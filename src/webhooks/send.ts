// The sender: posts planned deliveries at their times and returns the delivery journal — every
// request sent, in send order, with the receiver's answer on the scenario clock.
//
// A failed delivery (non-2xx, timeout, or network error: the Standard Webhooks definition of a
// failure) is retried on the provider's schedule, each retry a new record (reason
// 'provider-retry', the event's next attempt number, a seq after the plan's), until one succeeds
// or the schedule ends. A retry resends the same bytes and headers: Stripe re-signs each attempt,
// but a compressed schedule keeps every retry well inside the timestamp tolerance, and a
// deliberately stale or badly signed delivery must stay exactly as bad when it is retried.
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RetrySchedule } from './retry-schedules.js';
import type { DeliveryRecord, PlannedDelivery } from './types.js';

export interface SendOptions {
  /** Give up on an answer after this long; the delivery then failed with error 'timeout'. */
  timeoutMs: number;
  /** The provider's retry schedule after a failure; none: no retries. */
  retry?: RetrySchedule;
  /** performance.now() of the scenario start: sentAt/answeredAt are ms since then (default: this call's start). */
  origin?: number;
}

type Answer = { status: number } | { error: string };

export async function sendDeliveries(url: string, deliveries: PlannedDelivery[], options: SendOptions): Promise<DeliveryRecord[]> {
  const target = new URL(url);
  const start = performance.now();
  const origin = options.origin ?? start;
  const journal: DeliveryRecord[] = [];
  let nextSeq = Math.max(0, ...deliveries.map((d) => d.seq)) + 1;
  const lastAttempt = new Map<string, number>();
  for (const d of deliveries) lastAttempt.set(d.eventId, Math.max(d.attempt, lastAttempt.get(d.eventId) ?? 0));

  const deliver = async (delivery: PlannedDelivery, retriesDone: number): Promise<void> => {
    const record: DeliveryRecord = { ...delivery, sentAt: performance.now() - origin, answeredAt: Number.NaN };
    journal.push(record);
    const answer = await post(target, delivery, options.timeoutMs);
    record.answeredAt = performance.now() - origin;
    if ('status' in answer) record.status = answer.status;
    else record.error = answer.error;
    const delay = options.retry?.delaysMs[retriesDone];
    if (('status' in answer && answer.status >= 200 && answer.status < 300) || delay === undefined) return;

    const attempt = (lastAttempt.get(delivery.eventId) ?? 0) + 1;
    lastAttempt.set(delivery.eventId, attempt);
    const { burst: _burst, ...rest } = delivery;
    const retry: PlannedDelivery = { ...rest, seq: nextSeq++, attempt, reason: 'provider-retry', atMs: Math.ceil(performance.now() - start + delay) };
    await waitUntil(start + retry.atMs);
    await deliver(retry, retriesDone + 1);
  };

  // One timer per send time, so a burst's deliveries leave together, in seq order.
  const byTime = new Map<number, PlannedDelivery[]>();
  for (const d of [...deliveries].sort((a, b) => a.atMs - b.atMs || a.seq - b.seq)) {
    byTime.set(d.atMs, [...(byTime.get(d.atMs) ?? []), d]);
  }
  await Promise.all(
    [...byTime].map(async ([atMs, group]) => {
      await waitUntil(start + atMs);
      await Promise.all(group.map((d) => deliver(d, 0)));
    }),
  );
  return journal;
}

// Timers run on libuv's millisecond loop clock and may fire a little before performance.now()
// reaches the target: wait again for the rest, so a delivery is never early.
async function waitUntil(target: number): Promise<void> {
  for (let left = target - performance.now(); left > 0; left = target - performance.now()) await sleep(Math.ceil(left));
}

// The exact body bytes and headers, a fresh connection each (providers do not pool per receiver).
function post(target: URL, delivery: PlannedDelivery, timeoutMs: number): Promise<Answer> {
  const body = Buffer.from(delivery.body, 'utf8');
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    let settled = false;
    const settle = (answer: Answer): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(answer);
    };
    const req = send(target, { method: 'POST', agent: false, headers: { ...delivery.headers, 'content-length': String(body.length) } }, (res) => {
      settle({ status: res.statusCode ?? 0 });
      res.resume();
      res.on('error', () => undefined);
    });
    const timer = setTimeout(() => {
      settle({ error: 'timeout' });
      req.destroy();
    }, timeoutMs);
    req.on('error', (error: NodeJS.ErrnoException) => settle({ error: error.code ?? error.message }));
    req.end(body);
  });
}
