// Configuration: the process form reads it from the environment; the in-process form is given it.
// Field names mirror the variables (HELPDESK_BASE_URL → helpdeskBaseUrl, SYNC_TIMEOUT_MS → timeoutMs).

export interface TicketSyncConfig {
  helpdeskBaseUrl: string;
  /** Static bearer key for the helpdesk. A secret: never logged. */
  helpdeskApiKey: string;
  trackerBaseUrl: string;
  trackerClientId: string;
  /** OAuth2 client secret for the tracker. A secret: never logged. */
  trackerClientSecret: string;
  /** Per-request time limit, ms (the whole exchange: connect, headers and body). */
  timeoutMs: number;
  /** Attempts per call at most, the first one included. */
  maxAttempts: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** Consecutive failures to one partner that open its circuit. */
  circuitFailures: number;
  circuitCooldownMs: number;
  /** Tickets per helpdesk page. */
  pageSize: number;
}

export const DEFAULT_TUNING = {
  timeoutMs: 10_000,
  maxAttempts: 5,
  backoffBaseMs: 500,
  backoffMaxMs: 30_000,
  circuitFailures: 5,
  circuitCooldownMs: 30_000,
  pageSize: 50,
} as const;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const REQUIRED = {
  helpdeskBaseUrl: 'HELPDESK_BASE_URL',
  helpdeskApiKey: 'HELPDESK_API_KEY',
  trackerBaseUrl: 'TRACKER_BASE_URL',
  trackerClientId: 'TRACKER_CLIENT_ID',
  trackerClientSecret: 'TRACKER_CLIENT_SECRET',
} as const;

const TUNING = {
  timeoutMs: { name: 'SYNC_TIMEOUT_MS', min: 1 },
  maxAttempts: { name: 'SYNC_MAX_ATTEMPTS', min: 1 },
  backoffBaseMs: { name: 'SYNC_BACKOFF_BASE_MS', min: 0 },
  backoffMaxMs: { name: 'SYNC_BACKOFF_MAX_MS', min: 0 },
  circuitFailures: { name: 'SYNC_CIRCUIT_FAILURES', min: 1 },
  circuitCooldownMs: { name: 'SYNC_CIRCUIT_COOLDOWN_MS', min: 0 },
  pageSize: { name: 'SYNC_PAGE_SIZE', min: 1 },
} as const;

/** Builds the config from environment variables; throws ConfigError naming every missing or bad variable. */
export function configFromEnv(env: Record<string, string | undefined>): TicketSyncConfig {
  const problems: string[] = [];
  const required = {} as Record<keyof typeof REQUIRED, string>;
  for (const [field, name] of Object.entries(REQUIRED) as [keyof typeof REQUIRED, string][]) {
    const value = env[name]?.trim();
    if (!value) problems.push(`${name} is not set`);
    else required[field] = value;
  }
  for (const field of ['helpdeskBaseUrl', 'trackerBaseUrl'] as const) {
    const value = required[field];
    if (value !== undefined && !isHttpUrl(value)) problems.push(`${REQUIRED[field]} must be an http(s) URL, got "${value}"`);
  }
  const tuning = { ...DEFAULT_TUNING } as Record<keyof typeof TUNING, number>;
  for (const [field, { name, min }] of Object.entries(TUNING) as [keyof typeof TUNING, { name: string; min: number }][]) {
    const raw = env[name]?.trim();
    if (raw === undefined || raw === '') continue;
    if (!/^\d+$/.test(raw) || Number(raw) < min) problems.push(`${name} must be an integer ≥ ${min}, got "${raw}"`);
    else tuning[field] = Number(raw);
  }
  if (problems.length > 0) throw new ConfigError(`bad configuration: ${problems.join('; ')}`);
  return { ...required, ...tuning };
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/** The policy the connector declares (the shape of Seam's ConnectorPolicy), so a gate can judge it against its own settings. */
export function declaredPolicy(config: TicketSyncConfig) {
  return {
    timeoutMs: config.timeoutMs,
    maxAttempts: config.maxAttempts,
    backoffBaseMs: config.backoffBaseMs,
    circuit: { failures: config.circuitFailures, cooldownMs: config.circuitCooldownMs },
    tokenOperation: 'POST /oauth/token',
    createOperation: 'POST /v1/issues',
    idempotencyHeader: 'idempotency-key',
    pagination: { operation: 'GET /api/v2/tickets', cursorParam: 'cursor' },
  };
}
