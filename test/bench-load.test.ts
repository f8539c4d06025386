// The benchmark load generator (scripts/bench/load.ts) against real local servers: the open loop
// keeps its schedule, measures from scheduled send times, and reports saturation honestly.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { afterEach, describe, expect, it } from 'vitest';
import { runLoad } from '../scripts/bench/load.js';

const servers: Server[] = [];

/** A server answering 200 with a small JSON body after `delayMs`; records arrival times. */
async function serve(delayMs = 0, status = 200): Promise<{ url: string; arrivals: number[] }> {
  const arrivals: number[] = [];
  const server = createServer((_req, res) => {
    arrivals.push(performance.now());
    const reply = (): void => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end('{"ok":true}');
    };
    if (delayMs > 0) setTimeout(reply, delayMs);
    else reply();
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, arrivals };
}

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

describe('runLoad, open loop', () => {
  it('sends rate × duration requests spread evenly over the run, not in a burst', async () => {
    const { url, arrivals } = await serve();
    const result = await runLoad({ url, connections: 8, durationMs: 1000, rate: 400, request: { path: '/x' }, expectStatus: 200 });
    expect(result.openLoop?.scheduled).toBe(400);
    expect(result.requests).toBe(400);
    expect(result.errors).toBe(0);
    expect(result.openLoop?.missed).toBe(0);
    expect(result.openLoop?.saturated).toBe(false);
    expect(result.openLoop?.achievedRps).toBeGreaterThan(380);
    expect(result.openLoop?.achievedRps).toBeLessThan(420);
    // Evenly spread: about half of the requests arrive in each half of the run.
    const first = arrivals[0]!;
    const inFirstHalf = arrivals.filter((t) => t - first < 500).length;
    expect(inFirstHalf).toBeGreaterThan(180);
    expect(inFirstHalf).toBeLessThan(220);
    // The whole schedule takes the whole duration (due times come from the start, no drift).
    expect(arrivals[arrivals.length - 1]! - first).toBeGreaterThan(950);
    expect(arrivals[arrivals.length - 1]! - first).toBeLessThan(1100);
  });

  it('counts latency from the scheduled send time when the server cannot keep up', async () => {
    // 2 connections × 1 / 20 ms = at most 100 req/s against a schedule of 400 req/s.
    const { url } = await serve(20);
    const result = await runLoad({ url, connections: 2, durationMs: 600, rate: 400, graceMs: 200, request: { path: '/slow' }, expectStatus: 200 });
    const open = result.openLoop!;
    expect(open.saturated).toBe(true);
    expect(open.missed).toBeGreaterThan(100);
    expect(open.maxQueued).toBeGreaterThan(50);
    expect(open.achievedRps).toBeLessThan(120);
    expect(result.requests + open.missed).toBe(open.scheduled);
    // Service time is 20 ms, but requests waited their turn: the tail shows the queue.
    expect(result.latency.p50).toBeGreaterThan(100);
    expect(result.latency.p99).toBeGreaterThan(400);
    expect(result.latency.count).toBe(open.scheduled);
  });

  it('works with the http engine and books unexpected statuses as errors', async () => {
    const { url } = await serve(0, 503);
    const result = await runLoad({ url, connections: 4, durationMs: 300, rate: 200, engine: 'http', request: { path: '/down' }, expectStatus: 200 });
    expect(result.requests).toBe(0);
    expect(result.errors).toBe(60);
    expect(result.openLoop?.missed).toBe(0);
  });

  it('rejects a rate that is not positive', async () => {
    const { url } = await serve();
    await expect(runLoad({ url, connections: 1, durationMs: 100, rate: 0, request: { path: '/' } })).rejects.toThrow('rate must be > 0');
  });
});

describe('runLoad, closed loop', () => {
  it('keeps every connection busy and reports no open-loop figures', async () => {
    const { url } = await serve(5);
    const result = await runLoad({ url, connections: 4, durationMs: 300, request: { path: '/c' }, expectStatus: 200 });
    expect(result.openLoop).toBeUndefined();
    // 4 connections × 300 ms ÷ ≥ 5 ms per request.
    expect(result.requests).toBeGreaterThan(80);
    expect(result.requests).toBeLessThanOrEqual(4 * 61);
    expect(result.latency.p50).toBeGreaterThanOrEqual(5);
  });
});
