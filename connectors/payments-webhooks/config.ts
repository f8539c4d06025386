// Configuration: the process form reads it from the environment; the in-process form is given it.
// Field names mirror the variables (STRIPE_WEBHOOK_SECRET → webhookSecrets, WEBHOOK_WORK_MS → workMs).

export interface ReceiverConfig {
  /** 0: any free port. The receiver binds 127.0.0.1. */
  port: number;
  /** Every secret that may have signed a delivery (several during a rotation). Secrets: never logged. */
  webhookSecrets: string[];
  /** Where thin events' objects are fetched from. */
  stripeBaseUrl: string;
  /** Bearer key for the Stripe API; only thin events need it. A secret: never logged. */
  stripeApiKey?: string;
  /** Durable state: processed event ids, the queue, resource states and the effects journal. */
  stateDir: string;
  /** A delivery whose timestamp is further than this from the receiver's clock, either way, is refused. */
  toleranceSeconds: number;
  /** Simulated heavy work per event, in the worker. */
  workMs: number;
  /** Events waiting for the worker at most; beyond it deliveries are answered 503 (the provider retries). */
  queueLimit: number;
  /** Per-attempt time limit of a Stripe API call. */
  stripeTimeoutMs: number;
  /** Attempts per Stripe API call, the first included. */
  stripeMaxAttempts: number;
}

export const DEFAULTS = {
  port: 0,
  stripeBaseUrl: 'https://api.stripe.com',
  toleranceSeconds: 300,
  workMs: 0,
  queueLimit: 1000,
  stripeTimeoutMs: 5000,
  stripeMaxAttempts: 3,
} as const;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const NUMBERS = {
  port: { name: 'PORT', min: 0, max: 65535 },
  toleranceSeconds: { name: 'WEBHOOK_TOLERANCE_SECONDS', min: 1, max: Number.MAX_SAFE_INTEGER },
  workMs: { name: 'WEBHOOK_WORK_MS', min: 0, max: Number.MAX_SAFE_INTEGER },
  queueLimit: { name: 'WEBHOOK_QUEUE_LIMIT', min: 1, max: Number.MAX_SAFE_INTEGER },
  stripeTimeoutMs: { name: 'STRIPE_TIMEOUT_MS', min: 1, max: Number.MAX_SAFE_INTEGER },
  stripeMaxAttempts: { name: 'STRIPE_MAX_ATTEMPTS', min: 1, max: Number.MAX_SAFE_INTEGER },
} as const;

/** Builds the config from environment variables; throws ConfigError naming every missing or bad variable. */
export function configFromEnv(env: Record<string, string | undefined>): ReceiverConfig {
  const problems: string[] = [];
  const webhookSecrets = (env.STRIPE_WEBHOOK_SECRET ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (webhookSecrets.length === 0) problems.push('STRIPE_WEBHOOK_SECRET is not set (one secret, or several comma-separated)');
  const stateDir = env.WEBHOOK_STATE_DIR?.trim();
  if (!stateDir) problems.push('WEBHOOK_STATE_DIR is not set');
  const stripeBaseUrl = env.STRIPE_BASE_URL?.trim() || DEFAULTS.stripeBaseUrl;
  if (!isHttpUrl(stripeBaseUrl)) problems.push(`STRIPE_BASE_URL must be an http(s) URL, got "${stripeBaseUrl}"`);
  const stripeApiKey = env.STRIPE_API_KEY?.trim() || undefined;

  const numbers = { ...DEFAULTS } as Record<keyof typeof NUMBERS, number>;
  for (const [field, { name, min, max }] of Object.entries(NUMBERS) as [keyof typeof NUMBERS, { name: string; min: number; max: number }][]) {
    const raw = env[name]?.trim();
    if (raw === undefined || raw === '') continue;
    if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) problems.push(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
    else numbers[field] = Number(raw);
  }
  if (problems.length > 0) throw new ConfigError(`bad configuration: ${problems.join('; ')}`);
  return { ...numbers, webhookSecrets, stateDir: stateDir!, stripeBaseUrl: stripeBaseUrl.replace(/\/+$/, ''), ...(stripeApiKey ? { stripeApiKey } : {}) };
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}
