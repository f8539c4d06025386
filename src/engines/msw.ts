// The `msw` engine: the stubs as one catch-all Mock Service Worker handler, intercepting `fetch`
// (and `http`) in this process — no port, no socket. Matching is the shared matcher
// (src/stubs/match.ts), so precedence, replies in order (the last repeating), `x-seam-stub`, echo
// and the journal are the embedded engine's; only the transport differs.
//
// Decisions worth knowing:
// - The handler owns one origin (`baseUrl`, default `http://partner.msw.invalid` — `.invalid` never
//   resolves, so a request made after close() cannot reach a real host). Every request to it is
//   answered: a miss gets the embedded engine's 404. Requests to other origins are not ours, so
//   `startMsw` listens with `onUnhandledRequest: 'bypass'` (the harness's own calls to local
//   servers, WireMock's admin API… must pass); pass `'error'` to make any other call fail.
// - Faults, as the client sees them (msw has no socket to misbehave on):
//     reset, empty         → `HttpResponse.error()`: fetch rejects with TypeError "Failed to fetch"
//                             (on the wire: "fetch failed", cause ECONNRESET / UND_ERR_SOCKET).
//     malformed-chunk,     → the 200 head the embedded engine sends (same headers), then a body
//     truncated               stream that errors: reading the body rejects with TypeError
//                             "terminated", as undici does when the wire breaks mid-body. No errno:
//                             the error's cause says which fault was simulated.
//     hang                 → `delay('infinite')`: the request stays pending until the client gives up.
//   On close(), hung and delayed requests are answered with a network error (embedded destroys
//   their sockets), so nothing waits forever.
// - Request headers are what the client put on its Request (no `host`, `connection`, ... — there is
//   no wire), and repeated headers arrive joined with ", " (Fetch's Headers).
// - Reply compilation mirrors embedded.ts (framing headers dropped, default content-type, gzip /
//   deflate / br bodies encoded — msw's fetch interceptor decodes them as undici would).
import http from 'node:http';
import { http as mswHttp, HttpResponse, delay, type HttpHandler } from 'msw';
import { setupServer } from 'msw/node';
import { UsageError } from '../errors.js';
import { parseForm, typeBody } from '../exchange/body.js';
import type { Body, MultiMap } from '../exchange/types.js';
import { applyEcho } from '../stubs/echo.js';
import { compileStubs, matchStub, type CompiledStubs } from '../stubs/match.js';
import { isFault, STUB_HEADER, type FaultKind, type JournalEntry, type Stub } from '../stubs/types.js';
import type { Engine } from './engine.js';
import { encode, httpDate, JOURNAL_BODY_CAP, missBody, responseParts, TRUNCATED_BODY, TRUNCATED_LENGTH, type ResponseParts } from './reply-parts.js';
import { Journal, type JournalStats } from './journal.js';

export const DEFAULT_MSW_BASE_URL = 'http://partner.msw.invalid';
/** As embedded.ts (not exported there): the miss reply's `x-seam-stub`. */
const MISS_HEADER_VALUE = 'MISS';
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

export interface MswHandlerOptions {
  /** The origin the handler answers for; default DEFAULT_MSW_BASE_URL. */
  baseUrl?: string;
  /** Where entries go; default a new Journal (10,000 entries). */
  journal?: Journal;
  /** Called once per journaled request, when its reply is chosen (before any delay). */
  onEntry?: (entry: JournalEntry) => void;
}

/** The handler and the state behind it (reply counters, journal), for engines and suites alike. */
export interface MswStubs {
  readonly handler: HttpHandler;
  /** The origin answered, without a trailing slash. */
  readonly origin: string;
  readonly journal: Journal;
  setStubs(stubs: Stub[]): void;
  /** Reply counters back to 0. */
  reset(): void;
  /** Answer every waiting (hung or delayed) request with a network error, and any later one too. */
  abort(): void;
}

/** The stubs as handlers for `setupServer(...handlers)`; see createMswStubs for control over state. */
export function createMswHandlers(stubs: Stub[], options: MswHandlerOptions = {}): HttpHandler[] {
  return [createMswStubs(stubs, options).handler];
}

