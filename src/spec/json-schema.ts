// Body schemas for later stages (validation with ajv, sample generation).
//
// Why refs are kept rather than dereferenced: Stripe's schemas are circular (customer → subscription
// → customer …), so a dereferenced copy is a cyclic object graph that ajv cannot compile, and a
// per-operation copy would cost tens of MB. Instead each document is converted *once* to plain JSON
// Schema 2020-12 with its `$ref`s untouched and an `$id` (its file URL); registered with
// `ajv.addSchema(...)` they let ajv compile `{ $ref: '<file URL>#/paths/…/schema' }` lazily: ajv
// compiles only the schemas reachable from the one asked for, once per ajv instance, and resolves
// `#/components/…` against the document and `other.yaml#/…` against the sibling file.
//
//   const ajv = new Ajv2020({ strict: false, allErrors: true, logger: false }); addFormats(ajv);
//   for (const doc of ajvDocuments(spec)) ajv.addSchema(doc);
//   const validate = ajv.compile(schemaFor(op, 200, 'application/json')!.jsonSchema);
//
// `strict: false` and `logger: false` because specs use formats ajv does not know (Stripe's
// `unix-time`, `decimal`: ignored, one warning each otherwise). Measured on Stripe: converting the
// documents ~130 ms, addSchema ~160 ms, compiling GET /v1/customers/{customer}'s 200 (which reaches
// a large part of the circular graph) ~1 s the first time; later compiles reuse what ajv compiled.
import { pathToFileURL } from 'node:url';
import type { LoadedSpec, Location, MediaBody, Operation } from './types.js';

export interface BodySchema {
  mediaType: string;
  /** The schema as written (refs unresolved): walk it with `deref` for sample generation. */
  node: unknown;
  /** Where `node` lives; absent for a synthesized schema (2.0 formData). */
  at?: Location;
  /** For ajv: `{ $ref: '<file URL>#<pointer>' }` once `ajvDocuments(spec)` are added, or the schema itself. */
  jsonSchema: unknown;
}

/**
 * The schema of the request body (`'request'`) or of the response with this status (exact, then its
 * `2XX` range, then `default`), for `mediaType` (ignoring parameters; falls back to a wildcard, then
 * to a JSON type, then to the first one listed). Undefined when the spec gives none.
 */
export function schemaFor(op: Operation, target: 'request' | number | string, mediaType?: string): BodySchema | undefined {
  let content: MediaBody[] | undefined;
  if (target === 'request') {
    content = op.requestBody?.content;
  } else {
    const status = String(target);
    const range = `${status[0]}XX`;
    const response =
      op.responses.find((r) => r.status === status) ??
      op.responses.find((r) => r.status === range) ??
      op.responses.find((r) => r.status === 'default');
    content = response?.content;
  }
  const media = content && pickMedia(content, mediaType);
  if (!media || media.schema === undefined) return undefined;
  const out: BodySchema = {
    mediaType: media.mediaType,
    node: media.schema,
    jsonSchema: media.schemaAt ? { $ref: uriOf(media.schemaAt) } : media.schema,
  };
  if (media.schemaAt) out.at = media.schemaAt;
  return out;
}

function essence(mediaType: string): string {
  return (mediaType.split(';')[0] ?? '').trim().toLowerCase();
}

const isJson = (m: string) => m === 'application/json' || m.endsWith('+json');

function pickMedia(content: MediaBody[], mediaType: string | undefined): MediaBody | undefined {
  if (content.length === 0) return undefined;
  if (mediaType !== undefined) {
    const want = essence(mediaType);
    const [type] = want.split('/');
    return (
      content.find((c) => essence(c.mediaType) === want) ??
      content.find((c) => essence(c.mediaType) === `${type}/*`) ??
      content.find((c) => essence(c.mediaType) === '*/*') ??
      (isJson(want) ? content.find((c) => isJson(essence(c.mediaType))) : undefined)
    );
  }
  return content.find((c) => isJson(essence(c.mediaType))) ?? content[0];
}

/** `file:///abs/spec.yaml#/paths/~1v1~1customers/get/…` — the ajv id of a node. */
export function uriOf(at: Location): string {
  return `${pathToFileURL(at.file).href}#${encodeURI(at.pointer).replace(/#/g, '%23')}`;
}

const ajvCache = new WeakMap<LoadedSpec, Array<Record<string, unknown>>>();

/**
 * Every document of the spec as JSON Schema 2020-12 for `ajv.addSchema`: `$id` set to its file URL;
 * schemas converted (3.0 `nullable` and boolean `exclusiveMinimum`, 2.0 `x-nullable` and
 * `type: file`; `$ref` siblings dropped before 3.1; OpenAPI-only keywords such as `example`,
 * `discriminator`, `x-*` removed). Computed once per spec; the original documents are untouched.
 */
