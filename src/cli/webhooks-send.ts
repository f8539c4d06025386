// `seam webhooks send <partner> <events…> --to URL`: a developer's chaos provider. Plans the
// deliveries (duplicates, order, timing, mutations), sends them, prints one line per delivery and
// a summary. Exit 0 whatever the receiver answered: it shows, it does not judge.
import { readFile, stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { performance } from 'node:perf_hooks';
import { InputError, UsageError } from '../errors.js';
import { checkName, parseExchange, readRecordings } from '../exchange/store.js';
import type { Exchange } from '../exchange/types.js';
import { DELIVERY_MUTATIONS, planDeliveries, type DeliveryPlan } from '../webhooks/planner.js';
import { RETRY_SCHEDULE_IDS, retrySchedule, type RetryScheduleId } from '../webhooks/retry-schedules.js';
import { eventsFromExchanges } from '../webhooks/events.js';
import { sendDeliveries } from '../webhooks/send.js';
import { SCHEME_IDS, type DeliveryMutation, type DeliveryRecord, type SchemeId, type WebhookEvent } from '../webhooks/types.js';
import { colour, printJson, statusColour } from './output.js';

export interface WebhooksSendOptions {
  to?: string;
  secret?: string;
  scheme?: string;
  duplicate?: string | number;
  shuffle?: string | number;
  reverse?: boolean;
  delay?: string | number;
  burst?: string | number;
  mutate?: string;
  retry?: string;
  compress?: string | number;
  timeout?: string | number;
  json?: boolean;
}

export const DEFAULT_TIMEOUT_MS = 15_000;
/** With --retry and no --compress: an hour of the provider's schedule becomes a second. */
export const DEFAULT_COMPRESS = 3600;

export async function run(partnerArg: string, sources: string[], options: WebhooksSendOptions): Promise<void> {
  const partner = checkName('partner', partnerArg);
  if (options.to === undefined) throw new UsageError('--to URL is required: where to deliver');
  const url = parseUrl(options.to);
  // Several secrets (rotation) come comma-separated; the secret itself is never printed.
  const secret = options.secret ?? process.env.SEAM_WEBHOOK_SECRET;
  if (secret === undefined || secret === '') throw new UsageError('a signing secret is required: --secret S or env SEAM_WEBHOOK_SECRET');
  const scheme = oneOf('--scheme', options.scheme ?? 'stripe', SCHEME_IDS) as SchemeId;
  const plan = planFromOptions(options);
  const retryId = options.retry === undefined ? undefined : (oneOf('--retry', options.retry, RETRY_SCHEDULE_IDS) as RetryScheduleId);
  if (retryId === undefined && options.compress !== undefined) throw new UsageError('--compress needs --retry');
  const retry = retryId === undefined ? undefined : retrySchedule(retryId, { compress: positive('--compress', options.compress ?? DEFAULT_COMPRESS) });
  const timeoutMs = positive('--timeout', options.timeout ?? DEFAULT_TIMEOUT_MS);
  if (sources.length === 0) throw new UsageError('name at least one events file or recording folder');

  const events = await readEventSources(sources);
  const deliveries = planDeliveries(events, plan, { scheme, secrets: secret.split(','), now: Date.now });
  const origin = performance.now();
  const journal = await sendDeliveries(url, deliveries, { timeoutMs, ...(retry ? { retry } : {}), origin });

  if (options.json) {
    printJson(journal);
    return;
  }
  for (const record of journal) process.stdout.write(`${formatRecord(record)}\n`);
  process.stdout.write(`${summary(partner, url, journal)}\n`);
}

/** `#3 evt_1 attempt 2 bad-signature (duplicate) → 400 (4 ms)`, flagged when a correct receiver would answer otherwise. */
export function formatRecord(record: DeliveryRecord): string {
  const what = [`#${record.seq}`, record.eventId, `attempt ${record.attempt}`];
  if (record.mutation !== undefined) what.push(record.mutation);
  if (record.reason !== 'original') what.push(`(${record.reason})`);
  const answer = record.status !== undefined ? String(record.status) : (record.error ?? 'no answer');
  const ms = Math.round(record.answeredAt - record.sentAt);
  const wrong = !answeredAsExpected(record) ? `  ${colour.yellow(`✗ expected ${record.expect === 'accept' ? '2xx' : '4xx'}`)}` : '';
  return `${what.join(' ')} → ${statusColour(record.status, answer)} (${ms} ms)${wrong}`;
}

function answeredAsExpected(record: DeliveryRecord): boolean {
  const s = record.status;
  if (s === undefined) return false;
  return record.expect === 'accept' ? s >= 200 && s < 300 : s >= 400 && s < 500;
}

function summary(partner: string, url: string, journal: DeliveryRecord[]): string {
  const count = (test: (r: DeliveryRecord) => boolean): number => journal.filter(test).length;
  const retries = count((r) => r.reason === 'provider-retry');
  const ok = count((r) => r.status !== undefined && r.status >= 200 && r.status < 300);
  const rejected = count((r) => r.status !== undefined && r.status >= 400 && r.status < 500);
  const unexpected = count((r) => !answeredAsExpected(r));
  return (
    `${partner}: ${journal.length} ${journal.length === 1 ? 'delivery' : 'deliveries'} to ${url} ` +
    `(${journal.length - retries} planned, ${retries} provider ${retries === 1 ? 'retry' : 'retries'}): ` +
    `${ok} × 2xx, ${rejected} × 4xx, ${journal.length - ok - rejected} other; ${unexpected} not as a correct receiver would answer`
  );
}

function planFromOptions(options: WebhooksSendOptions): DeliveryPlan {
  const plan: DeliveryPlan = {};
  if (options.duplicate !== undefined) plan.duplicate = whole('--duplicate', options.duplicate, 1);
  if (options.reverse) plan.reverse = true;
  if (options.shuffle !== undefined) plan.shuffle = { seed: whole('--shuffle', options.shuffle, 0) };
  if (options.delay !== undefined) plan.spacingMs = whole('--delay', options.delay, 0);
  if (options.burst !== undefined) plan.burst = { concurrency: whole('--burst', options.burst, 1) };
  if (options.mutate !== undefined) plan.mutations = [{ mutate: oneOf('--mutate', options.mutate, DELIVERY_MUTATIONS) as DeliveryMutation }];
  return plan;
}

function parseUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`--to "${value}" is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`--to must be an http or https URL, got "${value}"`);
  return url.href;
}

function oneOf(flag: string, value: string, allowed: readonly string[]): string {
  if (!allowed.includes(value)) throw new UsageError(`${flag} must be one of ${allowed.join(', ')}, got "${value}"`);
  return value;
}

function whole(flag: string, value: string | number, min: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`${flag} must be a whole number ≥ ${min}, got "${value}"`);
  return n;
}

function positive(flag: string, value: string | number): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${flag} must be a positive number, got "${value}"`);
  return n;
}

