// What the receiver needs from a Stripe event envelope. A snapshot event carries the object in
// `data.object`; a thin event only names it (`related_object.id`), and the worker fetches it.

export interface StripeObject {
  id: string;
  status?: string;
  metadata?: Record<string, unknown>;
  [key: string]: unknown;
}

export interface ReceivedEvent {
  id: string;
  type: string;
  /** Unix seconds. */
  created: number;
  /** The resource the event is about. */
  resourceId: string;
  /** Absent for a thin event. */
  object?: StripeObject;
}

export type EventProblem = { problem: string };

/** The event in a verified body, or what is wrong with it. */
export function parseEvent(rawBody: Buffer): ReceivedEvent | EventProblem {
  let value: unknown;
  try {
    value = JSON.parse(rawBody.toString('utf8'));
  } catch {
    return { problem: 'body is not JSON' };
  }
  if (!isRecord(value)) return { problem: 'body is not a JSON object' };
  const { id, type, created } = value;
  if (typeof id !== 'string' || id === '') return { problem: 'id is missing' };
  if (typeof type !== 'string' || type === '') return { problem: 'type is missing' };
  if (typeof created !== 'number' || !Number.isFinite(created)) return { problem: 'created is missing' };
  const data = value.data;
  const object = isRecord(data) && isRecord(data.object) ? data.object : undefined;
  if (object !== undefined) {
    if (typeof object.id !== 'string' || object.id === '') return { problem: 'data.object.id is missing' };
    return { id, type, created, resourceId: object.id, object: object as StripeObject };
  }
  const related = value.related_object;
  if (isRecord(related) && typeof related.id === 'string' && related.id !== '') return { id, type, created, resourceId: related.id };
  return { problem: 'neither data.object nor related_object.id is present' };
}

export function isEventProblem(value: ReceivedEvent | EventProblem): value is EventProblem {
  return 'problem' in value;
}

/** The resource version an event carries: `metadata.seam_version` (fixtures set it) else the event's `created`. */
export function versionOf(event: ReceivedEvent, object: StripeObject): number {
  const raw = object.metadata?.seam_version;
  // Stripe metadata values are strings; fixtures may write numbers.
  const version = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : typeof raw === 'number' ? raw : Number.NaN;
  return Number.isFinite(version) ? version : event.created;
}

/** The state the receiver keeps for a resource: the object's status, else the event type. */
export function statusOf(event: ReceivedEvent, object: StripeObject): string {
  return typeof object.status === 'string' ? object.status : event.type;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
