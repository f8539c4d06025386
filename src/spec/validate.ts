// Recorded exchanges checked against a partner's OpenAPI description: the request (path, query and
// header parameters, body) and the response (status documented, headers, body), with ajv.
//
// One Ajv2020 instance per spec holds every document (`ajvDocuments`); validators are compiled
// lazily, once per schema location (body schemas and parameter schemas are shared across
// operations, so keying by location compiles each at most once). `verbose` is on because each
// error's `parentSchema` is how a failure is traced back to the spec file: ajv's `schemaPath` is
// relative to whichever schema resource it compiled (a `$ref` target compiled on its own starts
// again at `#`), whereas `parentSchema` is the very object of the converted document that holds the
// failing keyword. A walk of the converted documents beside the originals maps each such object to
// its pointer in the file (built on the first failure; never needed for clean traffic).
//
// anyOf / oneOf: ajv reports every branch's errors and then "must match a schema in anyOf". That is
// noise for Stripe, where almost every field is `anyOf: [id string, expanded object]` or
// `anyOf: [object, deleted object]`. The branch the value was evidently meant for (its type fits
// and, for objects, it defines the most of the value's fields) is validated on its own and its
// errors are reported instead; when no branch stands out, one violation names the anyOf.
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ErrorObject, ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { fullFormats } from 'ajv-formats/dist/formats.js';
import { InputError } from '../errors.js';
import { isJsonMediaType, mediaType } from '../exchange/body.js';
import type { Body, Exchange, MultiMap, MultiValue } from '../exchange/types.js';
import { isFailure } from '../exchange/types.js';
import { ajvDocuments, uriOf } from './json-schema.js';
import { deref } from './load.js';
import { operations, webhooks } from './operations.js';
import { appendPointer, escapeToken, getAt, parsePointer } from './pointer.js';
import { indexOperations, resolveOperation, type OperationIndex } from './resolve.js';
import { jsonType, SchemaReader, unflatten, type Raw, type SchemaAt } from './serialised-values.js';
import type { LoadedSpec, Location, MediaBody, Operation, Parameter, ResponseSpec } from './types.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => void;

export type ViolationPart = 'request' | 'response';
export type ViolationLocation = 'operation' | 'path' | 'query' | 'header' | 'body' | 'status';

export interface Violation {
  part: ViolationPart;
  location: ViolationLocation;
  /** Parameter or header name. */
  name?: string;
  /** JSON pointer into the body (`''` = the whole body); body violations only. */
  pointer?: string;
  /** The ajv keyword (`type`, `required`, `additionalProperties`, …) or a seam code (see SEAM_CODES). */
  keyword: string;
  /** One readable sentence. */
  message: string;
  /** The spec node that failed: the schema keyword, or the operation / response / parameter. */
  spec?: Location;
}

/** Codes of violations that are not schema keywords. */
export const SEAM_CODES = [
  'undocumented-operation',
  'undocumented-status',
  'undocumented-media-type',
  'missing-parameter',
  'missing-header',
  'missing-body',
  'unexpected-body',
  'unparseable-body',
] as const;

export interface RequestInput {
  method: string;
  path: string;
  query: MultiMap;
  headers: MultiMap;
  body?: Body;
}

export interface ResponseInput {
  status: number;
  headers: MultiMap;
  body?: Body;
}

/** A part that was not checked, and why (binary or omitted bodies, deliveries without a webhook). */
export interface Skip {
  part: 'request' | 'response' | 'exchange';
  reason: string;
}

export interface ExchangeCheck {
  operation?: Operation;
  violations: Violation[];
  skipped: Skip[];
}

/** Where a converted schema object sits: in the spec file, and in ajv's copy (for compiling a branch). */
interface Place {
  file: string;
  pointer: string;
  ajvPointer: string;
  /** A node ajvDocuments made up (3.0 `nullable` → `{ type: 'null' }`): `pointer` is the whole story. */
  synthetic?: boolean;
}

interface Target {
  part: ViolationPart;
  location: ViolationLocation;
  name?: string;
  /** The schema's own location, when a failing keyword cannot be placed more exactly. */
  at?: Location;
}

