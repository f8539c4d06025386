// What every engine serves the same way, whatever its transport: a body's default content type,
// the content-encodings a stub may ask for, the bytes of the `truncated` fault, the 404 body of a
// miss, how much of a request body a journal keeps, and how a reply's `dateHeaders` render.
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import type { Body } from '../exchange/types.js';
import type { NearMiss } from '../stubs/match.js';

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
