// A small closed-loop HTTP/1.1 load generator for the benchmarks under scripts/bench/.
// `connections` workers each keep one request in flight on a keep-alive connection and send the
// next as soon as the previous response has been read to its end; latency is request-start to
// response-end, measured with performance.now() (sub-microsecond, monotonic). Every latency is
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
  /** Every successful request's latency in ms, unsorted (for pooling across runs). */
  samples: Float64Array;
  /** CPU this process spent during the run (user + system, microseconds). */
  cpuMicros: number;
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

interface Tally {
  requests: number;
  errors: number;
  bytes: number;
  lastEnd: number;
  seq: number;
  samples: Samples;
}

interface Target {
  host: string;
  port: number;
  deadline: number;
  timeoutMs: number;
  options: LoadOptions;
}

function specFor(options: LoadOptions, tally: Tally): LoadRequest {
  const spec = typeof options.request === 'function' ? options.request(tally.seq) : options.request;
  tally.seq += 1;
  return spec;
}

function complete(tally: Tally, options: LoadOptions, status: number | undefined, bytes: number, t0: number): void {
  const t1 = performance.now();
  tally.lastEnd = t1;
  tally.bytes += bytes;
  if (options.expectStatus !== undefined && status !== options.expectStatus) {
    tally.errors += 1;
  } else {
    tally.requests += 1;
    tally.samples.push(t1 - t0);
  }
}

function rawWorker(target: Target, tally: Tally): Promise<void> {
  const { host, port, deadline, timeoutMs, options } = target;
  const hostHeader = `${host}:${port}`;
  // A fixed request is encoded once; a function's requests are encoded each time.
  const fixed = typeof options.request === 'function' ? undefined : encodeRequest(options.request, hostHeader);
  return new Promise((finish) => {
    const reader = new ResponseReader();
    let socket: Socket | undefined;
    let inFlight = false;
    let t0 = 0;

    const fail = (): void => {
      inFlight = false;
      tally.errors += 1;
      tally.lastEnd = performance.now();
      socket?.destroy();
      socket = undefined;
      // Back off a little so a refused port does not become a hot loop.
      setTimeout(next, 5);
    };
    const done = (): void => {
      inFlight = false;
      complete(tally, options, reader.status, reader.bodyBytes, t0);
      if (!reader.keepAlive) {
        socket?.destroy();
        socket = undefined;
      }
      next();
    };
    const open = (): Socket => {
      const s = connect(port, host);
      s.setNoDelay(true);
      s.setTimeout(timeoutMs, () => {
        if (s === socket && inFlight) fail();
      });
      s.on('data', (chunk: Buffer) => {
        if (s !== socket) return;
        if (!inFlight) {
          fail(); // bytes nobody asked for
          return;
        }
        let finished: boolean;
        try {
          finished = reader.feed(chunk);
        } catch {
          fail();
          return;
        }
        if (finished) done();
      });
      s.on('error', () => {
        // 'close' follows and decides
      });
      s.on('close', () => {
        if (s !== socket) return;
        socket = undefined;
        if (!inFlight) return;
        if (reader.closed()) done();
        else fail();
      });
      return s;
    };
    const next = (): void => {
      if (performance.now() >= deadline) {
        socket?.end();
        socket = undefined;
        finish();
        return;
      }
      const spec = specFor(options, tally);
      const bytes = fixed ?? encodeRequest(spec, hostHeader);
      reader.reset((spec.method ?? 'GET').toUpperCase() === 'HEAD');
      socket ??= open();
      inFlight = true;
      t0 = performance.now();
      socket.write(bytes); // buffered by net until connected
    };
    next();
  });
}

function httpWorker(target: Target, tally: Tally, agent: Agent): Promise<void> {
  const { host, port, deadline, timeoutMs, options } = target;
  return new Promise((finish) => {
    const next = (): void => {
      if (performance.now() >= deadline) {
        finish();
        return;
      }
      const spec = specFor(options, tally);
      let done = false;
      const t0 = performance.now();
      const fail = (): void => {
        if (done) return;
        done = true;
        tally.errors += 1;
        tally.lastEnd = performance.now();
        setTimeout(next, 5);
      };
      const req = httpRequest({ agent, host, port, method: spec.method ?? 'GET', path: spec.path, headers: spec.headers }, (res) => {
        let read = 0;
        res.on('data', (chunk: Buffer) => {
          read += chunk.length;
        });
        res.on('error', fail);
        res.on('end', () => {
          if (done) return;
          done = true;
          complete(tally, options, res.statusCode, read, t0);
          next();
        });
      });
      req.on('error', fail);
      req.setTimeout(timeoutMs, () => req.destroy(new Error(`no response within ${timeoutMs} ms`)));
      req.end(spec.body);
    };
    next();
  });
}

/** Runs closed-loop load for `durationMs` and resolves when every in-flight request has finished. */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const base = new URL(options.url);
  const host = base.hostname;
  const port = Number(base.port || 80);
  const tally: Tally = { requests: 0, errors: 0, bytes: 0, lastEnd: 0, seq: 0, samples: new Samples() };
  // One socket per worker, kept alive across requests: connection set-up is not what we measure.
  const agent = options.engine === 'http' ? new Agent({ keepAlive: true, maxSockets: options.connections, maxFreeSockets: options.connections }) : undefined;

  const cpuStart = process.cpuUsage();
  const started = performance.now();
  tally.lastEnd = started;
  const target: Target = { host, port, deadline: started + options.durationMs, timeoutMs: options.timeoutMs ?? 10_000, options };
  try {
    await Promise.all(Array.from({ length: options.connections }, () => (agent === undefined ? rawWorker(target, tally) : httpWorker(target, tally, agent))));
  } finally {
    agent?.destroy();
  }
  const cpu = process.cpuUsage(cpuStart);
  const elapsedMs = tally.lastEnd - started;
  const values = tally.samples.values();
  return {
    requests: tally.requests,
    errors: tally.errors,
    bytes: tally.bytes,
    elapsedMs,
    rps: elapsedMs > 0 ? (tally.requests * 1000) / elapsedMs : 0,
    latency: summarize(values),
    samples: values,
    cpuMicros: cpu.user + cpu.system,
  };
}
