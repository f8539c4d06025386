// Live replay: the recorded requests sent again to the partner (or its sandbox), each response
// compared with the recordings (shape.ts) and with the current spec (recordings.ts).
//
// - Safe by default: GET and HEAD only; writes only when allowed (sandboxes).
// - One replay per distinct recorded request (method, path, query, body), in recorded order.
// - Recordings hold redaction placeholders, never secrets: the `authorization` header comes from
//   the environment (`SEAM_<PARTNER>_AUTHORIZATION`) or is left out; other headers still holding a
//   placeholder are left out. The secret never reaches a finding or a saved exchange.
// - Paced: request starts at least 1/rate s apart; a 429 is retried once after its Retry-After
//   (up to a cap); every request has a timeout.
// - Each live response is redacted with the recording rules before it is compared or kept, so it
//   is compared like for like with the (redacted) recordings and no secret the partner sends back
//   ends up in a message or on disk.
import { randomUUID } from 'node:crypto';
import { bodyBytes, typeBody } from '../exchange/body.js';
import { stableStringify } from '../exchange/canonical.js';
import { SessionWriter, sessionNameFor, type StoredExchange, type UnnamedExchange } from '../exchange/store.js';
import type { Exchange, ExchangeResponse, MultiMap } from '../exchange/types.js';
import { isFailure } from '../exchange/types.js';
import { createRedactor, isPlaceholder, type RedactionRules } from '../record/redaction/index.js';
import { retryAfter } from '../report/retry-after.js';
import type { LoadedSpec } from '../spec/types.js';
import type { SpecValidator } from '../spec/validate.js';
import { inferTemplates } from '../stubs/path-template.js';
import { specFindings } from './recordings.js';
import { compareResponse, dedupe, type Observed } from './shape.js';
import type { DriftFinding } from './types.js';
import { severityAtLeast } from './types.js';

export const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD']);
export const DEFAULT_TIMEOUT_MS = 30_000;
/** A Retry-After longer than this is not waited for: the 429 is reported instead. */
export const MAX_RETRY_AFTER_MS = 60_000;

// Not replayed as recorded: set by the transport, or meaningless (or harmful) a second time.
const DROPPED_HEADERS = new Set([
  'host',
  'content-length',
  'connection',
  'keep-alive',
  'transfer-encoding',
  'te',
  'upgrade',
  'expect',
  'accept-encoding',
  'proxy-authorization',
  'proxy-connection',
]);

export interface LiveOptions {
  partner: string;
  baseUrl: string;
  recordings: readonly StoredExchange[];
  /** The current spec, to validate the live responses against. */
  spec?: { spec: LoadedSpec; validator: SpecValidator };
  allowWrites?: boolean;
  /** Requests per second at most. */
  rate: number;
  timeoutMs?: number;
  maxRetryAfterMs?: number;
  /** The `authorization` header value to send (from the environment). */
  authorization?: string;
  /** The recording rules: live responses are redacted the same way. */
  redaction?: RedactionRules;
  onReplay?: () => void;
}

export interface SkippedRequest {
  operation: string;
  method: string;
  path: string;
  reason: string;
}

export interface Replayed {
  operation: string;
  method: string;
  path: string;
  /** Recordings of this request it was compared with. */
  recordings: number;
  status?: number;
  error?: string;
  durationMs: number;
}

export interface LiveReport {
  findings: DriftFinding[];
  replayed: Replayed[];
  skipped: SkippedRequest[];
  /** The live exchanges (redacted; request as recorded), for `--update`. */
  exchanges: UnnamedExchange[];
}

/** `SEAM_STRIPE_AUTHORIZATION` for `stripe`, `SEAM_MY_CRM_AUTHORIZATION` for `my-crm`. */
export function authorizationEnvName(partner: string): string {
  return `SEAM_${partner.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}_AUTHORIZATION`;
}

interface RequestGroup {
  key: string;
  operation: string;
  first: Exchange;
  recordings: Exchange[];
}

