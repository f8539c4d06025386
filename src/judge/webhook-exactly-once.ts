// webhook-exactly-once: no event took effect more than once, however often it was delivered
// (duplicates, provider retries, redelivery after a restart).
import type { Rule } from './types.js';
import { eventFacts, eventName } from './webhook-facts.js';

export const webhookExactlyOnce: Rule = (evidence) => {
  const w = evidence.webhooks;
  if (w === undefined) return { rule: 'webhook-exactly-once', ok: true, vacuous: true, summary: 'Not a webhook scenario.', evidence: {} };
  const facts = eventFacts(w);
  const repeated = facts.filter((f) => f.honest.filter((d) => d.status !== undefined).length > 1);
  const twice = facts.filter((f) => f.effects > 1);
  const out = { events: facts.length, redelivered: repeated.map((f) => f.id), appliedMoreThanOnce: twice.map((f) => ({ eventId: f.id, effects: f.effects, deliveries: f.deliveries.length })) };
  const first = twice[0];
  if (first !== undefined) {
    return { rule: 'webhook-exactly-once', ok: false, summary: `${eventName(first)} took effect ${first.effects} times from ${first.deliveries.length} deliveries; ${twice.length} events in all took effect more than once.`, evidence: out };
  }
  if (repeated.length === 0) return { rule: 'webhook-exactly-once', ok: true, vacuous: true, summary: `No event reached the receiver twice, so exactly-once was not tested (${facts.length} events, none applied twice).`, evidence: out };
  return { rule: 'webhook-exactly-once', ok: true, summary: `${repeated.length} events reached the receiver more than once and none took effect twice (${w.effects.length} effects for ${facts.length} events).`, evidence: out };
};
