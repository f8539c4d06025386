// Every operation of a loaded spec, normalised across 2.0 and 3.x. Nodes are shared with the
// document (no cloning): Stripe has ~500 operations over a 4 MB document.
import { deref } from './load.js';
import { appendPointer } from './pointer.js';
import type {
  Example,
  LoadedSpec,
  Location,
  MediaBody,
  Operation,
  Parameter,
  ParameterIn,
  RequestBody,
  ResponseSpec,
} from './types.js';

export const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

type Obj = Record<string, unknown>;

function obj(value: unknown): Obj | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Obj) : undefined;
}

const cache = new WeakMap<LoadedSpec, Operation[]>();

/** The path operations of `spec` (not webhooks), in document order. Computed once per spec. */
export function operations(spec: LoadedSpec): Operation[] {
  let ops = cache.get(spec);
  if (!ops) {
    ops = collect(spec, 'paths');
    cache.set(spec, ops);
  }
  return ops;
}

/** The 3.1 `webhooks` (requests the partner sends), normalised like operations; `[]` before 3.1. */
export function webhooks(spec: LoadedSpec): Operation[] {
  return spec.version === '3.1' ? collect(spec, 'webhooks') : [];
}

function collect(spec: LoadedSpec, section: 'paths' | 'webhooks'): Operation[] {
  const out: Operation[] = [];
  const doc = spec.document;
  const items = obj(doc[section]) ?? {};
  const rootServers = serversOf(spec, doc, undefined);
  for (const [key, rawItem] of Object.entries(items)) {
    const item = deref(spec, rawItem, { file: spec.file, pointer: appendPointer('', section, key) });
    const pathItem = obj(item.value);
    if (!pathItem) continue;
    const itemServers = serversOf(spec, pathItem, rootServers);
    for (const method of METHODS) {
      const rawOp = obj(pathItem[method]);
      if (!rawOp) continue;
      const at = { file: item.at.file, pointer: appendPointer(item.at.pointer, method) };
      const servers = serversOf(spec, rawOp, itemServers) ?? [];
      // A webhook has a name, not a path (Adyen's names happen to start with `/`); it is kept as written.
      const pathTemplate = key;
      const { parameters, body } = mergeParameters(spec, pathItem, rawOp, item.at, at);
      const requestBody =
        spec.version === '2.0' ? body2(spec, rawOp, body) : requestBody3(spec, rawOp.requestBody, at);
      const op: Operation = {
        id: `${method.toUpperCase()} ${pathTemplate}`,
        method: method.toUpperCase(),
        pathTemplate,
        parameters,
        responses: responses(spec, rawOp, at),
        deprecated: rawOp.deprecated === true,
        servers,
        basePaths: basePathsOf(servers),
        at,
      };
      if (typeof rawOp.operationId === 'string') op.operationId = rawOp.operationId;
      if (typeof rawOp.summary === 'string') op.summary = rawOp.summary;
      if (requestBody) op.requestBody = requestBody;
      if (section === 'webhooks') op.webhook = key;
      out.push(op);
    }
  }
  return out;
}

/** Server URLs with `{variables}` set to their defaults; `inherited` when the node has none. */
function serversOf(spec: LoadedSpec, node: Obj, inherited: string[] | undefined): string[] | undefined {
  if (spec.version === '2.0') {
    if (inherited) return inherited;
    const basePath = typeof node.basePath === 'string' ? node.basePath : '';
    const host = typeof node.host === 'string' ? node.host : '';
    const schemes = Array.isArray(node.schemes) && node.schemes.length > 0 ? node.schemes.map(String) : ['https'];
    return [host ? `${schemes[0]}://${host}${basePath}` : basePath || '/'];
  }
  const list = Array.isArray(node.servers) ? node.servers : undefined;
  if (!list || list.length === 0) return inherited ?? (node === spec.document ? ['/'] : undefined);
  return list.flatMap((s) => {
    const server = obj(s);
    if (!server || typeof server.url !== 'string') return [];
    const variables = obj(server.variables) ?? {};
    return [
      server.url.replace(/\{([^}]+)\}/g, (whole, name: string) => {
        const v = obj(variables[name]);
        return v && v.default !== undefined ? String(v.default) : whole;
      }),
    ];
  });
}

