// The `prism` engine: Stoplight Prism serving an OpenAPI spec, for spec-only mocks (`mode: 'mock'`)
// and as a validation proxy in front of a real upstream (`mode: 'proxy'`). Prism has no request
// journal and its per-request log is pretty-printed prose, so a small recording front (Node http,
// in this process) sits before it: the front forwards every request unchanged, records a Seam
// JournalEntry, and collects the validation violations Prism reports in its `sl-violations`
// response header. `url` is the front; `prismUrl` is Prism itself, without journal.
//
// Prism serves the spec, not Seam stubs: `setStubs` and `reset` reject with a UsageError.
import { existsSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve as resolvePath } from 'node:path';
import { InputError, SeamError, UsageError } from '../errors.js';
import { addValue, typeBody } from '../exchange/body.js';
import type { MultiMap } from '../exchange/types.js';
import { indexOperations, loadSpec, operations, resolveOperation } from '../spec/index.js';
import type { JournalEntry } from '../stubs/types.js';
import type { Engine } from './engine.js';
import { DEFAULT_JOURNAL_LIMIT, Journal } from './journal.js';
import { startPrismProcess } from './prism-process.js';

export interface PrismEngineOptions {
  /** The OpenAPI (2.0 / 3.x) file Prism serves. */
  spec: string;
  mode: 'mock' | 'proxy';
  /** Required in proxy mode: the real server Prism forwards to and validates. */
  upstream?: string;
  /** The front's port; 0 or absent: any free port. Prism itself always takes a free port. */
  port?: number;
  /** Mock mode: generate bodies from the schemas instead of using examples (`--dynamic`). */
  dynamic?: boolean;
  /**
   * `--errors`: a response violating the spec (error severity) is replaced by Prism's 500
   * `VIOLATIONS` problem+json. Off by default so a validation proxy hands the upstream's answer through and the
   * violations are read from `violations()`.
   */
  errors?: boolean;
  /** Journal and violations keep at most this many entries each (the oldest are dropped). */
  journalLimit?: number;
  startTimeoutMs?: number;
}

/** One validation violation Prism reported for a request (`sl-violations`). */
export interface PrismViolation {
  /** The journal `seq` of the request it was reported for. */
  seq: number;
  method: string;
  path: string;
  /** Where, as Prism gives it: `['response', 'body', 'name']`, `['request', 'query', 'limit']`. */
  location: string[];
  /** `Error`, `Warning`, `Information` or `Hint`. */
  severity: string;
  code?: string | number;
  message: string;
}

export interface PrismEngine extends Engine {
  readonly name: 'prism';
  readonly mode: 'mock' | 'proxy';
  readonly pid: number;
  /** Prism's own URL, bypassing the recording front (no journal, no violations collected). */
  readonly prismUrl: string;
  /** ms from spawning Prism to its first answered request (the front and spec index load meanwhile). */
  readonly startMs: number;
  /** Violations reported since start or the last `resetJournal`, oldest first. */
  violations(): PrismViolation[];
}

// Not forwarded by the front: connection-scoped, or recomputed because the body is re-sent whole.
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'content-length']);

