// Loading an OpenAPI 2.0 / 3.0 / 3.1 description: parse, detect the version, read external
// documents and check every `$ref` resolves — all at load time, so a broken ref is an InputError
// naming it (never a hang, never a surprise later). Refs are *not* substituted: the documents stay
// as parsed (Stripe's is circular) and later stages follow refs lazily with `deref`.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import { InputError } from '../errors.js';
import { appendPointer, getAt, parsePointer } from './pointer.js';
import type { LoadedSpec, Location, SpecVersion } from './types.js';

export async function loadSpec(file: string): Promise<LoadedSpec> {
  const root = path.resolve(file);
  const document = await readDocument(root, undefined);
  if (document === null || typeof document !== 'object' || Array.isArray(document)) {
    throw new InputError('not an OpenAPI document (expected an object with `openapi` or `swagger`)', {
      file: root,
      pointer: '/openapi',
    });
  }
  const doc = document as Record<string, unknown>;
  const { version, versionString } = detectVersion(doc, root);
  const documents = new Map<string, unknown>([[root, doc]]);
  await checkRefs(documents, root);
  return { file: root, version, versionString, document: doc, documents };
}

function detectVersion(doc: Record<string, unknown>, file: string): { version: SpecVersion; versionString: string } {
  if ('swagger' in doc) {
    if (String(doc.swagger) === '2.0') return { version: '2.0', versionString: '2.0' };
    throw new InputError(`unsupported swagger version ${JSON.stringify(doc.swagger)} (expected "2.0")`, {
      file,
      pointer: '/swagger',
    });
  }
  const v = doc.openapi;
  if (typeof v === 'string' && /^3\.0\.\d+/.test(v)) return { version: '3.0', versionString: v };
  if (typeof v === 'string' && /^3\.1\.\d+/.test(v)) return { version: '3.1', versionString: v };
  throw new InputError(
    v === undefined
      ? 'not an OpenAPI document: no `openapi` (3.x) or `swagger` (2.0) field'
      : `unsupported OpenAPI version ${JSON.stringify(v)} (expected 2.0, 3.0.x or 3.1.x)`,
    { file, pointer: '/openapi' },
  );
}

/** Reads and parses one document; `from` is where the `$ref` that asked for it stands. */
async function readDocument(file: string, from: { ref: string; at: Location } | undefined): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error);
    if (from) {
      throw new InputError(`$ref ${JSON.stringify(from.ref)} cannot be read (${reason}: ${file})`, from.at, {
        cause: error,
      });
    }
    throw new InputError(`cannot read the spec (${reason})`, { file }, { cause: error });
  }
  return parseText(text, file);
}