export function createMswStubs(stubs: Stub[], options: MswHandlerOptions = {}): MswStubs {
  const origin = originOf(options.baseUrl ?? DEFAULT_MSW_BASE_URL);
  const journal = options.journal ?? new Journal();
  const { onEntry } = options;
  let compiled = compile(stubs);
  const counters = new Map<string, number>();
  let aborted = false;
  // Once aborted (the engine closed), a handler stays aborted.
  let abortWaits: () => void = () => {};
  const abortSignal = new Promise<void>((resolve) => (abortWaits = resolve));

  /** Wait `ms` (or forever), unless abort() comes first; true when it did. */
  async function wait(ms: number | 'infinite'): Promise<boolean> {
    if (aborted) return true;
    return Promise.race([delay(ms).then(() => false), abortSignal.then(() => true)]);
  }

  const handler = mswHttp.all(
    ({ request }) => request.url.startsWith(origin) && isOrigin(request.url, origin),
    async ({ request }) => {
      const at = journal.now();
      if (aborted) return HttpResponse.error();
      const url = new URL(request.url);
      const path = url.pathname;
      const query: MultiMap = url.search.length > 1 ? parseForm(url.search.slice(1)) : {};
      const headers: MultiMap = {};
      request.headers.forEach((value, name) => (headers[name] = value));
      const method = request.method;
      const raw = Buffer.from(await request.arrayBuffer());
      let body: Body | undefined;
      let journalBody: Body | undefined;
      if (raw.length > 0) {
        const contentType = request.headers.get('content-type') ?? undefined;
        body = typeBody(raw, contentType);
        journalBody = raw.length > JOURNAL_BODY_CAP ? typeBody(raw, contentType, { maxBytes: JOURNAL_BODY_CAP }) : body;
      }
      const current = compiled;
      const result = matchStub(current.stubs, { method, path, query, headers, body });
      if ('miss' in result) {
        const entry = journal.record({ seq: 0, at, method, path, query, headers, body: journalBody, stubId: null, outcome: { miss: true, status: 404 } });
        onEntry?.(entry);
        const payload = missBody(method, path, result.near);
        return new HttpResponse(payload, {
          status: 404,
          statusText: http.STATUS_CODES[404],
          headers: [['content-type', 'application/json'], [STUB_HEADER, MISS_HEADER_VALUE], ['content-length', String(payload.length)]],
        });
      }
      const stubId = result.stub.id;
      const replies = current.replies.get(stubId)!;
      const count = counters.get(stubId) ?? 0;
      counters.set(stubId, count + 1);
      const replyIndex = Math.min(count, replies.length - 1);
      const reply = replies[replyIndex]!;
      const entry = journal.record({
        seq: 0,
        at,
        method,
        path,
        query,
        headers,
        body: journalBody,
        stubId,
        replyIndex,
        outcome: reply.kind === 'fault' ? { fault: reply.fault } : { status: reply.status },
      });
      onEntry?.(entry);
      if (reply.delayMs > 0 && (await wait(reply.delayMs))) return HttpResponse.error();
      if (reply.kind === 'fault') {
        if (reply.fault === 'hang') {
          await wait('infinite'); // only abort() ends it
          return HttpResponse.error();
        }
        return faultResponse(reply.fault, stubId);
      }
      let bytes = reply.bytes;
      if (bytes === undefined) bytes = encode(Buffer.from(JSON.stringify(applyEcho(reply.json, reply.echo!, { params: result.params, query, headers, body }))), reply.encoding);
      const nullBody = NULL_BODY_STATUSES.has(reply.status) || method === 'HEAD';
      const out = reply.headers.slice();
      if (reply.dates !== undefined) {
        const now = Date.now();
        for (const [name, seconds] of reply.dates) out.push([name, httpDate(seconds, now)]);
      }
      if (!nullBody) out.push(['content-length', String(bytes.length)]);
      return new HttpResponse(nullBody || bytes.length === 0 ? null : bytes, { status: reply.status, statusText: http.STATUS_CODES[reply.status] ?? '', headers: out });
    },
  );

  return {
    handler,
    origin,
    journal,
    setStubs: (next) => {
      compiled = compile(next); // throws before swapping, so a bad set leaves the old one serving
    },
    reset: () => counters.clear(),
    abort: () => {
      aborted = true;
      abortWaits();
    },
  };
}

export interface MswOptions {
  stubs: Stub[];
  baseUrl?: string;
  /** What msw does with requests to other origins; default 'bypass' (let them through). */
  onUnhandledRequest?: 'bypass' | 'error' | 'warn';
  journalLimit?: number;
  onEntry?: (entry: JournalEntry) => void;
}

