// webhook-rejects-bad: every delivery a correct receiver must refuse (bad signature, wrong secret,
// stale or future timestamp, tampered body) got a 4xx, and an event that only ever arrived that way
// had no effect.
import type { Rule } from './types.js';
import { clock } from './wording.js';
import { eventFacts, eventName } from './webhook-facts.js';

export const webhookRejectsBad: Rule = (evidence) => {
  const w = evidence.webhooks;
  if (w === undefined) return { rule: 'webhook-rejects-bad', ok: true, vacuous: true, summary: 'Not a webhook scenario.', evidence: {} };
  const bad = w.deliveries.filter((d) => d.expect === 'reject');
  if (bad.length === 0) return { rule: 'webhook-rejects-bad', ok: true, vacuous: true, summary: 'No bad delivery was sent, so there was nothing to reject.', evidence: { deliveries: w.deliveries.length } };
  const accepted = bad.filter((d) => d.status === undefined || d.status < 400 || d.status >= 500);
  const facts = eventFacts(w);
  const applied = facts.filter((f) => f.honest.length === 0 && f.deliveries.length > 0 && f.effects > 0);
  const evidenceOut = {
    bad: bad.map((d) => ({ seq: d.seq, eventId: d.eventId, mutation: d.mutation, status: d.status ?? null, error: d.error ?? null })),
    notRejected: accepted.map((d) => d.seq),
    appliedWithoutHonestDelivery: applied.map((f) => f.id),
  };
  const first = accepted[0];
  if (first !== undefined) {
    const answer = first.status !== undefined ? `answered ${first.status}` : `got no answer (${first.error ?? 'no status'})`;
    return {
      rule: 'webhook-rejects-bad',
      ok: false,
      summary: `Delivery #${first.seq} of ${first.eventId} with a ${first.mutation ?? 'bad'} signature ${answer} at ${clock(first.answeredAt)} where a 4xx was due; ${accepted.length} of ${bad.length} bad deliveries were not rejected.`,
      evidence: evidenceOut,
    };
  }
  const a = applied[0];
  if (a !== undefined) {
    return { rule: 'webhook-rejects-bad', ok: false, summary: `${eventName(a)} took effect although every delivery of it was bad (${a.deliveries.map((d) => d.mutation).join(', ')}).`, evidence: evidenceOut };
  }
  const kinds = [...new Set(bad.map((d) => d.mutation))].join(', ');
  return { rule: 'webhook-rejects-bad', ok: true, summary: `All ${bad.length} bad deliveries (${kinds}) were answered 4xx, and none took effect.`, evidence: evidenceOut };
};