export async function startPrism(options: PrismEngineOptions): Promise<PrismEngine> {
  const spec = resolvePath(options.spec);
  if (!existsSync(spec)) throw new InputError('spec file not found', { file: options.spec });
  if (options.mode !== 'mock' && options.mode !== 'proxy') throw new UsageError(`prism mode must be mock or proxy, got ${String(options.mode)}`);
  const args: string[] = [];
  if (options.mode === 'proxy') {
    if (options.upstream === undefined) throw new UsageError('prism proxy mode needs an upstream URL');
    try {
      new URL(options.upstream);
    } catch {
      throw new UsageError(`prism upstream is not a URL: ${options.upstream}`);
    }
    args.push('proxy', spec, options.upstream);
  } else {
    if (options.upstream !== undefined) throw new UsageError('prism upstream is only for proxy mode');
    args.push('mock', spec);
    if (options.dynamic === true) args.push('--dynamic');
  }
  if (options.errors === true) args.push('--errors');

  // Prism and our own spec index (which names the operation in each journal entry) load in parallel.
  const [procResult, indexResult] = await Promise.allSettled([
    startPrismProcess({ args, startTimeoutMs: options.startTimeoutMs }),
    loadSpec(spec).then((loaded) => {
      const ops = operations(loaded);
      return { index: indexOperations(ops), basePaths: basePathsToStrip(ops) };
    }),
  ]);
  if (procResult.status === 'rejected') throw procResult.reason;
  const proc = procResult.value;
  if (indexResult.status === 'rejected') {
    await proc.stop(500);
    throw indexResult.reason;
  }
  const { index, basePaths } = indexResult.value;
  // Prism mock matches the spec's paths without the servers' base path (`/files/1`, not Box's
  // `/2.0/files/1`), while a connector calls the partner's real URLs: the front strips it.
  const forwardPath = (url: string): string => {
    if (options.mode !== 'mock') return url;
    for (const base of basePaths) {
      if (url.startsWith(base) && (url.length === base.length || url[base.length] === '/' || url[base.length] === '?')) {
        const rest = url.slice(base.length);
        return rest === '' || rest.startsWith('?') ? `/${rest}` : rest;
      }
    }
    return url;
  };

  const limit = options.journalLimit ?? DEFAULT_JOURNAL_LIMIT;
  const journal = new Journal(limit);
  let violations: PrismViolation[] = [];
  const agent = new http.Agent({ keepAlive: true });

  const front = http.createServer((req, res) => {
    const at = journal.now();
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('error', () => res.destroy());
    req.on('end', () => {
      const bytes = Buffer.concat(chunks);
      const headers: string[] = [];
      for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
        if (!HOP_BY_HOP.has(req.rawHeaders[i]!.toLowerCase())) headers.push(req.rawHeaders[i]!, req.rawHeaders[i + 1]!);
      }
      if (bytes.length > 0 || req.headers['content-length'] !== undefined) headers.push('content-length', String(bytes.length));
      const upstream = http.request(
        { host: '127.0.0.1', port: proc.port, method: req.method, path: forwardPath(req.url ?? '/'), headers, agent },
        (answer) => {
          const status = answer.statusCode ?? 502;
          const entry = record(req, bytes, at, status);
          const reported = answer.headers['sl-violations'];
          if (typeof reported === 'string') addViolations(entry, parseViolations(reported));
          else if (/^application\/problem\+json/i.test(answer.headers['content-type'] ?? '')) {
            // Prism's own 422 for an invalid request with no documented error response carries the
            // violations in its problem body instead of the header.
            const problem: Buffer[] = [];
            answer.on('data', (chunk: Buffer) => problem.push(chunk));
            answer.on('end', () => addViolations(entry, problemViolations(Buffer.concat(problem))));
          }
          const out: string[] = [];
          for (let i = 0; i + 1 < answer.rawHeaders.length; i += 2) {
            const name = answer.rawHeaders[i]!.toLowerCase();
            if (name !== 'connection' && name !== 'keep-alive') out.push(answer.rawHeaders[i]!, answer.rawHeaders[i + 1]!);
          }
          res.writeHead(status, out);
          answer.pipe(res);
          answer.on('error', () => res.destroy());
        },
      );
      upstream.on('error', (error) => {
        // An error after Prism's answer began was journaled with its status already.
        if (!res.headersSent) record(req, bytes, at, 502);
        if (res.headersSent) res.destroy();
        else res.writeHead(502, { 'content-type': 'text/plain' }).end(`seam: Prism did not answer: ${error.message}\n`);
      });
      upstream.end(bytes);
    });
  });

  const record = (req: http.IncomingMessage, bytes: Buffer, at: number, status: number): JournalEntry => {
    const url = new URL(req.url ?? '/', 'http://front');
    const query: MultiMap = {};
    for (const [key, value] of url.searchParams) addValue(query, key, value);
    const headers: MultiMap = {};
    for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) addValue(headers, req.rawHeaders[i]!.toLowerCase(), req.rawHeaders[i + 1]!);
    const method = req.method ?? 'GET';
    const match = resolveOperation(index, method, url.pathname);
    const entry: JournalEntry = {
      seq: 0,
      at,
      method,
      path: url.pathname,
      query,
      headers,
      stubId: match === undefined ? null : `prism:${match.operation.operationId ?? match.operation.id}`,
      outcome: match === undefined && status === 404 ? { miss: true, status: 404 } : { status },
      ms: Math.round((journal.now() - at) * 10) / 10,
    };
    const body = typeBody(bytes, req.headers['content-type']);
    if (body !== undefined) entry.body = body;
    return journal.record(entry);
  };

  const addViolations = (entry: JournalEntry, found: ViolationDetail[]): void => {
    for (const v of found) violations.push({ seq: entry.seq, method: entry.method, path: entry.path, ...v });
    if (violations.length > limit) violations = violations.slice(-limit);
  };

  try {
    await new Promise<void>((resolve, reject) => {
      front.once('error', reject);
      front.listen(options.port ?? 0, '127.0.0.1', () => resolve());
    });
  } catch (error) {
    await proc.stop(500);
    throw new SeamError('internal', `cannot listen on 127.0.0.1:${options.port ?? 0}: ${(error as Error).message}`, { cause: error });
  }
  const url = `http://127.0.0.1:${(front.address() as AddressInfo).port}`;
  let closed: Promise<void> | undefined;
  const notStubs = (verb: string): Promise<never> =>
    Promise.reject(new UsageError(`prism serves the spec, not stubs: ${verb} is not supported (use the embedded, msw or wiremock engine for stubs)`));

  return {
    name: 'prism',
    mode: options.mode,
    url,
    prismUrl: proc.url,
    pid: proc.pid,
    startMs: proc.startMs,
    async journal() {
      return journal.entries();
    },
    async resetJournal() {
      journal.reset();
      violations = [];
    },
    setStubs: () => notStubs('setStubs'),
    reset: () => notStubs('reset'),
    violations: () => [...violations],
    close() {
      closed ??= (async () => {
        const frontClosed = new Promise<void>((resolve) => front.close(() => resolve()));
        front.closeAllConnections();
        agent.destroy();
        await Promise.all([frontClosed, proc.stop(2000)]);
      })();
      return closed;
    },
  } satisfies PrismEngine;
}

