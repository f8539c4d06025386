// The embedded engine: a Node `http` server in the harness process serving Stubs, with faults as
// socket tricks and a bounded journal. The default engine, so the hot path is kept lean: stubs and
// replies are compiled once (header arrays and body bytes precomputed), a request without a body
// is answered synchronously, and per-request work is parse → match → journal → write.
//
// Decisions worth knowing:
// - A miss answers 404 `{ error: 'no stub matched', request: { method, path }, near }` with
//   `x-seam-stub: MISS`, so every reply names what produced it.
// - Stub headers `content-length`, `transfer-encoding`, `connection`, `keep-alive` are ignored (the
//   engine frames the body itself). Bodies are stored decoded, so a `content-encoding` of gzip,
//   deflate or br is honoured by encoding the body; any other encoding header is dropped.
// - Faults write raw bytes on the socket: `malformed-chunk` sends a 200 head with
//   `transfer-encoding: chunked`, then 10 ms later a chunk whose size is not hex; `truncated` sends a 200 head
//   with `content-length: 1024` and 20 bytes of JSON; both then close. `hang` answers never; the
//   socket is closed by the client or by `close()`.
// - Admin requests (`/__seam/…`) can be handed to `admin`; they are not journaled.
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { addValue, parseForm, typeBody } from '../exchange/body.js';
import type { Body, MultiMap } from '../exchange/types.js';
import { applyEcho } from '../stubs/echo.js';
import { compileStubs, matchStub, type CompiledStubs } from '../stubs/match.js';
import { isFault, STUB_HEADER, type FaultKind, type JournalEntry, type Stub } from '../stubs/types.js';
import type { Engine } from './engine.js';
import { encode, httpDate, JOURNAL_BODY_CAP, missBody, responseParts, TRUNCATED_BODY, TRUNCATED_LENGTH, type ResponseParts } from './reply-parts.js';
import { headerMap, Journal, type JournalStats, type LazyEntry } from './journal.js';

export interface EmbeddedOptions {
  stubs: Stub[];
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
  /** Entries kept in the journal's ring (counters are never capped). Default 10,000. */
  journalLimit?: number;
  /** Called once per journaled request, when its reply is chosen (before any delay). */
  onEntry?: (entry: JournalEntry) => void;
  /** Handles requests under `/__seam/` (the admin API of `seam mock`); not journaled. */
  admin?: (req: http.IncomingMessage, res: http.ServerResponse) => void;
}

export interface EmbeddedEngine extends Engine {
  readonly name: 'embedded';
  readonly port: number;
  /** ms from `startEmbedded` to listening. */
  readonly startupMs: number;
  /** Counters that keep counting past the journal's limit. */
  stats(): JournalStats;
}

export const MISS_HEADER_VALUE = 'MISS';
export const ADMIN_PREFIX = '/__seam/';
/** Request bodies above this are journaled as `omitted` (size and digest) to keep entries small. */
const MALFORMED_CHUNK_GAP_MS = 10;
const MISS_OUTCOME: JournalEntry['outcome'] = { miss: true, status: 404 };

type CompiledReply =
  | ({
      kind: 'response';
      /** Flat [name, value, …] as Node's writeHead takes them; content-length too when `bytes` is set. */
      headers: string[];
      /** The journal entries' outcome, one object shared by every entry this reply answers. */
      outcome: JournalEntry['outcome'];
    } & Omit<ResponseParts, 'headers'>)
  | { kind: 'fault'; fault: FaultKind; delayMs: number; stubId: string; outcome: JournalEntry['outcome'] };

interface Compiled {
  stubs: CompiledStubs;
  replies: Map<string, CompiledReply[]>;
}

