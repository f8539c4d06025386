// The sender against a real node:http receiver on 127.0.0.1. Timing bounds are loose on purpose
// (two shared cores): a delivery is never early, and lands within a generous margin.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sendDeliveries } from './send.js';
import type { PlannedDelivery } from './types.js';

interface Received {
  at: number;
  headers: IncomingMessage['headers'];
  body: Buffer;
  event: string;
}

let server: Server;
let url: string;
let received: Received[];
let inFlight = 0;
let maxInFlight = 0;
let answer: (r: Received, res: ServerResponse, n: number) => void;
const hung: ServerResponse[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const r: Received = { at: performance.now(), headers: req.headers, body, event: (JSON.parse(body.toString('utf8')) as { id: string }).id };
      received.push(r);
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      res.on('close', () => inFlight--);
      answer(r, res, received.filter((x) => x.event === r.event).length);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks`;
});

afterAll(async () => {
  for (const res of hung) res.destroy();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  received = [];
  maxInFlight = 0;
  answer = (_r, res) => res.writeHead(200).end('ok');
});

function delivery(seq: number, eventId: string, atMs: number, extra: Partial<PlannedDelivery> = {}): PlannedDelivery {
  return {
    seq,
    eventId,
    attempt: 1,
    atMs,
    body: JSON.stringify({ id: eventId, note: 'héllo' }),
    headers: { 'content-type': 'application/json; charset=utf-8', 'stripe-signature': `t=1,v1=${seq}` },
    expect: 'accept',
    reason: 'original',
    ...extra,
  };
}

describe('sendDeliveries', () => {
  it('posts the exact bytes and headers at each atMs and journals the answers in send order', async () => {
    const ds = [delivery(2, 'evt_b', 150), delivery(1, 'evt_a', 0), delivery(3, 'evt_c', 300)];
    const start = performance.now();
    const journal = await sendDeliveries(url, ds, { timeoutMs: 2000 });

    expect(journal.map((r) => [r.seq, r.eventId, r.status, r.error])).toEqual([
      [1, 'evt_a', 200, undefined],
      [2, 'evt_b', 200, undefined],
      [3, 'evt_c', 200, undefined],
    ]);
    for (const r of journal) {
      expect(r.sentAt).toBeGreaterThanOrEqual(r.atMs - 1);
      expect(r.sentAt).toBeLessThan(r.atMs + 250);
      expect(r.answeredAt).toBeGreaterThanOrEqual(r.sentAt);
      expect(r).toMatchObject({ attempt: 1, reason: 'original', expect: 'accept' });
    }
    const arrived = received.map((r) => r.at - start);
    [0, 150, 300].forEach((atMs, i) => expect(arrived[i]).toBeGreaterThanOrEqual(atMs - 1));
    expect(received[0]!.body.equals(Buffer.from(ds[1]!.body, 'utf8'))).toBe(true);
    expect(received[0]!.headers).toMatchObject({ 'content-type': 'application/json; charset=utf-8', 'stripe-signature': 't=1,v1=1', 'content-length': String(Buffer.byteLength(ds[1]!.body)) });
  });

  it('sends a burst concurrently', async () => {
    answer = (_r, res) => void setTimeout(() => res.writeHead(200).end(), 150);
    const ds = [1, 2, 3].map((n) => delivery(n, `evt_${n}`, 0, { burst: 1 }));
    const journal = await sendDeliveries(url, ds, { timeoutMs: 2000 });
    expect(maxInFlight).toBe(3);
    expect(Math.max(...journal.map((r) => r.sentAt))).toBeLessThan(Math.min(...journal.map((r) => r.answeredAt)));
    expect(journal.map((r) => [r.seq, r.burst])).toEqual([[1, 1], [2, 1], [3, 1]]);
  });

  it('retries after a 500 on the schedule until a 2xx, each retry a new journal entry', async () => {
    answer = (_r, res, n) => res.writeHead(n <= 2 ? 500 : 200).end();
    const journal = await sendDeliveries(url, [delivery(1, 'evt_1', 0)], { timeoutMs: 2000, retry: { name: 'test', delaysMs: [30, 60, 90] } });
    expect(journal.map((r) => [r.seq, r.attempt, r.reason, r.status])).toEqual([
      [1, 1, 'original', 500],
      [2, 2, 'provider-retry', 500],
      [3, 3, 'provider-retry', 200],
    ]);
    expect(journal[1]!.sentAt - journal[0]!.answeredAt).toBeGreaterThanOrEqual(29);
    expect(journal[2]!.sentAt - journal[1]!.answeredAt).toBeGreaterThanOrEqual(59);
    expect(journal[1]!.body).toBe(journal[0]!.body);
    expect(journal[1]!.headers).toEqual(journal[0]!.headers);
    expect(received).toHaveLength(3);
  });

  it('retries after a timeout, recording the timeout as the answer', async () => {
    answer = (_r, res, n) => (n === 1 ? void hung.push(res) : void res.writeHead(204).end());
    const journal = await sendDeliveries(url, [delivery(1, 'evt_1', 0)], { timeoutMs: 120, retry: { name: 'test', delaysMs: [10] } });
    expect(journal.map((r) => [r.attempt, r.reason, r.status, r.error])).toEqual([
      [1, 'original', undefined, 'timeout'],
      [2, 'provider-retry', 204, undefined],
    ]);
    expect(journal[0]!.answeredAt - journal[0]!.sentAt).toBeGreaterThanOrEqual(119);
  });

  it('stops when the schedule ends, and does not retry without one', async () => {
    answer = (_r, res) => res.writeHead(503).end();
    const retried = await sendDeliveries(url, [delivery(1, 'evt_1', 0)], { timeoutMs: 2000, retry: { name: 'test', delaysMs: [5, 5] } });
    expect(retried.map((r) => [r.attempt, r.status])).toEqual([[1, 503], [2, 503], [3, 503]]);
    const once = await sendDeliveries(url, [delivery(1, 'evt_1', 0)], { timeoutMs: 2000 });
    expect(once.map((r) => [r.attempt, r.status])).toEqual([[1, 503]]);
  });

  it("numbers a retry after the event's last planned attempt, its seq after the plan's", async () => {
    answer = (r, res, n) => res.writeHead(r.event === 'evt_1' && n === 1 ? 500 : 200).end();
    const ds = [delivery(1, 'evt_1', 0), delivery(2, 'evt_1', 40, { attempt: 2, reason: 'duplicate' })];
    const journal = await sendDeliveries(url, ds, { timeoutMs: 2000, retry: { name: 'test', delaysMs: [200] } });
    expect(journal.map((r) => [r.seq, r.attempt, r.reason, r.status])).toEqual([
      [1, 1, 'original', 500],
      [2, 2, 'duplicate', 200],
      [3, 3, 'provider-retry', 200],
    ]);
  });

  it('journals a refused connection as an error, on the caller’s clock', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const origin = performance.now() - 1000;
    const journal = await sendDeliveries(`http://127.0.0.1:${port}/`, [delivery(1, 'evt_1', 0)], { timeoutMs: 2000, origin });
    expect(journal).toHaveLength(1);
    expect(journal[0]!.error).toBe('ECONNREFUSED');
    expect(journal[0]!.status).toBeUndefined();
    expect(journal[0]!.sentAt).toBeGreaterThanOrEqual(1000);
  });
});
