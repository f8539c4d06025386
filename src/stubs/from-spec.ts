// Stubs from a spec alone: one per operation and documented response, so a spec-only mock answers
// every documented operation with a body valid against its schema.
//
// Which stub answers (Prism's `Prefer` convention, header `prefer: code=404, example=notFound`):
//   priority 5  the operation's primary response (lowest 2xx, else `default`, else the lowest
//               documented), no header needed — what a plain request gets;
//   priority 4  `prefer: example=<name>`: the primary response with that named example;
//   priority 3  `prefer: code=<status>`: another documented response (`code=4XX` for a range,
//               `code=default` for `default`, answered as 500 — 200 when `default` is the primary);
//   priority 2  `prefer: code=<status>, example=<name>` (either order): that response and example.
// `code=` wins over `example=` when they name different responses. Literal path segments still win
// over templated ones (match.ts), so `prefer` never moves a request to another operation.
//
// Bodies: the chosen media type's first example that fits the schema (`example=<name>` serves that
// example as written, fitting or not), else the schema's `example`/`default` when it fits, else a
// schema-valid sample (sample.ts). The media type is the
// JSON one when several are documented; non-JSON bodies are kept only when an example or the
// schema gives text (binary downloads answer with the content-type and no body).
// Echo: a 2xx JSON object body whose top-level field is named like a path parameter (case and
// `_` ignored: `AccountSid` ~ `account_sid`), or `id` for the last one, and holds a string,
// gets that parameter echoed in, so `GET /customers/{id}` returns the id asked for.
// Paths are `basePaths[0] + pathTemplate` (Box `/2.0/files/{file_id}`), or `options.basePath`.
// Webhooks are not requests to the partner and get no stubs.
import { createHash } from 'node:crypto';
import { stableStringify } from '../exchange/canonical.js';
import type { Body, MultiMap } from '../exchange/types.js';
import type { Example, LoadedSpec, MediaBody, Operation, ResponseSpec } from '../spec/index.js';
import { operations } from '../spec/index.js';
import { canonicalStubs } from './canonical.js';
import { templateParams } from './path-template.js';
import { fitsSchema, sampleFor, specResolver, type ResolveRef } from './sample.js';
import type { Echo, ResponseReply, Stub, StubRequest } from './types.js';
import { DEFAULT_PRIORITY } from './types.js';

export interface StubsFromSpecOptions {
  /** Prefix for every stub path instead of each operation's first base path (`''` for none). */
  basePath?: string;
  /** Only the operations this accepts (default: all). */
  include?: (operation: Operation) => boolean;
  /** Plain requests get only examples that fit the schema (default true); false: the first example as written. */
  checkExamples?: boolean;
}

export const PREFER_HEADER = 'prefer';
export const PRIMARY_PRIORITY = DEFAULT_PRIORITY;
export const EXAMPLE_PRIORITY = 4;
export const CODE_PRIORITY = 3;
export const CODE_EXAMPLE_PRIORITY = 2;

interface Draft {
  op: Operation;
  status: string;
  example?: string;
  stub: Omit<Stub, 'id'>;
}

/** Stubs for every operation of `spec`; deterministic (canonical order). */
export function stubsFromSpec(spec: LoadedSpec, options: StubsFromSpecOptions = {}): Stub[] {
  const resolveRef = specResolver(spec);
  const refSiblings = spec.version === '3.1';
  const drafts: Draft[] = [];
  for (const op of operations(spec)) {
    if (op.webhook !== undefined || (options.include && !options.include(op))) continue;
    drafts.push(...operationStubs(op, options.basePath ?? op.basePaths[0] ?? '', resolveRef, refSiblings, options));
  }
  const ids = new Set<string>();
  const stubs = drafts.map((d) => ({ ...d.stub, id: uniqueId(stubId(d), ids) }));
  return canonicalStubs(stubs);
}

/** The response a plain request gets: lowest 2xx (explicit before a `2XX` range), else `default`, else the lowest. */
export function primaryResponse(op: Operation): ResponseSpec | undefined {
  const rank = (r: ResponseSpec): number => {
    if (/^2\d\d$/.test(r.status)) return Number(r.status);
    if (/^2XX$/i.test(r.status)) return 299.5;
    if (r.status === 'default') return 1000;
    return /^\d{3}$/.test(r.status) ? 1000 + Number(r.status) : 2000;
  };
  return [...op.responses].sort((a, b) => rank(a) - rank(b))[0];
}