// OpenAPI: header parameters with these names are ignored (described elsewhere in the spec).
const IGNORED_HEADERS = new Set(['accept', 'content-type', 'authorization']);

export class SpecValidator {
  readonly spec: LoadedSpec;
  private readonly ajv: Ajv2020;
  private readonly reader: SchemaReader;
  private readonly validators = new Map<string, ValidateFunction>();
  private index: OperationIndex | undefined;
  private hooks: Map<string, Operation> | undefined;
  private places: Map<object, Place> | undefined;
  private readonly headerPlaces = new WeakMap<ResponseSpec, Map<string, Location>>();

  constructor(spec: LoadedSpec) {
    this.spec = spec;
    this.ajv = new Ajv2020({ strict: false, allErrors: true, logger: false, verbose: true });
    addFormats(this.ajv);
    // `format: uri` read as a URI reference: partners document relative links that way (every
    // Twilio resource's `uri`, `first_page_uri`, …), and a strict absolute-URI check would flag
    // every such response — noise, not a disagreement worth a line.
    this.ajv.addFormat('uri', fullFormats['uri-reference']);
    const documents = ajvDocuments(spec);
    for (const doc of documents) this.ajv.addSchema(doc);
    this.reader = new SchemaReader(documents);
  }

  /** The operation for a request, with its path parameters (base paths handled). */
  resolve(method: string, path: string): { operation: Operation; params: Record<string, string> } | undefined {
    this.index ??= indexOperations(operations(this.spec));
    return resolveOperation(this.index, method, path);
  }

  validateExchange(exchange: Exchange): ExchangeCheck {
    const skipped: Skip[] = [];
    const { request, response } = exchange;
    let match: { operation: Operation; params: Record<string, string> } | undefined;
    if (exchange.direction === 'inbound') {
      // A delivery arrives at the connector's own URL: only a named 3.1 webhook says what it must be.
      this.hooks ??= new Map(webhooks(this.spec).map((w) => [w.id, w]));
      const hook = exchange.operation !== undefined ? this.hooks.get(exchange.operation) : undefined;
      if (!hook) return { violations: [], skipped: [{ part: 'exchange', reason: 'inbound delivery not tied to a documented webhook' }] };
      match = { operation: hook, params: {} };
    } else {
      match = this.resolve(request.method, request.path);
    }
    if (!match) {
      return {
        violations: [
          {
            part: 'request',
            location: 'operation',
            keyword: 'undocumented-operation',
            message: `${request.method.toUpperCase()} ${request.path} matches no operation in the spec`,
          },
        ],
        skipped,
      };
    }
    const violations = this.validateRequest(match.operation, request, match.params, skipped);
    if (!isFailure(response)) violations.push(...this.validateResponse(match.operation, response, skipped));
    return { operation: match.operation, violations, skipped };
  }

  validateRequest(op: Operation, request: RequestInput, pathParams: Record<string, string>, skipped: Skip[] = []): Violation[] {
    const out: Violation[] = [];
    for (const param of op.parameters) {
      if (param.in === 'cookie') continue;
      if (param.in === 'header' && IGNORED_HEADERS.has(param.name.toLowerCase())) continue;
      const raw = rawParameter(param, request, pathParams);
      const location = param.in === 'formData' ? 'body' : param.in;
      if (raw === undefined) {
        if (param.required) {
          out.push({
            part: 'request',
            location,
            name: param.name,
            keyword: 'missing-parameter',
            message: `required ${param.in} parameter ${param.name} is missing`,
            spec: param.at,
          });
        }
        continue;
      }
      const schema = this.parameterSchema(param);
      if (!schema) continue;
      const value = this.reader.coerce(splitParameter(param, raw, this.reader.types(schema.read)), schema.read);
      out.push(...this.explain(schema.validate, value, { part: 'request', location, name: param.name, at: schema.at }));
    }
    out.push(...this.checkRequestBody(op, request, skipped));
    return out;
  }

