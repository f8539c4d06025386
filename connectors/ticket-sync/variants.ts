// Seeded defects: each variant is the correct connector with exactly one part swapped for a faulty
// one, written the way such bugs are written in real code. Seam's judge must catch each with the
// rule that names it.
import { randomUUID } from 'node:crypto';
import { alwaysClosed } from './circuit-breaker.js';
import type { Paginator } from './helpdesk.js';
import { RetriesExhaustedError } from './http-client.js';
import { CORRECT_PARTS, type SyncParts } from './parts.js';
import { createTokenSource } from './token-source.js';

/** Exponential back-off without jitter: every client retries in lock-step. */
const noJitter: Partial<SyncParts> = {
  backoff: (retry, policy) => Math.min(policy.maxMs, policy.baseMs * 2 ** (retry - 1)),
};

const ignoresRetryAfter: Partial<SyncParts> = {
  retryAfter: () => undefined,
};

/** Reads delay-seconds as milliseconds (`Retry-After: 1` → 1 ms); HTTP-dates are not understood at all. */
const retryAfterAsMs: Partial<SyncParts> = {
  retryAfter: (value) => (value !== undefined && /^\d+$/.test(value.trim()) ? Number(value.trim()) : undefined),
};

/** "Retry on any error": every 4xx but the auth and conflict ones, which have their own handling, is retried too. */
const retries400: Partial<SyncParts> = {
  retryableStatus: (status) => status >= 400 && status !== 401 && status !== 409,
};

/** Keeps retrying past the configured maximum; the hard cap only exists so a test run ends. */
const UNBOUNDED_CAP = 50;
const unboundedRetries: Partial<SyncParts> = {
  attemptBudget: () => UNBOUNDED_CAP,
};

/** The key is generated where the request is built, so every attempt gets a fresh one. */
const newKeyPerRetry: Partial<SyncParts> = {
  idempotencyKeys: () => () => randomUUID(),
};

/** Only the run's own signal: a partner that never answers holds the run forever. */
const noTimeout: Partial<SyncParts> = {
  attemptLimit: (_timeoutMs, run) => ({ signal: run, release: () => {} }),
};

/** A leftover debug print of the bearer header, written straight to the output, past the logger's redaction. */
const logsToken: Partial<SyncParts> = {
  tokenSource: (options, write) => {
    let printed = false;
    return createTokenSource({
      ...options,
      onToken: (token) => {
        options.onToken(token);
        if (printed) return;
        printed = true;
        write(JSON.stringify({ level: 'info', event: 'tracker.connected', header: `Bearer ${token.value}` }));
      },
    });
  },
};

/** Retries the listing as a whole: a failed page starts the walk again from the first page. */
const restartingPages: Paginator = async function* (fetchPage, { attempts, client, log }) {
  for (let walk = 1; ; walk++) {
    let cursor: string | null = null;
    try {
      do {
        const page = await fetchPage(cursor, { singleAttempt: true });
        yield page;
        cursor = page.nextCursor;
      } while (cursor !== null);
      return;
    } catch (error) {
      if (!(error instanceof RetriesExhaustedError) || walk >= attempts) throw error;
      log.warn('pages.retry', { failedCursor: cursor, attempt: walk, action: 'listing again from the first page' });
      await client.pause(walk, error.lastResponse);
    }
  }
};

/** On 401 the token is refreshed in a loop "to be sure", five times. */
const REFRESHES = 5;
const refreshStorm: Partial<SyncParts> = {
  onUnauthorized: async (tokens) => {
    for (let i = 0; i < REFRESHES; i++) await tokens.refresh();
  },
};

const noCircuitBreaker: Partial<SyncParts> = {
  breaker: () => alwaysClosed(),
};

export const VARIANTS = {
  'no-jitter': noJitter,
  'ignores-retry-after': ignoresRetryAfter,
  'retry-after-as-ms': retryAfterAsMs,
  'retries-400': retries400,
  'unbounded-retries': unboundedRetries,
  'new-idempotency-key-per-retry': newKeyPerRetry,
  'no-timeout': noTimeout,
  'logs-token': logsToken,
  'restarts-pagination': { pages: restartingPages } satisfies Partial<SyncParts>,
  'refresh-storm': refreshStorm,
  'no-circuit-breaker': noCircuitBreaker,
} as const satisfies Record<string, Partial<SyncParts>>;

export type VariantName = keyof typeof VARIANTS;
export const VARIANT_NAMES = Object.keys(VARIANTS) as VariantName[];

export class UnknownVariantError extends Error {
  override name = 'UnknownVariantError';
}

/** The parts of the named variant (the correct connector when no name is given). */
export function partsFor(variant?: string): SyncParts {
  if (variant === undefined || variant === 'correct') return CORRECT_PARTS;
  if (!Object.hasOwn(VARIANTS, variant)) {
    throw new UnknownVariantError(`unknown variant "${variant}"; known: ${VARIANT_NAMES.join(', ')}`);
  }
  return { ...CORRECT_PARTS, ...VARIANTS[variant as VariantName] };
}
