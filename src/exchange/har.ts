// HAR 1.2 in and out. Pure: text → Har → exchanges, and exchanges → Har. Reading files,
// redaction rules and writing live at the edges (cli/import-har.ts, cli/export-har.ts); the
// redaction step is injected, so this room does not depend on record/.
import { InputError } from '../errors.js';
import { addValue, bodyBytes, formToString, typeBody } from './body.js';
import { harProblem } from './har-schema.js';
import { exchangeProblem } from './schema.js';
import type { UnnamedExchange } from './store.js';
import type { Body, ExchangeRequest, ExchangeResponse, MultiMap, Timings } from './types.js';
import { isFailure } from './types.js';

export interface HarNameValue {
  name: string;
  value: string;
  comment?: string;
}

export interface HarCookie {
  name: string;
  value: string;
  path?: string;
  domain?: string;
  expires?: string | null;
  httpOnly?: boolean;
  secure?: boolean;
  comment?: string;
}

export interface HarPostData {
  mimeType: string;
  text?: string;
  params?: { name: string; value?: string; fileName?: string; contentType?: string; comment?: string }[];
  /** Not in HAR 1.2; written (and read) for binary request bodies, mirroring `content.encoding`. */
  encoding?: string;
  comment?: string;
}

export interface HarContent {
  size?: number;
  compression?: number;
  mimeType?: string;
  text?: string;
  encoding?: string;
  comment?: string;
}

export interface HarRequest {
  method: string;
  url: string;
  httpVersion: string;
  cookies: HarCookie[];
  headers: HarNameValue[];
  queryString: HarNameValue[];
  postData?: HarPostData;
  headersSize: number;
  bodySize: number;
  comment?: string;
}

export interface HarResponse {
  status: number;
  statusText: string;
  httpVersion: string;
  cookies: HarCookie[];
  headers: HarNameValue[];
  content: HarContent;
  redirectURL: string;
  headersSize: number;
  bodySize: number;
  comment?: string;
  /** Chrome's reason for a failed (status 0) request. */
  _error?: string | null;
  /** Seam's own failure code (e.g. ECONNREFUSED), so an exported failure imports unchanged. */
  _errorCode?: string;
}

export interface HarTimings {
  blocked?: number;
  dns?: number;
  connect?: number;
  send: number;
  wait: number;
  receive: number;
  ssl?: number;
  comment?: string;
}

export interface HarEntry {
  pageref?: string;
  startedDateTime: string;
  time: number;
  request: HarRequest;
  response: HarResponse;
  cache: Record<string, unknown>;
  timings: HarTimings;
  serverIPAddress?: string;
  connection?: string;
  comment?: string;
  /** Seam's own: an inbound webhook delivery (absent = outbound). */
  _direction?: 'inbound' | 'outbound';
}

export interface Har {
  log: {
    version: string;
    creator: { name: string; version: string; comment?: string };
    browser?: { name: string; version: string; comment?: string };
    pages?: unknown[];
    entries: HarEntry[];
    comment?: string;
  };
}

// ---------------------------------------------------------------------------------------------
// Parsing

/** Parse and check a HAR document. Bad JSON → InputError at line:col; schema → at a JSON pointer. */
export function parseHar(text: string, file: string): Har {
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  let value: unknown;
  try {
    value = JSON.parse(source);
  } catch (error) {
    const offset = jsonErrorOffset(source);
    const where = offset >= 0 ? lineCol(source, offset) : undefined;
    throw new InputError(`not valid JSON (${(error as Error).message})`, { file, ...(where ? { pointer: where } : {}) });
  }
  const problem = harProblem(value);
  if (problem) throw new InputError(problem.message, { file, pointer: problem.pointer || '/' });
  return value as Har;
}

function lineCol(text: string, offset: number): string {
  let line = 1;
  let start = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      start = i + 1;
    }
  }
  return `${line}:${offset - start + 1}`;
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/**
 * Where JSON.parse gave up: V8 names a position for some errors only ("Unexpected token" has
 * none), so a small syntax-only scanner finds the first bad character. -1 if unknown.
 */
export function jsonErrorOffset(text: string): number {
  let i = 0;
  const fail = (): never => {
    throw i;
  };
  const ws = (): void => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  const string = (): void => {
    i++;
    for (;;) {
      const c = text.charCodeAt(i);
      if (Number.isNaN(c) || c < 0x20) fail();
      if (c === 0x22) {
        i++;
        return;
      }
      if (c === 0x5c) {
        const e = text[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) fail();
          i += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2;
        else {
          i++;
          fail();
        }
      } else i++;
    }
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']';
      i++;
      ws();
      if (text[i] === close) {
        i++;
        return;
      }
      for (;;) {
        if (c === '{') {
          ws();
          if (text[i] !== '"') fail();
          string();
          ws();
          if (text[i] !== ':') fail();
          i++;
        }
        value();
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === close) {
          i++;
          return;
        } else fail();
      }
    }
    if (c === '"') return string();
    for (const literal of ['true', 'false', 'null']) {
      if (text.startsWith(literal, i)) {
        i += literal.length;
        return;
      }
    }
    NUMBER.lastIndex = i;
    if (NUMBER.test(text)) {
      i = NUMBER.lastIndex;
      return;
    }
    fail();
  };
  try {
    value();
    ws();
    if (i < text.length) fail();
    return -1;
  } catch (at) {
    return typeof at === 'number' ? at : -1; // RangeError: nested too deep to say
  }
}