  validateResponse(op: Operation, response: ResponseInput, skipped: Skip[] = []): Violation[] {
    const status = String(response.status);
    const spec =
      op.responses.find((r) => r.status === status) ??
      op.responses.find((r) => r.status === `${status[0]}XX`) ??
      op.responses.find((r) => r.status === 'default');
    if (!spec) {
      const documented = op.responses.map((r) => r.status).join(', ') || 'none';
      return [
        {
          part: 'response',
          location: 'status',
          keyword: 'undocumented-status',
          message: `status ${status} is not documented for ${op.id} (the spec has ${documented})`,
          spec: { file: op.at.file, pointer: appendPointer(op.at.pointer, 'responses') },
        },
      ];
    }
    const out = this.checkResponseHeaders(spec, response.headers);
    out.push(...this.checkResponseBody(spec, response, skipped));
    return out;
  }

  // --- parameters and headers -------------------------------------------------------------------

  private parameterSchema(param: Parameter): { validate: ValidateFunction; read: SchemaAt; at: Location } | undefined {
    if (param.schema === undefined) return undefined; // 3.x `content` parameters: not decoded
    if (this.spec.version === '2.0') {
      const schema = swagger2Schema(param.schema);
      const key = `${uriOf(param.at)}#2.0`;
      const validate = this.validators.get(key) ?? this.compile(key, schema, param.at);
      this.placesMap().set(schema, { file: param.at.file, pointer: param.at.pointer, ajvPointer: '' });
      return { validate, read: { node: schema, file: param.at.file }, at: param.at };
    }
    const at = { file: param.at.file, pointer: appendPointer(param.at.pointer, 'schema') };
    return { validate: this.compileAt(at), read: this.readAt(at), at };
  }

  private checkResponseHeaders(spec: ResponseSpec, headers: MultiMap): Violation[] {
    const out: Violation[] = [];
    const places = this.headerLocations(spec);
    for (const [name, raw] of Object.entries(spec.headers)) {
      if (name === 'content-type' || !isObject(raw)) continue;
      const at = places.get(name) ?? spec.at;
      const value = headers[name];
      if (value === undefined) {
        if (raw.required === true) {
          out.push({
            part: 'response',
            location: 'header',
            name,
            keyword: 'missing-header',
            message: `required response header ${name} is missing`,
            spec: at,
          });
        }
        continue;
      }
      let validate: ValidateFunction;
      let read: SchemaAt;
      let schemaAt: Location;
      if (this.spec.version === '2.0') {
        const schema = swagger2Schema(raw);
        const key = `${uriOf(at)}#2.0`;
        validate = this.validators.get(key) ?? this.compile(key, schema, at);
        read = { node: schema, file: at.file };
        schemaAt = at;
      } else {
        if (raw.schema === undefined) continue;
        schemaAt = { file: at.file, pointer: appendPointer(at.pointer, 'schema') };
        validate = this.compileAt(schemaAt);
        read = this.readAt(schemaAt);
      }
      const text = Array.isArray(value) ? value.join(', ') : value;
      const types = this.reader.types(read);
      const typed = this.reader.coerce(types?.has('array') && !types.has('string') ? text.split(',').map((s) => s.trim()) : text, read);
      out.push(...this.explain(validate, typed, { part: 'response', location: 'header', name, at: schemaAt }));
    }
    return out;
  }

  /** Response header name (lower-case) → where its header object lives (refs followed). */
  private headerLocations(spec: ResponseSpec): Map<string, Location> {
    let map = this.headerPlaces.get(spec);
    if (!map) {
      map = new Map();
      const found = getAt(this.spec.documents.get(spec.at.file), parsePointer(spec.at.pointer) ?? []);
      const node = found.found && isObject(found.value) && isObject(found.value.headers) ? found.value.headers : {};
      for (const [name, h] of Object.entries(node)) {
        map.set(name.toLowerCase(), deref(this.spec, h, { file: spec.at.file, pointer: appendPointer(spec.at.pointer, 'headers', name) }).at);
      }
      this.headerPlaces.set(spec, map);
    }
    return map;
  }

  // --- bodies -----------------------------------------------------------------------------------

