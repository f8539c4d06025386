// The webhook rules on hand-made delivery journals and receiver states, at their boundaries.
import { describe, expect, it } from 'vitest';
import type { Evidence, WebhookEvidence } from './types.js';
import { webhookAcknowledged } from './webhook-acknowledged.js';
import { webhookConverges } from './webhook-converges.js';
import { webhookExactlyOnce } from './webhook-exactly-once.js';
import { webhookNoLoss } from './webhook-no-loss.js';
import { webhookRejectsBad } from './webhook-rejects-bad.js';
import { webhookRetryProcessedOnce } from './webhook-retry-processed-once.js';

type D = WebhookEvidence['deliveries'][number];

let seq = 0;
function d(eventId: string, status: number | undefined, extra: Partial<D> = {}): D {
  seq += 1;
  const sentAt = extra.sentAt ?? seq * 10;
  return { seq, eventId, attempt: 1, reason: 'original', expect: 'accept', sentAt, answeredAt: sentAt + 5, ...(status !== undefined ? { status } : {}), ...extra };
}

const EVENTS = [
  { id: 'evt_1', resourceId: 'pi_1', version: 1 },
  { id: 'evt_2', resourceId: 'pi_1', version: 2 },
  { id: 'evt_3', resourceId: 'pi_2', version: 1 },
];

function evidence(w: Partial<WebhookEvidence>): Evidence {
  return {
    requests: [],
    connector: { exitCode: 0, timedOut: false, startedAt: 0, endedAt: 1000, stdout: '', stderr: '' },
    secrets: [],
    policy: { timeoutMs: 1000, maxAttempts: 3, backoffBaseMs: 100 },
    expectations: {},
    webhooks: { deliveries: [], events: EVENTS, effects: [], resources: {}, ackBoundMs: 200, ...w },
  };
}

const applied = (...ids: string[]) => ids.map((id) => ({ eventId: id, resourceId: EVENTS.find((e) => e.id === id)!.resourceId, version: EVENTS.find((e) => e.id === id)!.version }));

