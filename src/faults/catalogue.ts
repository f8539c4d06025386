// The fault catalogue: how each FaultId is realised as a stub reply, given the reply the stub
// would normally give. Replies are plain Stub data, so every engine serves them (docs/faults.md
// lists what the client sees on each). Status faults answer with a small JSON error body naming
// the fault — except 502 and 504, which a gateway in front of the partner produces, as HTML.
import { isJsonMediaType, mediaType } from '../exchange/body.js';
import type { LoadedSpec } from '../spec/index.js';
import { isFault, type Reply, type ResponseReply, type Stub } from '../stubs/types.js';
import type { FaultId } from './types.js';
import { WRONG_BODY_FAULTS, wrongBody } from './wrong-bodies.js';

export const DEFAULT_RETRY_AFTER_SECONDS = 1;
export const DEFAULT_RETRY_AFTER_DATE_SECONDS = 2;
export const DEFAULT_SLOW_MS = 200;
/** `rate-limit-headers`: the advertised limit (the remaining count is always 0). */
export const RATE_LIMIT = 100;
/** `malformed-json`: a JSON document cut off mid-value. */
export const MALFORMED_JSON = '{"id": "x", "status": ';
export const WWW_AUTHENTICATE = 'Bearer error="invalid_token"';

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export interface FaultContext {
  /** The stub the reply belongs to (wrong bodies look up its operation in the spec). */
  stub: Stub;
  spec?: LoadedSpec | undefined;
  /** Retry-After seconds (rate-limit, unavailable, rate-limit-headers' reset; default 1), or the HTTP-date's distance (rate-limit-date; default 2). */
  retryAfterSeconds?: number | undefined;
  /** `slow`: added to the normal reply's delay (default 200 ms). */
  delayMs?: number | undefined;
}

/**
 * The reply that realises `fault` instead of `normal`, or undefined when it cannot here (a wrong
 * body without a spec schema or without anything to change). `unauthorized` gives the 401 itself;
 * which requests get it is the plan's business (see plan.ts).
 */
export function faultReply(fault: FaultId, normal: Reply, context: FaultContext): Reply | undefined {
  const seconds = context.retryAfterSeconds ?? (fault === 'rate-limit-date' ? DEFAULT_RETRY_AFTER_DATE_SECONDS : DEFAULT_RETRY_AFTER_SECONDS);
  switch (fault) {
    case 'rate-limit':
      return jsonError(429, fault, 'Too many requests.', { 'retry-after': String(seconds) });
    case 'rate-limit-date':
      return { ...jsonError(429, fault, 'Too many requests.'), dateHeaders: { 'retry-after': seconds } };
    case 'rate-limit-headers':
      return jsonError(429, fault, 'Too many requests.', {
        'ratelimit-limit': String(RATE_LIMIT),
        'ratelimit-remaining': '0',
        'ratelimit-reset': String(seconds),
        'x-ratelimit-limit': String(RATE_LIMIT),
        'x-ratelimit-remaining': '0',
        'x-ratelimit-reset': String(seconds),
      });
    case 'server-error':
      return jsonError(500, fault, 'Internal server error.');
    case 'bad-gateway':
      return gatewayPage(502, 'Bad Gateway');
    case 'unavailable':
      return jsonError(503, fault, 'Service unavailable.', { 'retry-after': String(seconds) });
    case 'gateway-timeout':
      return gatewayPage(504, 'Gateway Timeout');
    case 'slow':
      return { ...normal, delayMs: (normal.delayMs ?? 0) + (context.delayMs ?? DEFAULT_SLOW_MS) };
    case 'hang':
    case 'reset':
    case 'empty':
    case 'truncated':
      return { fault };
    case 'malformed-json': {
      const status = !isFault(normal) && normal.status >= 200 && normal.status < 300 ? normal.status : 200;
      return { status, headers: { 'content-type': 'application/json' }, body: { text: MALFORMED_JSON } };
    }
    case 'unauthorized':
      return jsonError(401, fault, 'The access token expired.', { 'www-authenticate': WWW_AUTHENTICATE });
    case 'bad-request':
      return jsonError(400, fault, 'The request is invalid.');
    case 'unprocessable':
      return jsonError(422, fault, 'The request could not be processed.');
    case 'conflict':
      return jsonError(409, fault, 'The resource already exists or was changed concurrently.');
    case 'unknown-enum':
    case 'missing-optional':
    case 'extra-field': {
      if (isFault(normal) || context.spec === undefined) return undefined;
      const changed = wrongBody(fault, context.stub, normal, context.spec);
      return changed === undefined ? undefined : { ...normal, body: { json: changed.json } };
    }
  }
}

export interface ApplicableOptions {
  spec?: LoadedSpec | undefined;
  /** The token endpoint (operation or stub id): `unauthorized` applies only when there is one, and not to it. */
  tokenTarget?: string | undefined;
}

/**
 * The faults that make sense for a stub's route, in catalogue order: network and status faults
 * everywhere; `malformed-json` where the normal answer is JSON; `conflict` on writes;
 * `unauthorized` when a token endpoint exists (and this is not it); wrong bodies where the spec
 * describes the normal 2xx JSON answer and it has something to change.
 */
export function applicableFaults(stub: Stub, options: ApplicableOptions = {}): FaultId[] {
  const normal = stub.replies[0]!;
  const response = isFault(normal) ? undefined : normal;
  const out: FaultId[] = ['rate-limit', 'rate-limit-date', 'rate-limit-headers', 'server-error', 'bad-gateway', 'unavailable', 'gateway-timeout', 'slow', 'hang', 'reset', 'empty'];
  if (response !== undefined && isJsonReply(response)) out.push('malformed-json');
  out.push('truncated');
  const { tokenTarget } = options;
  if (tokenTarget !== undefined && tokenTarget !== stub.id && tokenTarget !== operationName(stub)) out.push('unauthorized');
  out.push('bad-request');
  if (WRITE_METHODS.has(stub.request.method.toUpperCase())) out.push('conflict', 'unprocessable');
  if (response !== undefined && response.status >= 200 && response.status < 300) {
    for (const fault of WRONG_BODY_FAULTS) if (faultReply(fault, response, { stub, spec: options.spec }) !== undefined) out.push(fault);
  }
  return out;
}

/** How plans name a stub's operation: its `operation`, else method and path template. */
export function operationName(stub: Stub): string {
  return stub.operation ?? `${stub.request.method} ${stub.request.path}`;
}

function jsonError(status: number, fault: FaultId, message: string, headers: Record<string, string> = {}): ResponseReply {
  return { status, headers: { 'content-type': 'application/json', ...headers }, body: { json: { error: fault, message } } };
}

function gatewayPage(status: number, title: string): ResponseReply {
  return { status, headers: { 'content-type': 'text/html' }, body: { text: `<html><head><title>${status} ${title}</title></head><body><h1>${status} ${title}</h1></body></html>\n` } };
}

function isJsonReply(reply: ResponseReply): boolean {
  if (reply.body !== undefined && 'json' in reply.body) return true;
  const type = Object.entries(reply.headers ?? {}).find(([name]) => name.toLowerCase() === 'content-type')?.[1];
  return type !== undefined && isJsonMediaType(mediaType(Array.isArray(type) ? type[0] : type));
}
