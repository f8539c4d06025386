// The one Stripe API call the receiver makes: retrieve a payment intent for a thin event. Each
// attempt has a time limit; network errors, time-outs, 429 and 5xx are retried with full-jitter
// back-off (honouring Retry-After in seconds); any other status is final.
import type { StripeObject } from './event.js';
import type { Logger } from './logger.js';

export interface StripeApiOptions {
  baseUrl: string;
  apiKey?: string;
  timeoutMs: number;
  maxAttempts: number;
  log: Logger;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
}

export class StripeApiError extends Error {
  override name = 'StripeApiError';
}

const BACKOFF_BASE_MS = 100;
const BACKOFF_MAX_MS = 2000;

export function createStripeApi(options: StripeApiOptions): { paymentIntent(id: string): Promise<StripeObject> } {
  const doFetch = options.fetch ?? globalThis.fetch;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  return {
    async paymentIntent(id) {
      if (options.apiKey === undefined) throw new StripeApiError('STRIPE_API_KEY is not set: thin events cannot be fetched');
      const url = `${options.baseUrl}/v1/payment_intents/${encodeURIComponent(id)}`;
      let last = '';
      for (let attempt = 1; attempt <= options.maxAttempts; attempt++) {
        let retryAfterMs = 0;
        try {
          const response = await doFetch(url, {
            headers: { authorization: `Bearer ${options.apiKey}`, accept: 'application/json' },
            signal: AbortSignal.timeout(options.timeoutMs),
          });
          const text = await response.text();
          if (response.ok) {
            const body = JSON.parse(text) as unknown;
            if (body !== null && typeof body === 'object' && typeof (body as StripeObject).id === 'string') return body as StripeObject;
            throw new StripeApiError(`GET /v1/payment_intents/${id}: the answer is not a payment intent`);
          }
          last = `status ${response.status}`;
          if (response.status !== 429 && response.status < 500) throw new StripeApiError(`GET /v1/payment_intents/${id}: ${last}`);
          const retryAfter = Number(response.headers.get('retry-after'));
          if (Number.isFinite(retryAfter) && retryAfter > 0) retryAfterMs = retryAfter * 1000;
        } catch (error) {
          if (error instanceof StripeApiError) throw error;
          last = error instanceof Error ? (error.name === 'TimeoutError' ? `no answer within ${options.timeoutMs} ms` : error.message) : String(error);
        }
        if (attempt < options.maxAttempts) {
          const wait = Math.max(retryAfterMs, Math.random() * Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** (attempt - 1)));
          options.log.warn('stripe.retry', { operation: 'GET /v1/payment_intents/{id}', resourceId: id, attempt, error: last, waitMs: Math.round(wait) });
          await sleep(wait);
        }
      }
      throw new StripeApiError(`GET /v1/payment_intents/${id}: ${last} after ${options.maxAttempts} attempts`);
    },
  };
}