export interface MswEngine extends Engine {
  readonly name: 'msw';
  stats(): JournalStats;
}

/**
 * Start intercepting: from now until close(), `fetch` and `http` requests to the base URL in this
 * process are answered by the stubs. One msw server per process at a time.
 */
export async function startMsw(options: MswOptions): Promise<MswEngine> {
  const [engine] = await startMswSet([options], options.onUnhandledRequest);
  return engine!;
}

/**
 * Several stub sets, each on its own origin, on one msw server (msw intercepts process-wide, so a
 * second server would unhook the first): a scenario's partners in-process. The server stops when
 * the last engine closes.
 */
export async function startMswSet(sets: readonly Omit<MswOptions, 'onUnhandledRequest'>[], onUnhandledRequest: MswOptions['onUnhandledRequest'] = 'bypass'): Promise<MswEngine[]> {
  const states = sets.map((options) => {
    const journal = new Journal(options.journalLimit);
    const state = createMswStubs(options.stubs, { journal, ...(options.baseUrl !== undefined && { baseUrl: options.baseUrl }), ...(options.onEntry && { onEntry: options.onEntry }) });
    return { state, journal };
  });
  const origins = states.map((s) => s.state.origin);
  if (new Set(origins).size !== origins.length) throw new UsageError(`msw stub sets need distinct base URLs, got ${origins.join(', ')}`);
  const server = setupServer(...states.map((s) => s.state.handler));
  server.listen({ onUnhandledRequest });
  let open = states.length;
  return states.map(({ state, journal }): MswEngine => {
    let closed = false;
    return {
      name: 'msw',
      url: state.origin,
      journal: async () => journal.entries(),
      resetJournal: async () => journal.reset(),
      stats: () => journal.stats(),
      setStubs: async (stubs) => state.setStubs(stubs),
      reset: async () => state.reset(),
      close: async () => {
        if (closed) return;
        closed = true;
        state.abort();
        if (--open === 0) server.close();
      },
    };
  });
}

// ---------------------------------------------------------------------------------------------

function faultResponse(fault: Exclude<FaultKind, 'hang'>, stubId: string): Response {
  if (fault === 'reset' || fault === 'empty') return HttpResponse.error();
  // The head the embedded engine writes, then a body that breaks as a broken wire would.
  const truncated = fault === 'truncated';
  const cause = new Error(`seam msw: simulated ${fault} fault`);
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      if (truncated) controller.enqueue(new TextEncoder().encode(TRUNCATED_BODY));
      controller.error(new TypeError('terminated', { cause }));
    },
  });
  const headers: [string, string][] = [['content-type', 'application/json']];
  if (truncated) headers.push(['content-length', String(TRUNCATED_LENGTH)]);
  headers.push([STUB_HEADER, stubId]);
  return new HttpResponse(stream, { status: 200, statusText: 'OK', headers });
}

function originOf(baseUrl: string): string {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new UsageError(`msw base URL is not a URL: "${baseUrl}"`);
  }
  if ((url.pathname !== '/' && url.pathname !== '') || url.search !== '' || url.hash !== '') {
    throw new UsageError(`msw base URL must be an origin like http://partner.test (stub paths are absolute), got "${baseUrl}"`);
  }
  return url.origin;
}

function isOrigin(requestUrl: string, origin: string): boolean {
  const next = requestUrl.charAt(origin.length);
  return next === '/' || next === '?' || next === '';
}

type CompiledReply =
  | ({ kind: 'response' } & ResponseParts)
  | { kind: 'fault'; fault: FaultKind; delayMs: number };

interface Compiled {
  stubs: CompiledStubs;
  replies: Map<string, CompiledReply[]>;
}

// The same reply parts as embedded.ts, so both serve the same bytes and headers.
function compile(stubs: Stub[]): Compiled {
  const matcher = compileStubs(stubs);
  const replies = new Map<string, CompiledReply[]>();
  stubs.forEach((stub, s) =>
    replies.set(
      stub.id,
      stub.replies.map((reply, r): CompiledReply => (isFault(reply) ? { kind: 'fault', fault: reply.fault, delayMs: reply.delayMs ?? 0 } : { kind: 'response', ...responseParts(reply, stub.id, `/${s}/replies/${r}`) })),
    ),
  );
  return { stubs: matcher, replies };
}