/** Replay, compare, validate. Findings are sorted: breaking first, then by operation, check, field. */
export async function replayLive(options: LiveOptions): Promise<LiveReport> {
  const base = new URL(options.baseUrl);
  const pace = pacer(options.rate);
  const redactor = createRedactor(options.redaction ?? {});
  const groups = groupRequests(options.recordings, options.spec?.validator);
  const byOperation = new Map<string, Observed[]>();
  for (const g of groups) {
    const list = byOperation.get(g.operation) ?? [];
    list.push(...g.recordings.map(observed));
    byOperation.set(g.operation, list);
  }

  const findings: DriftFinding[] = [];
  const replayed: Replayed[] = [];
  const skipped: SkippedRequest[] = [];
  const exchanges: UnnamedExchange[] = [];
  for (const group of groups) {
    const { method, path } = group.first.request;
    const where = { operation: group.operation, method: method.toUpperCase(), path };
    if (!SAFE_METHODS.has(where.method) && options.allowWrites !== true) {
      skipped.push({ ...where, reason: 'a write (replayed only with --allow-writes)' });
      continue;
    }
    if (group.first.request.body !== undefined && 'omitted' in group.first.request.body) {
      skipped.push({ ...where, reason: 'the request body was omitted at recording' });
      continue;
    }
    const started = Date.now();
    const result = await send(base, group.first, options, pace);
    options.onReplay?.();
    const durationMs = Date.now() - started;
    if ('error' in result) {
      replayed.push({ ...where, recordings: group.recordings.length, error: result.error, durationMs });
      findings.push({ check: 'live-request-failed', severity: 'warning', operation: group.operation, message: `${where.method} ${path}: ${result.error}` });
      continue;
    }
    replayed.push({ ...where, recordings: group.recordings.length, status: result.response.status, durationMs });
    if (result.response.status === 429) {
      findings.push({ check: 'live-rate-limited', severity: 'warning', operation: group.operation, message: `${where.method} ${path} was still rate limited (429) after one retry; not compared` });
      continue;
    }
    const live = redactor.redact(liveExchange(group.first, base, result.response, started, durationMs));
    exchanges.push(live);
    findings.push(
      ...compareResponse({
        operation: group.operation,
        live: observed(live),
        sameRequest: group.recordings.map(observed),
        sameOperation: byOperation.get(group.operation) ?? [],
      }),
    );
  }

  if (options.spec) {
    // Each live response is named by its URL (with the query: two pages are two responses).
    const used = new Set<string>();
    const items = exchanges.map((e, i) => {
      let file = requestUrl(base, e.request).href;
      if (used.has(file)) file = `${file}#${i}`; // writes to one URL with different bodies
      used.add(file);
      return { file, exchange: { ...e, id: 'live' } as Exchange };
    });
    findings.push(...specFindings(options.spec.spec, options.spec.validator, items, 'live').findings);
  }
  return { findings: scrub(sortFindings(dedupe(findings)), options.authorization), replayed, skipped, exchanges };
}

/** Save the live exchanges as a new session `live-<timestamp>` for review; returns its name and files. */
export async function writeLiveSession(root: string, partner: string, exchanges: readonly UnnamedExchange[], now = new Date()): Promise<{ session: string; dir: string; files: string[] }> {
  const session = `live-${sessionNameFor(now)}`;
  const writer = await SessionWriter.open(root, partner, session);
  const files: string[] = [];
  for (const e of exchanges) files.push((await writer.write(e)).file);
  return { session, dir: writer.dir, files };
}

// --- grouping ---------------------------------------------------------------------------------------

function groupRequests(recordings: readonly StoredExchange[], validator: SpecValidator | undefined): RequestGroup[] {
  const usable = recordings.map((r) => r.exchange).filter((e) => e.direction === 'outbound' && !isFailure(e.response));
  const templates = inferTemplates(usable.map((e) => e.request.path));
  const groups = new Map<string, RequestGroup>();
  for (const e of usable) {
    const r = e.request;
    const key = stableStringify([r.method.toUpperCase(), r.path, r.query, r.body ?? null]);
    let group = groups.get(key);
    if (!group) {
      const operation = validator?.resolve(r.method, r.path)?.operation.id ?? `${r.method.toUpperCase()} ${templates.get(r.path) ?? r.path}`;
      group = { key, operation, first: e, recordings: [] };
      groups.set(key, group);
    }
    group.recordings.push(e);
  }
  return [...groups.values()];
}

function observed(e: Pick<Exchange, 'response'>): Observed {
  const response = e.response as ExchangeResponse;
  return { status: response.status, headers: response.headers, ...(response.body !== undefined ? { body: response.body } : {}) };
}

// --- sending ----------------------------------------------------------------------------------------

type Sent = { response: ExchangeResponse } | { error: string };

