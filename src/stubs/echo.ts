// The small echo step: copy a request value into a reply's JSON body (GET /customers/{id} answers
// with that id). Deliberately not a template language: a source, a JSON pointer, nothing else.
//
// Sources (`from`):
//   path.<param>    a path template parameter (decoded)
//   query.<name>    a query value: a string, or an array of strings when the name repeats
//   header.<name>   a request header (name lower-case), same rule for repeats
//   body<pointer>   a value of the request body: `body/email`, `body/items/0/id`; `body` is all of it.
//                   JSON bodies are read by pointer; form bodies by field name (`body/email`).
// A source with no value leaves the reply's body as it is at `to`.
// `to` is a JSON pointer into the reply body; missing objects on the way are created, `-` appends
// to an array, and `` (empty) replaces the whole body.
import { InputError } from '../errors.js';
import type { Body, MultiMap } from '../exchange/types.js';
import type { Echo } from './types.js';

export interface EchoRequest {
  params: Record<string, string>;
  query: MultiMap;
  headers: MultiMap;
  body?: Body | undefined;
}

export interface CompiledEcho {
  source: 'path' | 'query' | 'header' | 'body';
  /** The param/query/header name, or the body pointer's tokens. */
  name: string;
  tokens: string[];
  to: string[];
}

/** Parse echo rules once; throws InputError for a source or pointer it cannot read. */
export function compileEcho(echo: readonly Echo[], where: { file?: string; pointer?: string } = {}): CompiledEcho[] {
  return echo.map((e, i) => {
    const at = { ...where, pointer: `${where.pointer ?? ''}/${i}` };
    const to = parsePointer(e.to);
    if (to === undefined) throw new InputError(`echo "to" must be a JSON pointer ("/id"), got "${e.to}"`, at);
    const dot = /^(path|query|header)\.(.+)$/.exec(e.from);
    if (dot !== null) {
      const source = dot[1] as 'path' | 'query' | 'header';
      return { source, name: source === 'header' ? dot[2]!.toLowerCase() : dot[2]!, tokens: [], to };
    }
    if (e.from.startsWith('body')) {
      const tokens = parsePointer(e.from.slice(4));
      if (tokens !== undefined) return { source: 'body', name: '', tokens, to };
    }
    throw new InputError(`echo "from" must be path.<param>, query.<name>, header.<name> or body/<pointer>, got "${e.from}"`, at);
  });
}

/** The reply body with the echoed values written in. `json` is not modified (copy on write). */
export function applyEcho(json: unknown, echo: readonly CompiledEcho[], request: EchoRequest): unknown {
  let out = json;
  for (const e of echo) {
    const value = readSource(e, request);
    if (value !== undefined) out = writeAt(out, e.to, 0, value);
  }
  return out;
}

function readSource(e: CompiledEcho, request: EchoRequest): unknown {
  switch (e.source) {
    case 'path':
      return request.params[e.name];
    case 'query':
      return request.query[e.name];
    case 'header':
      return request.headers[e.name];
    case 'body': {
      const body = request.body;
      if (body === undefined) return undefined;
      if ('json' in body) return readAt(body.json, e.tokens);
      if ('form' in body) return e.tokens.length === 0 ? body.form : e.tokens.length === 1 ? body.form[e.tokens[0]!] : undefined;
      if ('text' in body) return e.tokens.length === 0 ? body.text : undefined;
      return undefined;
    }
  }
}

function parsePointer(pointer: string): string[] | undefined {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) return undefined;
  return pointer
    .slice(1)
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function readAt(value: unknown, tokens: string[]): unknown {
  let current = value;
  for (const token of tokens) {
    if (Array.isArray(current)) current = current[Number(token)];
    else if (current !== null && typeof current === 'object' && Object.hasOwn(current, token)) current = (current as Record<string, unknown>)[token];
    else return undefined;
  }
  return current;
}

function writeAt(target: unknown, tokens: string[], i: number, value: unknown): unknown {
  if (i === tokens.length) return value;
  const token = tokens[i]!;
  if (Array.isArray(target)) {
    const copy = target.slice();
    const index = token === '-' ? copy.length : Number(token);
    if (Number.isInteger(index) && index >= 0) {
      copy[index] = writeAt(copy[index], tokens, i + 1, value);
      return copy;
    }
  }
  const base = target !== null && typeof target === 'object' && !Array.isArray(target) ? (target as Record<string, unknown>) : {};
  return { ...base, [token]: writeAt(base[token], tokens, i + 1, value) };
}