function operationStubs(op: Operation, basePath: string, resolveRef: ResolveRef, refSiblings: boolean, options: StubsFromSpecOptions): Draft[] {
  const primary = primaryResponse(op);
  if (primary === undefined) return [];
  const path = joinPath(basePath, op.pathTemplate);
  const params = templateParams(op.pathTemplate);
  const drafts: Draft[] = [];
  const common = { operation: op.id, source: [`spec:${op.operationId ?? op.id}`] };
  for (const response of op.responses) {
    const isPrimary = response === primary;
    const status = statusOf(response.status, isPrimary);
    const media = pickMedia(response.content);
    const examples = media?.examples.filter((e) => e.value !== undefined) ?? [];
    // Specs' examples go stale (Twilio's relative `first_page_uri` under `format: uri`): a plain
    // request gets the first example that fits the schema, else a sample; `example=` serves as written.
    const fitting =
      options.checkExamples === false || media?.schema === undefined
        ? examples[0]
        : examples.find((e) =>
            fitsSchema(exampleJson(media.mediaType, e.value), media.schema, resolveRef, { at: media.schemaAt ?? response.at, refSiblings }),
          );
    const reply = (example: Example | undefined): ResponseReply =>
      buildReply(status, response, media, example, params, resolveRef, refSiblings);
    const request = (prefer: string | undefined): StubRequest => ({
      method: op.method,
      path,
      ...(prefer !== undefined ? { headers: { [PREFER_HEADER]: { matches: prefer } } } : {}),
    });
    const add = (priority: number, prefer: string | undefined, example: Example | undefined) => {
      drafts.push({
        op,
        status: response.status,
        ...(example !== undefined ? { example: example.name } : {}),
        stub: {
          ...(priority !== DEFAULT_PRIORITY ? { priority } : {}),
          ...common,
          request: request(prefer),
          replies: [reply(example)],
        },
      });
    };
    if (isPrimary) {
      add(PRIMARY_PRIORITY, undefined, fitting);
      for (const e of examples) add(EXAMPLE_PRIORITY, preferPattern(undefined, e.name), e);
    } else {
      add(CODE_PRIORITY, preferPattern(response.status, undefined), fitting);
      for (const e of examples) add(CODE_EXAMPLE_PRIORITY, preferPattern(response.status, e.name), e);
    }
  }
  return drafts;
}

function joinPath(base: string, template: string): string {
  const b = base.replace(/\/+$/, '');
  return `${b}${template.startsWith('/') ? '' : '/'}${template}` || '/';
}

/** The status a response is answered with: as written, a range's lowest, `default` → 200 primary / 500 otherwise. */
function statusOf(status: string, isPrimary: boolean): number {
  if (/^\d{3}$/.test(status)) return Number(status);
  if (/^[1-5]XX$/i.test(status)) return Number(status[0]) * 100;
  return isPrimary ? 200 : 500;
}

// ---- prefer ----

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** `token=value` as one item of a `prefer` header: start or after `,` `;` or space, end or before one. */
function preferItem(token: string, value: string): string {
  return `(?:.*[,;\\s])?${token}=${escapeRegExp(value)}(?:[,;\\s].*)?`;
}

/**
 * The `matches` regex (anchored by the matcher) for a `prefer` header naming this code and/or
 * example, in either order. Lookahead is in both the JavaScript and Java regex dialects.
 */
export function preferPattern(code: string | undefined, example: string | undefined): string {
  if (code !== undefined && example !== undefined) return `(?=${preferItem('code', code)}$)${preferItem('example', example)}`;
  if (code !== undefined) return preferItem('code', code);
  return preferItem('example', example ?? '');
}

// ---- replies ----

const JSON_TYPE = /^application\/(.+\+)?json$/;
const TEXTUAL = /^(text\/|application\/(.+\+)?(xml|yaml|x-yaml|javascript)$)/;
const SKIPPED_HEADERS = new Set(['content-type', 'content-length', 'transfer-encoding', 'connection']);

function essence(mediaType: string): string {
  return (mediaType.split(';')[0] ?? '').trim().toLowerCase();
}

function pickMedia(content: MediaBody[]): MediaBody | undefined {
  return content.find((c) => JSON_TYPE.test(essence(c.mediaType))) ?? content[0];
}