export async function startEmbedded(options: EmbeddedOptions): Promise<EmbeddedEngine> {
  const started = performance.now();
  let compiled = compile(options.stubs);
  const journal = new Journal(options.journalLimit, started);
  const counters = new Map<string, number>();
  const timers = new Set<NodeJS.Timeout>();
  const sockets = new Set<Socket>();
  const { onEntry, admin } = options;
  let closing: Promise<void> | undefined;

  const server = http.createServer((req, res) => {
    const at = journal.now();
    if (admin !== undefined && req.url!.startsWith(ADMIN_PREFIX)) return admin(req, res);
    // Read from rawHeaders: Node's `req.headers` object is never built.
    if (!hasBody(req.rawHeaders)) {
      handle(req, res, at, undefined);
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => handle(req, res, at, chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  // Headers stay Node's rawHeaders unless something needs the map: matching reads them in place,
  // and the journal keeps the request compact and builds its entry only when read (or at once for
  // `onEntry`).
  function handle(req: http.IncomingMessage, res: http.ServerResponse, at: number, raw: Buffer | undefined): void {
    const url = originForm(req.url!);
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    const query: MultiMap = q === -1 ? {} : parseQuery(url.slice(q + 1));
    const method = req.method!;
    const rawHeaders = req.rawHeaders;
    let body: Body | undefined;
    let contentType: string | undefined;
    if (raw !== undefined && raw.length > 0) {
      contentType = rawHeader(rawHeaders, 'content-type');
      body = typeBody(raw, contentType);
    }
    const current = compiled;
    const result = matchStub(current.stubs, { method, path, query, rawHeaders, body });
    if ('miss' in result) {
      record(new JournalRequest(at, method, url, rawHeaders, raw, contentType, null, undefined, MISS_OUTCOME));
      const payload = missBody(method, path, result.near);
      res.writeHead(404, ['content-type', 'application/json', STUB_HEADER, MISS_HEADER_VALUE, 'content-length', String(payload.length)]);
      res.end(payload);
      return;
    }
    const stubId = result.stub.id;
    const replies = current.replies.get(stubId)!;
    const count = counters.get(stubId) ?? 0;
    counters.set(stubId, count + 1);
    const replyIndex = Math.min(count, replies.length - 1);
    const reply = replies[replyIndex]!;
    record(new JournalRequest(at, method, url, rawHeaders, raw, contentType, stubId, replyIndex, reply.outcome));
    if (reply.delayMs > 0) later(() => serve(reply, req, res, result.params, query, body), reply.delayMs);
    else serve(reply, req, res, result.params, query, body);
  }

  function record(request: JournalRequest): void {
    if (onEntry === undefined) journal.recordLazy(request);
    else onEntry(journal.record(request.build()));
  }

  function serve(reply: CompiledReply, req: http.IncomingMessage, res: http.ServerResponse, params: Record<string, string>, query: MultiMap, body: Body | undefined): void {
    if (reply.kind === 'fault') fault(reply, req.socket, later);
    else if (reply.bytes !== undefined) {
      if (res.destroyed) return;
      res.writeHead(reply.status, replyHeaders(reply));
      res.end(reply.bytes);
    } else respond(reply, res, { params, query, headers: headerMap(req.rawHeaders), body });
  }

  /** A timer that close() cancels. */
  function later(fn: () => void, ms: number): void {
    const timer = setTimeout(() => {
      timers.delete(timer);
      fn();
    }, ms);
    timers.add(timer);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const startupMs = Math.round((performance.now() - started) * 100) / 100;

  return {
    name: 'embedded',
    url: `http://${host}:${address.port}`,
    port: address.port,
    startupMs,
    journal: async () => journal.entries(),
    resetJournal: async () => journal.reset(),
    stats: () => journal.stats(),
    setStubs: async (stubs) => {
      compiled = compile(stubs); // throws before swapping, so a bad set leaves the old one serving
    },
    reset: async () => counters.clear(),
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        server.close(() => resolve());
        // Hung and delayed requests hold their sockets open; close must not wait for them.
        for (const socket of sockets) socket.destroy();
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

// ---------------------------------------------------------------------------------------------

function respond(reply: Extract<CompiledReply, { kind: 'response' }>, res: http.ServerResponse, request: Parameters<typeof applyEcho>[2]): void {
  if (res.destroyed) return;
  if (reply.bytes !== undefined) {
    res.writeHead(reply.status, replyHeaders(reply));
    res.end(reply.bytes);
    return;
  }
  const bytes = encode(Buffer.from(JSON.stringify(applyEcho(reply.json, reply.echo!, request))), reply.encoding);
  res.writeHead(reply.status, [...replyHeaders(reply), 'content-length', String(bytes.length)]);
  res.end(bytes);
}

/** The compiled headers, plus any `dateHeaders` rendered now. */
function replyHeaders(reply: Extract<CompiledReply, { kind: 'response' }>): string[] {
  if (reply.dates === undefined) return reply.headers;
  const now = Date.now();
  const out = reply.headers.slice();
  for (const [name, seconds] of reply.dates) out.push(name, httpDate(seconds, now));
  return out;
}

function fault(reply: Extract<CompiledReply, { kind: 'fault' }>, socket: Socket, later: (fn: () => void, ms: number) => void): void {
  if (socket.destroyed) return;
  switch (reply.fault) {
    case 'reset':
      socket.resetAndDestroy();
      return;
    case 'empty':
      socket.end(() => socket.destroy());
      return;
    case 'malformed-chunk':
      socket.write(`HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n${STUB_HEADER}: ${reply.stubId}\r\n\r\n`);
      // The bad chunk goes a moment after the head, so every client sees the 200 first and then
      // fails reading the body (in one packet, some clients fail the whole request instead).
      later(() => {
        if (!socket.destroyed) socket.end('ZZ\r\n{"not":"a chunk"}\r\n', () => socket.destroy());
      }, MALFORMED_CHUNK_GAP_MS);
      return;
    case 'truncated':
      socket.write(`HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${TRUNCATED_LENGTH}\r\n${STUB_HEADER}: ${reply.stubId}\r\n\r\n`);
      socket.end(TRUNCATED_BODY, () => socket.destroy());
      return;
    case 'hang':
      return; // never answer
  }
}

function compile(stubs: Stub[]): Compiled {
  const matcher = compileStubs(stubs);
  const replies = new Map<string, CompiledReply[]>();
  stubs.forEach((stub, s) =>
    replies.set(
      stub.id,
      stub.replies.map((reply, r): CompiledReply => {
        if (isFault(reply)) return { kind: 'fault', fault: reply.fault, delayMs: reply.delayMs ?? 0, stubId: stub.id, outcome: { fault: reply.fault } };
        const parts = responseParts(reply, stub.id, `/${s}/replies/${r}`);
        // Node's writeHead takes a flat [name, value, …] list.
        const headers = parts.headers.flat();
        if (parts.bytes !== undefined) headers.push('content-length', String(parts.bytes.length));
        return { kind: 'response', ...parts, headers, outcome: { status: reply.status } };
      }),
    ),
  );
  return { stubs: matcher, replies };
}


/**
 * A journaled request kept as the journal's `LazyEntry`: strings and numbers only. Headers are
 * Node's rawHeaders joined by newlines (names and values never hold one) and the body its bytes as
 * a latin1 string (a copy: a socket chunk would pin its whole read buffer); a body over the
 * journal's cap is typed at once, capped, as before.
 */
class JournalRequest implements LazyEntry {
  readonly lazy = true as const;
  private readonly headers: string;
  private readonly body: string | Body | undefined;

  constructor(
    private readonly at: number,
    private readonly method: string,
    private readonly target: string,
    rawHeaders: readonly string[],
    raw: Buffer | undefined,
    private readonly contentType: string | undefined,
    readonly stubId: string | null,
    private readonly replyIndex: number | undefined,
    readonly outcome: JournalEntry['outcome'],
  ) {
    this.headers = rawHeaders.join('\n');
    this.body = raw === undefined || raw.length === 0 ? undefined : raw.length > JOURNAL_BODY_CAP ? typeBody(raw, contentType, { maxBytes: JOURNAL_BODY_CAP }) : raw.toString('latin1');
  }

  build(): JournalEntry {
    const q = this.target.indexOf('?');
    const body = typeof this.body === 'string' ? typeBody(Buffer.from(this.body, 'latin1'), this.contentType) : this.body;
    const entry: JournalEntry = {
      seq: 0,
      at: this.at,
      method: this.method,
      path: q === -1 ? this.target : this.target.slice(0, q),
      query: q === -1 ? {} : parseQuery(this.target.slice(q + 1)),
      headers: this.headers === '' ? {} : headerMap(this.headers.split('\n')),
      body,
      stubId: this.stubId,
      ...(this.replyIndex !== undefined ? { replyIndex: this.replyIndex } : {}),
      outcome: this.outcome,
    };
    return entry;
  }
}

/** `/path?query` from a request target, also in absolute form (a client using the mock as its proxy). */
function originForm(target: string): string {
  if (target.startsWith('/')) return target;
  try {
    const url = new URL(target);
    return url.pathname + url.search;
  } catch {
    return target;
  }
}

/** A query string as `parseForm` reads it; plain `a=b&c=d` (no `%` or `+`) without URLSearchParams. */
function parseQuery(text: string): MultiMap {
  if (text.includes('%') || text.includes('+')) return parseForm(text);
  const out: MultiMap = {};
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('&', start);
    if (end === -1) end = text.length;
    if (end > start) {
      const eq = text.indexOf('=', start);
      if (eq === -1 || eq > end) addValue(out, text.slice(start, end), '');
      else addValue(out, text.slice(start, eq), text.slice(eq + 1, end));
    }
    start = end + 1;
  }
  return out;
}

/** Whether the request has a body to read: a transfer-encoding, or a content-length other than 0. */
function hasBody(raw: string[]): boolean {
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    if (name.length === 17 && name.toLowerCase() === 'transfer-encoding') return true;
    if (name.length === 14 && raw[i + 1] !== '0' && name.toLowerCase() === 'content-length') return true;
  }
  return false;
}

/** The first value of header `name` (lower-case) in rawHeaders. */
function rawHeader(raw: string[], name: string): string | undefined {
  for (let i = 0; i < raw.length; i += 2) {
    const n = raw[i]!;
    if (n.length === name.length && (n === name || n.toLowerCase() === name)) return raw[i + 1];
  }
  return undefined;
}