// --- events from files and recording folders ------------------------------------------------
// A file holds one event, an array of events, or one recorded inbound exchange; a folder is a
// recording session (recordings/<partner>/<session>) whose inbound exchanges are the events. An
// event is a WebhookEvent ({ id, type, resourceId, version, payload }) or a provider's event as
// delivered (e.g. a Stripe envelope), read by the same rules as a recorded delivery's body
// (src/webhooks/events.ts), so the CLI and the suites agree on ids and versions.

export async function readEventSources(sources: string[]): Promise<WebhookEvent[]> {
  const events: WebhookEvent[] = [];
  for (const source of sources) {
    let isDir: boolean;
    try {
      isDir = (await stat(source)).isDirectory();
    } catch (error) {
      throw new InputError(`cannot read: ${(error as Error).message}`, { file: source });
    }
    if (isDir) {
      const stored = await readRecordings(dirname(dirname(source)), basename(dirname(source)), { session: basename(source) });
      const found = eventsFromExchanges(stored);
      if (found.length === 0) throw new InputError('no inbound exchanges (webhook deliveries) in this recording folder', { file: source });
      events.push(...found);
      continue;
    }
    let value: unknown;
    try {
      value = JSON.parse(await readFile(source, 'utf8'));
    } catch (error) {
      throw new InputError(error instanceof SyntaxError ? `not valid JSON (${error.message})` : `cannot read: ${(error as Error).message}`, { file: source });
    }
    if (isRecord(value) && value.seam === 1) {
      const exchange = parseExchange(JSON.stringify(value), source);
      if (exchange.direction !== 'inbound') throw new InputError('not an inbound exchange (a webhook delivery)', { file: source, pointer: '/direction' });
      events.push(...eventsFromExchanges([{ file: source, session: '', exchange }]));
    } else if (Array.isArray(value)) {
      value.forEach((item, i) => events.push(eventFrom(item, source, `/${i}`)));
    } else {
      events.push(eventFrom(value, source, ''));
    }
  }
  return events;
}

function eventFrom(value: unknown, file: string, pointer: string): WebhookEvent {
  if (isRecord(value) && typeof value.id === 'string' && typeof value.type === 'string' && typeof value.resourceId === 'string' && typeof value.version === 'number' && 'payload' in value) {
    return { id: value.id, type: value.type, resourceId: value.resourceId, version: value.version, payload: value.payload };
  }
  if (!isRecord(value)) throw new InputError('an event is a JSON object', { file, pointer: pointer || '/' });
  // A provider's event is read as the body of a delivery; its errors point into this file instead.
  const place = `${file} at /request/body: `;
  try {
    const delivery: Exchange = {
      seam: 1,
      id: file,
      partner: 'events',
      direction: 'inbound',
      recordedAt: new Date(0).toISOString(),
      durationMs: 0,
      request: { method: 'POST', path: '/', query: {}, headers: {}, body: { json: value } },
      response: { status: 200, headers: {} },
      redactions: [],
    };
    return eventsFromExchanges([{ file, session: '', exchange: delivery }])[0]!;
  } catch (error) {
    if (error instanceof InputError && error.message.startsWith(place)) throw new InputError(error.message.slice(place.length), { file, pointer: pointer || '/' });
    throw error;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