export function basePathOf(server: string): string {
  let p = server;
  const scheme = /^[a-z][a-z0-9+.-]*:\/\/[^/]*/i.exec(server);
  if (scheme) p = server.slice(scheme[0].length);
  else if (server.startsWith('//')) p = server.replace(/^\/\/[^/]*/, '');
  p = p.split(/[?#]/)[0] ?? '';
  p = p.replace(/\/+$/, '');
  return p === '' ? '' : p.startsWith('/') ? p : `/${p}`;
}

function basePathsOf(servers: string[]): string[] {
  const out = [...new Set(servers.map(basePathOf))];
  return out.length > 0 ? out : [''];
}

function mergeParameters(
  spec: LoadedSpec,
  pathItem: Obj,
  op: Obj,
  itemAt: Location,
  opAt: Location,
): { parameters: Parameter[]; body: Parameter[] } {
  const byKey = new Map<string, Parameter>();
  const add = (list: unknown, at: Location) => {
    if (!Array.isArray(list)) return;
    list.forEach((raw, i) => {
      const p = deref(spec, raw, { file: at.file, pointer: appendPointer(at.pointer, 'parameters', i) });
      const param = obj(p.value);
      if (!param || typeof param.name !== 'string' || typeof param.in !== 'string') return;
      const where = param.in as ParameterIn | 'body';
      const parameter: Parameter = {
        name: param.name,
        in: where as ParameterIn,
        required: param.required === true || where === 'path',
        deprecated: param.deprecated === true,
        schema: spec.version === '2.0' && where !== 'body' ? param : param.schema,
        at: p.at,
      };
      if (typeof param.style === 'string') parameter.style = param.style;
      if (typeof param.explode === 'boolean') parameter.explode = param.explode;
      // Header names are case-insensitive; the operation's parameter replaces the path item's.
      byKey.set(`${where}:${where === 'header' ? param.name.toLowerCase() : param.name}`, parameter);
    });
  };
  add(pathItem.parameters, itemAt);
  add(op.parameters, opAt);
  const parameters: Parameter[] = [];
  const body: Parameter[] = [];
  for (const p of byKey.values()) {
    if ((p.in as string) === 'body' || p.in === 'formData') body.push(p);
    else parameters.push(p);
  }
  return { parameters, body };
}

function examplesOf(spec: LoadedSpec, media: Obj, at: Location): Example[] {
  const out: Example[] = [];
  if (media.example !== undefined) out.push({ name: 'example', value: media.example });
  const examples = obj(media.examples);
  if (examples) {
    for (const [name, raw] of Object.entries(examples)) {
      const example = obj(deref(spec, raw, { file: at.file, pointer: appendPointer(at.pointer, 'examples', name) }).value);
      if (example && example.value !== undefined) out.push({ name, value: example.value });
    }
  }
  return out;
}

function content3(spec: LoadedSpec, content: unknown, at: Location): MediaBody[] {
  const out: MediaBody[] = [];
  for (const [mediaType, raw] of Object.entries(obj(content) ?? {})) {
    const media = obj(raw);
    if (!media) continue;
    const mediaAt = { file: at.file, pointer: appendPointer(at.pointer, 'content', mediaType) };
    const body: MediaBody = { mediaType, examples: examplesOf(spec, media, mediaAt) };
    if (media.schema !== undefined) {
      body.schema = media.schema;
      body.schemaAt = { file: mediaAt.file, pointer: appendPointer(mediaAt.pointer, 'schema') };
    }
    out.push(body);
  }
  return out;
}

function requestBody3(spec: LoadedSpec, raw: unknown, opAt: Location): RequestBody | undefined {
  if (raw === undefined) return undefined;
  const r = deref(spec, raw, { file: opAt.file, pointer: appendPointer(opAt.pointer, 'requestBody') });
  const body = obj(r.value);
  if (!body) return undefined;
  return { required: body.required === true, content: content3(spec, body.content, r.at) };
}

function consumesOf(spec: LoadedSpec, op: Obj, key: 'consumes' | 'produces'): string[] {
  const list = Array.isArray(op[key]) ? op[key] : spec.document[key];
  return Array.isArray(list) && list.length > 0 ? list.map(String) : ['application/json'];
}

/** 2.0: one `in: body` parameter, or `in: formData` parameters as an object schema. */
function body2(spec: LoadedSpec, op: Obj, params: Parameter[]): RequestBody | undefined {
  const consumes = consumesOf(spec, op, 'consumes');
  const bodyParam = params.find((p) => (p.in as string) === 'body');
  if (bodyParam) {
    const schemaAt = { file: bodyParam.at.file, pointer: appendPointer(bodyParam.at.pointer, 'schema') };
    return {
      required: bodyParam.required,
      content: consumes.map((mediaType) => ({ mediaType, schema: bodyParam.schema, schemaAt, examples: [] })),
    };
  }
  const form = params.filter((p) => p.in === 'formData');
  if (form.length === 0) return undefined;
  const properties: Obj = {};
  for (const p of form) {
    const { name: _n, in: _i, required: _r, allowEmptyValue: _a, collectionFormat: _c, ...schema } = p.schema as Obj;
    properties[p.name] = schema.type === 'file' ? { type: 'string', format: 'binary' } : schema;
  }
  const schema = { type: 'object', properties, required: form.filter((p) => p.required).map((p) => p.name) };
  const formTypes = consumes.filter((c) => /form/.test(c));
  return {
    required: form.some((p) => p.required),
    content: (formTypes.length > 0 ? formTypes : ['application/x-www-form-urlencoded']).map((mediaType) => ({
      mediaType,
      schema,
      examples: [],
    })),
  };
}

function responses(spec: LoadedSpec, op: Obj, opAt: Location): ResponseSpec[] {
  const out: ResponseSpec[] = [];
  const produces = spec.version === '2.0' ? consumesOf(spec, op, 'produces') : [];
  for (const [status, raw] of Object.entries(obj(op.responses) ?? {})) {
    if (status.startsWith('x-')) continue;
    const r = deref(spec, raw, { file: opAt.file, pointer: appendPointer(opAt.pointer, 'responses', status) });
    const response = obj(r.value);
    if (!response) continue;
    const headers: Record<string, unknown> = {};
    for (const [name, h] of Object.entries(obj(response.headers) ?? {})) {
      headers[name.toLowerCase()] = deref(spec, h, { file: r.at.file, pointer: appendPointer(r.at.pointer, 'headers', name) }).value;
    }
    let content: MediaBody[];
    if (spec.version === '2.0') {
      const examples = obj(response.examples) ?? {};
      content =
        response.schema === undefined
          ? []
          : produces.map((mediaType) => ({
              mediaType,
              schema: response.schema,
              schemaAt: { file: r.at.file, pointer: appendPointer(r.at.pointer, 'schema') },
              examples: examples[mediaType] !== undefined ? [{ name: 'example', value: examples[mediaType] }] : [],
            }));
    } else {
      content = content3(spec, response.content, r.at);
    }
    const entry: ResponseSpec = { status: /^\dxx$/i.test(status) ? status.toUpperCase() : status, headers, content, at: r.at };
    if (typeof response.description === 'string') entry.description = response.description;
    out.push(entry);
  }
  return out;
}