  private checkRequestBody(op: Operation, request: RequestInput, skipped: Skip[]): Violation[] {
    const requestBody = op.requestBody;
    const at = { file: op.at.file, pointer: appendPointer(op.at.pointer, 'requestBody') };
    if (request.body === undefined) {
      if (!requestBody?.required) return [];
      return [{ part: 'request', location: 'body', pointer: '', keyword: 'missing-body', message: 'the request has no body; the spec requires one', spec: at }];
    }
    if (!requestBody || requestBody.content.length === 0) {
      return [{ part: 'request', location: 'body', pointer: '', keyword: 'unexpected-body', message: `the request has a body; the spec documents none for ${op.id}`, spec: op.at }];
    }
    return this.checkBody('request', requestBody.content, at, request.body, header(request.headers, 'content-type'), op, skipped);
  }

  private checkResponseBody(spec: ResponseSpec, response: ResponseInput, skipped: Skip[]): Violation[] {
    if (response.body === undefined) return [];
    if (spec.content.length === 0) {
      return [
        {
          part: 'response',
          location: 'body',
          pointer: '',
          keyword: 'unexpected-body',
          message: `the response has a body; the spec documents none for status ${spec.status}`,
          spec: spec.at,
        },
      ];
    }
    return this.checkBody('response', spec.content, spec.at, response.body, header(response.headers, 'content-type'), undefined, skipped);
  }

  private checkBody(
    part: ViolationPart,
    content: MediaBody[],
    at: Location,
    body: Body,
    contentType: string | undefined,
    op: Operation | undefined,
    skipped: Skip[],
  ): Violation[] {
    if ('omitted' in body) {
      skipped.push({ part, reason: `${part} body omitted at recording (${body.omitted.bytes} bytes)` });
      return [];
    }
    if ('base64' in body) {
      skipped.push({ part, reason: `${part} body is binary (${mediaType(body.contentType) || 'unknown type'})` });
      return [];
    }
    const media = pickMedia(content, contentType);
    if (!media) {
      const documented = content.map((c) => c.mediaType).join(', ');
      return [
        {
          part,
          location: 'body',
          pointer: '',
          keyword: 'undocumented-media-type',
          message: `the body is ${mediaType(contentType) || 'untyped'}; the spec documents ${documented}`,
          spec: { file: at.file, pointer: appendPointer(at.pointer, 'content') },
        },
      ];
    }
    if (media.schema === undefined) return [];
    const schema = this.bodySchema(media, op);
    let value: unknown;
    if ('json' in body) {
      value = body.json;
    } else if ('form' in body) {
      value = this.reader.coerce(unflatten(Object.entries(body.form)), schema.read);
    } else if (isJsonMediaType(mediaType(media.mediaType)) || isJsonMediaType(mediaType(contentType))) {
      return [{ part, location: 'body', pointer: '', keyword: 'unparseable-body', message: `the body is not valid JSON (content-type ${contentType ?? 'none'})`, spec: schema.at }];
    } else {
      const types = this.reader.types(schema.read);
      if (types && !types.has('string')) {
        skipped.push({ part, reason: `${part} body is ${mediaType(contentType) || 'text'}, not decoded against the schema` });
        return [];
      }
      value = body.text;
    }
    return this.explain(schema.validate, value, { part, location: 'body', at: schema.at });
  }

  private bodySchema(media: MediaBody, op: Operation | undefined): { validate: ValidateFunction; read: SchemaAt; at: Location } {
    if (media.schemaAt) return { validate: this.compileAt(media.schemaAt), read: this.readAt(media.schemaAt), at: media.schemaAt };
    // 2.0 formData: a schema synthesized by operations(), no place of its own in the file.
    const at = op ? { file: op.at.file, pointer: appendPointer(op.at.pointer, 'parameters') } : { file: this.spec.file, pointer: '' };
    const key = `${op?.id ?? ''} ${media.mediaType}#synthesized`;
    return { validate: this.validators.get(key) ?? this.compile(key, media.schema, at), read: { node: media.schema, file: at.file }, at };
  }

  // --- compiling --------------------------------------------------------------------------------

  private compileAt(at: Location): ValidateFunction {
    const key = uriOf(at);
    return this.validators.get(key) ?? this.compile(key, { $ref: key }, at);
  }