describe('webhook-rejects-bad', () => {
  it('passes when every bad delivery got a 4xx, fails on a 200 or a 500', () => {
    const bad = (status: number) => d('evt_3', status, { mutation: 'tampered-body', expect: 'reject' });
    expect(webhookRejectsBad(evidence({ deliveries: [d('evt_1', 200), bad(400)], effects: applied('evt_1') }))).toMatchObject({ ok: true, summary: 'All 1 bad deliveries (tampered-body) were answered 4xx, and none took effect.' });
    expect(webhookRejectsBad(evidence({ deliveries: [bad(200)] }))).toMatchObject({ ok: false, summary: expect.stringMatching(/^Delivery #\d+ of evt_3 with a tampered-body signature answered 200 at .* where a 4xx was due; 1 of 1 bad deliveries were not rejected\.$/) });
    expect(webhookRejectsBad(evidence({ deliveries: [bad(500)] })).ok).toBe(false);
  });
  it('fails when an event that only arrived badly took effect, even if the answer was a 4xx', () => {
    const v = webhookRejectsBad(evidence({ deliveries: [d('evt_3', 401, { mutation: 'stale-timestamp', expect: 'reject' })], effects: applied('evt_3') }));
    expect(v).toMatchObject({ ok: false, summary: 'evt_3 (pi_2 v1) took effect although every delivery of it was bad (stale-timestamp).' });
  });
  it('is vacuous without bad deliveries', () => {
    expect(webhookRejectsBad(evidence({ deliveries: [d('evt_1', 200)] }))).toMatchObject({ ok: true, vacuous: true });
  });
});

describe('webhook-acknowledged', () => {
  it('passes at exactly the bound, fails one ms past it and on a 500 to a duplicate', () => {
    expect(webhookAcknowledged(evidence({ deliveries: [d('evt_1', 200, { sentAt: 0, answeredAt: 200 })] })).ok).toBe(true);
    expect(webhookAcknowledged(evidence({ deliveries: [d('evt_1', 200, { sentAt: 0, answeredAt: 201 })] }))).toMatchObject({ ok: false, summary: expect.stringContaining('was acknowledged after 201 ms, where a 2xx within 200 ms was due') });
    expect(webhookAcknowledged(evidence({ deliveries: [d('evt_1', 200), d('evt_1', 500, { reason: 'duplicate' })] }))).toMatchObject({ ok: false, summary: expect.stringContaining('(duplicate, sent at') });
  });
  it('does not count a receiver that was down (the provider retries that)', () => {
    const down = d('evt_1', undefined, { error: 'connect ECONNREFUSED 127.0.0.1:1' });
    expect(webhookAcknowledged(evidence({ deliveries: [down, d('evt_1', 200, { reason: 'provider-retry', attempt: 2 })] })).ok).toBe(true);
    // cut off while the harness was stopping it: excused inside the downtime, judged outside it
    const cut = d('evt_2', undefined, { error: 'ECONNRESET', sentAt: 100, answeredAt: 104 });
    expect(webhookAcknowledged(evidence({ deliveries: [cut], downtime: [{ from: 102, to: 400 }] })).ok).toBe(true);
    expect(webhookAcknowledged(evidence({ deliveries: [cut], downtime: [{ from: 500, to: 800 }] })).ok).toBe(false);
  });
});

describe('webhook-exactly-once', () => {
  it('passes when duplicates had no second effect, fails on two effects, is vacuous without redelivery', () => {
    const twice = [d('evt_1', 200), d('evt_1', 200, { reason: 'duplicate' })];
    expect(webhookExactlyOnce(evidence({ deliveries: twice, effects: applied('evt_1') }))).toMatchObject({ ok: true, summary: '1 events reached the receiver more than once and none took effect twice (1 effects for 3 events).' });
    expect(webhookExactlyOnce(evidence({ deliveries: twice, effects: applied('evt_1', 'evt_1') }))).toMatchObject({ ok: false, summary: 'evt_1 (pi_1 v1) took effect 2 times from 2 deliveries; 1 events in all took effect more than once.' });
    expect(webhookExactlyOnce(evidence({ deliveries: [d('evt_1', 200)], effects: applied('evt_1') }))).toMatchObject({ ok: true, vacuous: true });
  });
});

describe('webhook-no-loss', () => {
  it('an acknowledged event that never took effect is lost, unless a newer version replaced it', () => {
    const all = [d('evt_1', 200), d('evt_2', 200), d('evt_3', 200)];
    expect(webhookNoLoss(evidence({ deliveries: all, effects: applied('evt_2', 'evt_3') })).ok).toBe(true); // evt_1 superseded by evt_2
    expect(webhookNoLoss(evidence({ deliveries: all, effects: applied('evt_1', 'evt_2') }))).toMatchObject({ ok: false, summary: expect.stringMatching(/^evt_3 \(pi_2 v1\) was acknowledged but never took effect and nothing newer replaced it; 1 of 3 acknowledged events were lost/) });
  });
});

describe('webhook-converges', () => {
  it('newest acknowledged version wins whatever the order; out of order and wrong fails; in order is vacuous', () => {
    const reversed = [d('evt_2', 200), d('evt_1', 200), d('evt_3', 200)];
    const good = { pi_1: { version: 2, eventId: 'evt_2' }, pi_2: { version: 1, eventId: 'evt_3' } };
    expect(webhookConverges(evidence({ deliveries: reversed, resources: good }))).toMatchObject({ ok: true, summary: 'All 2 resources ended on their newest acknowledged version, 1 of them received out of order.' });
    expect(webhookConverges(evidence({ deliveries: reversed, resources: { ...good, pi_1: { version: 1, eventId: 'evt_1' } } }))).toMatchObject({
      ok: false,
      summary: 'pi_1 ended on version 1 (evt_1) where the newest acknowledged was version 2 (evt_2); 1 of 2 resources did not converge (1 received out of order).',
    });
    expect(webhookConverges(evidence({ deliveries: [d('evt_1', 200), d('evt_2', 200), d('evt_3', 200)], resources: good }))).toMatchObject({ ok: true, vacuous: true });
  });
});

describe('webhook-retry-processed-once', () => {
  it('a failed then retried delivery takes effect once; zero or two is a failure', () => {
    const deliveries = [d('evt_3', 503), d('evt_3', 200, { reason: 'provider-retry', attempt: 2 })];
    expect(webhookRetryProcessedOnce(evidence({ deliveries, effects: applied('evt_3') })).ok).toBe(true);
    expect(webhookRetryProcessedOnce(evidence({ deliveries, effects: [] })).ok).toBe(false);
    expect(webhookRetryProcessedOnce(evidence({ deliveries, effects: applied('evt_3', 'evt_3') }))).toMatchObject({ ok: false, summary: 'evt_3 (pi_2 v1) failed, was redelivered 1 times by the provider, and took effect 2 times, where once was due; 1 of 1 in all.' });
    expect(webhookRetryProcessedOnce(evidence({ deliveries: [d('evt_3', 200)], effects: applied('evt_3') }))).toMatchObject({ ok: true, vacuous: true });
  });
});
