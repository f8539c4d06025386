// The Stub model: what a mock does for a matching request. Plain JSON data, shared by every engine
// (embedded, msw, wiremock, prism) — engines differ only in transport. See DESIGN.md "Stub".
import type { Body, MultiMap } from '../exchange/types.js';

/** Network-level misbehaviour, as data. Each engine compiles it to its own transport trick. */
export type FaultKind =
  | 'reset' // destroy the connection (TCP RST where the transport allows)
  | 'empty' // close the connection without any response bytes
  | 'malformed-chunk' // start a chunked response, then send a chunk that is not valid chunked framing
  | 'truncated' // Content-Length larger than the body sent, then close
  | 'hang'; // accept the request and never answer

export const FAULT_KINDS: readonly FaultKind[] = ['reset', 'empty', 'malformed-chunk', 'truncated', 'hang'];

export interface ResponseReply {
  status: number;
  headers?: MultiMap;
  /**
   * Headers whose value is an HTTP-date computed when the answer is sent: name (lower-case) →
   * seconds after that moment (e.g. `{ 'retry-after': 2 }`), rendered as an IMF-fixdate
   * (`Sun, 06 Nov 1994 08:49:37 GMT`, whole seconds, truncated as any HTTP-date is).
   */
  dateHeaders?: Record<string, number>;
  body?: Body;
  /** Wait this long before answering. */
  delayMs?: number;
  /** Copy values from the request into the response body (the small echo step; not a template language). */
  echo?: Echo[];
}

export interface FaultReply {
  fault: FaultKind;
  /** Wait this long before the fault. */
  delayMs?: number;
}

export type Reply = ResponseReply | FaultReply;

export function isFault(reply: Reply): reply is FaultReply {
  return 'fault' in reply;
}

/**
 * One echo: `from` names a request value — `path.<param>` (a template parameter), `query.<name>`,
 * `header.<name>` (lower-case), or `body<JSON pointer>` (e.g. `body/email`) — and `to` is a JSON
 * pointer into the response's JSON body where it is written (e.g. `/id`).
 */
export interface Echo {
  from: string;
  to: string;
}

/** How one header, query or form value must look. */
export type ValueMatcher =
  | { equals: string }
  | { matches: string } // a regular expression (JavaScript and Java compatible subset), anchored
  | { present: boolean };

/** How a request body must look. `jsonSubset`: these fields with these values; extra fields allowed. */
export type BodyMatcher =
  | { jsonSubset: unknown }
  | { form: Record<string, ValueMatcher> }
  | { text: ValueMatcher };

export interface StubRequest {
  /** Upper-case method, or `ANY`. */
  method: string;
  /** A path template: literal segments and `{param}` segments, e.g. `/v1/customers/{customer}`. */
  path: string;
  query?: Record<string, ValueMatcher>;
  /** Names lower-case. */
  headers?: Record<string, ValueMatcher>;
  body?: BodyMatcher;
}

export interface Stub {
  /** Stable, unique in a stub set; every reply carries it as `x-seam-stub`. */
  id: string;
  /** Lower wins, as in WireMock; default 5. Among equal priorities the more specific stub wins. */
  priority?: number;
  request: StubRequest;
  /** Served in order; the last one repeats. At least one. */
  replies: Reply[];
  /** The operation (`GET /v1/customers/{customer}`) when known from a spec. */
  operation?: string;
  /** Where the stub came from: exchange ids, or `spec:<operationId>`. For review, not matching. */
  source?: string[];
}

export const DEFAULT_PRIORITY = 5;

/** The header every reply carries, naming the stub that produced it. */
export const STUB_HEADER = 'x-seam-stub';

/** What the connector did, one entry per request a mock received — the same shape from every engine. */
export interface JournalEntry {
  seq: number;
  /** ms since the mock started (monotonic, sub-ms). */
  at: number;
  method: string;
  path: string;
  query: MultiMap;
  headers: MultiMap;
  body?: Body;
  /** The stub that matched, or null for a miss. */
  stubId: string | null;
  /** Which of the stub's replies was served (0-based), when one matched. */
  replyIndex?: number;
  outcome: { status: number } | { fault: FaultKind } | { miss: true; status: 404 };
  /**
   * ms from the request's arrival to its answer, where the engine can only say so afterwards
   * (WireMock's serve timing, the Prism front). The in-process engines leave it out: their
   * `onEntry` fires as the reply is chosen and the caller times the rest.
   */
  ms?: number;
}
