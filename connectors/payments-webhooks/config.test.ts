import { describe, expect, it } from 'vitest';
import { ConfigError, configFromEnv } from './config.js';

describe('configFromEnv', () => {
  it('reads the secrets (comma-separated) and fills the defaults', () => {
    expect(configFromEnv({ STRIPE_WEBHOOK_SECRET: 'whsec_new, whsec_old', WEBHOOK_STATE_DIR: '/var/lib/pw', STRIPE_API_KEY: 'sk_test_1', STRIPE_BASE_URL: 'http://127.0.0.1:9/' })).toEqual({
      port: 0,
      webhookSecrets: ['whsec_new', 'whsec_old'],
      stateDir: '/var/lib/pw',
      stripeBaseUrl: 'http://127.0.0.1:9',
      stripeApiKey: 'sk_test_1',
      toleranceSeconds: 300,
      workMs: 0,
      queueLimit: 1000,
      stripeTimeoutMs: 5000,
      stripeMaxAttempts: 3,
    });
  });

  it('names every missing or bad variable at once', () => {
    const bad = () => configFromEnv({ STRIPE_WEBHOOK_SECRET: ' , ', PORT: '70000', WEBHOOK_WORK_MS: '-1', STRIPE_BASE_URL: 'ftp://x' });
    expect(bad).toThrow(ConfigError);
    expect(bad).toThrow(
      'bad configuration: STRIPE_WEBHOOK_SECRET is not set (one secret, or several comma-separated); WEBHOOK_STATE_DIR is not set; STRIPE_BASE_URL must be an http(s) URL, got "ftp://x"; PORT must be an integer from 0 to 65535, got "70000"; WEBHOOK_WORK_MS must be an integer from 0 to 9007199254740991, got "-1"',
    );
  });
});
