// Reading a Pact file back for the checks Seam runs on it (pact-js writes them; nothing here
// writes one). Only what the checks need is typed; a file that is not a pact is an input error
// naming the file and the JSON pointer.
import { readFile } from 'node:fs/promises';
import { InputError } from '../errors.js';
import { addValue, typeBody } from '../exchange/body.js';
import type { Body, MultiMap } from '../exchange/types.js';

export interface PactBody {
  content?: unknown;
  contentType?: string;
  encoded?: boolean | string;
}

export interface PactHttpInteraction {
  /** Index in the file's `interactions`, for pointers. */
  index: number;
  description: string;
  providerStates: { name: string; params?: Record<string, unknown> }[];
  request: { method: string; path: string; query: MultiMap; headers: MultiMap; body?: Body };
  response: { status: number; headers: MultiMap; body?: Body };
  /** The response's matching rules by category (`body`, `header`, …), as written. */
  responseRules: Record<string, unknown>;
}

export interface PactFile {
  file: string;
  consumer: string;
  provider: string;
  specification: string | undefined;
  interactions: PactHttpInteraction[];
  /** Interactions of other kinds (messages), by description: not HTTP, not checked here. */
  skipped: string[];
}

const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

export async function readPactFile(file: string): Promise<PactFile> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new InputError(`cannot read the pact: ${(error as Error).message}`, { file });
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    throw new InputError(`not JSON: ${(error as Error).message}`, { file });
  }
  return parsePact(doc, file);
}

export function parsePact(doc: unknown, file: string): PactFile {
  const fail = (pointer: string, message: string): never => {
    throw new InputError(message, { file, pointer });
  };
  if (!isObj(doc)) fail('', 'a pact is a JSON object');
  const d = doc as Record<string, unknown>;
  const name = (key: 'consumer' | 'provider'): string => {
    const party = d[key];
    if (!isObj(party) || typeof party.name !== 'string' || party.name === '') return fail(`/${key}/name`, `the pact names no ${key}`);
    return party.name;
  };
  const consumer = name('consumer');
  const provider = name('provider');
  if (!Array.isArray(d.interactions)) fail('/interactions', 'a pact has an interactions array');
  const metadata = isObj(d.metadata) ? d.metadata : {};
  const spec = isObj(metadata.pactSpecification) && typeof metadata.pactSpecification.version === 'string' ? metadata.pactSpecification.version : undefined;
  const interactions: PactHttpInteraction[] = [];
  const skipped: string[] = [];
  (d.interactions as unknown[]).forEach((raw, index) => {
    const at = `/interactions/${index}`;
    if (!isObj(raw)) return fail(at, 'an interaction is an object');
    const description = typeof raw.description === 'string' ? raw.description : fail(`${at}/description`, 'an interaction has a description');
    // V4 says its type; V2/V3 interactions are all HTTP.
    if (raw.type !== undefined && raw.type !== 'Synchronous/HTTP') {
      skipped.push(description);
      return;
    }
    const req = isObj(raw.request) ? raw.request : fail(`${at}/request`, 'an HTTP interaction has a request');
    const res = isObj(raw.response) ? raw.response : fail(`${at}/response`, 'an HTTP interaction has a response');
    if (typeof req.method !== 'string') fail(`${at}/request/method`, 'the request has no method');
    if (typeof req.path !== 'string') fail(`${at}/request/path`, 'the request has no path');
    if (typeof res.status !== 'number') fail(`${at}/response/status`, 'the response has no numeric status');
    const reqHeaders = multiMap(req.headers, true);
    const resHeaders = multiMap(res.headers, true);
    const states = Array.isArray(raw.providerStates) ? raw.providerStates : typeof raw.providerState === 'string' ? [{ name: raw.providerState }] : [];
    const interaction: PactHttpInteraction = {
      index,
      description,
      providerStates: states.filter(isObj).map((s) => (isObj(s.params) ? { name: String(s.name), params: s.params } : { name: String(s.name) })),
      request: { method: (req.method as string).toUpperCase(), path: req.path as string, query: queryMap(req.query), headers: reqHeaders },
      response: { status: res.status as number, headers: resHeaders },
      responseRules: isObj(res.matchingRules) ? res.matchingRules : {},
    };
    const reqBody = body(req.body, reqHeaders);
    if (reqBody !== undefined) interaction.request.body = reqBody;
    const resBody = body(res.body, resHeaders);
    if (resBody !== undefined) interaction.response.body = resBody;
    interactions.push(interaction);
  });
  return { file, consumer, provider, specification: spec, interactions, skipped };
}

function multiMap(value: unknown, lowerCase: boolean): MultiMap {
  const out: MultiMap = {};
  if (!isObj(value)) return out;
  for (const [key, v] of Object.entries(value)) {
    const name = lowerCase ? key.toLowerCase() : key;
    for (const item of Array.isArray(v) ? v : [v]) addValue(out, name, String(item));
  }
  return out;
}

/** V3/V4 query: `{ name: [values] }`; V2: a query string. */
function queryMap(value: unknown): MultiMap {
  if (typeof value !== 'string') return multiMap(value, false);
  const out: MultiMap = {};
  for (const [k, v] of new URLSearchParams(value)) addValue(out, k, v);
  return out;
}

/** A V4 body `{ content, contentType, encoded }` (or a V2/V3 bare body) as a Seam Body. */
function body(value: unknown, headers: MultiMap): Body | undefined {
  if (value === undefined || value === null) return undefined;
  const header = headers['content-type'];
  const headerType = Array.isArray(header) ? header[0] : header;
  if (isObj(value) && 'content' in value) {
    const v = value as PactBody;
    const contentType = typeof v.contentType === 'string' ? v.contentType : headerType;
    if (typeof v.content === 'string') {
      const bytes = v.encoded === 'base64' || v.encoded === true ? Buffer.from(v.content, 'base64') : Buffer.from(v.content, 'utf8');
      return typeBody(bytes, contentType);
    }
    return v.content === undefined ? undefined : { json: v.content };
  }
  return typeof value === 'string' ? typeBody(Buffer.from(value, 'utf8'), headerType) : { json: value };
}
