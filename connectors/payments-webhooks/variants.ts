// Seeded defects: each variant is the correct receiver with exactly one part swapped for a faulty
// one, written the way such bugs are written in real code. Seam's judge must catch each with the
// rule that names it.
import type { ReceivedEvent } from './event.js';
import { CORRECT_PARTS, type ReceiverParts } from './parts.js';
import type { WorkQueue } from './queue.js';
import { signatureMatches } from './signature.js';
import { emptySnapshot, fileStore, type StateStore } from './store.js';

/** The comparison was stubbed out "until the secrets are in the vault" and never put back. */
const noSignatureCheck: Partial<ReceiverParts> = {
  signatureMatches: () => true,
};

/** Checks the HMAC but not the age of `t`: a captured delivery can be replayed forever. */
const noTimestampTolerance: Partial<ReceiverParts> = {
  timestampProblem: () => undefined,
};

/**
 * Memoises verified signatures so redeliveries skip the HMAC — keyed by the signature header's v1
 * values alone, not by the body they cover. Once a delivery has verified, the same header on a
 * different (tampered) body passes. A fresh bad or stale signature is still refused.
 */
const MEMO_LIMIT = 10_000;
function memoisedSignatureCheck(): ReceiverParts['signatureMatches'] {
  const verified = new Set<string>();
  return (payload, signatures, secrets) => {
    const key = signatures.join(',');
    if (verified.has(key)) return true;
    const ok = signatureMatches(payload, signatures, secrets);
    if (ok) {
      if (verified.size >= MEMO_LIMIT) verified.clear();
      verified.add(key);
    }
    return ok;
  };
}

/**
 * Processed ids and resource states are a process-local cache ("rebuilt as events arrive"); only the
 * effects journal and the queue are written to disk. After a restart every redelivery looks new.
 */
function journalOnlyStore(dir: string): StateStore {
  const file = fileStore(dir);
  return {
    load: async () => {
      const { effects, pending } = await file.load();
      return { ...emptySnapshot(), effects, pending };
    },
    save: (snapshot) => file.save({ ...emptySnapshot(), effects: snapshot.effects, pending: snapshot.pending }),
  };
}

/** Applies events in the order they arrive: a late, older state overwrites the newer one. */
const lastWriteWins: Partial<ReceiverParts> = {
  supersedes: () => true,
};

/** Does the work inside the request "so the provider knows it worked": the ack waits for it. */
const slowAck: Partial<ReceiverParts> = {
  whenToAck: (processed) => processed(),
};

/** A fixed buffer sized for the steady state; when it is full the newest event is discarded, and still acknowledged. */
const DROPPING_CAPACITY = 4;
function droppingQueue(_limit: number, restored: readonly ReceivedEvent[]): WorkQueue<ReceivedEvent> {
  const items = [...restored];
  return {
    offer(item) {
      if (items.length < DROPPING_CAPACITY) items.push(item);
      return true;
    },
    peek: () => items[0],
    remove(item) {
      const at = items.indexOf(item);
      if (at >= 0) items.splice(at, 1);
    },
    items: () => items,
    get size() {
      return items.length;
    },
  };
}

/** The unique-id insert fails for a known event and the error surfaces as a 500, so the provider retries it for days. */
const errorOnDuplicate: Partial<ReceiverParts> = {
  duplicateReply: (eventId) => ({ status: 500, body: { error: `duplicate key value violates unique constraint "processed_events_pkey": ${eventId}` } }),
};

export const VARIANTS = {
  'no-signature-check': noSignatureCheck,
  'no-timestamp-tolerance': noTimestampTolerance,
  'accepts-tampered-body': { signatureMatches: memoisedSignatureCheck() } satisfies Partial<ReceiverParts>,
  'dedupe-lost-on-restart': { openStore: journalOnlyStore } satisfies Partial<ReceiverParts>,
  'last-write-wins': lastWriteWins,
  'slow-ack': slowAck,
  'drops-under-burst': { queue: droppingQueue } satisfies Partial<ReceiverParts>,
  '500-on-duplicate': errorOnDuplicate,
} as const satisfies Record<string, Partial<ReceiverParts>>;

export type VariantName = keyof typeof VARIANTS;
export const VARIANT_NAMES = Object.keys(VARIANTS) as VariantName[];

export class UnknownVariantError extends Error {
  override name = 'UnknownVariantError';
}

/** The parts of the named variant (the correct receiver when no name is given). */
export function partsFor(variant?: string): ReceiverParts {
  if (variant === undefined || variant === 'correct') return CORRECT_PARTS;
  if (!Object.hasOwn(VARIANTS, variant)) {
    throw new UnknownVariantError(`unknown variant "${variant}"; known: ${VARIANT_NAMES.join(', ')}`);
  }
  return { ...CORRECT_PARTS, ...VARIANTS[variant as VariantName] };
}
