// ticket-sync: helpdesk tickets → tracker issues. `runTicketSync` is the in-process form; main.ts
// is the process form (env config, exit codes).
import type { CircuitState } from './circuit-breaker.js';
import type { TicketSyncConfig } from './config.js';
import { ticketPages } from './helpdesk.js';
import { createHttpClient, sleep as realSleep, type HttpClientOptions } from './http-client.js';
import { createLogger } from './logger.js';
import { createMapper } from './mapping.js';
import type { Random } from './retry-policy.js';
import { syncTickets, type SyncSummary } from './sync.js';
import { createTracker, fetchClientCredentialsToken, idempotencyKeyFor } from './tracker.js';
import { partsFor } from './variants.js';

export { ConfigError, configFromEnv, declaredPolicy, DEFAULT_TUNING, type TicketSyncConfig } from './config.js';
export type { SyncSummary } from './sync.js';
export { UnknownVariantError, VARIANT_NAMES, type VariantName } from './variants.js';

export interface RunOptions {
  /** A seeded defect (variants.ts); absent: the correct connector. */
  variant?: string;
  /** One output line at a time (no newline); default: stdout. */
  log?: (line: string) => void;
  /** Cancels the run: in-flight requests are aborted, the summary is still returned. */
  signal?: AbortSignal;
  /** For tests: the jitter source (default Math.random), the clock, the sleeper and fetch. */
  random?: Random;
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  fetch?: typeof fetch;
}

export async function runTicketSync(config: TicketSyncConfig, options: RunOptions = {}): Promise<SyncSummary> {
  const parts = partsFor(options.variant);
  const write = options.log ?? ((line: string) => void process.stdout.write(`${line}\n`));
  const log = createLogger(write, [config.helpdeskApiKey, config.trackerClientSecret]);
  const now = options.now ?? Date.now;

  const shared: Omit<HttpClientOptions, 'partner' | 'baseUrl' | 'auth' | 'breaker'> = {
    policy: {
      timeoutMs: config.timeoutMs,
      maxAttempts: config.maxAttempts,
      backoff: { baseMs: config.backoffBaseMs, maxMs: config.backoffMaxMs },
    },
    parts,
    log,
    random: options.random ?? Math.random,
    now,
    sleep: options.sleep ?? realSleep,
    fetch: options.fetch ?? globalThis.fetch,
    signal: options.signal,
  };
  const circuit = { failures: config.circuitFailures, cooldownMs: config.circuitCooldownMs };
  const breakerFor = (partner: string) =>
    parts.breaker(partner, circuit, now, (state: CircuitState) => (state === 'open' ? log.warn : log.info)('circuit.' + state, { partner }));

  const helpdeskClient = createHttpClient({
    ...shared,
    partner: 'helpdesk',
    baseUrl: config.helpdeskBaseUrl,
    auth: { header: async () => `Bearer ${config.helpdeskApiKey}` },
    breaker: breakerFor('helpdesk'),
  });

  const trackerAuth = { header: async () => `Bearer ${await tokens.current()}`, renew: () => parts.onUnauthorized(tokens) };
  const trackerClient = createHttpClient({ ...shared, partner: 'tracker', baseUrl: config.trackerBaseUrl, auth: trackerAuth, breaker: breakerFor('tracker') });
  const tokens = parts.tokenSource(
    {
      fetchToken: fetchClientCredentialsToken(trackerClient, config.trackerClientId, config.trackerClientSecret),
      now,
      onToken: (token) => {
        log.addSecret(token.value);
        log.info('token.obtained', { partner: 'tracker', expiresIn: token.expiresIn });
      },
    },
    write,
  );

  log.info('sync.started', { variant: options.variant ?? 'correct', helpdesk: config.helpdeskBaseUrl, tracker: config.trackerBaseUrl, pageSize: config.pageSize });
  const summary = await syncTickets({
    pages: parts.pages(ticketPages(helpdeskClient, config.pageSize), { attempts: parts.attemptBudget(config.maxAttempts), client: helpdeskClient, log }),
    tracker: createTracker(trackerClient),
    map: createMapper(),
    idempotencyKey: (ticketId, updatedAt) => parts.idempotencyKeys(idempotencyKeyFor(ticketId, updatedAt)),
    log,
  });
  log.info('sync.summary', { ...summary });
  return summary;
}

/** Exit status for a summary: 0 when every ticket was synced or rejected by validation. */
export function exitCodeFor(summary: SyncSummary): 0 | 1 {
  return summary.complete && summary.failed === 0 ? 0 : 1;
}
