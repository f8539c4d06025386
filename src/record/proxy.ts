// The recording proxy: a reverse proxy that forwards every request to the target untouched and
// keeps a copy of each exchange. Bytes stream both ways (pipe, so backpressure holds); the copy is
// collected on the side up to a cap, then only counted and hashed. The copy is decoded, typed and
// redacted, and only then written — one atomic file per exchange, numbered in arrival order.
import { createHash, type Hash } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { addValue } from '../exchange/body.js';
import { SessionWriter, type UnnamedExchange } from '../exchange/store.js';
import type { Body, Direction, Exchange, ExchangeRequest, ExchangeResponse, MultiMap, Timings } from '../exchange/types.js';
import { UsageError } from '../errors.js';
import { FileWriterThread } from '../io/file-writer-thread.js';
import { storedBody } from './codecs.js';
import { createRedactor, type RedactionSummary, type Redactor } from './redaction/index.js';

export interface RecorderOptions {
  partner: string;
  session: string;
  recordingsRoot: string;
  /** Upstream base URL (the partner, or with inbound the connector to forward to); may include a base path. */
  target: string;
  direction: 'outbound' | 'inbound';
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0 = any free port. */
  port?: number;
  /** Upstream idle timeout → 502 and an exchange with response.error {code:'ETIMEDOUT'}. */
  timeoutMs?: number;
  /** Stored-copy cap per body → Body { omitted: { bytes, sha256, contentType } }. */
  maxBodyBytes?: number;
  /** Default: createRedactor(). */
  redactor?: Redactor;
  onExchange?: (event: { exchange: Exchange; file: string; ms: number }) => void;
  /** A write that failed: reported, never crashes the proxy. */
  onError?: (error: Error) => void;
}

export interface RecordSummary {
  count: number;
  byStatus: Record<string, number>;
  redactions: RedactionSummary;
  failedWrites: number;
}

export interface Recorder {
  url: string;
  port: number;
  summary(): RecordSummary;
  /** Resolves when every exchange that has arrived so far is written (or its write failed). */
  settled(): Promise<void>;
  /** Stop accepting, let in-flight exchanges finish and be written, return the summary. */
  close(): Promise<RecordSummary>;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_MAX_BODY = 64 * 1024 * 1024;
// Past this many exchanges (or bytes) waiting for the disk, new requests wait before they are
// forwarded: a disk slower than the partner slows the client down instead of exhausting memory.
const BACKLOG_HIGH_WATER = 4096;
const BACKLOG_HIGH_WATER_BYTES = 256 * 1024 * 1024;
/** The byStatus key of exchanges the partner never answered. */
export const ERROR_STATUS = 'error';

// Hop-by-hop: they describe our connection to the client (or to the upstream), not the message.
// transfer-encoding stays: Node re-frames a chunked body itself when the header says chunked.
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'upgrade']);

