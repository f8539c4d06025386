// The real Pact Verifier (pact-js 16.5.0) against a running provider, its result as plain data.
// verifyProvider() resolves with a JSON string `{ errors, interactionResults, notices, output }`
// on success and rejects with an Error whose message is that JSON on failure; both are parsed.
// Unknown provider states do not fail verification: every state named in the pact files gets a
// no-op handler unless `stateHandlers` has one (a `providerStatesSetupUrl` takes over state setup
// entirely, as in pact-js).
//
// pact-js's verification proxy parses form bodies (body-parser, `extended: true`) and forwards
// them re-serialised as JSON with the original content-length (pact-js issue #884), so a form
// request never reaches the provider as recorded; a request filter puts the form encoding back.
import './pact-env.js';
import { fork } from 'node:child_process';
import type { IncomingMessage } from 'node:http';
import { readFile } from 'node:fs/promises';
import { Verifier } from '@pact-foundation/pact';

type VerifierOptions = ConstructorParameters<typeof Verifier>[0];
type StateHandlers = NonNullable<VerifierOptions['stateHandlers']>;

export interface VerifyProviderOptions {
  pactFiles: string[];
  providerBaseUrl: string;
  providerStatesSetupUrl?: string;
  stateHandlers?: StateHandlers;
  /** `Name: value` headers set on every request to the provider (credentials for a sandbox). */
  providerHeaders?: string[];
  logLevel?: 'trace' | 'debug' | 'info' | 'warn' | 'error';
}

export interface Mismatch {
  /** A JSON path into the body (`$.name`) or a header/query name, when the mismatch has one. */
  path?: string;
  message: string;
  type?: string;
}

export interface InteractionVerification {
  description: string;
  ok: boolean;
  mismatches: Mismatch[];
}

export interface ProviderVerification {
  ok: boolean;
  interactions: InteractionVerification[];
  /** The verifier's own report, one line each, without terminal colours. */
  output: string[];
}

interface VerifierResult {
  errors?: { interaction?: string; mismatch?: { mismatches?: RawMismatch[]; message?: string } }[];
  interactionResults?: { description: string; result: string }[];
  output?: string[];
}

interface RawMismatch {
  path?: string;
  mismatch?: string;
  type?: string;
  key?: string;
  parameter?: string;
}

export async function verifyProvider(options: VerifyProviderOptions): Promise<ProviderVerification> {
  const noOps: StateHandlers = {};
  for (const state of await statesIn(options.pactFiles)) noOps[state] = async () => undefined;
  const verifier = new Verifier({
    pactUrls: options.pactFiles,
    providerBaseUrl: options.providerBaseUrl,
    ...(options.providerStatesSetupUrl !== undefined ? { providerStatesSetupUrl: options.providerStatesSetupUrl } : {}),
    stateHandlers: { ...noOps, ...options.stateHandlers },
    requestFilter: requestFilter(options.providerHeaders ?? []) as unknown as VerifierOptions['requestFilter'],
    logLevel: options.logLevel ?? 'error',
  });
  let raw: string;
  try {
    raw = await verifier.verifyProvider();
  } catch (error) {
    const message = (error as Error)?.message ?? String(error);
    if (!message.trimStart().startsWith('{')) throw error;
    raw = message;
  }
  return parseResult(JSON.parse(raw) as VerifierResult);
}

/**
 * `verifyProvider` in a child process (state handlers cannot cross into it: use a
 * `providerStatesSetupUrl`). The Verifier's own report, which its native core prints to stdout,
 * goes to `report` instead of this process's stdout.
 */
export function verifyProviderIsolated(options: Omit<VerifyProviderOptions, 'stateHandlers'>, report: NodeJS.WritableStream | undefined): Promise<ProviderVerification> {
  return new Promise((resolve, reject) => {
    const child = fork(new URL('./verify-provider-worker.js', import.meta.url), [], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
    if (report !== undefined) child.stdout!.pipe(report, { end: false });
    else child.stdout!.resume();
    let answer: { result?: ProviderVerification; error?: string } | undefined;
    child.once('message', (message: { result?: ProviderVerification; error?: string }) => (answer = message));
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (answer?.result !== undefined) resolve(answer.result);
      else reject(new Error(answer?.error ?? `the verifier process ended (${signal ?? `exit ${code}`}) without a result`));
    });
    child.send(options);
  });
}