export type ViolationDetail = Omit<PrismViolation, 'seq' | 'method' | 'path'>;

/** Prism's `sl-violations` header value as data; a truncated ("Too many violations!") value as one entry saying so. */
export function parseViolations(header: string): ViolationDetail[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(header);
  } catch {
    return [{ location: [], severity: 'Error', message: `unreadable sl-violations header (Prism truncates it past 8 KB): ${header.slice(0, 200)}` }];
  }
  return toViolations(parsed);
}

/**
 * The `validation` list of a Prism problem+json body. Its request violations are located without
 * the `request` prefix the header uses (`['query', 'limit']`); add it so both read alike.
 */
export function problemViolations(body: Buffer): ViolationDetail[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return [];
  }
  const found = toViolations((parsed as { validation?: unknown } | null)?.validation);
  for (const v of found) if (v.location[0] !== 'request' && v.location[0] !== 'response') v.location.unshift('request');
  return found;
}

function toViolations(parsed: unknown): ViolationDetail[] {
  if (!Array.isArray(parsed)) return [];
  return parsed.map((item: unknown) => {
    const v = (item ?? {}) as { location?: unknown; severity?: unknown; code?: unknown; message?: unknown };
    const out: ViolationDetail = {
      location: Array.isArray(v.location) ? v.location.map(String) : [],
      severity: typeof v.severity === 'string' ? v.severity : 'Error',
      message: typeof v.message === 'string' ? v.message : JSON.stringify(item),
    };
    if (typeof v.code === 'string' || typeof v.code === 'number') out.code = v.code;
    return out;
  });
}

/** The non-empty base paths of the spec's servers, longest first. */
function basePathsToStrip(ops: readonly { basePaths: string[] }[]): string[] {
  const all = new Set<string>();
  for (const op of ops) for (const base of op.basePaths) if (base !== '' && base !== '/') all.add(base.replace(/\/+$/, ''));
  return [...all].sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
}