// ---------------------------------------------------------------------------------------------
// Import

export interface HarImportOptions {
  partner: string;
  /** Applied to each exchange before it is returned (the CLI passes the session's redactor). */
  redact?: (exchange: UnnamedExchange) => UnnamedExchange;
  /** Named in errors. */
  file?: string;
}

/**
 * One exchange per HAR entry, in entry order. Every entry is converted and checked before
 * anything is returned, so a caller that writes afterwards writes all or nothing.
 */
export function harToExchanges(har: Har, options: HarImportOptions): UnnamedExchange[] {
  return har.log.entries.map((entry, index) => {
    const at = `/log/entries/${index}`;
    const converted = entryToExchange(entry, options.partner, at, options.file);
    const exchange = options.redact ? options.redact(converted) : converted;
    const problem = exchangeProblem({ ...exchange, id: 'har/import' });
    if (problem) {
      throw new InputError(`cannot be stored as an exchange: ${problem.pointer || '/'} ${problem.message}`, {
        ...(options.file !== undefined ? { file: options.file } : {}),
        pointer: at,
      });
    }
    return exchange;
  });
}

function entryToExchange(entry: HarEntry, partner: string, at: string, file: string | undefined): UnnamedExchange {
  const where = (pointer: string) => ({ ...(file !== undefined ? { file } : {}), pointer: `${at}${pointer}` });
  const url = splitUrl(entry.request.url);
  if (!url) throw new InputError('is not an absolute http or https URL', where('/request/url'));
  const method = entry.request.method.toUpperCase();
  if (!/^[A-Z][A-Z0-9_-]*$/.test(method)) throw new InputError('is not an HTTP method', where('/request/method'));

  const requestHeaders = headerMap(entry.request.headers);
  const request: ExchangeRequest = {
    method,
    origin: url.origin,
    path: url.path,
    // The URL is what was sent; queryString is the writer's own parse of it, used only without one.
    query: url.search !== '' ? parseQuery(url.search) : pairsToMap(entry.request.queryString),
    headers: requestHeaders,
  };
  const requestBody = postDataBody(entry.request.postData, requestHeaders);
  if (requestBody !== undefined) request.body = requestBody;

  const status = entry.response.status;
  let response: UnnamedExchange['response'];
  if (status === 0) {
    const reason = entry.response._error;
    response = {
      error: {
        code: typeof entry.response._errorCode === 'string' && entry.response._errorCode !== '' ? entry.response._errorCode : 'HAR_STATUS_0',
        message: typeof reason === 'string' && reason !== '' ? reason : 'no response (HAR status 0: failed, blocked or aborted request)',
      },
    };
  } else {
    if (status < 100 || status > 999) throw new InputError('is not an HTTP status (100-999, or 0 for a failed request)', where('/response/status'));
    const headers = headerMap(entry.response.headers);
    const ok: ExchangeResponse = { status, headers };
    if (entry.response.statusText !== '') ok.statusText = entry.response.statusText;
    const body = contentBody(entry.response.content, headers);
    if (body !== undefined) ok.body = body;
    response = ok;
  }

  const exchange: UnnamedExchange = {
    seam: 1,
    partner,
    direction: entry._direction === 'inbound' ? 'inbound' : 'outbound',
    recordedAt: entry.startedDateTime,
    // Some writers use -1 for "unknown" here as HAR does in timings; a duration cannot be negative.
    durationMs: Math.max(0, entry.time),
    timings: harTimingsToTimings(entry.timings),
    request,
    response,
    redactions: [],
  };
  return exchange;
}

interface SplitUrl {
  origin: string;
  path: string;
  /** Without the '?'; '' when the URL has none. */
  search: string;
}