  private compile(key: string, schema: unknown, at: Location): ValidateFunction {
    let validate: ValidateFunction;
    try {
      validate = this.ajv.compile(schema as object);
    } catch (error) {
      throw new InputError(`the schema cannot be compiled: ${(error as Error).message}`, at, { cause: error });
    }
    this.validators.set(key, validate);
    return validate;
  }

  private readAt(at: Location): SchemaAt {
    return this.reader.resolve({ node: { $ref: `#${encodePointer(at.pointer)}` }, file: at.file });
  }

  // --- errors → violations ----------------------------------------------------------------------

  private explain(validate: ValidateFunction, data: unknown, target: Target, prefix = '', depth = 0): Violation[] {
    if (validate(data)) return [];
    const errors = [...(validate.errors ?? [])];
    // Errors inside a failed anyOf/oneOf come just before it, at or under its instance path.
    const inside = new Set<number>();
    for (let i = errors.length - 1; i >= 0; i--) {
      const e = errors[i] as ErrorObject;
      if (inside.has(i) || (e.keyword !== 'anyOf' && e.keyword !== 'oneOf')) continue;
      for (let j = i - 1; j >= 0 && isUnder((errors[j] as ErrorObject).instancePath, e.instancePath); j--) inside.add(j);
    }
    const out: Violation[] = [];
    errors.forEach((e, i) => {
      if (inside.has(i) || e.keyword === 'if') return;
      if ((e.keyword === 'anyOf' || e.keyword === 'oneOf') && !(e.params as { passingSchemas?: unknown }).passingSchemas && depth < 16) {
        const branch = this.pickBranch(e);
        if (branch) {
          const found = this.explain(branch, e.data, target, prefix + e.instancePath, depth + 1);
          if (found.length > 0) {
            out.push(...found);
            return;
          }
        }
      }
      out.push(this.violation(e, target, prefix));
    });
    return out;
  }

  /** The alternative the value was evidently meant for, compiled on its own; undefined when unclear. */
  private pickBranch(e: ErrorObject): ValidateFunction | undefined {
    const parent = e.parentSchema;
    const place = parent && this.placesMap().get(parent);
    const branches = parent && (parent as Record<string, unknown>)[e.keyword];
    if (!place || place.synthetic === true || place.ajvPointer === '' || !Array.isArray(branches)) return undefined;
    const kind = jsonType(e.data);
    let candidates = branches.map((node, i) => ({ i, at: { node, file: place.file } })).filter(({ at }) => {
      const types = this.reader.types(at);
      return !types || types.has(kind) || (kind === 'integer' && types.has('number'));
    });
    if (candidates.length > 1 && kind === 'object') {
      const keys = Object.keys(e.data as object);
      const scored = candidates.map((c) => {
        const names = this.reader.propertyNames(c.at);
        return { ...c, score: keys.filter((k) => names.has(k)).length };
      });
      const best = Math.max(...scored.map((s) => s.score));
      candidates = scored.filter((s) => s.score === best);
    }
    if (candidates.length !== 1) return undefined;
    const at = { file: place.file, pointer: appendPointer(place.ajvPointer, e.keyword, (candidates[0] as { i: number }).i) };
    return this.compileAt(at);
  }

  private violation(e: ErrorObject, target: Target, prefix: string): Violation {
    const params = e.params as Record<string, unknown>;
    const field = params.missingProperty ?? params.additionalProperty ?? params.unevaluatedProperty;
    const pointer = prefix + e.instancePath + (typeof field === 'string' ? `/${escapeToken(field)}` : '');
    const place = e.parentSchema ? this.placesMap().get(e.parentSchema) : undefined;
    const spec = place ? { file: place.file, pointer: this.existing(place.file, place.synthetic ? place.pointer : appendPointer(place.pointer, e.keyword)) } : target.at;
    return {
      part: target.part,
      location: target.location,
      ...(target.name !== undefined ? { name: target.name } : {}),
      ...(target.location === 'body' ? { pointer } : {}),
      keyword: e.keyword,
      message: sentence(subject(target, pointer), e),
      ...(spec ? { spec } : {}),
    };
  }

