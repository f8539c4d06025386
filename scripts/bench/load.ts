// A small closed-loop HTTP load generator for the benchmarks under scripts/bench/.
// `connections` workers each keep one request in flight on a keep-alive socket and send the next
// as soon as the previous response has been read to its end; latency is request-start to
// response-end, measured with performance.now() (sub-microsecond, monotonic). Every latency is
// kept (a growable Float64Array), so percentiles are exact rather than bucketed.
import { Agent, request as httpRequest, type OutgoingHttpHeaders } from 'node:http';
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

/** Runs closed-loop load for `durationMs` and resolves when every in-flight request has finished. */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const base = new URL(options.url);
  const host = base.hostname;
  const port = Number(base.port || 80);
  const timeoutMs = options.timeoutMs ?? 10_000;
  // One socket per worker, kept alive across requests: connection set-up is not what we measure.
  const agent = new Agent({ keepAlive: true, maxSockets: options.connections, maxFreeSockets: options.connections });
  const samples = new Samples();
  let requests = 0;
  let errors = 0;
  let bytes = 0;
  let seq = 0;

  const cpuStart = process.cpuUsage();
  const started = performance.now();
  const deadline = started + options.durationMs;
  let lastEnd = started;

  const worker = (): Promise<void> =>
    new Promise((finish) => {
      const next = (): void => {
        if (performance.now() >= deadline) {
          finish();
          return;
        }
        const spec = typeof options.request === 'function' ? options.request(seq) : options.request;
        seq += 1;
        let done = false;
        const t0 = performance.now();
        const fail = (): void => {
          if (done) return;
          done = true;
          errors += 1;
          lastEnd = performance.now();
          // Back off a little so a refused port does not become a hot loop.
          setTimeout(next, 5);
        };
        const req = httpRequest(
          { agent, host, port, method: spec.method ?? 'GET', path: spec.path, headers: spec.headers },
          (res) => {
            let read = 0;
            res.on('data', (chunk: Buffer) => {
              read += chunk.length;
            });
            res.on('error', fail);
            res.on('end', () => {
              if (done) return;
              done = true;
              const t1 = performance.now();
              lastEnd = t1;
              bytes += read;
              if (options.expectStatus !== undefined && res.statusCode !== options.expectStatus) {
                errors += 1;
              } else {
                requests += 1;
                samples.push(t1 - t0);
              }
              next();
            });
          },
        );
        req.on('error', fail);
        req.setTimeout(timeoutMs, () => req.destroy(new Error(`no response within ${timeoutMs} ms`)));
        req.end(spec.body);
      };
      next();
    });

  try {
    await Promise.all(Array.from({ length: options.connections }, worker));
  } finally {
    agent.destroy();
  }
  const cpu = process.cpuUsage(cpuStart);
  const elapsedMs = lastEnd - started;
  const values = samples.values();
  return {
    requests,
    errors,
    bytes,
    elapsedMs,
    rps: elapsedMs > 0 ? (requests * 1000) / elapsedMs : 0,
    latency: summarize(values),
    samples: values,
    cpuMicros: cpu.user + cpu.system,
  };
}
