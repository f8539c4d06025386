// Stubs → WireMock 3 stub mappings (+ `__files` bodies): the artefact a stock WireMock started
// with `--root-dir <dir>` serves as it is. Pure compile, plus one writer at the edge.
//
// Choices (each also a difference a reader of the mappings might trip on):
// - Precedence. Seam picks a literal path segment over a parameter first, then lower priority,
//   then more matchers, then stub order (src/stubs/match.ts). WireMock only knows priority and,
//   among equals, "most recently added" — which depends on file listing order. So a stub's
//   WireMock priority encodes that precedence (see wiremockPriority); Seam's own priority is kept
//   in `metadata.seam.priority`.
// - Sequences become a scenario per stub (`scenarioName` = stub id, states Started → 2 → … → n;
//   the last mapping has no `newScenarioState`, so it repeats).
// - Framing headers are dropped from replies: bodies are stored decoded, so a recorded
//   `content-encoding`, `content-length` or `transfer-encoding` would lie about the bytes served.
// - `truncated` has no WireMock fault: it is a 200 whose `Content-Length` exceeds the body sent,
//   with `Content-Encoding: identity` so WireMock's gzip (on by default when the client accepts
//   gzip) does not re-frame it as chunked. Jetty then closes the connection: curl says "partial
//   file" (18), undici "other side closed", Node http "aborted".
// - `hang` is a 24 h `fixedDelayMilliseconds` (WireMock has no "never"); it holds one of
//   WireMock's container threads for as long as the client waits.
// - Echo uses WireMock's `response-template` transformer on the JSON body; echoed values are
//   strings, and other strings in that body must not contain `{{`.
// - `dateHeaders` use the same transformer: `{{now offset='N seconds' timezone='GMT' format='EEE,
//   dd MMM yyyy HH:mm:ss z'}}` (Java's SimpleDateFormat: English day and month names need a JVM
//   with an English default locale, which a stock WireMock image has). The body is templated too,
//   so it must not contain `{{` either.
import { createHash } from 'node:crypto';
import { readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError } from '../errors.js';
import { formToString, isJsonMediaType, mediaType } from '../exchange/body.js';
import type { Body, MultiMap } from '../exchange/types.js';
import { atomicWriteFile } from '../io/atomic-write.js';
import { dateHeaderList, defaultContentType, TRUNCATED_BODY, TRUNCATED_LENGTH } from './reply-parts.js';
import { compileStubs } from '../stubs/match.js';
import {
  DEFAULT_PRIORITY,
  isFault,
  STUB_HEADER,
  type BodyMatcher,
  type Echo,
  type FaultKind,
  type Reply,
  type ResponseReply,
  type Stub,
  type ValueMatcher,
} from '../stubs/types.js';

/** Bodies larger than this (bytes) go to `__files/` instead of inline. */
export const INLINE_BODY_LIMIT = 16 * 1024;
/** `hang`: WireMock cannot wait forever; a day is longer than any client timeout worth testing. */
export const HANG_DELAY_MS = 24 * 60 * 60 * 1000;
/** `truncated`: the bytes sent and the Content-Length promised (as the embedded engine does). */
/** Lists the files a writer generated, so a rewrite removes its own stale ones and nothing else. */
export const MANIFEST_FILE = 'seam-manifest.json';

const WIREMOCK_FAULTS: Partial<Record<FaultKind, string>> = {
  reset: 'CONNECTION_RESET_BY_PEER',
  empty: 'EMPTY_RESPONSE',
  'malformed-chunk': 'MALFORMED_RESPONSE_CHUNK',
};

// Headers that describe framing or encoding of bytes we re-create; never copied into a mapping.
const DROPPED_RESPONSE_HEADERS = new Set(['content-length', 'transfer-encoding', 'content-encoding', 'connection', 'keep-alive']);

// A fixed namespace for name-based (v5) UUIDs of mappings: same stub id → same mapping id.
const UUID_NAMESPACE = 'b6f0d1c4-6b8a-4f57-9a43-5e1f2c7d9a10';

export interface SeamMappingMetadata {
  stub: string;
  reply: number;
  priority: number;
  fault?: FaultKind;
  operation?: string;
}

/** A WireMock stub mapping as Seam generates it (a subset of WireMock's schema). */
export interface WireMockMapping {
  id: string;
  uuid: string;
  name: string;
  priority: number;
  scenarioName?: string;
  requiredScenarioState?: string;
  newScenarioState?: string;
  request: Record<string, unknown>;
  response: Record<string, unknown>;
  metadata: { seam: SeamMappingMetadata };
}