// The origin normalised by WHATWG URL (no userinfo: that would be a secret on disk), the path and
// query exactly as written in the HAR (percent-encoding as sent), the fragment dropped.
function splitUrl(url: string): SplitUrl | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return undefined;
  const match = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]*([^?#]*)(?:\?([^#]*))?/.exec(url);
  const path = match?.[1] ?? '';
  return { origin: parsed.origin, path: path.startsWith('/') ? path : `/${path}`, search: match?.[2] ?? '' };
}

function parseQuery(search: string): MultiMap {
  const out: MultiMap = {};
  for (const [key, value] of new URLSearchParams(search)) addValue(out, key, value);
  return out;
}

function pairsToMap(pairs: readonly HarNameValue[]): MultiMap {
  const out: MultiMap = {};
  for (const { name, value } of pairs) addValue(out, name, value);
  return out;
}

/** Header names lower-cased, repeats kept in order; HTTP/2 pseudo-headers (`:authority`) dropped. */
function headerMap(headers: readonly HarNameValue[]): MultiMap {
  const out: MultiMap = {};
  for (const { name, value } of headers) {
    if (name.startsWith(':')) continue;
    addValue(out, name.toLowerCase(), value);
  }
  return out;
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

// Chrome writes a bare media type (and `x-unknown` when it has none); the header has parameters.
function mimeTypeOf(declared: string | undefined, headers: MultiMap): string | undefined {
  if (declared !== undefined && declared !== '' && declared !== 'x-unknown') return declared;
  return first(headers['content-type']);
}

function postDataBody(postData: HarPostData | undefined, headers: MultiMap): Body | undefined {
  if (!postData) return undefined;
  const type = mimeTypeOf(postData.mimeType, headers);
  if (postData.text !== undefined && postData.text !== '') {
    const bytes = postData.encoding === 'base64' ? Buffer.from(postData.text, 'base64') : Buffer.from(postData.text, 'utf8');
    return typeBody(bytes, type);
  }
  if (postData.params && postData.params.length > 0) {
    const form: MultiMap = {};
    for (const p of postData.params) addValue(form, p.name, p.value ?? '');
    return { form };
  }
  return undefined;
}

// HAR keeps the decoded text of a compressed response; so does an Exchange (the
// content-encoding header stays as recorded).
function contentBody(content: HarContent, headers: MultiMap): Body | undefined {
  if (content.text === undefined) return undefined;
  const bytes = content.encoding === 'base64' ? Buffer.from(content.text, 'base64') : Buffer.from(content.text, 'utf8');
  return typeBody(bytes, mimeTypeOf(content.mimeType, headers));
}

function harTimingsToTimings(t: HarTimings): Timings {
  const out: Timings = { send: t.send, wait: t.wait, receive: t.receive };
  for (const key of ['blocked', 'dns', 'connect', 'ssl'] as const) {
    const v = t[key];
    if (typeof v === 'number') out[key] = v;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Export

export interface HarExportOptions {
  /** `log.creator`; the CLI passes Seam's version. */
  creator?: { name: string; version: string };
}

/** A HAR 1.2 document of `exchanges`, in the order given. Pure and deterministic. */
export function exchangesToHar(exchanges: readonly UnnamedExchange[], options: HarExportOptions = {}): Har {
  return {
    log: {
      version: '1.2',
      creator: options.creator ?? { name: 'seam', version: '0.0.0' },
      entries: exchanges.map(exchangeToEntry),
    },
  };
}

/** The HAR as a file: 2-space JSON and a trailing newline. Field order is fixed by construction. */
export function serializeHar(har: Har): string {
  return `${JSON.stringify(har, null, 2)}\n`;
}

function exchangeToEntry(e: UnnamedExchange): HarEntry {
  const entry: HarEntry = {
    startedDateTime: e.recordedAt,
    time: e.durationMs,
    request: requestToHar(e.request),
    response: isFailure(e.response) ? failureToHar(e.response.error) : responseToHar(e.response),
    cache: {},
    timings: timingsToHar(e),
  };
  if (e.direction === 'inbound') entry._direction = 'inbound';
  return entry;
}

function expand(map: MultiMap): HarNameValue[] {
  const out: HarNameValue[] = [];
  for (const [name, value] of Object.entries(map)) {
    for (const v of Array.isArray(value) ? value : [value]) out.push({ name, value: v });
  }
  return out;
}

function values(value: string | string[] | undefined): string[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

// Only what must be escaped inside a query component, so common URLs come back as they went in.
function encodeQueryPart(s: string): string {
  return s.replace(/[^A-Za-z0-9\-._~!$'()*,;:@/?]/gu, (c) => encodeURIComponent(c));
}

function urlOf(r: ExchangeRequest): string {
  const pairs = expand(r.query).map(({ name, value }) => `${encodeQueryPart(name)}=${encodeQueryPart(value)}`);
  return `${r.origin ?? 'http://localhost'}${r.path}${pairs.length > 0 ? `?${pairs.join('&')}` : ''}`;
}

function requestCookies(headers: MultiMap): HarCookie[] {
  const out: HarCookie[] = [];
  for (const header of values(headers['cookie'])) {
    for (const part of header.split(';')) {
      const eq = part.indexOf('=');
      if (eq <= 0) continue;
      out.push({ name: part.slice(0, eq).trim(), value: part.slice(eq + 1).trim() });
    }
  }
  return out;
}

function responseCookies(headers: MultiMap): HarCookie[] {
  const out: HarCookie[] = [];
  for (const header of values(headers['set-cookie'])) {
    const [pair = '', ...attributes] = header.split(';');
    const eq = pair.indexOf('=');
    if (eq <= 0) continue;
    const cookie: HarCookie = { name: pair.slice(0, eq).trim(), value: pair.slice(eq + 1).trim() };
    for (const attribute of attributes) {
      const [key = '', ...rest] = attribute.split('=');
      const name = key.trim().toLowerCase();
      const value = rest.join('=').trim();
      if (name === 'path') cookie.path = value;
      else if (name === 'domain') cookie.domain = value;
      else if (name === 'expires') {
        const time = Date.parse(value);
        if (!Number.isNaN(time)) cookie.expires = new Date(time).toISOString();
      } else if (name === 'httponly') cookie.httpOnly = true;
      else if (name === 'secure') cookie.secure = true;
    }
    out.push(cookie);
  }
  return out;
}

function defaultMimeType(body: Body): string {
  if ('json' in body) return 'application/json';
  if ('form' in body) return 'application/x-www-form-urlencoded';
  if ('text' in body) return 'text/plain';
  if ('base64' in body) return body.contentType;
  return body.omitted.contentType;
}

function bodySize(body: Body | undefined): number {
  if (body === undefined) return 0;
  if ('omitted' in body) return body.omitted.bytes;
  return bodyBytes(body).length;
}

function requestToHar(r: ExchangeRequest): HarRequest {
  const out: HarRequest = {
    method: r.method,
    url: urlOf(r),
    httpVersion: 'HTTP/1.1',
    cookies: requestCookies(r.headers),
    headers: expand(r.headers),
    queryString: expand(r.query),
    headersSize: -1,
    bodySize: bodySize(r.body),
  };
  if (r.body !== undefined) out.postData = postDataOf(r.body, first(r.headers['content-type']));
  return out;
}

function postDataOf(body: Body, contentType: string | undefined): HarPostData {
  const mimeType = contentType ?? defaultMimeType(body);
  if ('form' in body) return { mimeType, params: expand(body.form), text: formToString(body.form) };
  if ('base64' in body) return { mimeType, text: body.base64, encoding: 'base64' };
  if ('omitted' in body) return { mimeType, comment: omittedNote(body.omitted) };
  return { mimeType, text: bodyBytes(body).toString('utf8') };
}

function omittedNote(o: { bytes: number; sha256: string }): string {
  return `body not stored: ${o.bytes} bytes, sha256 ${o.sha256}`;
}

function responseToHar(r: ExchangeResponse): HarResponse {
  const contentType = first(r.headers['content-type']);
  const encoding = first(r.headers['content-encoding']);
  const size = bodySize(r.body);
  return {
    status: r.status,
    statusText: r.statusText ?? '',
    httpVersion: 'HTTP/1.1',
    cookies: responseCookies(r.headers),
    headers: expand(r.headers),
    content: contentOf(r.body, contentType),
    redirectURL: first(r.headers['location']) ?? '',
    headersSize: -1,
    // bodySize is the size on the wire: unknown once the stored body has been decoded.
    bodySize: encoding !== undefined && encoding.toLowerCase() !== 'identity' && size > 0 ? -1 : size,
  };
}

function contentOf(body: Body | undefined, contentType: string | undefined): HarContent {
  if (body === undefined) return { size: 0, mimeType: contentType ?? 'x-unknown' };
  const mimeType = contentType ?? defaultMimeType(body);
  if ('omitted' in body) return { size: body.omitted.bytes, mimeType, comment: omittedNote(body.omitted) };
  const bytes = bodyBytes(body);
  if ('base64' in body) return { size: bytes.length, mimeType: body.contentType || mimeType, text: body.base64, encoding: 'base64' };
  return { size: bytes.length, mimeType, text: bytes.toString('utf8') };
}

function failureToHar(error: { code: string; message: string }): HarResponse {
  return {
    status: 0,
    statusText: '',
    httpVersion: '',
    cookies: [],
    headers: [],
    content: { size: 0, mimeType: 'x-unknown' },
    redirectURL: '',
    headersSize: -1,
    bodySize: -1,
    _error: error.message,
    _errorCode: error.code,
  };
}

function timingsToHar(e: UnnamedExchange): HarTimings {
  const t = e.timings;
  if (!t) return { send: 0, wait: e.durationMs, receive: 0 };
  const out: HarTimings = {} as HarTimings;
  for (const key of ['blocked', 'dns', 'connect', 'send', 'wait', 'receive', 'ssl'] as const) {
    const v = t[key];
    if (v !== undefined) out[key] = v;
  }
  return out;
}