export function ajvDocuments(spec: LoadedSpec): Array<Record<string, unknown>> {
  let docs = ajvCache.get(spec);
  if (!docs) {
    docs = [...spec.documents].map(([file, document]) => {
      const converted = convertDocument(document, spec.version) as Record<string, unknown>;
      return { ...converted, $id: pathToFileURL(file).href };
    });
    ajvCache.set(spec, docs);
  }
  return docs;
}

type Version = LoadedSpec['version'];
type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

const SCHEMA_MAPS = new Set(['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas']);
const SCHEMA_ONE = new Set([
  'additionalProperties',
  'not',
  'if',
  'then',
  'else',
  'contains',
  'propertyNames',
  'unevaluatedItems',
  'unevaluatedProperties',
  'additionalItems',
  'items',
]);
const SCHEMA_LISTS = new Set(['allOf', 'anyOf', 'oneOf', 'prefixItems', 'items']);
const OPENAPI_ONLY = new Set(['example', 'discriminator', 'xml', 'externalDocs', 'nullable']);

/** Walks the non-schema part of a document; values under `schema` (and schema maps) are converted. */
function convertDocument(node: unknown, version: Version): unknown {
  const memo = new Map<object, unknown>();
  const walk = (value: unknown, key: string | undefined, parent: string | undefined): unknown => {
    if (Array.isArray(value)) return value.map((v) => walk(v, undefined, key));
    if (!isObj(value)) return value;
    // components.schemas.* and 2.0 definitions.* are maps of schemas.
    if ((parent === 'components' && key === 'schemas') || (parent === undefined && key === 'definitions')) {
      const out: Obj = {};
      for (const [k, v] of Object.entries(value)) out[k] = convertSchema(v, version, memo);
      return out;
    }
    const out: Obj = {};
    for (const [k, v] of Object.entries(value)) {
      if (k === 'example' || k === 'examples' || k.startsWith('x-')) out[k] = v;
      else if (k === 'schema') out[k] = convertSchema(v, version, memo);
      else out[k] = walk(v, k, key);
    }
    return out;
  };
  if (!isObj(node)) return node;
  const out: Obj = {};
  for (const [k, v] of Object.entries(node)) out[k] = walk(v, k, undefined);
  return out;
}

function convertSchema(schema: unknown, version: Version, memo: Map<object, unknown>): unknown {
  if (!isObj(schema)) return schema;
  const done = memo.get(schema);
  if (done !== undefined) return done;
  if (typeof schema.$ref === 'string' && version !== '3.1') {
    const ref = { $ref: schema.$ref };
    memo.set(schema, ref);
    return ref;
  }
  const out: Obj = {};
  memo.set(schema, out);
  for (const [k, v] of Object.entries(schema)) {
    if (OPENAPI_ONLY.has(k) || k.startsWith('x-')) continue;
    if (SCHEMA_MAPS.has(k) && isObj(v)) {
      const map: Obj = {};
      for (const [name, sub] of Object.entries(v)) map[name] = convertSchema(sub, version, memo);
      out[k] = map;
    } else if (SCHEMA_LISTS.has(k) && Array.isArray(v)) {
      out[k] = v.map((sub) => convertSchema(sub, version, memo));
    } else if (SCHEMA_ONE.has(k) && isObj(v)) {
      out[k] = convertSchema(v, version, memo);
    } else {
      out[k] = v;
    }
  }
  if (version === '3.1') return out;
  // Draft 4 style bounds (3.0, 2.0): `exclusiveMinimum: true` qualifies `minimum`.
  for (const [flag, bound] of [
    ['exclusiveMinimum', 'minimum'],
    ['exclusiveMaximum', 'maximum'],
  ] as const) {
    if (typeof out[flag] === 'boolean') {
      if (out[flag] === true && typeof out[bound] === 'number') {
        out[flag] = out[bound];
        delete out[bound];
      } else {
        delete out[flag];
      }
    }
  }
  if (out.type === 'file') delete out.type;
  const nullable = schema.nullable === true || schema['x-nullable'] === true;
  if (nullable) {
    if (typeof out.type === 'string') out.type = [out.type, 'null'];
    else if (Array.isArray(out.type) && !out.type.includes('null')) out.type = [...out.type, 'null'];
    if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
    if (out.type === undefined) {
      // `nullable` next to anyOf/allOf/$ref-less compositions: null or the rest.
      const rest = { ...out };
      for (const k of Object.keys(out)) delete out[k];
      out.anyOf = [rest, { type: 'null' }];
    }
  }
  return out;
}