export async function startRecorder(options: RecorderOptions): Promise<Recorder> {
  const target = parseTarget(options.target);
  const direction: Direction = options.direction;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY;
  const redactor = options.redactor ?? createRedactor();
  const thread = new FileWriterThread();
  let writer: SessionWriter;
  try {
    writer = await SessionWriter.open(options.recordingsRoot, options.partner, options.session, { thread });
  } catch (error) {
    await thread.close();
    throw error;
  }
  const overloaded = (): boolean => thread.backlog > BACKLOG_HIGH_WATER || thread.backlogBytes > BACKLOG_HIGH_WATER_BYTES;
  const drained = async (): Promise<void> => {
    while (overloaded()) await new Promise((r) => setTimeout(r, 2));
  };
  const secure = target.protocol === 'https:';
  const agentOptions = { keepAlive: true, maxSockets: 2048, maxFreeSockets: 256, scheduling: 'lifo' as const };
  const agent = secure ? new https.Agent(agentOptions) : new http.Agent(agentOptions);
  const basePath = target.pathname.replace(/\/+$/, '');

  let count = 0;
  let failedWrites = 0;
  const byStatus: Record<string, number> = {};
  const pending = new Set<Promise<void>>();
  let closing = false;
  let closed: Promise<RecordSummary> | undefined;

  const report = (error: unknown): void => {
    try {
      options.onError?.(error instanceof Error ? error : new Error(String(error)));
    } catch {
      // a reporter that throws must not take the proxy down
    }
  };

  const summary = (): RecordSummary => ({ count, byStatus: { ...byStatus }, redactions: redactor.summary(), failedWrites });

  async function persist(seq: number, exchange: UnnamedExchange): Promise<void> {
    let written;
    try {
      written = await writer.write(redactor.redact(exchange), seq);
    } catch (error) {
      failedWrites++;
      report(error);
      return;
    }
    count++;
    const key = 'status' in exchange.response ? String(exchange.response.status) : ERROR_STATUS;
    byStatus[key] = (byStatus[key] ?? 0) + 1;
    try {
      options.onExchange?.({ exchange: written.exchange, file: written.file, ms: written.exchange.durationMs });
    } catch (error) {
      report(error);
    }
  }

  const server = http.createServer({ requestTimeout: 0 }, (req, res) => {
    const done = (overloaded() ? drained().then(() => proxyOne(req, res)) : proxyOne(req, res)).catch(report);
    pending.add(done);
    void done.finally(() => pending.delete(done));
  });

  function proxyOne(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const started = performance.now();
    const recordedAt = new Date().toISOString();
    const seq = writer.reserve();
    const method = req.method ?? 'GET';
    const { path: clientPath, search } = splitUrl(req.url ?? '/');
    const path = basePath + clientPath;
    const headers = forwardHeaders(req.rawHeaders, target.host);
    const reqTap = new BodyTap(maxBody);
    const resTap = new BodyTap(maxBody);
    req.on('data', (chunk: Buffer) => reqTap.push(chunk));
    const requestRead = new Promise<void>((resolve) => {
      // Once the response is finished Node no longer aborts the request when the socket closes,
      // so a client that hangs up mid-body after an early answer ends neither: watch the socket
      // too (and let go of it after, as a keep-alive socket carries many requests).
      const socket = req.socket;
      const read = (): void => {
        socket.off('close', read);
        resolve();
      };
      if (req.readableEnded || socket.destroyed) return read();
      req.once('end', read);
      req.once('close', read);
      socket.once('close', read);
    });

    return new Promise<void>((resolveExchange) => {
      let finished = false;
      let failing = false;
      // Why we cut the upstream side ourselves, when we did: it names the failure better than the socket error.
      let cause: { code: string; message: string } | undefined;
      let sentAt: number | undefined;
      let responseAt: number | undefined;
      let upRes: http.IncomingMessage | undefined;

      const requestPart = async (): Promise<ExchangeRequest> => ({
        method,
        origin: target.origin,
        path,
        query: parseQuery(search),
        headers: toMultiMap(headers),
        ...optionalBody(await tapBody(reqTap, req.headers['content-type'], req.headers['content-encoding'], maxBody)),
      });

      const finish = (build: () => Promise<UnnamedExchange['response']>, timings?: Timings): void => {
        if (finished) return;
        finished = true;
        const durationMs = round3(performance.now() - started);
        const task = async (): Promise<void> => {
          let exchange: UnnamedExchange;
          try {
            await requestRead; // the request body may still be arriving after an early answer
            exchange = {
              seam: 1,
              partner: options.partner,
              direction,
              recordedAt,
              durationMs,
              ...(timings ? { timings } : {}),
              request: await requestPart(),
              response: await build(),
              redactions: [],
            };
          } catch (error) {
            failedWrites++;
            report(error);
            return;
          }
          await persist(seq, exchange);
        };
        task().then(resolveExchange, (error) => {
          report(error);
          resolveExchange();
        });
      };

      const fail = (error: NodeJS.ErrnoException): void => {
        if (finished || failing) return;
        failing = true;
        const code = cause?.code ?? error.code ?? 'ECONNRESET';
        const message = cause?.message ?? error.message;
        upRes?.destroy();
        if (res.headersSent) {
          // The client already has part of the partner's answer: cutting the connection is the honest signal.
          res.destroy();
          finish(async () => ({ error: { code, message: `after ${upRes?.statusCode ?? 'the'} response started: ${message}` } }));
          return;
        }
        // Read the rest of the request (so it is recorded and the client can take the 502), then answer.
        req.unpipe();
        req.resume();
        void requestRead.then(() => {
          if (!res.headersSent && !res.destroyed) {
            const body = JSON.stringify({ error: 'seam record: the partner did not answer', code, message });
            res.shouldKeepAlive = res.shouldKeepAlive && !closing;
            res.writeHead(502, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
            res.end(body);
          }
          finish(async () => ({ error: { code, message } }));
        });
      };

      let upReq: http.ClientRequest;
      try {
        upReq = (secure ? https : http).request({
          protocol: target.protocol,
          hostname: target.hostname.replace(/^\[|\]$/g, ''),
          port: target.port || (secure ? 443 : 80),
          method,
          path: path + search,
          headers: headers as unknown as http.OutgoingHttpHeaders, // a flat raw array: order and case kept
          agent,
        });
      } catch (error) {
        fail(error as NodeJS.ErrnoException);
        return;
      }
      upReq.setTimeout(timeoutMs, () => {
        cause ??= { code: 'ETIMEDOUT', message: `no answer from ${target.origin} within ${timeoutMs} ms` };
        upReq.destroy(Object.assign(new Error(cause.message), { code: cause.code }));
      });
      upReq.on('error', fail);
      upReq.on('finish', () => {
        sentAt = performance.now();
      });
      req.on('error', () => upReq.destroy());
      // The client went away before the answer was complete: stop the upstream side too.
      res.on('close', () => {
        if (!res.writableFinished && !finished) {
          cause ??= { code: 'ECONNABORTED', message: 'the client closed the connection before the exchange completed' };
          upReq.destroy(Object.assign(new Error(cause.message), { code: cause.code }));
          fail(Object.assign(new Error(cause.message), { code: cause.code }));
        }
      });
      res.on('error', () => {}); // a client that vanished is handled by 'close'
      req.pipe(upReq);

      upReq.on('response', (incoming) => {
        upRes = incoming;
        responseAt = performance.now();
        const status = incoming.statusCode ?? 502;
        const noBody = method === 'HEAD' || status === 204 || status === 304;
        if (!noBody) incoming.on('data', (chunk: Buffer) => resTap.push(chunk));
        incoming.on('error', fail);
        incoming.on('aborted', () => fail(Object.assign(new Error('the partner closed the connection mid-response'), { code: 'ECONNRESET' })));
        incoming.on('end', () => {
          if (finished) return;
          const end = performance.now();
          const sent = Math.min(sentAt ?? responseAt!, responseAt!);
          const timings: Timings = {
            send: round3(sent - started),
            wait: round3(responseAt! - sent),
            receive: round3(end - responseAt!),
          };
          if (incoming.rawTrailers.length > 0 && !res.destroyed) {
            try {
              res.addTrailers(pairs(incoming.rawTrailers));
            } catch {
              // trailers the client side cannot carry (not chunked) are dropped, as Node must
            }
          }
          finish(async () => {
            const response: ExchangeResponse = {
              status,
              ...(incoming.statusMessage !== undefined ? { statusText: incoming.statusMessage } : {}),
              headers: toMultiMap(incoming.rawHeaders),
            };
            if (!noBody) {
              const body = await tapBody(resTap, incoming.headers['content-type'], incoming.headers['content-encoding'], maxBody);
              if (body !== undefined) response.body = body;
            }
            return response;
          }, timings);
        });
        try {
          res.sendDate = false; // no Date the partner did not send
          if (closing) res.shouldKeepAlive = false;
          res.writeHead(status, incoming.statusMessage ?? '', withoutHopByHop(incoming.rawHeaders) as unknown as http.OutgoingHttpHeaders);
        } catch (error) {
          fail(error as NodeJS.ErrnoException);
          return;
        }
        incoming.pipe(res);
      });
    });
  }

  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      agent.destroy();
      void thread.close();
      const where = `cannot listen on ${options.host ?? '127.0.0.1'}:${options.port ?? 0}`;
      reject(
        error.code === 'EADDRINUSE'
          ? new UsageError(`${where}: the port is already in use (EADDRINUSE); choose another --port, or --port 0 for any free one`)
          : error.code === 'EACCES' || error.code === 'EADDRNOTAVAIL'
            ? new UsageError(`${where}: ${error.code}`)
            : error,
      );
    };
    server.once('error', onError);
    server.listen({ host: options.host ?? '127.0.0.1', port: options.port ?? 0, backlog: 4096 }, () => {
      server.off('error', onError);
      resolve();
    });
  });
  server.on('error', report);
  const address = server.address() as AddressInfo;
  const hostForUrl = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  async function settled(): Promise<void> {
    while (pending.size > 0) await Promise.allSettled([...pending]);
  }

  return {
    url: `http://${hostForUrl}:${address.port}`,
    port: address.port,
    summary,
    settled,
    close(): Promise<RecordSummary> {
      closed ??= (async () => {
        closing = true;
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        // Keep-alive connections become idle one by one as their last exchange ends.
        server.closeIdleConnections();
        const sweep = setInterval(() => server.closeIdleConnections(), 20);
        try {
          await settled();
          await stopped;
        } finally {
          clearInterval(sweep);
          agent.destroy();
          await thread.close();
        }
        return summary();
      })();
      return closed;
    },
  };
}