/**
 * The filter pact-js's proxy runs on every request to the provider: the provider headers set
 * (replacing the pact's placeholder, e.g. `Authorization: Bearer <token>`; pact-js's own
 * `customProviderHeaders` did not reach the provider in 16.5.0), then forms re-encoded.
 */
function requestFilter(headers: readonly string[]) {
  const pairs = headers.map((h) => {
    const colon = h.indexOf(':');
    return [h.slice(0, colon).trim().toLowerCase(), h.slice(colon + 1).trim()] as const;
  });
  return (req: IncomingMessage & { body?: unknown }, res: unknown, next: () => void): void => {
    for (const [name, value] of pairs) req.headers[name] = value;
    reencodeForms(req, res, next);
  };
}

function reencodeForms(req: IncomingMessage & { body?: unknown }, _res: unknown, next: () => void): void {
  const type = String(req.headers['content-type'] ?? '');
  if (type.startsWith('application/x-www-form-urlencoded') && req.body !== null && typeof req.body === 'object' && !Buffer.isBuffer(req.body)) {
    const params = new URLSearchParams();
    for (const [name, value] of formPairs(req.body, '')) params.append(name, value);
    const bytes = Buffer.from(params.toString(), 'utf8');
    req.body = bytes;
    req.headers['content-length'] = String(bytes.length);
  }
  next();
}

/** The inverse of body-parser's extended parsing: `card[number]` keys, repeated names for lists of values. */
function formPairs(value: unknown, prefix: string): [string, string][] {
  if (Array.isArray(value)) {
    if (value.every((v) => v === null || typeof v !== 'object')) return value.map((v) => [prefix, String(v)]);
    return value.flatMap((v, i) => formPairs(v, `${prefix}[${i}]`));
  }
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => formPairs(v, prefix === '' ? k : `${prefix}[${k}]`));
  }
  return [[prefix, String(value)]];
}

async function statesIn(files: readonly string[]): Promise<Set<string>> {
  const states = new Set<string>();
  for (const file of files) {
    const pact = JSON.parse(await readFile(file, 'utf8')) as { interactions?: { providerStates?: { name?: string }[] }[] };
    for (const i of pact.interactions ?? []) for (const s of i.providerStates ?? []) if (s.name !== undefined) states.add(s.name);
  }
  return states;
}

const MISSING_KEYS = /^Actual map is missing the following keys: (.+)$/;

function childPath(parent: string, key: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? `${parent}.${key}` : `${parent}['${key.replace(/'/g, "\\'")}']`;
}

// Errors name their interaction as "Verifying a pact between C and P[ Given S] - DESCRIPTION".
function parseResult(result: VerifierResult): ProviderVerification {
  const interactions = (result.interactionResults ?? []).map((r): InteractionVerification => {
    const errors = (result.errors ?? []).filter((e) => e.interaction?.endsWith(` - ${r.description}`));
    const mismatches = errors.flatMap((e): Mismatch[] => {
      const list = e.mismatch?.mismatches;
      if (list === undefined) return [{ message: e.mismatch?.message ?? 'verification failed' }];
      return list.flatMap((m) => {
        const message = m.mismatch ?? 'mismatch';
        const type = m.type !== undefined ? { type: m.type } : {};
        // A removed field is reported on its parent ("$" + the key names): name each field's own path.
        const missing = MISSING_KEYS.exec(message);
        if (missing && m.path !== undefined) return missing[1]!.split(', ').map((key) => ({ path: childPath(m.path!, key), message, ...type }));
        const path = m.path ?? m.key ?? m.parameter;
        return [{ ...(path !== undefined ? { path } : {}), message, ...type }];
      });
    });
    return { description: r.description, ok: r.result === 'OK' && errors.length === 0, mismatches };
  });
  // eslint-disable-next-line no-control-regex
  const output = (result.output ?? []).flatMap((line) => line.replace(/\u001b\[[0-9;]*m/g, '').split('\n'));
  return { ok: interactions.every((i) => i.ok) && (result.errors ?? []).length === 0, interactions, output };
}