export function parseText(text: string, file: string): unknown {
  const looksJson = /\.json$/i.test(file) || /^\s*[{[]/.test(text);
  if (looksJson) {
    try {
      return JSON.parse(text);
    } catch (error) {
      // A .json file must be JSON; anything else that merely starts with `{` may be flow YAML.
      if (/\.json$/i.test(file)) {
        // V8 quotes the text around the error (`Unexpected token '{', ..."info" {}" is not valid JSON`).
        const message = (error as Error).message.replace(/, (\.\.\.)?"[\s\S]*$/, '').replace(/ in JSON at position \d+.*$/, '');
        const m = /position (\d+)/.exec((error as Error).message);
        const pointer = m ? lineCol(text, Number(m[1])) : yamlErrorPlace(text);
        throw new InputError(`invalid JSON: ${message}`, { file, ...(pointer ? { pointer } : {}) }, { cause: error });
      }
    }
  }
  try {
    // uniqueKeys off: the check is slow on Stripe-sized maps and JSON.parse does not do it either.
    return YAML.parse(text, { uniqueKeys: false, maxAliasCount: -1, prettyErrors: false });
  } catch (error) {
    if (error instanceof YAML.YAMLError) {
      const pointer = lineCol(text, error.pos[0]);
      throw new InputError(`invalid YAML: ${error.message.split('\n')[0]}`, { file, pointer }, { cause: error });
    }
    throw error;
  }
}

/** Newer V8 messages carry no offset; the YAML parser (a JSON superset) finds the place instead. */
function yamlErrorPlace(text: string): string | undefined {
  const error = YAML.parseDocument(text, { uniqueKeys: false, prettyErrors: false }).errors[0];
  return error ? lineCol(text, error.pos[0]) : undefined;
}

function lineCol(text: string, offset: number): string {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return `${line}:${offset - lineStart + 1}`;
}

export interface ParsedRef {
  /** Absolute path of the target document. */
  file: string;
  tokens: string[];
}

/** Splits a `$ref` written in `file` into the target document and pointer; remote refs are errors. */
export function parseRef(ref: string, at: Location): ParsedRef {
  const hash = ref.indexOf('#');
  const filePart = hash === -1 ? ref : ref.slice(0, hash);
  const fragment = hash === -1 ? '' : ref.slice(hash + 1);
  let target = at.file;
  if (filePart !== '') {
    if (/^file:/i.test(filePart)) {
      target = fileURLToPath(filePart);
    } else if (/^[a-z][a-z0-9+.-]*:/i.test(filePart)) {
      throw new InputError(
        `$ref ${JSON.stringify(ref)} is remote; Seam does not fetch over the network — save it next to the spec and refer to the file`,
        at,
      );
    } else {
      let relative = filePart;
      try {
        relative = decodeURI(filePart);
      } catch {
        // keep as written
      }
      target = path.resolve(path.dirname(at.file), relative);
    }
  }
  const tokens = parsePointer(fragment);
  if (!tokens) {
    throw new InputError(`$ref ${JSON.stringify(ref)} has a fragment that is not a JSON pointer`, at);
  }
  return { file: target, tokens };
}

interface FoundRef {
  ref: string;
  at: Location;
}

// Keys whose values are data, not description: a `$ref` inside them is not a reference.
const DATA_KEYS = new Set(['example', 'default', 'enum', 'const', 'x-examples']);

function collectRefs(document: unknown, file: string): FoundRef[] {
  const found: FoundRef[] = [];
  const tokens: string[] = [];
  const seen = new Set<object>();
  const walk = (node: unknown): void => {
    if (node === null || typeof node !== 'object' || seen.has(node)) return;
    seen.add(node);
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) {
        tokens.push(String(i));
        walk(node[i]);
        tokens.pop();
      }
      return;
    }
    const record = node as Record<string, unknown>;
    if (typeof record.$ref === 'string') {
      found.push({ ref: record.$ref, at: { file, pointer: appendPointer('', ...tokens) } });
    }
    for (const key of Object.keys(record)) {
      if (key === '$ref' || DATA_KEYS.has(key) || key.startsWith('x-')) continue;
      const value = record[key];
      if (key === 'examples') {
        // 3.x media examples: a map of Example objects or refs to them; `value` is data.
        if (value === null || typeof value !== 'object' || Array.isArray(value)) continue;
        for (const [name, example] of Object.entries(value)) {
          if (example !== null && typeof example === 'object' && typeof (example as { $ref?: unknown }).$ref === 'string') {
            tokens.push(key, name);
            walk(example);
            tokens.pop();
            tokens.pop();
          }
        }
        continue;
      }
      tokens.push(key);
      walk(value);
      tokens.pop();
    }
  };
  walk(document);
  return found;
}

/** Reads every external document reachable from the root and checks each `$ref` points at something. */
async function checkRefs(documents: Map<string, unknown>, root: string): Promise<void> {
  const queue = [root];
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    const document = documents.get(next);
    for (const { ref, at } of collectRefs(document, next)) {
      const target = parseRef(ref, at);
      if (!documents.has(target.file)) {
        documents.set(target.file, await readDocument(target.file, { ref, at }));
        queue.push(target.file);
      }
      if (!getAt(documents.get(target.file), target.tokens).found) {
        throw new InputError(`$ref ${JSON.stringify(ref)} points at nothing`, at);
      }
    }
  }
}

export interface Deref {
  value: unknown;
  /** Where the value lives (for a value that was not a ref: `at` as given). */
  at: Location;
}

/**
 * Follows `$ref` (and chains of them) from `node`, which lives at `at`. Cheap: no copying.
 * A node that is not a ref comes back as it is.
 */
export function deref(spec: LoadedSpec, node: unknown, at: Location): Deref {
  let value = node;
  let where = at;
  for (let hops = 0; isRef(value); hops++) {
    if (hops > 64) throw new InputError(`$ref ${JSON.stringify(value.$ref)} is a loop of refs`, where);
    const target = parseRef(value.$ref, where);
    const document = spec.documents.get(target.file);
    const found = getAt(document, target.tokens);
    if (!found.found) throw new InputError(`$ref ${JSON.stringify(value.$ref)} points at nothing`, where);
    value = found.value;
    where = { file: target.file, pointer: appendPointer('', ...target.tokens) };
  }
  return { value, at: where };
}

export function isRef(node: unknown): node is { $ref: string } {
  return node !== null && typeof node === 'object' && typeof (node as { $ref?: unknown }).$ref === 'string';
}
