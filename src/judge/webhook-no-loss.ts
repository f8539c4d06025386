// webhook-no-loss: every event the receiver acknowledged took effect, unless a newer version of its
// resource made it moot. An acknowledged event that simply vanished (a full queue, a crash after
// the 2xx) is lost: the provider will not send it again.
import type { Rule } from './types.js';
import { eventFacts, eventName } from './webhook-facts.js';

export const webhookNoLoss: Rule = (evidence) => {
  const w = evidence.webhooks;
  if (w === undefined) return { rule: 'webhook-no-loss', ok: true, vacuous: true, summary: 'Not a webhook scenario.', evidence: {} };
  const facts = eventFacts(w);
  const accepted = facts.filter((f) => f.accepted);
  if (accepted.length === 0) return { rule: 'webhook-no-loss', ok: true, vacuous: true, summary: 'The receiver acknowledged no event.', evidence: {} };
  const lost = accepted.filter((f) => f.effects === 0 && !f.superseded);
  const concurrent = Math.max(0, ...w.deliveries.map((d) => w.deliveries.filter((o) => o.sentAt <= d.sentAt && o.answeredAt > d.sentAt).length));
  const out = { accepted: accepted.length, applied: accepted.filter((f) => f.effects > 0).length, superseded: accepted.filter((f) => f.superseded && f.effects === 0).map((f) => f.id), lost: lost.map((f) => f.id), maxInFlight: concurrent };
  const first = lost[0];
  if (first !== undefined) {
    return { rule: 'webhook-no-loss', ok: false, summary: `${eventName(first)} was acknowledged but never took effect and nothing newer replaced it; ${lost.length} of ${accepted.length} acknowledged events were lost (up to ${concurrent} deliveries in flight).`, evidence: out };
  }
  return { rule: 'webhook-no-loss', ok: true, summary: `All ${accepted.length} acknowledged events took effect or were replaced by a newer version (up to ${concurrent} deliveries in flight).`, evidence: out };
};