async function send(base: URL, recorded: Exchange, options: LiveOptions, pace: () => Promise<void>): Promise<Sent> {
  const url = requestUrl(base, recorded.request);
  const headers = new Headers();
  for (const [name, value] of Object.entries(recorded.request.headers)) {
    if (DROPPED_HEADERS.has(name) || name === 'authorization' || name.startsWith(':')) continue;
    const values = Array.isArray(value) ? value : [value];
    if (values.some(isPlaceholder)) continue;
    // A recorded idempotency key would hand back the recorded write's cached answer.
    headers.set(name, name === 'idempotency-key' ? randomUUID() : values.join(', '));
  }
  if (options.authorization !== undefined && options.authorization !== '') headers.set('authorization', options.authorization);
  const method = recorded.request.method.toUpperCase();
  const body = recorded.request.body !== undefined && method !== 'GET' && method !== 'HEAD' ? new Uint8Array(bodyBytes(recorded.request.body)) : undefined;

  for (let attempt = 0; ; attempt++) {
    await pace();
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers,
        ...(body !== undefined ? { body } : {}),
        redirect: 'manual',
        signal: AbortSignal.timeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS),
      });
    } catch (error) {
      const e = error as Error & { cause?: { code?: string } };
      const reason = e.name === 'TimeoutError' ? `no answer within ${options.timeoutMs ?? DEFAULT_TIMEOUT_MS} ms` : `${e.cause?.code ?? e.name}: ${e.cause ? String((e.cause as Error).message ?? e.cause) : e.message}`;
      return { error: reason };
    }
    const responseHeaders = headersOf(res.headers);
    const bytes = method === 'HEAD' ? Buffer.alloc(0) : Buffer.from(await res.arrayBuffer());
    if (res.status === 429 && attempt === 0) {
      const wait = retryDelay(responseHeaders, options.rate);
      if (wait <= (options.maxRetryAfterMs ?? MAX_RETRY_AFTER_MS)) {
        await sleep(wait);
        continue;
      }
    }
    const typed = typeBody(bytes, first(responseHeaders['content-type']));
    return {
      response: {
        status: res.status,
        ...(res.statusText !== '' ? { statusText: res.statusText } : {}),
        headers: responseHeaders,
        ...(typed !== undefined ? { body: typed } : {}),
      },
    };
  }
}

/** The recorded path and query under the base URL (its path, if any, kept as a prefix). */
function requestUrl(base: URL, request: Exchange['request']): URL {
  const url = new URL(base.href);
  url.pathname = `${base.pathname.replace(/\/+$/, '')}${request.path}`;
  for (const [name, value] of Object.entries(request.query)) {
    for (const v of Array.isArray(value) ? value : [value]) url.searchParams.append(name, v);
  }
  return url;
}

/** Retry-After in seconds or as an HTTP-date; without one, one pacing interval (at least 1 s). */
function retryDelay(headers: MultiMap, rate: number): number {
  const parsed = retryAfter(headers);
  if (parsed?.delayMs !== undefined) return parsed.delayMs;
  if (parsed !== undefined) {
    const until = Date.parse(parsed.value);
    if (Number.isFinite(until)) return Math.max(0, until - Date.now());
  }
  return Math.max(1000, 1000 / rate);
}

function headersOf(headers: Headers): MultiMap {
  const out: MultiMap = {};
  for (const [name, value] of headers) {
    if (name === 'set-cookie') continue;
    out[name] = value;
  }
  const cookies = headers.getSetCookie();
  if (cookies.length > 0) out['set-cookie'] = cookies.length === 1 ? cookies[0]! : cookies;
  return out;
}

function liveExchange(recorded: Exchange, base: URL, response: ExchangeResponse, started: number, durationMs: number): UnnamedExchange {
  return {
    seam: 1,
    partner: recorded.partner,
    direction: 'outbound',
    recordedAt: new Date(started).toISOString(),
    durationMs,
    // The request as recorded (placeholders, not the credentials sent), at the replay's origin.
    request: { ...recorded.request, origin: base.origin },
    response,
    ...(recorded.operation !== undefined ? { operation: recorded.operation } : {}),
    redactions: recorded.redactions.filter((r) => r.at.startsWith('/request/')),
  };
}

/** Request starts at least 1000/rate ms apart. */
function pacer(rate: number): () => Promise<void> {
  const interval = 1000 / rate;
  let next = 0;
  return async () => {
    const now = Date.now();
    const at = Math.max(now, next);
    next = at + interval;
    if (at > now) await sleep(at - now);
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function first(value: MultiMap[string] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

// --- findings ---------------------------------------------------------------------------------------


function sortFindings(findings: DriftFinding[]): DriftFinding[] {
  const rank = (f: DriftFinding): number => (severityAtLeast(f.severity, 'breaking') ? 0 : severityAtLeast(f.severity, 'warning') ? 1 : 2);
  const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  return [...findings].sort((a, b) => rank(a) - rank(b) || cmp(a.operation ?? '', b.operation ?? '') || cmp(a.check, b.check) || cmp(a.field ?? '', b.field ?? ''));
}

/** Belt and braces: the credentials never appear in a message, whatever the partner echoed. */
function scrub(findings: DriftFinding[], secret: string | undefined): DriftFinding[] {
  if (secret === undefined || secret.length < 4) return findings;
  return findings.map((f) => (f.message.includes(secret) ? { ...f, message: f.message.split(secret).join('[credentials]') } : f));
}
