// Calls to one partner, with the whole retry policy in one loop: a time limit per attempt, retries
// on network errors, malformed answers, 408, 429 and 5xx with full-jitter back-off, Retry-After
// honoured (never an earlier attempt than it asks), no retry on other statuses, one token renewal
// and one retry on 401, the partner's circuit consulted before every attempt.
import type { CircuitBreaker } from './circuit-breaker.js';
import type { Logger } from './logger.js';
import type { RetryParts } from './parts.js';
import { isPartnerFailureStatus, retryWait, type BackoffPolicy, type Random } from './retry-policy.js';

export interface HttpRequest {
  /** `GET /api/v2/tickets`: names the call in logs and errors. */
  operation: string;
  method: 'GET' | 'POST' | 'PATCH';
  path: string;
  query?: Record<string, string | undefined>;
  json?: unknown;
  form?: Record<string, string>;
  /** The Idempotency-Key for an attempt; called once per attempt. */
  idempotencyKey?: () => string;
  /** Default true. The token endpoint itself is called without. */
  authenticated?: boolean;
  /** One attempt only: the caller runs its own retries (see `HttpClient.pause`). */
  singleAttempt?: boolean;
}

export interface HttpResponse {
  status: number;
  headers: Headers;
  body: unknown;
}

export interface Authenticator {
  /** The Authorization header value for the next attempt. */
  header(): Promise<string>;
  /** After a 401: get new credentials so one more attempt can be made. Absent: a 401 is final. */
  renew?(): Promise<void>;
}

export interface HttpPolicy {
  timeoutMs: number;
  maxAttempts: number;
  backoff: BackoffPolicy;
}

export interface HttpClientOptions {
  partner: string;
  baseUrl: string;
  auth?: Authenticator;
  policy: HttpPolicy;
  breaker: CircuitBreaker;
  parts: RetryParts;
  log: Logger;
  random: Random;
  now: () => number;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  fetch: typeof fetch;
  /** Aborts the whole run. */
  signal?: AbortSignal;
}

/** The partner's final answer to a request: a status that retrying cannot change. */
export class HttpStatusError extends Error {
  override name = 'HttpStatusError';
  constructor(
    readonly operation: string,
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`${operation} answered ${status}${describeBody(body)}`);
  }
}

export class RetriesExhaustedError extends Error {
  override name = 'RetriesExhaustedError';
  constructor(
    readonly operation: string,
    readonly attempts: number,
    readonly last: string,
    /** The last answer, when there was one (its Retry-After still applies). */
    readonly lastResponse?: HttpResponse,
  ) {
    super(`${operation} failed after ${attempts} attempt${attempts === 1 ? '' : 's'} (last: ${last})`);
  }
}

type Outcome =
  | { kind: 'ok'; response: HttpResponse }
  /** A non-2xx answer. */
  | { kind: 'status'; response: HttpResponse }
  /** No usable answer: network error, time limit, or a 2xx whose JSON does not parse. */
  | { kind: 'broken'; failure: string; response?: HttpResponse };

export interface HttpClient {
  request(request: HttpRequest): Promise<HttpResponse>;
  /** Waits as the policy says before retry number `retry` after `response` (if any); logs nothing. */
  pause(retry: number, response?: HttpResponse): Promise<number>;
}

