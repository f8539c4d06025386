// How the suite runs ticket-sync: scaled-down timings (so the whole matrix runs in seconds) and the
// policy the judge holds it to — the same numbers, stated once.
import { join } from 'node:path';
import type { ConnectorPolicy } from 'seam/testing';

// Large enough that scheduling noise on a busy 2-core CI machine (±10–20 ms) cannot pass for
// jitter, small enough that the matrix stays fast.
const BACKOFF_BASE_MS = 150;
const TIMEOUT_MS = 400;
const MAX_ATTEMPTS = 4;
const CIRCUIT = { failures: 5, cooldownMs: 400 };

export const TICKET_SYNC_ENV: Record<string, string> = {
  HELPDESK_API_KEY: 'hd_live_5e4m_suite_key_7f3a9c',
  TRACKER_CLIENT_ID: 'seam-suite',
  TRACKER_CLIENT_SECRET: 'trk_secret_9b1d4e6f2a8c',
  SYNC_TIMEOUT_MS: String(TIMEOUT_MS),
  SYNC_MAX_ATTEMPTS: String(MAX_ATTEMPTS),
  SYNC_BACKOFF_BASE_MS: String(BACKOFF_BASE_MS),
  SYNC_BACKOFF_MAX_MS: '1200',
  SYNC_CIRCUIT_FAILURES: String(CIRCUIT.failures),
  SYNC_CIRCUIT_COOLDOWN_MS: String(CIRCUIT.cooldownMs),
  SYNC_PAGE_SIZE: '5',
};

export const TICKET_SYNC_POLICY: ConnectorPolicy = {
  timeoutMs: TIMEOUT_MS,
  maxAttempts: MAX_ATTEMPTS,
  backoffBaseMs: BACKOFF_BASE_MS,
  circuit: CIRCUIT,
  tokenOperation: 'POST /oauth/token',
  createOperation: 'POST /v1/issues',
  idempotencyHeader: 'idempotency-key',
  pagination: { operation: 'GET /api/v2/tickets', cursorParam: 'cursor' },
};

/** Issues a fresh sync creates (the recordings' creates: one per valid ticket). */
export const CREATED_ISSUES = 11;

export function ticketSyncCommand(variant: string | undefined): string[] {
  return [process.execPath, join('dist', 'connectors', 'ticket-sync', 'main.js'), ...(variant !== undefined ? ['--variant', variant] : [])];
}
