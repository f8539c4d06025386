// webhook-converges: whatever the delivery order, each resource ends on the newest version among
// the events the receiver acknowledged (newest wins, not last to arrive).
import type { Rule } from './types.js';
import { eventFacts } from './webhook-facts.js';

export const webhookConverges: Rule = (evidence) => {
  const w = evidence.webhooks;
  if (w === undefined) return { rule: 'webhook-converges', ok: true, vacuous: true, summary: 'Not a webhook scenario.', evidence: {} };
  const facts = eventFacts(w).filter((f) => f.accepted);
  const resources = [...new Set(facts.map((f) => f.resourceId))].sort();
  if (resources.length === 0) return { rule: 'webhook-converges', ok: true, vacuous: true, summary: 'The receiver acknowledged no event.', evidence: {} };
  const rows = resources.map((id) => {
    const newest = Math.max(...facts.filter((f) => f.resourceId === id).map((f) => f.version));
    const expectedEvent = facts.find((f) => f.resourceId === id && f.version === newest)!.id;
    const final = w.resources[id];
    return { resourceId: id, expected: newest, expectedEvent, final: final?.version ?? null, finalEvent: final?.eventId ?? null };
  });
  // Out of order: some event of a resource arrived (first acknowledged) after a newer one.
  const arrival = new Map<string, number>();
  for (const d of w.deliveries) if (d.expect === 'accept' && d.status !== undefined && d.status < 300 && !arrival.has(d.eventId)) arrival.set(d.eventId, d.seq);
  const outOfOrder = resources.filter((id) => {
    const seen = facts.filter((f) => f.resourceId === id && arrival.has(f.id)).sort((a, b) => arrival.get(a.id)! - arrival.get(b.id)!);
    return seen.some((f, i) => i > 0 && f.version < seen[i - 1]!.version);
  });
  const wrong = rows.filter((r) => r.final !== r.expected);
  const out = { resources: rows, outOfOrder };
  const first = wrong[0];
  if (first !== undefined) {
    return {
      rule: 'webhook-converges',
      ok: false,
      summary: `${first.resourceId} ended on version ${first.final ?? 'none'} (${first.finalEvent ?? 'no event'}) where the newest acknowledged was version ${first.expected} (${first.expectedEvent}); ${wrong.length} of ${rows.length} resources did not converge${outOfOrder.length > 0 ? ` (${outOfOrder.length} received out of order)` : ''}.`,
      evidence: out,
    };
  }
  const order = outOfOrder.length > 0 ? `, ${outOfOrder.length} of them received out of order` : ', all received in order (so ordering was not tested)';
  return { rule: 'webhook-converges', ok: true, ...(outOfOrder.length === 0 ? { vacuous: true } : {}), summary: `All ${rows.length} resources ended on their newest acknowledged version${order}.`, evidence: out };
};