export interface GeneratedFile {
  /** Relative to the root dir, `/`-separated: `mappings/<name>.json` or `__files/<name>`. */
  path: string;
  data: string | Buffer;
}

export interface CompiledMappings {
  /** In precedence order (priority 1 first). */
  mappings: WireMockMapping[];
  files: GeneratedFile[];
}

/** Compile a stub set. Throws InputError (naming the stub) on a malformed stub. */
export function compileWireMock(stubs: readonly Stub[]): CompiledMappings {
  compileStubs(stubs); // validates: duplicate ids, paths, regular expressions
  const names = fileNames(stubs);
  const ordered = precedenceOrder(stubs);
  const mappings: WireMockMapping[] = [];
  const files: GeneratedFile[] = [];
  for (const stub of ordered) {
    const name = names.get(stub.id)!;
    const stubMappings = stub.replies.map((reply, index) => {
      const response = compileReply(stub, reply, index, name, files);
      return mappingFor(stub, wiremockPriority(stub), index, compileRequest(stub), response);
    });
    mappings.push(...stubMappings);
    const content = stubMappings.length === 1 ? stubMappings[0] : { mappings: stubMappings };
    files.push({ path: `mappings/${name}.json`, data: `${JSON.stringify(content, null, 2)}\n` });
  }
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { mappings, files };
}

/**
 * Write `mappings/*.json` and `__files/*` under `rootDir`, each atomically, then remove files a
 * previous run generated that this one did not (per the manifest). Returns the paths written.
 */
export async function writeWireMockMappings(stubs: readonly Stub[], rootDir: string): Promise<string[]> {
  const { files } = compileWireMock(stubs);
  const previous = await readManifest(rootDir);
  for (const file of files) {
    const target = join(rootDir, ...file.path.split('/'));
    // Skip identical content: keeps mtimes (and WireMock's view) stable across no-op regenerations.
    const existing = await readFile(target).catch(() => undefined);
    if (existing !== undefined && existing.equals(Buffer.isBuffer(file.data) ? file.data : Buffer.from(file.data, 'utf8'))) continue;
    await atomicWriteFile(target, file.data);
  }
  const current = new Set(files.map((f) => f.path));
  for (const stale of previous) {
    if (!current.has(stale) && isOwnedPath(stale)) await unlink(join(rootDir, ...stale.split('/'))).catch(() => {});
  }
  await atomicWriteFile(join(rootDir, MANIFEST_FILE), `${JSON.stringify({ generatedBy: 'seam', files: [...current] }, null, 2)}\n`);
  return [...current];
}

async function readManifest(rootDir: string): Promise<string[]> {
  try {
    const parsed = JSON.parse(await readFile(join(rootDir, MANIFEST_FILE), 'utf8')) as { files?: unknown };
    return Array.isArray(parsed.files) ? parsed.files.filter((f): f is string => typeof f === 'string') : [];
  } catch {
    return [];
  }
}

// Only ever delete inside mappings/ or __files/, whatever a hand-edited manifest says.
function isOwnedPath(path: string): boolean {
  return /^(mappings|__files)\/[^/\\]+$/.test(path) && !path.includes('..');
}

