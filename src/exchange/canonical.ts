// Deterministic serialisation: a fixed field order for our own records, sorted keys for
// header/query/form maps, 2-space indentation and a trailing newline, so a re-run makes no diff.
// JSON bodies keep the partner's own key order: that is what was recorded.
import type { Body, Exchange, ExchangeRequest, MultiMap, Redaction, Timings } from './types.js';
import { isFailure } from './types.js';

export function sortedMap(map: MultiMap): MultiMap {
  const out: MultiMap = {};
  for (const key of Object.keys(map).sort()) {
    const value = map[key];
    if (value !== undefined) out[key] = Array.isArray(value) ? [...value] : value;
  }
  return out;
}

export function canonicalBody(body: Body): Body {
  if ('json' in body) return { json: body.json };
  if ('text' in body) return { text: body.text };
  if ('form' in body) return { form: sortedMap(body.form) };
  if ('base64' in body) return { base64: body.base64, contentType: body.contentType };
  return { omitted: { bytes: body.omitted.bytes, sha256: body.omitted.sha256, contentType: body.omitted.contentType } };
}

function canonicalTimings(t: Timings): Timings {
  const out: Partial<Timings> = {};
  for (const k of ['blocked', 'dns', 'connect', 'ssl', 'send', 'wait', 'receive'] as const) {
    if (t[k] !== undefined) out[k] = t[k];
  }
  return out as Timings;
}

function canonicalRequest(r: ExchangeRequest): ExchangeRequest {
  const out: ExchangeRequest = { method: r.method, path: r.path, query: sortedMap(r.query), headers: sortedMap(r.headers) };
  if (r.origin !== undefined) {
    // origin reads best before path
    return {
      method: r.method,
      origin: r.origin,
      path: r.path,
      query: out.query,
      headers: out.headers,
      ...(r.body !== undefined ? { body: canonicalBody(r.body) } : {}),
    };
  }
  if (r.body !== undefined) out.body = canonicalBody(r.body);
  return out;
}

export function compareRedactions(a: Redaction, b: Redaction): number {
  return a.at < b.at ? -1 : a.at > b.at ? 1 : a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0;
}

/** The exchange rebuilt in canonical field order (a new object; the input is untouched). */
export function canonicalExchange(e: Exchange): Exchange {
  const response = isFailure(e.response)
    ? { error: { code: e.response.error.code, message: e.response.error.message } }
    : {
        status: e.response.status,
        ...(e.response.statusText !== undefined ? { statusText: e.response.statusText } : {}),
        headers: sortedMap(e.response.headers),
        ...(e.response.body !== undefined ? { body: canonicalBody(e.response.body) } : {}),
      };
  return {
    seam: 1,
    id: e.id,
    partner: e.partner,
    direction: e.direction,
    ...(e.operation !== undefined ? { operation: e.operation } : {}),
    ...(e.tags !== undefined ? { tags: [...e.tags] } : {}),
    recordedAt: e.recordedAt,
    durationMs: e.durationMs,
    ...(e.timings !== undefined ? { timings: canonicalTimings(e.timings) } : {}),
    request: canonicalRequest(e.request),
    response,
    redactions: [...e.redactions].map((r) => ({ at: r.at, rule: r.rule, placeholder: r.placeholder })).sort(compareRedactions),
  };
}

export function serializeExchange(e: Exchange): string {
  return `${JSON.stringify(canonicalExchange(e), null, 2)}\n`;
}

/** Any JSON value with object keys sorted at every depth: for files we own entirely (reports, configs). */
export function stableStringify(value: unknown): string {
  return `${JSON.stringify(sortDeep(value), null, 2)}\n`;
}

/** A JSON value with object keys sorted at every depth. */
export function sortDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortDeep);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) out[key] = sortDeep((value as Record<string, unknown>)[key]);
    return out;
  }
  return value;
}