export function createHttpClient(options: HttpClientOptions): HttpClient {
  const { parts, policy, log, breaker } = options;
  const base = options.baseUrl.replace(/\/+$/, '');
  const budget = parts.attemptBudget(policy.maxAttempts);

  async function attempt(request: HttpRequest): Promise<Outcome> {
    const url = new URL(base + request.path);
    for (const [name, value] of Object.entries(request.query ?? {})) if (value !== undefined) url.searchParams.set(name, value);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (request.authenticated !== false && options.auth) headers.authorization = await options.auth.header();
    if (request.idempotencyKey) headers['idempotency-key'] = request.idempotencyKey();
    let body: string | undefined;
    if (request.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(request.json);
    } else if (request.form !== undefined) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(request.form).toString();
    }
    const limit = parts.attemptLimit(policy.timeoutMs, options.signal);
    const signal = limit.signal;
    try {
      // Raced with the signal as well: fetch's own link to it is weak and can be lost to a garbage collection.
      const res = await untilAborted(options.fetch(url, { method: request.method, headers, body, signal, redirect: 'manual' }), signal);
      // The body is read under the same signal: a stalled body counts against the time limit.
      const text = await untilAborted(res.text(), signal);
      const response: HttpResponse = { status: res.status, headers: res.headers, body: text };
      if (text !== '' && /json/i.test(res.headers.get('content-type') ?? '')) {
        try {
          response.body = JSON.parse(text);
        } catch {
          if (res.ok) return { kind: 'broken', response, failure: `${res.status} with a malformed JSON body` };
        }
      }
      return { kind: res.ok ? 'ok' : 'status', response };
    } catch (error) {
      if (options.signal?.aborted) throw options.signal.reason;
      return { kind: 'broken', failure: networkFailure(error) };
    } finally {
      limit.release();
    }
  }

  function delay(retry: number, response?: HttpResponse): number {
    const backoffMs = parts.backoff(retry, policy.backoff, options.random);
    const retryAfterMs = parts.retryAfter(response?.headers.get('retry-after') ?? undefined, options.now());
    return retryWait(backoffMs, retryAfterMs);
  }

  async function pause(retry: number, response?: HttpResponse): Promise<number> {
    const waitMs = delay(retry, response);
    await options.sleep(waitMs, options.signal);
    return waitMs;
  }

  return {
    pause,
    async request(request) {
      const attempts = request.singleAttempt ? 1 : budget;
      let renewed = false;
      for (let n = 1; ; n++) {
        breaker.acquire();
        const outcome = await attempt(request);
        if (outcome.kind === 'ok') {
          breaker.success(request.operation);
          return outcome.response;
        }
        const status = outcome.kind === 'status' ? outcome.response.status : undefined;
        // A refusal (4xx) is a sign of life; only overload, 5xx and broken answers count against the circuit.
        if (status === undefined || isPartnerFailureStatus(status)) breaker.failure(request.operation);
        else breaker.success(request.operation);

        if (status === 401) {
          if (renewed || !options.auth?.renew || request.authenticated === false || n >= attempts) {
            throw new HttpStatusError(request.operation, 401, outcome.response?.body);
          }
          renewed = true;
          log.warn('http.unauthorized', { partner: options.partner, operation: request.operation, attempt: n, action: 'renewing credentials, retrying once' });
          await options.auth.renew();
          continue;
        }
        if (status !== undefined && !parts.retryableStatus(status)) throw new HttpStatusError(request.operation, status, outcome.response?.body);
        const failure = outcome.kind === 'broken' ? outcome.failure : String(status);
        if (n >= attempts) throw new RetriesExhaustedError(request.operation, n, failure, outcome.response);

        const waitMs = delay(n, outcome.response);
        const retryAfter = outcome.response?.headers.get('retry-after') ?? undefined;
        log.warn('http.retry', { partner: options.partner, operation: request.operation, attempt: n, failure, waitMs, ...(retryAfter != null ? { retryAfter } : {}) });
        await options.sleep(waitMs, options.signal);
      }
    },
  };
}

function networkFailure(error: unknown): string {
  if (error instanceof Error) {
    if (error.name === 'TimeoutError') return 'timed out';
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    if (cause?.code) return `network error ${cause.code}`;
    if (cause?.message) return `network error: ${cause.message}`;
    return `network error: ${error.message}`;
  }
  return 'network error';
}

/** `{ error: { code, message } }` (the APIs' errors) or `{ error, error_description }` (OAuth2's). */
function describeBody(body: unknown): string {
  if (body && typeof body === 'object' && 'error' in body) {
    const { error, error_description: description } = body as { error: unknown; error_description?: unknown };
    if (typeof error === 'string') return `: ${[error, description].filter((x) => typeof x === 'string').join(' — ')}`;
    if (error && typeof error === 'object') {
      const { code, message } = error as { code?: unknown; message?: unknown };
      return `: ${[code, message].filter((x) => typeof x === 'string').join(' — ')}`;
    }
  }
  return '';
}

/** `work`, or the signal's reason as soon as it aborts, whichever comes first. */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** Resolves after `ms`, or rejects with the signal's reason when it aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