/** A name-based (RFC 4122 v5) UUID: deterministic per name. */
export function nameUuid(name: string): string {
  const ns = Buffer.from(UUID_NAMESPACE.replace(/-/g, ''), 'hex');
  const hash = createHash('sha1').update(ns).update(name, 'utf8').digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The mapping id of reply `index` of a stub. */
export function mappingId(stubId: string, index: number): string {
  return nameUuid(`${stubId}#${index}`);
}

// ---------------------------------------------------------------------------------------------

function mappingFor(stub: Stub, priority: number, index: number, request: Record<string, unknown>, response: Record<string, unknown>): WireMockMapping {
  const id = mappingId(stub.id, index);
  const count = stub.replies.length;
  const mapping: WireMockMapping = {
    id,
    uuid: id,
    name: count > 1 ? `${stub.id} (reply ${index + 1} of ${count})` : stub.id,
    priority,
    request,
    response,
    metadata: { seam: seamMetadata(stub, index) },
  };
  if (count > 1) {
    // Keys in a fixed order for stable files: rebuild with the scenario fields after `priority`.
    const { request: req, response: res, metadata, ...head } = mapping;
    return {
      ...head,
      scenarioName: stub.id,
      requiredScenarioState: index === 0 ? 'Started' : String(index + 1),
      ...(index < count - 1 ? { newScenarioState: String(index + 2) } : {}),
      request: req,
      response: res,
      metadata,
    };
  }
  return mapping;
}

function seamMetadata(stub: Stub, index: number): SeamMappingMetadata {
  const reply = stub.replies[index]!;
  const meta: SeamMappingMetadata = { stub: stub.id, reply: index, priority: stub.priority ?? DEFAULT_PRIORITY };
  if (isFault(reply)) meta.fault = reply.fault;
  if (stub.operation !== undefined) meta.operation = stub.operation;
  return meta;
}

function compileRequest(stub: Stub): Record<string, unknown> {
  const r = stub.request;
  const out: Record<string, unknown> = { method: r.method.toUpperCase() };
  if (r.path.includes('{')) out.urlPathTemplate = r.path;
  else out.urlPath = r.path;
  if (r.query !== undefined && Object.keys(r.query).length > 0) out.queryParameters = valueMatchers(r.query, false);
  if (r.headers !== undefined && Object.keys(r.headers).length > 0) out.headers = valueMatchers(r.headers, true);
  if (r.body !== undefined) Object.assign(out, bodyMatcher(r.body));
  return out;
}

function valueMatchers(matchers: Record<string, ValueMatcher>, lowerCase: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of Object.keys(matchers).sort()) out[lowerCase ? name.toLowerCase() : name] = valueMatcher(matchers[name]!);
  return out;
}

/** Every array inside a JSON value, as [JSONPath in bracket notation, length], depth first. */
function arrayLengths(value: unknown, path: string): [string, number][] {
  if (value === null || typeof value !== 'object') return [];
  const out: [string, number][] = [];
  if (Array.isArray(value)) {
    out.push([path, value.length]);
    value.forEach((v, i) => out.push(...arrayLengths(v, `${path}[${i}]`)));
  } else {
    for (const [key, v] of Object.entries(value)) out.push(...arrayLengths(v, `${path}['${key.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}']`));
  }
  return out;
}

function valueMatcher(m: ValueMatcher): Record<string, unknown> {
  if ('equals' in m) return { equalTo: m.equals };
  if ('matches' in m) return { matches: m.matches };
  // WireMock 3 treats `absent: false` as "no constraint"-ish and then fails to match a present
  // parameter; "present" is spelled as a match-anything pattern instead.
  return m.present ? { matches: '(?s).*' } : { absent: true };
}

function bodyMatcher(body: BodyMatcher): Record<string, unknown> {
  if ('jsonSubset' in body) {
    const value = body.jsonSubset;
    // The schema allows an object or a JSON string; arrays and scalars go as their JSON text.
    const equalToJson = value !== null && typeof value === 'object' && !Array.isArray(value) ? value : JSON.stringify(value);
    // ignoreExtraElements also lets an array have extra items at its end; a stub's array means
    // "this list" (src/stubs/match.ts), so each array's length is pinned by a JSONPath pattern.
    const lengths = arrayLengths(value, '$').map(([path, n]) => ({ matchesJsonPath: { expression: `${path}.length()`, equalTo: String(n) } }));
    return { bodyPatterns: [{ equalToJson, ignoreExtraElements: true, ignoreArrayOrder: false }, ...lengths] };
  }
  if ('form' in body) return { formParameters: valueMatchers(body.form, false) };
  const t = body.text;
  if ('present' in t) return { bodyPatterns: [t.present ? { matches: '(?s).+' } : { absent: true }] };
  return { bodyPatterns: [valueMatcher(t)] };
}

function compileReply(stub: Stub, reply: Reply, index: number, name: string, files: GeneratedFile[]): Record<string, unknown> {
  if (isFault(reply)) {
    const out: Record<string, unknown> = {};
    if (reply.fault === 'truncated') {
      out.status = 200;
      out.headers = {
        'content-type': 'application/json',
        [STUB_HEADER]: stub.id,
        'Content-Encoding': 'identity',
        'Content-Length': String(TRUNCATED_LENGTH),
      };
      out.body = TRUNCATED_BODY;
    } else if (reply.fault === 'hang') {
      out.status = 200;
      out.headers = { [STUB_HEADER]: stub.id };
    } else {
      out.fault = WIREMOCK_FAULTS[reply.fault];
    }
    const delay = reply.fault === 'hang' ? HANG_DELAY_MS : reply.delayMs;
    if (delay !== undefined && delay > 0) out.fixedDelayMilliseconds = Math.round(delay);
    return out;
  }
  return compileResponse(stub, reply, index, name, files);
}

