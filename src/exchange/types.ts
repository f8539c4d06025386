// The Exchange: one recorded request/response, or an inbound webhook delivery.
// Plain JSON data; its schema is exchange/schema.ts. Header names are lower-case.

/** A header or query/form value: repeated names keep every value, in order. */
export type MultiValue = string | string[];
export type MultiMap = Record<string, MultiValue>;

/**
 * A body, stored decoded (the original content-encoding stays as a header).
 * `omitted` stands in for a body above the recorder's size cap: its size and digest, not its bytes.
 */
export type Body =
  | { json: unknown }
  | { text: string }
  | { form: MultiMap }
  | { base64: string; contentType: string }
  | { omitted: { bytes: number; sha256: string; contentType: string } };

export interface ExchangeRequest {
  method: string;
  /** Scheme, host and port the request went to, e.g. `https://api.stripe.com`. */
  origin?: string;
  /** The path without the query string, percent-encoding as sent. */
  path: string;
  query: MultiMap;
  headers: MultiMap;
  body?: Body;
}

export interface ExchangeResponse {
  status: number;
  statusText?: string;
  headers: MultiMap;
  body?: Body;
}

/** The partner never answered: refused, reset, timed out, DNS... */
export interface ExchangeFailure {
  error: { code: string; message: string };
}

/** Where a value was redacted and by which rule — never the value. */
export interface Redaction {
  /** JSON pointer into the exchange, e.g. `/request/headers/authorization`. */
  at: string;
  rule: string;
  placeholder: string;
}

/** HAR-style phases in ms, kept when known (-1 = not applicable, as in HAR). */
export interface Timings {
  blocked?: number;
  dns?: number;
  connect?: number;
  ssl?: number;
  send: number;
  wait: number;
  receive: number;
}

export type Direction = 'outbound' | 'inbound';

export interface Exchange {
  seam: 1;
  id: string;
  partner: string;
  direction: Direction;
  recordedAt: string;
  durationMs: number;
  timings?: Timings;
  request: ExchangeRequest;
  response: ExchangeResponse | ExchangeFailure;
  operation?: string;
  tags?: string[];
  redactions: Redaction[];
}

export function isFailure(response: Exchange['response']): response is ExchangeFailure {
  return 'error' in response;
}
