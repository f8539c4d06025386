// A small HTTP/1.1 load generator for the benchmarks under scripts/bench/. `connections`
// keep-alive connections, each with at most one request in flight. Two ways to drive them:
//
// - closed loop (the default): each connection sends its next request as soon as the previous
//   response has been read to its end. This finds the saturated throughput; latency is request
//   start to response end, so at saturation it is mostly queueing (≈ connections ÷ throughput).
// - open loop (`rate`): requests are due on a fixed schedule, `rate` per second in total, and go
//   out on whichever connection is idle. Latency counts from the *scheduled* send time, so time a
//   request spent waiting for a connection or for a late timer is included (no coordinated
//   omission). Below saturation this is the latency one request pays.
//
// Latencies are measured with performance.now() (sub-microsecond, monotonic) and every one is
// kept (a growable Float64Array), so percentiles are exact rather than bucketed.
//
// Two engines. `raw` (the default) writes pre-encoded requests to plain sockets and parses just
// enough of each response to find its end (status, content-length, chunked, connection: close):
// about a third of the CPU per request of Node's http client, so that on a small machine the
// generator is not what limits the direct baseline. `http` uses http.request with a keep-alive
// Agent (maxSockets = connections), for servers that need a full client.
import { Agent, request as httpRequest, type OutgoingHttpHeaders } from 'node:http';
import { connect, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';

export interface LoadRequest {
  method?: string;
  /** Path and query, e.g. `/v1/customers?limit=14`. */
  path: string;
  headers?: OutgoingHttpHeaders;
  body?: string | Buffer;
}

export interface LoadOptions {
  /** Base URL of the server under load: `http://127.0.0.1:8080`. */
  url: string;
  connections: number;
  durationMs: number;
  /** One request for every iteration, or a function of the request number. */
  request: LoadRequest | ((n: number) => LoadRequest);
  /** Responses with another status count as errors (default: any status is fine). */
  expectStatus?: number;
  /** Per-request socket idle timeout; a request that times out counts as an error. Default 10 s. */
  timeoutMs?: number;
  /** Client implementation (default `raw`). */
  engine?: 'raw' | 'http';
  /**
   * Open loop: requests per second in total, on a fixed schedule spread over the connections,
   * instead of back-to-back. Latency then counts from each request's scheduled send time.
   */
  rate?: number;
  /**
   * Open loop: how long after the schedule ends requests still waiting for a connection may go
   * out (default 1000 ms); the rest are given up on and counted as `missed`.
   */
  graceMs?: number;
}

/** An open-loop run's achieved rate falls short of its target below this share: saturated. */
export const SATURATED_BELOW = 0.95;

export interface OpenLoopStats {
  targetRps: number;
  /** Requests on the schedule: rate × duration. */
  scheduled: number;
  /** Scheduled requests never sent because the server had fallen too far behind. */
  missed: number;
  /**
   * Scheduled send time → actual write, ms: timer lateness plus waiting for an idle connection.
   * Against a server with headroom this is the generator's own error.
   */
  sendLag: LatencySummary;
  /** The most requests due at once that were waiting for an idle connection. */
  maxQueued: number;
  /** Every send lag, ms, unsorted (for pooling across runs). */
  sendLagSamples: Float64Array;
}

export interface LatencySummary {
  count: number;
  /** Milliseconds. */
  min: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

export interface LoadResult {
  /** Completed requests with the expected status. */
  requests: number;
  /** Transport errors, timeouts and unexpected statuses. */
  errors: number;
  /** Response body bytes read. */
  bytes: number;
  /** From the first request's start to the last response's end. */
  elapsedMs: number;
  rps: number;
  latency: LatencySummary;
  /**
   * Every successful request's latency in ms, unsorted (for pooling across runs). Open loop: also
   * one entry per missed request, the time it had waited when given up on (a lower bound).
   */
  samples: Float64Array;
  /** CPU this process spent during the run (user + system, microseconds). */
  cpuMicros: number;
  /** Open-loop runs only. `latency` and `samples` then count from the scheduled send times. */
  openLoop?: OpenLoopStats & {
    /** Responses (errors included) per second over the run. */
    achievedRps: number;
    /** Some requests were missed, or the achieved rate fell below 95% of the target. */
    saturated: boolean;
  };
}

/** Latencies kept whole; doubles its buffer as it grows. */
export class Samples {
  private buffer = new Float64Array(1 << 16);
  private length = 0;

  push(value: number): void {
    if (this.length === this.buffer.length) {
      const bigger = new Float64Array(this.buffer.length * 2);
      bigger.set(this.buffer);
      this.buffer = bigger;
    }
    this.buffer[this.length] = value;
    this.length += 1;
  }

  values(): Float64Array {
    return this.buffer.slice(0, this.length);
  }
}

/** The q-quantile (0..1) of ascending `sorted`, nearest-rank. */
export function percentile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank] ?? Number.NaN;
}

