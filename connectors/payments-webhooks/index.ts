// payments-webhooks: a receiver of Stripe-signed events. `startReceiver` is the in-process form;
// main.ts is the process form (env config, SIGTERM).
import type { AddressInfo } from 'node:net';
import type { ReceiverConfig } from './config.js';
import { createLogger } from './logger.js';
import { openReceiver, type PublicState } from './receiver.js';
import { createReceiverServer } from './server.js';
import { createStripeApi } from './stripe-api.js';
import { partsFor } from './variants.js';

export { ConfigError, configFromEnv, DEFAULTS, type ReceiverConfig } from './config.js';
export type { PublicState } from './receiver.js';
export type { Effect, ResourceState } from './store.js';
export { StateFileError } from './store.js';
export { UnknownVariantError, VARIANT_NAMES, type VariantName } from './variants.js';

const CLOSE_GRACE_MS = 1000;

export interface StartOptions {
  /** A seeded defect (variants.ts); absent: the correct receiver. */
  variant?: string;
  /** One output line at a time (no newline); default: stdout. The first line is `{"event":"listening","url":…}`. */
  log?: (line: string) => void;
  /** For tests: the ms clock `Effect.at` is measured on (default performance.now), the wall clock in unix seconds, fetch. */
  now?: () => number;
  wallClockSeconds?: () => number;
  fetch?: typeof fetch;
}

export interface RunningReceiver {
  /** `http://127.0.0.1:<port>` */
  url: string;
  state(): PublicState;
  /** Stops accepting, finishes the event being applied, saves the state. */
  close(): Promise<void>;
}

export async function startReceiver(config: ReceiverConfig, options: StartOptions = {}): Promise<RunningReceiver> {
  const parts = partsFor(options.variant);
  const write = options.log ?? ((line: string) => void process.stdout.write(`${line}\n`));
  const log = createLogger(write, [...config.webhookSecrets, ...(config.stripeApiKey ? [config.stripeApiKey] : [])]);
  const stripe = createStripeApi({
    baseUrl: config.stripeBaseUrl,
    timeoutMs: config.stripeTimeoutMs,
    maxAttempts: config.stripeMaxAttempts,
    log,
    ...(config.stripeApiKey ? { apiKey: config.stripeApiKey } : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const receiver = await openReceiver({
    config,
    parts,
    log,
    now: options.now ?? (() => performance.now()),
    wallClockSeconds: options.wallClockSeconds ?? (() => Math.floor(Date.now() / 1000)),
    fetchObject: (id) => stripe.paymentIntent(id),
  });
  const server = createReceiverServer(receiver, log);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, '127.0.0.1', () => resolve());
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  write(JSON.stringify({ event: 'listening', url }));
  log.info('receiver.started', {
    variant: options.variant ?? 'correct',
    stateDir: config.stateDir,
    secrets: config.webhookSecrets.length,
    toleranceSeconds: config.toleranceSeconds,
    workMs: config.workMs,
    queueLimit: config.queueLimit,
    stripe: config.stripeBaseUrl,
    restoredPending: receiver.state().pending,
  });
  receiver.resume();

  let closing: Promise<void> | undefined;
  return {
    url,
    state: () => receiver.state(),
    close: () =>
      (closing ??= (async () => {
        log.info('receiver.stopping', { pending: receiver.state().pending });
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        await receiver.stop();
        server.closeIdleConnections();
        // Answers still being written get a moment; then whatever is left is cut.
        const grace = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS);
        await closed;
        clearTimeout(grace);
        log.info('receiver.stopped', { pending: receiver.state().pending });
      })()),
  };
}
