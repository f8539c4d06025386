// Intake and worker. The intake verifies a delivery, dedupes it on the event id, queues it and
// saves the state (the id and the queued event) before it answers 200 — so an acknowledged event is
// never lost and a redelivery after a restart is still known. One worker applies queued events in
// arrival order; an event changes a resource only when its version is newer than the resource's.
import type { ReceiverConfig } from './config.js';
import { isEventProblem, parseEvent, statusOf, versionOf, type ReceivedEvent, type StripeObject } from './event.js';
import type { Logger } from './logger.js';
import type { ReceiverParts, Reply } from './parts.js';
import type { WorkQueue } from './queue.js';
import { verifyDelivery } from './signature.js';
import { coalescingWriter, type Effect, type ResourceState, type Snapshot } from './store.js';

export interface PublicState {
  resources: Record<string, ResourceState>;
  effects: Effect[];
  /** Events acknowledged and not yet applied. */
  pending: number;
}

export interface ReceiverDeps {
  config: ReceiverConfig;
  parts: ReceiverParts;
  log: Logger;
  /** ms; `Effect.at` is measured on it from the receiver's start. */
  now: () => number;
  /** Unix seconds, for the signature's timestamp tolerance. */
  wallClockSeconds: () => number;
  fetchObject: (resourceId: string) => Promise<StripeObject>;
}

export interface Receiver {
  receive(rawBody: Buffer, signatureHeader: string | undefined): Promise<Reply>;
  state(): PublicState;
  /** Starts the worker on the events queued before a restart (after the receiver has announced itself). */
  resume(): void;
  /** Finishes the event being applied, saves the state; queued events stay queued for the next start. */
  stop(): Promise<void>;
}

export async function openReceiver(deps: ReceiverDeps): Promise<Receiver> {
  const { config, parts, log } = deps;
  const origin = deps.now();
  const store = parts.openStore(config.stateDir);
  const loaded = await store.load();
  const processed = new Set(loaded.processed);
  const resources = loaded.resources;
  const effects = loaded.effects;
  const failed = loaded.failed;
  const queue: WorkQueue<ReceivedEvent> = parts.queue(config.queueLimit, loaded.pending);
  const snapshot = (): Snapshot => ({ processed: [...processed], pending: [...queue.items()], resources, effects, failed });
  const save = coalescingWriter(store, snapshot);
  const settled = new Map<string, () => void>();
  let stopping = false;
  let working: Promise<void> | undefined;

  const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

  async function apply(event: ReceivedEvent): Promise<void> {
    if (config.workMs > 0) await sleep(config.workMs);
    let object = event.object;
    if (object === undefined) {
      object = await deps.fetchObject(event.resourceId);
      log.info('event.fetched', { eventId: event.id, resourceId: event.resourceId });
    }
    const version = versionOf(event, object);
    const current = resources[event.resourceId];
    if (!parts.supersedes(current, version)) {
      log.info('event.ignored', { eventId: event.id, resourceId: event.resourceId, version, currentVersion: current?.version, reason: 'not newer than the current state' });
      return;
    }
    resources[event.resourceId] = { status: statusOf(event, object), version, eventId: event.id };
    effects.push({ eventId: event.id, resourceId: event.resourceId, version, at: Math.round(deps.now() - origin) });
    log.info('event.applied', { eventId: event.id, type: event.type, resourceId: event.resourceId, version, status: resources[event.resourceId]!.status });
  }

  async function work(): Promise<void> {
    for (let event = queue.peek(); event !== undefined && !stopping; event = queue.peek()) {
      try {
        await apply(event);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        failed.push({ eventId: event.id, reason });
        log.error('event.failed', { eventId: event.id, resourceId: event.resourceId, reason });
      }
      queue.remove(event);
      settled.get(event.id)?.();
      settled.delete(event.id);
      await save().catch((error: unknown) => log.error('state.save_failed', { error: String(error) }));
    }
  }

  function kick(): void {
    if (working || stopping) return;
    working = work().finally(() => {
      working = undefined;
      if (queue.size > 0 && !stopping) kick();
    });
  }

  function processedPromise(event: ReceivedEvent): () => Promise<void> {
    return () =>
      queue.items().includes(event) ? new Promise<void>((resolve) => settled.set(event.id, resolve)) : Promise.resolve();
  }

  async function receive(rawBody: Buffer, signatureHeader: string | undefined): Promise<Reply> {
    if (stopping) return { status: 503, body: { error: 'shutting-down' }, headers: { 'retry-after': '1' } };
    const verdict = verifyDelivery(parts, {
      rawBody,
      header: signatureHeader,
      secrets: config.webhookSecrets,
      nowSeconds: deps.wallClockSeconds(),
      toleranceSeconds: config.toleranceSeconds,
    });
    if (!verdict.ok) {
      log.warn('delivery.rejected', { reason: verdict.reason, bytes: rawBody.length });
      return { status: 400, body: { error: verdict.reason } };
    }
    const event = parseEvent(rawBody);
    if (isEventProblem(event)) {
      log.warn('delivery.rejected', { reason: 'malformed-event', problem: event.problem });
      return { status: 400, body: { error: 'malformed-event', problem: event.problem } };
    }
    if (processed.has(event.id)) {
      // The first delivery may still be saving: answer only once its id is on disk.
      await save();
      const reply = parts.duplicateReply(event.id);
      log.info('delivery.duplicate', { eventId: event.id, status: reply.status });
      return reply;
    }
    if (!queue.offer(event)) {
      log.warn('delivery.overloaded', { eventId: event.id, pending: queue.size, limit: config.queueLimit });
      return { status: 503, body: { error: 'overloaded' }, headers: { 'retry-after': '1' } };
    }
    processed.add(event.id);
    try {
      await save();
    } catch (error) {
      log.error('state.save_failed', { eventId: event.id, error: String(error) });
      return { status: 500, body: { error: 'state-not-saved' } };
    }
    kick();
    log.info('delivery.accepted', { eventId: event.id, type: event.type, resourceId: event.resourceId, pending: queue.size });
    await parts.whenToAck(processedPromise(event));
    return { status: 200, body: { received: true } };
  }

  return {
    receive,
    resume: kick,
    state: () => ({ resources: structuredClone(resources), effects: effects.map((e) => ({ ...e })), pending: queue.size }),
    async stop() {
      stopping = true;
      await working;
      for (const resolve of settled.values()) resolve();
      settled.clear();
      await save();
    },
  };
}
