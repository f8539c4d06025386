// Exchanges built from a spec's own examples, as a recording of a well-behaved partner would look:
// one per documented response example (Stripe publishes none in its spec, so its fixtures file —
// published beside the spec and used by stripe-mock — stands in, by component name), with the
// request's path and required parameters filled with schema-valid samples and its body taken from
// the request example when there is one (else a sample when the body is required).
import { isJsonMediaType, mediaType } from '../../src/exchange/body.js';
import type { Body, Exchange, MultiMap } from '../../src/exchange/types.js';
import type { LoadedSpec, MediaBody, Operation, ResponseSpec } from '../../src/spec/index.js';
import { deref, isRef, operations } from '../../src/spec/index.js';
import { sampleFromSpec } from '../../src/stubs/sample.js';

export interface SpecExchange {
  /** `GET /v1/customers/{customer} 200 example-name`: what the exchange was built from. */
  label: string;
  operation: Operation;
  pathParams: Record<string, string>;
  exchange: Exchange;
}

/** Stripe fixtures: `resources` by component schema name. */
export type Fixtures = Record<string, unknown>;

export function exchangesFromExamples(spec: LoadedSpec, fixtures?: Fixtures): SpecExchange[] {
  const out: SpecExchange[] = [];
  for (const op of operations(spec)) {
    const built = requestFor(spec, op);
    if (!built) continue;
    const { request, pathParams } = built;
    for (const response of op.responses) {
      for (const media of response.content) {
        for (const { name, value } of responseExamples(media, fixtures)) {
          const body = bodyOf(media.mediaType, value);
          if (!body) continue;
          out.push({
            label: `${op.id} ${response.status} ${media.mediaType} ${name}`,
            operation: op,
            pathParams,
            exchange: {
              seam: 1,
              id: `examples/${out.length}`,
              partner: 'examples',
              direction: 'outbound',
              recordedAt: '2026-01-01T00:00:00.000Z',
              durationMs: 1,
              request,
              response: { status: statusOf(response), headers: { 'content-type': media.mediaType, ...requiredHeaders(spec, response) }, body },
              redactions: [],
            },
          });
        }
      }
    }
  }
  return out;
}

function statusOf(response: ResponseSpec): number {
  if (/^\d{3}$/.test(response.status)) return Number(response.status);
  if (/^\dXX$/.test(response.status)) return Number(response.status[0]) * 100;
  return 500; // default
}

function responseExamples(media: MediaBody, fixtures: Fixtures | undefined): Array<{ name: string; value: unknown }> {
  if (media.examples.length > 0 || !fixtures || !media.schemaAt) return media.examples;
  const resource = fixtureFor(media, fixtures);
  return resource === undefined ? [] : [{ name: 'fixture', value: resource }];
}

/** The fixture of the component the response schema refers to (directly or as anyOf's first branch). */
function fixtureFor(media: MediaBody, fixtures: Fixtures): unknown {
  let node = media.schema;
  const first = (node as { anyOf?: unknown[] } | undefined)?.anyOf?.[0];
  if (!isRef(node) && isRef(first)) node = first;
  if (!isRef(node)) return undefined;
  const m = /^#\/components\/schemas\/(.+)$/.exec(node.$ref);
  return m ? fixtures[m[1] as string] : undefined;
}

function bodyOf(type: string, value: unknown): Body | undefined {
  const essence = mediaType(type);
  if (isJsonMediaType(essence)) return { json: value };
  if (typeof value === 'string') return { text: value };
  return undefined;
}

function sample(spec: LoadedSpec, schema: unknown, at: { file: string; pointer: string }): unknown {
  return sampleFromSpec(spec, schema, at);
}

function requestFor(spec: LoadedSpec, op: Operation): { request: Exchange['request']; pathParams: Record<string, string> } | undefined {
  if (op.webhook !== undefined) return undefined;
  const pathParams: Record<string, string> = {};
  let path = (op.basePaths[0] ?? '') + op.pathTemplate;
  const query: MultiMap = {};
  const headers: MultiMap = {};
  for (const p of op.parameters) {
    if (!p.required || p.schema === undefined) continue;
    const at = { file: p.at.file, pointer: `${p.at.pointer}/schema` };
    const value = sample(spec, p.schema, at);
    if (p.in === 'path') {
      pathParams[p.name] = String(value) || 'x';
      path = path.replace(`{${p.name}}`, encodeURIComponent(pathParams[p.name] as string));
    }
    else if (p.in === 'query') Object.assign(query, flatten(p.name, value));
    else if (p.in === 'header') headers[p.name.toLowerCase()] = String(value);
  }
  const request: Exchange['request'] = { method: op.method, path, query, headers };
  const content = op.requestBody?.content ?? [];
  const media = content.find((c) => c.examples.length > 0) ?? (op.requestBody?.required ? content[0] : undefined);
  if (media) {
    const value = media.examples[0]?.value ?? (media.schemaAt ? sample(spec, media.schema, media.schemaAt) : undefined);
    const body = /form-urlencoded/.test(media.mediaType) && value !== null && typeof value === 'object' ? { form: flattenAll(value as Record<string, unknown>) } : bodyOf(media.mediaType, value);
    // A form cannot carry an empty object (Stripe samples have some): such an operation is left out.
    const encodable = !('form' in (body ?? {})) || !JSON.stringify(value).includes('{}');
    if (body && encodable) {
      request.body = body;
      headers['content-type'] = media.mediaType;
    } else if (op.requestBody?.required) {
      return undefined;
    }
  }
  return { request, pathParams };
}

/** Bracketed keys as Stripe reads them: `a[b]=1`, `a[0][b]=1`; an array of scalars repeats the key. */
function flatten(name: string, value: unknown): MultiMap {
  if (Array.isArray(value) && value.every((v) => v === null || typeof v !== 'object')) return { [name]: value.map(String) };
  if (value !== null && typeof value === 'object') {
    const out: MultiMap = {};
    for (const [k, v] of Object.entries(value)) Object.assign(out, flatten(`${name}[${k}]`, v));
    return out;
  }
  return { [name]: String(value) };
}

function flattenAll(value: Record<string, unknown>): MultiMap {
  const out: MultiMap = {};
  for (const [k, v] of Object.entries(value)) Object.assign(out, flatten(k, v));
  return out;
}

function requiredHeaders(spec: LoadedSpec, response: ResponseSpec): MultiMap {
  const out: MultiMap = {};
  for (const [name, h] of Object.entries(response.headers)) {
    const header = h as { required?: boolean; schema?: unknown };
    if (header.required !== true || header.schema === undefined || name === 'content-type') continue;
    out[name] = String(sample(spec, header.schema, deref(spec, header.schema, response.at).at));
  }
  return out;
}
