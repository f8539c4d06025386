// What the webhook rules share: per event, how its deliveries were answered and what the receiver
// did with it. A delivery is *honest* when the planner left it alone or only rotated the secret
// (a correct receiver must accept it); an event is *accepted* when an honest delivery got a 2xx.
// An event is *superseded* when its resource ended on (or had an accepted event with) a newer
// version: not applying an older event that arrived late is correct, not a loss.
import type { WebhookEvidence } from './types.js';

export interface EventFacts {
  id: string;
  resourceId: string;
  version: number;
  deliveries: WebhookEvidence['deliveries'];
  honest: WebhookEvidence['deliveries'];
  accepted: boolean;
  effects: number;
  /** The newest version of its resource among accepted events. */
  newest: number;
  superseded: boolean;
}

export const is2xx = (status: number | undefined): boolean => status !== undefined && status >= 200 && status < 300;

export function eventFacts(w: WebhookEvidence): EventFacts[] {
  const effects = new Map<string, number>();
  for (const e of w.effects) effects.set(e.eventId, (effects.get(e.eventId) ?? 0) + 1);
  const facts = w.events.map((event) => {
    const deliveries = w.deliveries.filter((d) => d.eventId === event.id);
    const honest = deliveries.filter((d) => d.expect === 'accept');
    return { ...event, deliveries, honest, accepted: honest.some((d) => is2xx(d.status)), effects: effects.get(event.id) ?? 0, newest: event.version, superseded: false };
  });
  const newest = new Map<string, number>();
  for (const f of facts) if (f.accepted) newest.set(f.resourceId, Math.max(newest.get(f.resourceId) ?? -Infinity, f.version));
  for (const f of facts) {
    f.newest = newest.get(f.resourceId) ?? f.version;
    f.superseded = f.version < f.newest;
  }
  return facts;
}

/** `evt_1 (pi_1 v2)`. */
export function eventName(f: Pick<EventFacts, 'id' | 'resourceId' | 'version'>): string {
  return `${f.id} (${f.resourceId} v${f.version})`;
}
