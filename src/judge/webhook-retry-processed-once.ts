// webhook-retry-processed-once: an event whose delivery failed (non-2xx, timeout, receiver down)
// and that the provider then redelivered took effect exactly once.
import type { Rule } from './types.js';
import { eventFacts, eventName, is2xx } from './webhook-facts.js';

export const webhookRetryProcessedOnce: Rule = (evidence) => {
  const w = evidence.webhooks;
  if (w === undefined) return { rule: 'webhook-retry-processed-once', ok: true, vacuous: true, summary: 'Not a webhook scenario.', evidence: {} };
  const retried = eventFacts(w).filter((f) => f.honest.some((d) => d.reason === 'provider-retry') && f.honest.some((d) => !is2xx(d.status)));
  if (retried.length === 0) return { rule: 'webhook-retry-processed-once', ok: true, vacuous: true, summary: 'No delivery failed and was retried by the provider.', evidence: {} };
  const wrong = retried.filter((f) => (f.superseded ? f.effects > 1 : f.effects !== 1));
  const out = { retried: retried.map((f) => ({ eventId: f.id, deliveries: f.honest.map((d) => d.status ?? d.error ?? null), effects: f.effects })) };
  const first = wrong[0];
  if (first !== undefined) {
    return { rule: 'webhook-retry-processed-once', ok: false, summary: `${eventName(first)} failed, was redelivered ${first.honest.length - 1} times by the provider, and took effect ${first.effects} times, where once was due; ${wrong.length} of ${retried.length} in all.`, evidence: out };
  }
  return { rule: 'webhook-retry-processed-once', ok: true, summary: `All ${retried.length} events whose delivery failed and was retried took effect exactly once.`, evidence: out };
};
