// The replaceable parts of the connector. The correct connector is `CORRECT_PARTS`; each seeded
// defect in variants.ts swaps exactly one of them for a faulty implementation.
import { createCircuitBreaker, type CircuitBreaker, type CircuitOptions, type CircuitState } from './circuit-breaker.js';
import { resumingPages, type Paginator } from './helpdesk.js';
import { fullJitter, isRetryableStatus, parseRetryAfter, type BackoffPolicy, type Random } from './retry-policy.js';
import { createTokenSource, type TokenSource, type TokenSourceOptions } from './token-source.js';

/** The parts the HTTP client's retry loop is made of. */
export interface RetryParts {
  /** The back-off before retry number `retry` (1 = before the second attempt). */
  backoff(retry: number, policy: BackoffPolicy, random: Random): number;
  /** A Retry-After header value → ms to wait at least; undefined when absent or unreadable. */
  retryAfter(value: string | undefined, nowMs: number): number | undefined;
  /** Whether an answer with this status is worth another attempt. */
  retryableStatus(status: number): boolean;
  /** Attempts per call, given the configured maximum. */
  attemptBudget(configured: number): number;
  /** The abort signal for one attempt: its time limit joined with the run's signal. */
  attemptLimit(timeoutMs: number, run?: AbortSignal): AttemptLimit;
}

/** One attempt's abort signal, and `release()` to stop its clock once the attempt is over. */
export interface AttemptLimit {
  signal?: AbortSignal;
  release(): void;
}

export interface SyncParts extends RetryParts {
  /** The Idempotency-Key source for one logical create; called once per attempt. */
  idempotencyKeys(logicalKey: string): () => string;
  /** What to do about a 401 before the one retry it allows. */
  onUnauthorized(tokens: TokenSource): Promise<void>;
  /** `write` is the raw output line sink (the logger's own); correct code never uses it. */
  tokenSource(options: TokenSourceOptions, write: (line: string) => void): TokenSource;
  pages: Paginator;
  breaker(partner: string, options: CircuitOptions, now: () => number, onChange: (state: CircuitState) => void): CircuitBreaker;
}

/**
 * A controller aborted by its own timer or by the run's signal. Not `AbortSignal.any([AbortSignal.timeout(…), run])`:
 * on Node 20 the timeout signal inside such a composite is only weakly held, and after a garbage collection
 * the composite never aborts — a hung call then waits forever. The timer here holds the controller strongly.
 */
export function timeLimited(timeoutMs: number, run?: AbortSignal): AttemptLimit {
  const controller = new AbortController();
  const onRunAbort = (): void => controller.abort(run?.reason);
  const timer = setTimeout(() => controller.abort(new DOMException(`no answer within ${timeoutMs} ms`, 'TimeoutError')), timeoutMs);
  if (run?.aborted) onRunAbort();
  else run?.addEventListener('abort', onRunAbort, { once: true });
  return {
    signal: controller.signal,
    release() {
      clearTimeout(timer);
      run?.removeEventListener('abort', onRunAbort);
    },
  };
}

export const CORRECT_PARTS: SyncParts = {
  backoff: fullJitter,
  retryAfter: parseRetryAfter,
  retryableStatus: isRetryableStatus,
  attemptBudget: (configured) => configured,
  attemptLimit: timeLimited,
  // The key is fixed when the logical create starts, so every retry of it carries the same one.
  idempotencyKeys: (logicalKey) => () => logicalKey,
  onUnauthorized: async (tokens) => {
    await tokens.refresh();
  },
  tokenSource: (options) => createTokenSource(options),
  pages: resumingPages,
  breaker: createCircuitBreaker,
};