function parseTarget(value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`target "${value}" is not a URL (expected e.g. https://api.example.com)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`target "${value}" must be an http or https URL`);
  if (url.search !== '' || url.hash !== '') throw new UsageError(`target "${value}" must not carry a query or a fragment: the client's own query is forwarded`);
  return url;
}

/** The request target as the client sent it: origin-form, or absolute-form from a client that thinks we are a forward proxy. */
function splitUrl(url: string): { path: string; search: string } {
  let rest = url;
  if (!url.startsWith('/')) {
    try {
      const parsed = new URL(url);
      rest = parsed.pathname + parsed.search;
    } catch {
      rest = `/${url}`;
    }
  }
  const q = rest.indexOf('?');
  return q === -1 ? { path: rest, search: '' } : { path: rest.slice(0, q), search: rest.slice(q) };
}

function parseQuery(search: string): MultiMap {
  const out: MultiMap = {};
  if (search.length <= 1) return out;
  for (const [key, value] of new URLSearchParams(search.slice(1))) addValue(out, key, value);
  return out;
}

/** Names a Connection header lists are hop-by-hop too (RFC 9110 §7.6.1). */
function connectionTokens(raw: string[]): Set<string> {
  const out = new Set(HOP_BY_HOP);
  for (let i = 0; i < raw.length; i += 2) {
    if (raw[i]!.toLowerCase() === 'connection') {
      for (const token of raw[i + 1]!.split(',')) {
        const t = token.trim().toLowerCase();
        // never let a Connection header strip the framing of the message itself
        if (t !== '' && t !== 'transfer-encoding' && t !== 'content-length') out.add(t);
      }
    }
  }
  return out;
}