export function summarize(samples: Float64Array): LatencySummary {
  const sorted = samples.slice().sort();
  let total = 0;
  for (const value of sorted) total += value;
  return {
    count: sorted.length,
    min: sorted[0] ?? Number.NaN,
    mean: sorted.length === 0 ? Number.NaN : total / sorted.length,
    p50: percentile(sorted, 0.5),
    p90: percentile(sorted, 0.9),
    p99: percentile(sorted, 0.99),
    max: sorted[sorted.length - 1] ?? Number.NaN,
  };
}

/** Concatenates sample arrays (to pool the rounds of one mode). */
export function pool(arrays: Float64Array[]): Float64Array {
  const out = new Float64Array(arrays.reduce((n, a) => n + a.length, 0));
  let at = 0;
  for (const a of arrays) {
    out.set(a, at);
    at += a.length;
  }
  return out;
}


/** Encodes one request as HTTP/1.1 bytes (a Host header and a Content-Length added when missing). */
export function encodeRequest(spec: LoadRequest, hostHeader: string): Buffer {
  const body = spec.body === undefined ? undefined : Buffer.isBuffer(spec.body) ? spec.body : Buffer.from(spec.body);
  const headers = spec.headers ?? {};
  const names = new Set(Object.keys(headers).map((name) => name.toLowerCase()));
  let head = `${spec.method ?? 'GET'} ${spec.path} HTTP/1.1\r\n`;
  if (!names.has('host')) head += `host: ${hostHeader}\r\n`;
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    for (const one of Array.isArray(value) ? value : [value]) head += `${name}: ${String(one)}\r\n`;
  }
  if (body !== undefined && !names.has('content-length') && !names.has('transfer-encoding')) head += `content-length: ${body.length}\r\n`;
  head += '\r\n';
  const bytes = Buffer.from(head, 'latin1');
  return body === undefined ? bytes : Buffer.concat([bytes, body]);
}

const CRLFCRLF = Buffer.from('\r\n\r\n');
const MAX_HEAD = 64 * 1024;

type ReaderState = 'head' | 'length' | 'chunk-size' | 'chunk-data' | 'chunk-crlf' | 'trailers' | 'close' | 'done';

/**
 * Incremental HTTP/1.1 response reader: finds where one response ends without building objects.
 * Handles content-length, chunked (with trailers), read-until-close, 1xx interim responses and
 * the bodiless cases (HEAD, 204, 304). Throws on what it cannot parse.
 */
export class ResponseReader {
  status = 0;
  bodyBytes = 0;
  keepAlive = true;
  state: ReaderState = 'head';
  private noBody = false;
  private pending: Buffer | undefined;
  private remaining = 0;
  private line = '';

  reset(isHead: boolean): void {
    this.status = 0;
    this.bodyBytes = 0;
    this.keepAlive = true;
    this.state = 'head';
    this.noBody = isHead;
    this.pending = undefined;
    this.remaining = 0;
    this.line = '';
  }

  /** Feeds the next bytes; true once the response is complete. */
  feed(input: Buffer): boolean {
    let chunk = input;
    let at = 0;
    while (at < chunk.length) {
      switch (this.state) {
        case 'head': {
          const data = this.pending === undefined ? chunk.subarray(at) : Buffer.concat([this.pending, chunk.subarray(at)]);
          const end = data.indexOf(CRLFCRLF);
          if (end < 0) {
            if (data.length > MAX_HEAD) throw new Error('response head larger than 64 KiB');
            this.pending = Buffer.from(data);
            return false;
          }
          this.pending = undefined;
          this.parseHead(data.toString('latin1', 0, end));
          chunk = data;
          at = end + 4;
          break;
        }
        case 'length':
        case 'chunk-data': {
          const n = Math.min(this.remaining, chunk.length - at);
          this.remaining -= n;
          this.bodyBytes += n;
          at += n;
          if (this.remaining === 0) {
            if (this.state === 'length') this.state = 'done';
            else {
              this.state = 'chunk-crlf';
              this.remaining = 2;
            }
          }
          break;
        }
        case 'chunk-crlf': {
          const n = Math.min(this.remaining, chunk.length - at);
          this.remaining -= n;
          at += n;
          if (this.remaining === 0) this.state = 'chunk-size';
          break;
        }
        case 'chunk-size':
        case 'trailers': {
          const nl = chunk.indexOf(10, at);
          if (nl < 0) {
            this.line += chunk.toString('latin1', at);
            if (this.line.length > MAX_HEAD) throw new Error('chunk line too long');
            at = chunk.length;
            break;
          }
          const line = (this.line + chunk.toString('latin1', at, nl)).replace(/\r$/, '');
          this.line = '';
          at = nl + 1;
          if (this.state === 'trailers') {
            if (line === '') this.state = 'done';
            break;
          }
          const size = Number.parseInt(line.split(';', 1)[0] ?? '', 16);
          if (!Number.isFinite(size) || size < 0) throw new Error(`bad chunk size "${line}"`);
          if (size === 0) this.state = 'trailers';
          else {
            this.state = 'chunk-data';
            this.remaining = size;
          }
          break;
        }
        case 'close':
          this.bodyBytes += chunk.length - at;
          at = chunk.length;
          break;
        case 'done':
          throw new Error('bytes after the end of the response');
      }
    }
    return this.state === 'done';
  }