  /** `pointer`, or its nearest ancestor that is in the file (a keyword ajvDocuments added, e.g. `nullable`'s anyOf). */
  private existing(file: string, pointer: string): string {
    const tokens = parsePointer(pointer) ?? [];
    const doc = this.spec.documents.get(file);
    while (tokens.length > 0 && !getAt(doc, tokens).found) tokens.pop();
    return appendPointer('', ...tokens);
  }

  /** Every object of ajv's converted documents → its place in the spec files; built on first use. */
  private placesMap(): Map<object, Place> {
    if (this.places) return this.places;
    const places = new Map<object, Place>();
    const seen = new Set<object>();
    const walk = (converted: unknown, original: unknown, file: string, pointer: string, ajvPointer: string): void => {
      if (converted === null || typeof converted !== 'object' || seen.has(converted)) return;
      seen.add(converted);
      places.set(converted, { file, pointer, ajvPointer });
      const orig = original !== null && typeof original === 'object' ? (original as Record<string, unknown>) : undefined;
      for (const [key, child] of Object.entries(converted)) {
        if (child === null || typeof child !== 'object') continue;
        if (key === 'anyOf' && orig && !('anyOf' in orig) && orig.nullable === true && Array.isArray(child)) {
          // `nullable` without a type became anyOf [the schema, { type: 'null' }]
          walk(child[0], orig, file, pointer, appendPointer(ajvPointer, 'anyOf', 0));
          if (isObject(child[1])) {
            seen.add(child[1]);
            places.set(child[1], { file, pointer: appendPointer(pointer, 'nullable'), ajvPointer: appendPointer(ajvPointer, 'anyOf', 1), synthetic: true });
          }
          continue;
        }
        walk(child, orig?.[key], file, appendPointer(pointer, key), appendPointer(ajvPointer, key));
      }
    };
    for (const doc of ajvDocuments(this.spec)) {
      const file = fileURLToPath(String(doc.$id));
      walk(doc, this.spec.documents.get(file), file, '', '');
    }
    this.places = places;
    return places;
  }
}

/** One validator per loaded spec (its ajv instance and compiled validators are reused across calls). */
export function createSpecValidator(spec: LoadedSpec): SpecValidator {
  return new SpecValidator(spec);
}

// --- helpers --------------------------------------------------------------------------------------

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function isUnder(path: string, base: string): boolean {
  return path === base || path.startsWith(`${base}/`);
}