function withoutHopByHop(raw: string[]): string[] {
  const drop = connectionTokens(raw);
  const out: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    if (!drop.has(raw[i]!.toLowerCase())) out.push(raw[i]!, raw[i + 1]!);
  }
  return out;
}

/** The client's headers, in order and case, for the upstream: host rewritten, hop-by-hop dropped. */
function forwardHeaders(raw: string[], host: string): string[] {
  const out = withoutHopByHop(raw);
  let sawHost = false;
  for (let i = 0; i < out.length; i += 2) {
    if (out[i]!.toLowerCase() === 'host') {
      if (sawHost) {
        out.splice(i, 2);
        i -= 2;
        continue;
      }
      out[i + 1] = host;
      sawHost = true;
    }
  }
  if (!sawHost) out.push('Host', host);
  return out;
}

function toMultiMap(raw: string[]): MultiMap {
  const out: MultiMap = {};
  for (let i = 0; i < raw.length; i += 2) addValue(out, raw[i]!.toLowerCase(), raw[i + 1]!);
  return out;
}

function pairs(raw: string[]): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i < raw.length; i += 2) out.push([raw[i]!, raw[i + 1]!]);
  return out;
}

function round3(ms: number): number {
  return Math.max(0, Math.round(ms * 1000) / 1000);
}

function optionalBody(body: Body | undefined): { body?: Body } {
  return body === undefined ? {} : { body };
}

async function tapBody(
  tap: BodyTap,
  contentType: string | undefined,
  contentEncoding: string | string[] | undefined,
  maxBytes: number,
): Promise<Body | undefined> {
  if (tap.bytes === 0) return undefined;
  if (tap.overflowed) {
    return { omitted: { bytes: tap.bytes, sha256: tap.digest(), contentType: contentType ?? 'application/octet-stream' } };
  }
  return storedBody(tap.take(), { contentType, contentEncoding, maxBytes });
}

/**
 * The side copy of a streamed body: chunks kept up to `max` bytes; past that the kept chunks are
 * hashed and dropped, and the rest is only hashed and counted. Joined once, at the end.
 */
class BodyTap {
  bytes = 0;
  private chunks: Buffer[] = [];
  private hash: Hash | undefined;

  constructor(private readonly max: number) {}

  get overflowed(): boolean {
    return this.hash !== undefined;
  }

  push(chunk: Buffer): void {
    this.bytes += chunk.length;
    if (this.hash !== undefined) {
      this.hash.update(chunk);
    } else if (this.bytes > this.max) {
      this.hash = createHash('sha256');
      for (const kept of this.chunks) this.hash.update(kept);
      this.hash.update(chunk);
      this.chunks = [];
    } else {
      this.chunks.push(chunk);
    }
  }

  digest(): string {
    return this.hash!.digest('hex');
  }

  take(): Buffer {
    const all = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.bytes);
    this.chunks = [];
    return all;
  }
}