  /** The connection closed: completes a read-until-close body, otherwise the response was cut short. */
  closed(): boolean {
    if (this.state === 'close') {
      this.state = 'done';
      return true;
    }
    return false;
  }

  private parseHead(head: string): void {
    const lines = head.split('\r\n');
    const statusLine = lines[0] ?? '';
    const match = /^HTTP\/1\.([01]) (\d{3})/.exec(statusLine);
    if (match === null) throw new Error(`bad status line "${statusLine.slice(0, 80)}"`);
    this.status = Number(match[2]);
    let contentLength = -1;
    let chunked = false;
    let connection = '';
    for (let i = 1; i < lines.length; i += 1) {
      const line = lines[i] ?? '';
      const colon = line.indexOf(':');
      if (colon < 0) continue;
      const name = line.slice(0, colon).trim().toLowerCase();
      if (name === 'content-length') contentLength = Number(line.slice(colon + 1).trim());
      else if (name === 'transfer-encoding') chunked = /chunked/i.test(line.slice(colon + 1));
      else if (name === 'connection') connection = line.slice(colon + 1).trim().toLowerCase();
    }
    this.keepAlive = match[1] === '1' ? !connection.includes('close') : connection.includes('keep-alive');
    if (this.status >= 100 && this.status < 200 && this.status !== 101) {
      this.state = 'head'; // interim response: the real one follows
    } else if (this.noBody || this.status === 204 || this.status === 304) {
      this.state = 'done';
    } else if (chunked) {
      this.state = 'chunk-size';
    } else if (contentLength >= 0) {
      this.remaining = contentLength;
      this.state = contentLength === 0 ? 'done' : 'length';
    } else {
      this.state = 'close';
      this.keepAlive = false;
    }
  }
}

// ---- transports: one request at a time on one connection ------------------------------------

/** `ok` false: transport error, timeout or unparseable response (status and bytes are then 0). */
type Done = (ok: boolean, status: number, bytes: number) => void;

/** One client connection with at most one request in flight (no pipelining). */
interface Sender {
  send(spec: LoadRequest, done: Done): void;
  close(): void;
}

/** A plain socket, kept alive across requests and reopened on demand; responses read by ResponseReader. */
class RawSender implements Sender {
  private socket: Socket | undefined;
  private readonly reader = new ResponseReader();
  /** Set while a request is in flight. */
  private pending: Done | undefined;

  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly timeoutMs: number,
    private readonly encode: (spec: LoadRequest) => Buffer,
  ) {}

  send(spec: LoadRequest, done: Done): void {
    if (this.pending !== undefined) throw new Error('RawSender: a request is already in flight');
    const bytes = this.encode(spec);
    this.reader.reset((spec.method ?? 'GET').toUpperCase() === 'HEAD');
    this.socket ??= this.open();
    this.pending = done;
    this.socket.write(bytes); // buffered by net until connected
  }

  close(): void {
    this.socket?.end();
    this.socket = undefined;
  }

  private settle(ok: boolean): void {
    const done = this.pending;
    this.pending = undefined;
    const status = this.reader.status;
    const bytes = this.reader.bodyBytes;
    if (!ok || !this.reader.keepAlive) {
      this.socket?.destroy();
      this.socket = undefined;
    }
    // Last, as `done` may send the next request on this connection.
    done?.(ok, ok ? status : 0, ok ? bytes : 0);
  }

  private open(): Socket {
    const s = connect(this.port, this.host);
    s.setNoDelay(true);
    s.setTimeout(this.timeoutMs, () => {
      if (s === this.socket && this.pending !== undefined) this.settle(false);
    });
    s.on('data', (chunk: Buffer) => {
      if (s !== this.socket) return;
      if (this.pending === undefined) {
        // Bytes nobody asked for: this connection can no longer be trusted.
        s.destroy();
        this.socket = undefined;
        return;
      }
      let finished: boolean;
      try {
        finished = this.reader.feed(chunk);
      } catch {
        this.settle(false);
        return;
      }
      if (finished) this.settle(true);
    });
    s.on('error', () => {
      // 'close' follows and decides
    });
    s.on('close', () => {
      if (s !== this.socket) return;
      this.socket = undefined;
      if (this.pending === undefined) return;
      this.settle(this.reader.closed());
    });
    return s;
  }
}