function buildReply(
  status: number,
  response: ResponseSpec,
  media: MediaBody | undefined,
  example: Example | undefined,
  params: string[],
  resolveRef: ResolveRef,
  refSiblings: boolean,
): ResponseReply {
  const headers: MultiMap = {};
  for (const [name, header] of Object.entries(response.headers)) {
    if (SKIPPED_HEADERS.has(name.toLowerCase())) continue;
    const value = headerValue(header, response, resolveRef, refSiblings);
    if (value !== undefined) headers[name.toLowerCase()] = value;
  }
  let body: Body | undefined;
  if (media !== undefined && status !== 204 && status !== 304) {
    const type = essence(media.mediaType);
    const value =
      example !== undefined
        ? example.value
        : media.schema !== undefined
          ? sampleFor(media.schema, resolveRef, { at: media.schemaAt ?? response.at, refSiblings })
          : undefined;
    const contentType = media.mediaType.includes('*') ? (JSON_TYPE.test(type) ? 'application/json' : 'application/octet-stream') : media.mediaType;
    body = bodyOf(type, value, example !== undefined);
    if (body !== undefined || media.schema !== undefined) headers['content-type'] = contentType;
  }
  const reply: ResponseReply = {
    status,
    ...(Object.keys(headers).length > 0 ? { headers } : {}),
    ...(body !== undefined ? { body } : {}),
  };
  if (status >= 200 && status < 300 && body !== undefined && 'json' in body) {
    const echo = echoes(body.json, params);
    if (echo.length > 0) reply.echo = echo;
  }
  return reply;
}

/** An example for a JSON media type written as JSON text is read as the JSON it holds. */
function exampleJson(mediaType: string, value: unknown): unknown {
  const type = essence(mediaType);
  if (typeof value !== 'string' || !(JSON_TYPE.test(type) || type === '*/*')) return value;
  try {
    const parsed: unknown = JSON.parse(value);
    return parsed !== null && typeof parsed === 'object' ? parsed : value;
  } catch {
    return value; // a JSON string body
  }
}

function bodyOf(type: string, value: unknown, fromExample: boolean): Body | undefined {
  if (value === undefined) return undefined;
  if (JSON_TYPE.test(type) || type === '*/*') return { json: fromExample ? exampleJson(type, value) : value };
  if (typeof value === 'string') return value === '' && !fromExample ? undefined : { text: value };
  if (TEXTUAL.test(type) && (typeof value === 'number' || typeof value === 'boolean')) return { text: String(value) };
  return undefined;
}

function headerValue(header: unknown, response: ResponseSpec, resolveRef: ResolveRef, refSiblings: boolean): string | undefined {
  if (header === null || typeof header !== 'object') return undefined;
  const h = header as Record<string, unknown>;
  let value: unknown = h.example;
  if (value === undefined && h.examples !== null && typeof h.examples === 'object') {
    const first = Object.values(h.examples as Record<string, unknown>)[0];
    if (first !== null && typeof first === 'object') value = (first as Record<string, unknown>).value;
  }
  // 3.x: `schema`; 2.0: the header object is itself the schema.
  if (value === undefined) value = sampleFor(h.schema ?? h, resolveRef, { at: response.at, refSiblings });
  if (typeof value === 'string') return value === '' ? undefined : value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

const squash = (name: string) => name.toLowerCase().replace(/[_-]/g, '');

/** Echo entries for path parameters found as top-level string fields of `json`. */
export function echoes(json: unknown, params: readonly string[]): Echo[] {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return [];
  const body = json as Record<string, unknown>;
  const out: Echo[] = [];
  const used = new Set<string>();
  params.forEach((param, i) => {
    let field = Object.keys(body).find((k) => squash(k) === squash(param) && typeof body[k] === 'string' && !used.has(k));
    if (field === undefined && i === params.length - 1 && typeof body.id === 'string' && !used.has('id')) field = 'id';
    if (field === undefined) return;
    used.add(field);
    out.push({ from: `path.${param}`, to: `/${field.replace(/~/g, '~0').replace(/\//g, '~1')}` });
  });
  return out;
}

// ---- ids ----

function stubId(d: Draft): string {
  const slug =
    d.stub.request.path
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60)
      .replace(/-+$/, '') || 'root';
  const hash = createHash('sha256')
    .update(stableStringify({ kind: 'spec', status: d.status, example: d.example ?? null, request: d.stub.request }))
    .digest('hex')
    .slice(0, 6);
  return `${d.op.method.toLowerCase()}-${slug}-${d.status.toLowerCase()}-${hash}`;
}

function uniqueId(id: string, used: Set<string>): string {
  let candidate = id;
  for (let n = 2; used.has(candidate); n++) candidate = `${id}-${n}`;
  used.add(candidate);
  return candidate;
}
