// What every engine serves the same way, whatever its transport: a body's default content type,
// the content-encodings a stub may ask for, the bytes of the `truncated` fault, the 404 body of a
// miss, how much of a request body a journal keeps, and how a reply's `dateHeaders` render.
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { bodyBytes } from '../exchange/body.js';
import type { Body } from '../exchange/types.js';
import { compileEcho, type CompiledEcho } from '../stubs/echo.js';
import type { NearMiss } from '../stubs/match.js';
import { STUB_HEADER, type ResponseReply } from '../stubs/types.js';

/** Request bodies above this are journaled as `omitted` (size and digest). */
export const JOURNAL_BODY_CAP = 64 * 1024;

/** `truncated`: a Content-Length of TRUNCATED_LENGTH, then these 20 bytes, then the connection closes. */
export const TRUNCATED_BODY = '{"truncated":"this b';
export const TRUNCATED_LENGTH = 1024;

/** Stub headers an engine sets itself (it frames the body) and so ignores. */
export const DROPPED_HEADERS: ReadonlySet<string> = new Set(['content-length', 'transfer-encoding', 'connection', 'keep-alive']);

const ENCODERS: Record<string, ((b: Buffer) => Buffer) | undefined> = {
  gzip: gzipSync,
  'x-gzip': gzipSync,
  deflate: deflateSync,
  br: brotliCompressSync,
  identity: (b) => b,
};

/** The content-encoding named by a stub's header, when the engines can apply it (stored bodies are decoded). */
export function supportedEncoding(value: string | string[] | undefined): string | undefined {
  const wanted = (Array.isArray(value) ? value[0] : value)?.trim().toLowerCase();
  return wanted !== undefined && ENCODERS[wanted] !== undefined ? wanted : undefined;
}

export function encode(bytes: Buffer, encoding: string | undefined): Buffer {
  return encoding === undefined ? bytes : ENCODERS[encoding]!(bytes);
}

/** The content type a reply gets when its stub names none. */
export function defaultContentType(body: Body | undefined): string | undefined {
  if (body === undefined) return undefined;
  if ('json' in body) return 'application/json';
  if ('form' in body) return 'application/x-www-form-urlencoded';
  if ('text' in body) return 'text/plain';
  if ('base64' in body) return body.contentType;
  return body.omitted.contentType;
}

/** The 404 body of an unmatched request: what was asked, and the closest stubs with why each missed. */
export function missBody(method: string, path: string, near: NearMiss[]): Buffer {
  return Buffer.from(JSON.stringify({ error: 'no stub matched', request: { method, path }, near }));
}

/** A reply's `dateHeaders` as [name, seconds] pairs, names lower-case; undefined when it has none. */
export function dateHeaderList(dateHeaders: Record<string, number> | undefined): [string, number][] | undefined {
  const list = Object.entries(dateHeaders ?? {}).map(([name, seconds]): [string, number] => [name.toLowerCase(), seconds]);
  return list.length > 0 ? list : undefined;
}

/** The IMF-fixdate `seconds` after `now` (ms since the epoch): `Sun, 06 Nov 1994 08:49:37 GMT`. */
export function httpDate(seconds: number, now = Date.now()): string {
  return new Date(now + seconds * 1000).toUTCString();
}

/** A response reply as every engine serves it, computed once per stub set. */
export interface ResponseParts {
  status: number;
  /** In order, names lower-case: the stub's (engine-framed ones dropped), a default content-type, x-seam-stub; no content-length. */
  headers: [string, string][];
  /** `dateHeaders`, rendered when the answer is sent. */
  dates: [string, number][] | undefined;
  /** The encoded body, precomputed when there is no echo. */
  bytes: Buffer | undefined;
  /** With echo: the JSON to echo into, the echo steps, and the encoding to apply after. */
  json: unknown;
  echo: CompiledEcho[] | undefined;
  encoding: string | undefined;
  delayMs: number;
}

/** `reply` of stub `stubId` (at `pointer` in the stub set, for echo errors) as the engines serve it. */
export function responseParts(reply: ResponseReply, stubId: string, pointer: string): ResponseParts {
  const headers: [string, string][] = [];
  let hasContentType = false;
  let encoding: string | undefined;
  for (const [rawName, value] of Object.entries(reply.headers ?? {})) {
    const name = rawName.toLowerCase();
    if (DROPPED_HEADERS.has(name) || name === STUB_HEADER) continue;
    if (name === 'content-encoding') {
      encoding = supportedEncoding(value);
      if (encoding === undefined) continue;
    }
    if (name === 'content-type') hasContentType = true;
    for (const v of Array.isArray(value) ? value : [value]) headers.push([name, v]);
  }
  const contentType = defaultContentType(reply.body);
  if (!hasContentType && contentType !== undefined) headers.push(['content-type', contentType]);
  const echo = reply.echo !== undefined && reply.echo.length > 0 ? compileEcho(reply.echo, { pointer: `${pointer}/echo` }) : undefined;
  const json = reply.body !== undefined && 'json' in reply.body ? reply.body.json : undefined;
  // Echo writes into a JSON body; with no body at all it builds one.
  const echoes = echo !== undefined && (reply.body === undefined || json !== undefined);
  if (echoes && reply.body === undefined && !hasContentType) headers.push(['content-type', 'application/json']);
  headers.push([STUB_HEADER, stubId]);
  return {
    status: reply.status,
    headers,
    dates: dateHeaderList(reply.dateHeaders),
    bytes: echoes ? undefined : encode(bodyBytes(reply.body), encoding),
    json: echoes ? (json ?? {}) : undefined,
    echo: echoes ? echo : undefined,
    encoding,
    delayMs: reply.delayMs ?? 0,
  };
}
