// webhook-acknowledged: every honest delivery — duplicates and provider retries included — was
// answered 2xx within the bound (acknowledge first, do the heavy work after). A delivery that met
// the receiver down — refused, or cut off while the harness was stopping it — is not judged here:
// that is the provider retry's business.
import type { Rule } from './types.js';
import { clock, ms } from './wording.js';
import { is2xx } from './webhook-facts.js';

export const webhookAcknowledged: Rule = (evidence) => {
  const w = evidence.webhooks;
  if (w === undefined) return { rule: 'webhook-acknowledged', ok: true, vacuous: true, summary: 'Not a webhook scenario.', evidence: {} };
  const down = (d: { sentAt: number; answeredAt: number }): boolean => (w.downtime ?? []).some((t) => d.answeredAt >= t.from && d.sentAt <= t.to);
  const honest = w.deliveries.filter((d) => d.expect === 'accept' && !(d.error !== undefined && /ECONNREFUSED/.test(d.error)) && !down(d));
  if (honest.length === 0) return { rule: 'webhook-acknowledged', ok: true, vacuous: true, summary: 'No honest delivery reached the receiver.', evidence: {} };
  const late = honest.filter((d) => !is2xx(d.status) || d.answeredAt - d.sentAt > w.ackBoundMs);
  const slowest = honest.reduce((a, b) => (b.answeredAt - b.sentAt > a.answeredAt - a.sentAt ? b : a));
  const out = { boundMs: w.ackBoundMs, deliveries: honest.length, slowestMs: ms(slowest.answeredAt - slowest.sentAt), failed: late.map((d) => ({ seq: d.seq, eventId: d.eventId, reason: d.reason, status: d.status ?? null, ackMs: ms(d.answeredAt - d.sentAt), error: d.error ?? null })) };
  const first = late[0];
  if (first !== undefined) {
    const what = !is2xx(first.status) ? (first.status !== undefined ? `was answered ${first.status}` : `got no answer (${first.error ?? 'none'})`) : `was acknowledged after ${ms(first.answeredAt - first.sentAt)} ms`;
    return {
      rule: 'webhook-acknowledged',
      ok: false,
      summary: `Honest delivery #${first.seq} of ${first.eventId} (${first.reason}, sent at ${clock(first.sentAt)}) ${what}, where a 2xx within ${w.ackBoundMs} ms was due; ${late.length} of ${honest.length} in all.`,
      evidence: out,
    };
  }
  return { rule: 'webhook-acknowledged', ok: true, summary: `All ${honest.length} honest deliveries were acknowledged with a 2xx within ${w.ackBoundMs} ms (slowest ${ms(slowest.answeredAt - slowest.sentAt)} ms).`, evidence: out };
};