function compileResponse(stub: Stub, reply: ResponseReply, index: number, name: string, files: GeneratedFile[]): Record<string, unknown> {
  const out: Record<string, unknown> = { status: reply.status };
  const headers = responseHeaders(stub.id, reply.headers);
  let contentType = headerValue(reply.headers, 'content-type');
  // As the embedded and msw engines: a body without a content-type header gets its type's default.
  if (contentType === undefined && (contentType = defaultContentType(reply.body)) !== undefined) {
    delete headers[STUB_HEADER];
    headers['content-type'] = contentType;
    headers[STUB_HEADER] = stub.id;
  }
  for (const [header, seconds] of dateHeaderList(reply.dateHeaders) ?? []) headers[header] = dateTemplate(seconds);
  out.headers = headers;
  const echo = reply.echo !== undefined && reply.echo.length > 0 && reply.body !== undefined && 'json' in reply.body ? reply.echo : undefined;
  const body = echo !== undefined ? { json: withEchoTemplates((reply.body as { json: unknown }).json, echo) } : reply.body;
  Object.assign(out, compileBody(body, contentType, `${name}.${index}`, files));
  if (echo !== undefined || reply.dateHeaders !== undefined) out.transformers = ['response-template'];
  if (reply.delayMs !== undefined && reply.delayMs > 0) out.fixedDelayMilliseconds = Math.round(reply.delayMs);
  return out;
}

function responseHeaders(stubId: string, headers: MultiMap | undefined): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [key, value] of Object.entries(headers ?? {})) {
    const name = key.toLowerCase();
    if (DROPPED_RESPONSE_HEADERS.has(name) || name === STUB_HEADER) continue;
    // Single values as strings (what WireMock's schema allows); repeated ones as arrays (what
    // WireMock accepts and serves as repeated headers, though its schema says string only).
    out[name] = Array.isArray(value) ? (value.length === 1 ? value[0]! : [...value]) : value;
  }
  out[STUB_HEADER] = stubId;
  return out;
}


/** An HTTP-date `seconds` after the answer, as WireMock's `now` helper renders it. */
function dateTemplate(seconds: number): string {
  return `{{now offset='${Math.round(seconds)} seconds' timezone='GMT' format='EEE, dd MMM yyyy HH:mm:ss z'}}`;
}

function headerValue(headers: MultiMap | undefined, name: string): string | undefined {
  for (const [key, value] of Object.entries(headers ?? {})) {
    if (key.toLowerCase() === name) return Array.isArray(value) ? value[0] : value;
  }
  return undefined;
}

function compileBody(body: Body | undefined, contentType: string | undefined, fileStem: string, files: GeneratedFile[]): Record<string, unknown> {
  if (body === undefined || 'omitted' in body) return {}; // an omitted body has no bytes to serve
  const toFile = (data: Buffer, ext: string): Record<string, unknown> => {
    const fileName = `${fileStem}.${ext}`;
    files.push({ path: `__files/${fileName}`, data });
    return { bodyFileName: fileName };
  };
  if ('base64' in body) return toFile(Buffer.from(body.base64, 'base64'), 'bin');
  if ('json' in body) {
    const text = JSON.stringify(body.json);
    if (Buffer.byteLength(text) > INLINE_BODY_LIMIT) return toFile(Buffer.from(text, 'utf8'), 'json');
    // jsonBody must be an object or array; a scalar JSON body goes as its text.
    return body.json !== null && typeof body.json === 'object' ? { jsonBody: body.json } : { body: text };
  }
  const text = 'text' in body ? body.text : formToString(body.form);
  if (Buffer.byteLength(text) > INLINE_BODY_LIMIT) {
    const type = mediaType(contentType);
    return toFile(Buffer.from(text, 'utf8'), isJsonMediaType(type) ? 'json' : 'txt');
  }
  return { body: text };
}

// ---------------------------------------------------------------------------------------------
// Echo: write a handlebars expression at each `to` pointer of a copy of the JSON body.

function withEchoTemplates(json: unknown, echo: Echo[]): unknown {
  let out = structuredClone(json);
  for (const e of echo) out = setPointer(out, e.to, `{{{${echoExpression(e.from)}}}}`);
  return out;
}

