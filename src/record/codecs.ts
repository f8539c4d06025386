// Body codecs for the stored copy: undo the content-encoding(s) a body was sent with, so the
// recording holds readable data while the `content-encoding` header says how it travelled.
// What is forwarded is never decoded; this only touches the copy.
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import type { Body } from '../exchange/types.js';
import { typeBody } from '../exchange/body.js';

const gunzip = promisify(zlib.gunzip);
const inflate = promisify(zlib.inflate);
const inflateRaw = promisify(zlib.inflateRaw);
const brotli = promisify(zlib.brotliDecompress);

/** `gzip, br` → ['gzip', 'br'] in the order they were applied; identity dropped. */
export function parseContentEncoding(header: string | string[] | undefined): string[] {
  if (header === undefined) return [];
  const parts = (Array.isArray(header) ? header.join(',') : header).split(',');
  return parts.map((p) => p.trim().toLowerCase()).filter((p) => p !== '' && p !== 'identity');
}

export class DecodeError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DecodeError';
  }
}

export interface DecodeOptions {
  /** Refuse to inflate beyond this many bytes (a decompression bomb must not eat the proxy). */
  maxOutputBytes?: number;
}

/**
 * Decode `bytes` sent with `content-encoding` (the codings undone last-applied first).
 * Throws DecodeError on an unknown coding, corrupt data or output above the limit.
 * Runs on the libuv pool (async zlib), so a large body does not stall the proxy's event loop.
 */
export async function decodeContent(bytes: Buffer, contentEncoding: string | string[] | undefined, options: DecodeOptions = {}): Promise<Buffer> {
  const codings = parseContentEncoding(contentEncoding);
  const zopts: zlib.ZlibOptions = options.maxOutputBytes !== undefined ? { maxOutputLength: Math.max(1, options.maxOutputBytes) } : {};
  let out = bytes;
  for (const coding of codings.reverse()) {
    if (out.length === 0) break;
    try {
      out = await decodeOne(out, coding, zopts);
    } catch (error) {
      if (error instanceof DecodeError) throw error;
      throw new DecodeError(`cannot decode ${coding}: ${(error as Error).message}`, { cause: error });
    }
  }
  return out;
}

async function decodeOne(bytes: Buffer, coding: string, zopts: zlib.ZlibOptions): Promise<Buffer> {
  switch (coding) {
    case 'gzip':
    case 'x-gzip':
      return gunzip(bytes, zopts);
    case 'br':
      return brotli(bytes, zopts as zlib.BrotliOptions);
    case 'deflate':
      // RFC 9110 says zlib-wrapped, but some servers send raw deflate: tell them apart by the header byte.
      if (bytes.length >= 2 && (bytes[0]! & 0x0f) === 8 && ((bytes[0]! << 8) | bytes[1]!) % 31 === 0) {
        try {
          return await inflate(bytes, zopts);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw error;
          // a raw stream can look like a zlib header by chance
        }
      }
      return inflateRaw(bytes, zopts);
    default:
      throw new DecodeError(`unsupported content-encoding "${coding}"`);
  }
}

export interface StoredBodyOptions {
  contentType: string | undefined;
  contentEncoding: string | string[] | undefined;
  /** The stored-copy cap: a body (encoded or decoded) above it is stored as `omitted`. */
  maxBytes?: number;
}

/**
 * The Body to store for `raw` (the bytes as they travelled): decoded and typed; a body that
 * fails to decode is kept as base64 of the raw bytes (the content-encoding header says why).
 * A body that would decode beyond the cap is `omitted`, described by its bytes as they travelled.
 */
export async function storedBody(raw: Buffer, options: StoredBodyOptions): Promise<Body | undefined> {
  if (raw.length === 0) return undefined;
  const contentType = options.contentType ?? 'application/octet-stream';
  if (parseContentEncoding(options.contentEncoding).length === 0) return typeBody(raw, options.contentType, { maxBytes: options.maxBytes });
  let decoded: Buffer;
  try {
    decoded = await decodeContent(raw, options.contentEncoding, { maxOutputBytes: options.maxBytes });
  } catch (error) {
    if ((error as { cause?: NodeJS.ErrnoException }).cause?.code === 'ERR_BUFFER_TOO_LARGE') return typeBody(raw, contentType, { maxBytes: 0 });
    return { base64: raw.toString('base64'), contentType };
  }
  return typeBody(decoded, options.contentType, { maxBytes: options.maxBytes });
}
