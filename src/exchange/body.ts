// Typing a decoded body for storage, and turning a stored body back into bytes.
import { createHash } from 'node:crypto';
import { isUtf8 } from 'node:buffer';
import type { Body, MultiMap } from './types.js';

export function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase();
}

export function isJsonMediaType(type: string): boolean {
  return type === 'application/json' || type.endsWith('+json') || type === 'text/json';
}

const TEXTUAL = /^(text\/|application\/(xml|javascript|ecmascript|x-javascript|graphql|x-ndjson|ndjson|yaml|x-yaml|csv|sql|problem\+xml|soap\+xml|xhtml\+xml|atom\+xml|rss\+xml))|\+xml$/;

export function isTextMediaType(type: string): boolean {
  return TEXTUAL.test(type);
}

export function parseForm(text: string): MultiMap {
  const out: MultiMap = {};
  for (const [key, value] of new URLSearchParams(text)) addValue(out, key, value);
  return out;
}

export function addValue(map: MultiMap, key: string, value: string): void {
  const existing = map[key];
  if (existing === undefined) map[key] = value;
  else if (Array.isArray(existing)) existing.push(value);
  else map[key] = [existing, value];
}

export function formToString(form: MultiMap): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(form)) {
    for (const v of Array.isArray(value) ? value : [value]) params.append(key, v);
  }
  return params.toString();
}

export interface TypeBodyOptions {
  /** Bodies larger than this are stored as `omitted` (size and digest). */
  maxBytes?: number;
}

/**
 * The stored form of a decoded body: JSON when the media type says JSON and it parses,
 * a form for urlencoded bodies, text for UTF-8 text, base64 otherwise. Empty → undefined.
 */
export function typeBody(bytes: Buffer, contentType: string | undefined, options: TypeBodyOptions = {}): Body | undefined {
  if (bytes.length === 0) return undefined;
  const type = mediaType(contentType);
  if (options.maxBytes !== undefined && bytes.length > options.maxBytes) {
    return {
      omitted: {
        bytes: bytes.length,
        sha256: createHash('sha256').update(bytes).digest('hex'),
        contentType: contentType ?? 'application/octet-stream',
      },
    };
  }
  const utf8 = isUtf8(bytes);
  if (utf8) {
    const text = bytes.toString('utf8');
    if (isJsonMediaType(type)) {
      const json = parseJsonExactly(text);
      if (json !== undefined) return { json: json.value };
      return { text };
    }
    if (type === 'application/x-www-form-urlencoded') {
      // Stored as name → values; the interleaving of repeated names and the choice of
      // percent-escapes are not kept (a form's meaning does not depend on them).
      return { form: parseForm(text) };
    }
    if (isTextMediaType(type) || (type === '' && !text.includes('\u0000'))) return { text };
  }
  return { base64: bytes.toString('base64'), contentType: contentType ?? 'application/octet-stream' };
}

// JSON whose numbers survive parsing (no integer beyond 2^53 silently rounded); otherwise text.
function parseJsonExactly(text: string): { value: unknown } | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (/\d{16,}/.test(text) && hasUnsafeNumber(value, text)) return undefined;
  return { value };
}

function hasUnsafeNumber(value: unknown, text: string): boolean {
  if (typeof value === 'number') return !Number.isSafeInteger(value) && Number.isInteger(value) && text.length > 0;
  if (Array.isArray(value)) return value.some((v) => hasUnsafeNumber(v, text));
  if (value !== null && typeof value === 'object') return Object.values(value).some((v) => hasUnsafeNumber(v, text));
  return false;
}

/** The bytes a stored body stands for (JSON re-serialised compactly). `omitted` has none. */
export function bodyBytes(body: Body | undefined): Buffer {
  if (body === undefined) return Buffer.alloc(0);
  if ('json' in body) return Buffer.from(JSON.stringify(body.json), 'utf8');
  if ('text' in body) return Buffer.from(body.text, 'utf8');
  if ('form' in body) return Buffer.from(formToString(body.form), 'utf8');
  if ('base64' in body) return Buffer.from(body.base64, 'base64');
  return Buffer.alloc(0);
}