function echoExpression(from: string): string {
  const dot = from.indexOf('.');
  if (from.startsWith('body')) return `jsonPath request.body '${pointerToJsonPath(from.slice(4))}'`;
  const kind = from.slice(0, dot);
  const key = from.slice(dot + 1).replace(/[\]\\]/g, '');
  if (dot > 0 && kind === 'path') return `request.path.[${key}]`;
  if (dot > 0 && kind === 'query') return `request.query.[${key}]`;
  if (dot > 0 && kind === 'header') return `request.headers.[${key}]`;
  throw new InputError(`echo source "${from}" is not path.<param>, query.<name>, header.<name> or body<pointer>`);
}

function pointerToJsonPath(pointer: string): string {
  const tokens = splitPointer(pointer);
  // Dot notation: the expression sits inside a single-quoted handlebars string inside a JSON string.
  return `$${tokens.map((t) => (/^\d+$/.test(t) ? `[${t}]` : /^[A-Za-z_][A-Za-z0-9_-]*$/.test(t) ? `.${t}` : `["${t}"]`)).join('')}`;
}

function splitPointer(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function setPointer(root: unknown, pointer: string, value: unknown): unknown {
  const tokens = splitPointer(pointer);
  if (tokens.length === 0) return value;
  const top = root !== null && typeof root === 'object' ? root : {};
  let node = top as Record<string, unknown>;
  tokens.forEach((token, i) => {
    if (i === tokens.length - 1) node[token] = value;
    else {
      const next = node[token];
      node = (next !== null && typeof next === 'object' ? next : (node[token] = {})) as Record<string, unknown>;
    }
  });
  return top;
}

// ---------------------------------------------------------------------------------------------
// Precedence and file names.

// The order src/stubs/match.ts tries stubs in — segment kinds left to right (literal < mixed <
// param), then priority, then more matchers — encoded as one WireMock priority per stub, so a
// stub's number does not change when other stubs come and go (stubs with different segment
// counts never compete). Limits: the first 11 segments, Seam priority 0–99, specificity 0–63;
// two stubs equal on all three that match one request are left to WireMock (Seam: stub order).
export function wiremockPriority(stub: Stub): number {
  const kinds = stub.request.path.split('/').slice(1, 12).map(segmentKind);
  let shape = 0;
  for (let i = 0; i < 11; i++) shape = shape * 3 + (kinds[i] ?? 0);
  const priority = Math.min(99, Math.max(0, Math.round(stub.priority ?? DEFAULT_PRIORITY)));
  return 1 + (shape * 100 + priority) * 64 + (63 - Math.min(63, specificity(stub)));
}

function precedenceOrder(stubs: readonly Stub[]): Stub[] {
  return stubs
    .map((stub, order) => ({ stub, order, priority: wiremockPriority(stub) }))
    .sort((a, b) => a.priority - b.priority || a.order - b.order)
    .map((k) => k.stub);
}

function segmentKind(segment: string): number {
  if (!segment.includes('{')) return 0;
  return /^\{[^{}]+\}$/.test(segment) ? 2 : 1;
}

function specificity(stub: Stub): number {
  const r = stub.request;
  const body = r.body;
  let weight = 0;
  if (body !== undefined) {
    if ('jsonSubset' in body) weight = Math.max(1, leaves(body.jsonSubset));
    else if ('form' in body) weight = Math.max(1, Object.keys(body.form).length);
    else weight = 1;
  }
  return (r.method.toUpperCase() === 'ANY' ? 0 : 1) + Object.keys(r.query ?? {}).length + Object.keys(r.headers ?? {}).length + weight;
}

function leaves(value: unknown): number {
  if (value === null || typeof value !== 'object') return 1;
  let n = 0;
  for (const v of Object.values(value)) n += leaves(v);
  return n;
}

// Stub id → a file-name stem: the id itself when it is a safe, case-insensitively unique name;
// otherwise a slug plus a short hash of the id (stable, collision-free in practice).
function fileNames(stubs: readonly Stub[]): Map<string, string> {
  const lower = new Map<string, number>();
  for (const s of stubs) lower.set(s.id.toLowerCase(), (lower.get(s.id.toLowerCase()) ?? 0) + 1);
  const out = new Map<string, string>();
  for (const s of stubs) {
    const slug = s.id.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._]+/, '').slice(0, 80);
    const safe = slug === s.id && slug !== '' && lower.get(s.id.toLowerCase()) === 1;
    out.set(s.id, safe ? slug : `${slug || 'stub'}-${createHash('sha256').update(s.id).digest('hex').slice(0, 8)}`);
  }
  return out;
}