/** Node's http client; the shared keep-alive Agent owns the sockets. */
class HttpSender implements Sender {
  constructor(
    private readonly agent: Agent,
    private readonly host: string,
    private readonly port: number,
    private readonly timeoutMs: number,
  ) {}

  send(spec: LoadRequest, done: Done): void {
    let settled = false;
    const finish = (ok: boolean, status: number, bytes: number): void => {
      if (settled) return;
      settled = true;
      done(ok, status, bytes);
    };
    const req = httpRequest({ agent: this.agent, host: this.host, port: this.port, method: spec.method ?? 'GET', path: spec.path, headers: spec.headers }, (res) => {
      let read = 0;
      res.on('data', (chunk: Buffer) => {
        read += chunk.length;
      });
      res.on('error', () => finish(false, 0, 0));
      res.on('end', () => finish(true, res.statusCode ?? 0, read));
    });
    req.on('error', () => finish(false, 0, 0));
    req.setTimeout(this.timeoutMs, () => req.destroy(new Error(`no response within ${this.timeoutMs} ms`)));
    req.end(spec.body);
  }

  close(): void {}
}

// ---- the two loops --------------------------------------------------------------------------

interface Tally {
  requests: number;
  errors: number;
  bytes: number;
  lastEnd: number;
  seq: number;
  samples: Samples;
}

function specFor(options: LoadOptions, tally: Tally): LoadRequest {
  const spec = typeof options.request === 'function' ? options.request(tally.seq) : options.request;
  tally.seq += 1;
  return spec;
}

/** Books one finished request; `t0` is when its latency starts (actual send, or scheduled send in the open loop). */
function complete(tally: Tally, options: LoadOptions, ok: boolean, status: number, bytes: number, t0: number): void {
  const t1 = performance.now();
  tally.lastEnd = t1;
  tally.bytes += bytes;
  if (!ok || (options.expectStatus !== undefined && status !== options.expectStatus)) {
    tally.errors += 1;
  } else {
    tally.requests += 1;
    tally.samples.push(t1 - t0);
  }
}

/** Closed loop: the next request goes as soon as the previous response has ended. */
function closedWorker(sender: Sender, options: LoadOptions, deadline: number, tally: Tally): Promise<void> {
  return new Promise((finish) => {
    const next = (): void => {
      if (performance.now() >= deadline) {
        sender.close();
        finish();
        return;
      }
      const spec = specFor(options, tally);
      const t0 = performance.now();
      sender.send(spec, (ok, status, bytes) => {
        complete(tally, options, ok, status, bytes, t0);
        // Back off a little after a failure so a refused port does not become a hot loop.
        if (ok) next();
        else setTimeout(next, 5);
      });
    };
    next();
  });
}

/**
 * Open loop: request i is due at start + i / rate, whatever happened to earlier ones. Due times
 * are computed from the start time (never by chaining timer delays), so timer lateness does not
 * accumulate into a lower rate. A due request goes out on the first idle connection; if none is
 * idle it waits in a FIFO, and its latency still counts from its due time (no coordinated
 * omission: a stalled server cannot hide the requests it delayed).
 */