function encodePointer(pointer: string): string {
  return encodeURI(pointer).replace(/#/g, '%23');
}

function header(headers: MultiMap, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** The media type the spec documents for `contentType` (exact, `type/*`, `*\/*`, any JSON for JSON). */
function pickMedia(content: MediaBody[], contentType: string | undefined): MediaBody | undefined {
  const want = mediaType(contentType);
  const isJson = (m: string) => isJsonMediaType(mediaType(m));
  if (want === '') return content.find((c) => isJson(c.mediaType)) ?? content[0];
  return (
    content.find((c) => mediaType(c.mediaType) === want) ??
    content.find((c) => mediaType(c.mediaType) === `${want.split('/')[0]}/*`) ??
    content.find((c) => mediaType(c.mediaType) === '*/*') ??
    (isJsonMediaType(want) ? content.find((c) => isJson(c.mediaType)) : undefined)
  );
}

/** The recorded value(s) of a parameter: a string, repeated values, or a bracketed tree. */
function rawParameter(param: Parameter, request: RequestInput, pathParams: Record<string, string>): Raw | undefined {
  if (param.in === 'path') return pathParams[param.name];
  if (param.in === 'header') return request.headers[param.name.toLowerCase()];
  if (param.in !== 'query') return undefined;
  const name = param.name;
  const entries = Object.entries(request.query).filter(([k]) => k === name || k.startsWith(`${name}[`));
  if (entries.length === 0) return undefined;
  if (entries.length === 1 && entries[0]?.[0] === name) return entries[0][1] as MultiValue;
  return unflatten(entries)[name];
}

/** A single string for an array parameter, split as its style says (form + explode: one item). */
function splitParameter(param: Parameter, raw: Raw, types: Set<string> | undefined): Raw {
  if (typeof raw !== 'string' || !types?.has('array') || types.has('string')) return raw;
  const style = param.style ?? (param.in === 'query' ? 'form' : 'simple');
  const explode = param.explode ?? style === 'form';
  if (style === 'spaceDelimited') return raw.split(' ');
  if (style === 'pipeDelimited') return raw.split('|');
  if (style === 'form' && explode) return raw;
  return raw.split(',');
}

const SCHEMA_2_KEYS = [
  'type', 'format', 'items', 'enum', 'minimum', 'maximum', 'minLength', 'maxLength', 'pattern',
  'minItems', 'maxItems', 'uniqueItems', 'multipleOf',
];

/** A 2.0 parameter or header object reduced to its JSON Schema keywords. */
function swagger2Schema(node: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!isObject(node)) return out;
  for (const k of SCHEMA_2_KEYS) if (node[k] !== undefined) out[k] = node[k];
  if (out.type === 'file') delete out.type;
  return out;
}

function subject(target: Target, pointer: string): string {
  if (target.location === 'body') return pointer === '' ? 'the body' : `body field ${pointer}`;
  const what = target.part === 'response' ? `response header ${target.name}` : `${target.location} parameter ${target.name}`;
  return pointer === '' ? what : `${what} at ${pointer}`;
}

const ARTICLE: Record<string, string> = {
  string: 'a string',
  integer: 'an integer',
  number: 'a number',
  boolean: 'a boolean',
  null: 'null',
  array: 'an array',
  object: 'an object',
};

function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function listOf(values: unknown[]): string {
  const shown = values.slice(0, 6).map(show).join(', ');
  return values.length > 6 ? `${shown}, … (${values.length} values)` : shown;
}

function sentence(what: string, e: ErrorObject): string {
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'type':
      return `${what} is ${ARTICLE[jsonType(e.data)]}, the spec wants ${([] as unknown[]).concat(p.type).join(' or ')}`;
    case 'required':
    case 'dependentRequired':
      return `${what} is missing; the spec requires it`;
    case 'additionalProperties':
    case 'unevaluatedProperties':
      return `${what} is not defined by the spec, which allows no other fields here`;
    case 'enum':
      return `${what} is ${show(e.data)}, the spec allows ${listOf(p.allowedValues as unknown[])}`;
    case 'const':
      return `${what} is ${show(e.data)}, the spec wants ${show(p.allowedValue)}`;
    case 'format':
      return `${what} is ${show(e.data)}, not a valid ${String(p.format)}`;
    case 'pattern':
      return `${what} is ${show(e.data)}, which does not match the pattern ${String(p.pattern)}`;
    case 'anyOf':
      return `${what} matches none of the alternatives the spec allows (anyOf)`;
    case 'oneOf':
      return p.passingSchemas
        ? `${what} matches more than one of the alternatives the spec allows (oneOf ${JSON.stringify(p.passingSchemas)})`
        : `${what} matches none of the alternatives the spec allows (oneOf)`;
    default:
      return `${what} ${e.message ?? `fails ${e.keyword}`}`;
  }
}

// --- many exchanges ---------------------------------------------------------------------------------

export interface CheckedExchange extends ExchangeCheck {
  file: string;
}

export interface ValidationSummary {
  exchanges: number;
  withViolations: number;
  violations: number;
  /** Exchanges not checked at all (inbound deliveries without a documented webhook). */
  skippedExchanges: number;
  /** Bodies not checked (binary, omitted at recording, text against a non-string schema). */
  skippedBodies: number;
}

export function summarize(checked: readonly CheckedExchange[]): ValidationSummary {
  let withViolations = 0;
  let violations = 0;
  let skippedExchanges = 0;
  let skippedBodies = 0;
  for (const c of checked) {
    if (c.violations.length > 0) withViolations++;
    violations += c.violations.length;
    for (const s of c.skipped) {
      if (s.part === 'exchange') skippedExchanges++;
      else skippedBodies++;
    }
  }
  return { exchanges: checked.length, withViolations, violations, skippedExchanges, skippedBodies };
}

