// The replaceable parts of the receiver. The correct receiver is `CORRECT_PARTS`; each seeded
// defect in variants.ts swaps exactly one of them for a faulty implementation.
import type { ReceivedEvent } from './event.js';
import { boundedQueue, type WorkQueue } from './queue.js';
import { signatureMatches, signedPayload, timestampProblem, type VerifyParts } from './signature.js';
import { fileStore, type ResourceState, type StateStore } from './store.js';

export interface Reply {
  status: number;
  body: Record<string, unknown>;
  headers?: Record<string, string>;
}

export interface ReceiverParts extends VerifyParts {
  /** Where the state is kept across restarts. */
  openStore(dir: string): StateStore;
  /** Whether an event with `version` replaces the resource's current state. */
  supersedes(current: ResourceState | undefined, version: number): boolean;
  /** Resolves when the intake may answer 200; the event is already durably queued. */
  whenToAck(processed: () => Promise<void>): Promise<void>;
  /** The queue between intake and worker; `restored` was acknowledged before a restart. */
  queue(limit: number, restored: readonly ReceivedEvent[]): WorkQueue<ReceivedEvent>;
  /** The answer to a delivery of an event id already acknowledged. */
  duplicateReply(eventId: string): Reply;
}

export const CORRECT_PARTS: ReceiverParts = {
  signedPayload,
  signatureMatches,
  timestampProblem,
  openStore: fileStore,
  // Order by version, not arrival: an older state arriving late must not undo a newer one.
  supersedes: (current, version) => current === undefined || version > current.version,
  whenToAck: async () => {},
  queue: boundedQueue,
  // The provider only needs to stop retrying: a duplicate is a success that changes nothing.
  duplicateReply: () => ({ status: 200, body: { received: true, duplicate: true } }),
};