function openLoop(senders: Sender[], options: LoadOptions, rate: number, started: number, tally: Tally): Promise<OpenLoopStats> {
  const interval = 1000 / rate;
  const total = Math.max(1, Math.floor((options.durationMs * rate) / 1000));
  const cutoff = started + options.durationMs + (options.graceMs ?? 1000);
  const dueAt = (i: number): number => started + i * interval;
  const idle = [...senders];
  const lag = new Samples();
  let next = 0; // the first request not yet sent (or given up on)
  let inFlight = 0;
  let missed = 0;
  let maxQueued = 0;
  let timer: NodeJS.Timeout | undefined;
  let timerAt = Number.NaN;

  return new Promise((resolve) => {
    const arm = (at: number, now: number): void => {
      if (at === timerAt) return;
      clearTimeout(timer);
      timerAt = at;
      timer = setTimeout(fire, Math.max(0, at - now));
    };
    // A timer may fire a little before `at` (libuv counts whole milliseconds); pump() then re-arms.
    const fire = (): void => {
      timerAt = Number.NaN;
      pump();
    };
    const dispatch = (i: number, sender: Sender): void => {
      const scheduled = dueAt(i);
      lag.push(performance.now() - scheduled);
      inFlight += 1;
      sender.send(specFor(options, tally), (ok, status, bytes) => {
        inFlight -= 1;
        complete(tally, options, ok, status, bytes, scheduled);
        idle.push(sender);
        pump();
      });
    };
    function pump(): void {
      const now = performance.now();
      const due = Math.min(total, Math.floor((now - started) / interval) + 1);
      while (next < due && idle.length > 0) dispatch(next++, idle.shift()!);
      maxQueued = Math.max(maxQueued, due - next);
      if (next < total && now >= cutoff) {
        // The server fell too far behind to send the rest in time. Each unsent request counts
        // with the time it has already waited: a lower bound, so the percentiles are not flattered.
        for (; next < total; next += 1) {
          missed += 1;
          tally.samples.push(now - dueAt(next));
        }
      }
      if (next >= total) {
        if (inFlight === 0) {
          clearTimeout(timer);
          for (const s of senders) s.close();
          const lags = lag.values();
          resolve({ targetRps: rate, scheduled: total, missed, sendLag: summarize(lags), maxQueued, sendLagSamples: lags });
        }
        return;
      }
      // Wake for the next due request, or (all connections busy) at the cutoff; a completion
      // calls pump() sooner.
      arm(next < due ? cutoff : dueAt(next), now);
    }
    pump();
  });
}

/** Runs load for `durationMs` and resolves when every in-flight request has finished. */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const base = new URL(options.url);
  const host = base.hostname;
  const port = Number(base.port || 80);
  const timeoutMs = options.timeoutMs ?? 10_000;
  const tally: Tally = { requests: 0, errors: 0, bytes: 0, lastEnd: 0, seq: 0, samples: new Samples() };
  // One socket per connection, kept alive across requests: connection set-up is not what we measure.
  const agent = options.engine === 'http' ? new Agent({ keepAlive: true, maxSockets: options.connections, maxFreeSockets: options.connections }) : undefined;
  const hostHeader = `${host}:${port}`;
  // A fixed request is encoded once; a function's requests are encoded each time.
  const fixed = typeof options.request === 'function' ? undefined : encodeRequest(options.request, hostHeader);
  const encode = (spec: LoadRequest): Buffer => (spec === options.request && fixed !== undefined ? fixed : encodeRequest(spec, hostHeader));
  const senders: Sender[] = Array.from({ length: options.connections }, () =>
    agent === undefined ? new RawSender(host, port, timeoutMs, encode) : new HttpSender(agent, host, port, timeoutMs),
  );
  if (options.rate !== undefined && !(options.rate > 0)) throw new Error(`rate must be > 0, got ${options.rate}`);

  const cpuStart = process.cpuUsage();
  const started = performance.now();
  tally.lastEnd = started;
  let openStats: OpenLoopStats | undefined;
  try {
    if (options.rate !== undefined) openStats = await openLoop(senders, options, options.rate, started, tally);
    else await Promise.all(senders.map((sender) => closedWorker(sender, options, started + options.durationMs, tally)));
  } finally {
    agent?.destroy();
  }
  const cpu = process.cpuUsage(cpuStart);
  const elapsedMs = tally.lastEnd - started;
  const values = tally.samples.values();
  const rps = elapsedMs > 0 ? (tally.requests * 1000) / elapsedMs : 0;
  // Open loop: every response counts towards the achieved rate, errors too (they are reported apart).
  const answered = elapsedMs > 0 ? ((tally.requests + tally.errors) * 1000) / elapsedMs : 0;
  return {
    requests: tally.requests,
    errors: tally.errors,
    bytes: tally.bytes,
    elapsedMs,
    rps,
    latency: summarize(values),
    samples: values,
    cpuMicros: cpu.user + cpu.system,
    ...(openStats !== undefined
      ? { openLoop: { ...openStats, achievedRps: answered, saturated: openStats.missed > 0 || answered < SATURATED_BELOW * openStats.targetRps } }
      : {}),
  };
}
