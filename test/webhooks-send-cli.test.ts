// `seam webhooks send` end to end: the built CLI (run `npx tsc -p .` first) against a local
// receiver that verifies Stripe signatures the way a correct one does.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getScheme } from '../src/webhooks/schemes/index.js';
import type { DeliveryRecord } from '../src/webhooks/types.js';
import { runSeam as seam } from './support/run-seam.js';

const SECRET = 'whsec_cli_test_secret';
const stripe = getScheme('stripe');

let dir: string;
let server: Server;
let base: string;
const seen = new Map<string, number>();

const stripeEvent = (n: number): unknown => ({
  id: `evt_${n}`,
  object: 'event',
  type: 'payment_intent.succeeded',
  created: 1_750_000_000 + n,
  data: { object: { id: `pi_${n}`, object: 'payment_intent', amount: 500 * n, metadata: { seam_version: String(n) } } },
});

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'seam-webhooks-send-'));
  await writeFile(join(dir, 'events.json'), JSON.stringify([stripeEvent(1), stripeEvent(2)]));
  await writeFile(join(dir, 'one.json'), JSON.stringify(stripeEvent(3)));
  await writeFile(join(dir, 'broken.json'), '{"id": ');
  await writeFile(join(dir, 'no-id.json'), JSON.stringify([stripeEvent(1), { type: 'charge.refunded', created: 1 }]));
  const session = join(dir, 'recordings', 'stripe', 'session-1');
  await mkdir(session, { recursive: true });
  await writeFile(
    join(session, '0001-post-webhooks-stripe.json'),
    JSON.stringify({
      seam: 1,
      id: 'x1',
      partner: 'stripe',
      direction: 'inbound',
      recordedAt: '2026-01-01T00:00:00.000Z',
      durationMs: 3,
      request: { method: 'POST', path: '/webhooks/stripe', query: {}, headers: { 'content-type': 'application/json' }, body: { json: stripeEvent(4) } },
      response: { status: 200, headers: {} },
      redactions: [],
    }),
  );

  // /verify: 2xx for a valid signature, 400 otherwise. /flaky: also 500 on each event's first try.
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
      const verdict = stripe.verify({ body, headers, secrets: [SECRET], now: Date.now() / 1000 });
      if (!verdict.ok) return void res.writeHead(400).end(verdict.reason);
      const id = (JSON.parse(body) as { id: string }).id;
      const tries = (seen.get(`${req.url} ${id}`) ?? 0) + 1;
      seen.set(`${req.url} ${id}`, tries);
      res.writeHead(req.url === '/flaky' && tries === 1 ? 500 : 200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

const lines = (stdout: string): string[] => stdout.trimEnd().split('\n').map((l) => l.replace(/\(\d+ ms\)/, '(N ms)'));

describe('seam webhooks send', () => {
  it('signs and sends each event, one line per delivery and a summary; never prints the secret', async () => {
    const run = await seam(['webhooks', 'send', 'stripe', 'events.json', 'one.json', '--to', `${base}/verify`, '--secret', SECRET], dir);
    expect(run.code).toBe(0);
    expect(lines(run.stdout)).toEqual([
      '#1 evt_1 attempt 1 → 200 (N ms)',
      '#2 evt_2 attempt 1 → 200 (N ms)',
      '#3 evt_3 attempt 1 → 200 (N ms)',
      `stripe: 3 deliveries to ${base}/verify (3 planned, 0 provider retries): 3 × 2xx, 0 × 4xx, 0 other; 0 not as a correct receiver would answer`,
    ]);
    expect(run.stdout + run.stderr).not.toContain(SECRET);
  });

  it('duplicates, reverses and mutates, with the secret from the environment', async () => {
    const run = await seam(['webhooks', 'send', 'stripe', 'events.json', '--to', `${base}/verify`, '--duplicate', '2', '--reverse', '--mutate', 'stale-timestamp'], dir, {
      SEAM_WEBHOOK_SECRET: SECRET,
    });
    expect(run.code).toBe(0);
    expect(lines(run.stdout)).toEqual([
      '#1 evt_2 attempt 2 stale-timestamp (duplicate) → 400 (N ms)',
      '#2 evt_1 attempt 2 stale-timestamp (duplicate) → 400 (N ms)',
      '#3 evt_2 attempt 1 stale-timestamp → 400 (N ms)',
      '#4 evt_1 attempt 1 stale-timestamp → 400 (N ms)',
      `stripe: 4 deliveries to ${base}/verify (4 planned, 0 provider retries): 0 × 2xx, 4 × 4xx, 0 other; 0 not as a correct receiver would answer`,
    ]);
    expect(run.stdout + run.stderr).not.toContain(SECRET);
  });

  it("retries on the provider's compressed schedule and flags answers a correct receiver would not give", async () => {
    const run = await seam(['webhooks', 'send', 'stripe', 'one.json', '--to', `${base}/flaky`, '--secret', SECRET, '--retry', 'stripe', '--compress', '36000'], dir);
    expect(run.code).toBe(0);
    expect(lines(run.stdout)).toEqual([
      '#1 evt_3 attempt 1 → 500 (N ms)  ✗ expected 2xx',
      '#2 evt_3 attempt 2 (provider-retry) → 200 (N ms)',
      `stripe: 2 deliveries to ${base}/flaky (1 planned, 1 provider retry): 1 × 2xx, 0 × 4xx, 1 other; 1 not as a correct receiver would answer`,
    ]);
  });

  it('--json prints the delivery journal; events come from recording folders too', async () => {
    const run = await seam(['webhooks', 'send', 'stripe', 'recordings/stripe/session-1', '--to', `${base}/verify`, '--secret', SECRET, '--mutate', 'rotated-secret', '--json'], dir);
    expect(run.code).toBe(0);
    const journal = JSON.parse(run.stdout) as DeliveryRecord[];
    expect(journal).toHaveLength(1);
    const [record] = journal;
    expect(record).toMatchObject({ seq: 1, eventId: 'evt_4', attempt: 1, atMs: 0, mutation: 'rotated-secret', expect: 'accept', reason: 'original', status: 200 });
    expect(record!.body).toBe(JSON.stringify(stripeEvent(4)));
    expect(record!.headers['stripe-signature']).toMatch(/^t=\d+,v1=[0-9a-f]{64},v1=[0-9a-f]{64}$/);
    expect(record!.answeredAt).toBeGreaterThanOrEqual(record!.sentAt);
  });

  it('exits 2 naming a missing or broken events file, and on bad options', async () => {
    const missing = await seam(['webhooks', 'send', 'stripe', 'nope.json', '--to', `${base}/verify`, '--secret', SECRET], dir);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^seam: nope\.json: cannot read: ENOENT/);
    const broken = await seam(['webhooks', 'send', 'stripe', 'broken.json', '--to', `${base}/verify`, '--secret', SECRET], dir);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/^seam: broken\.json: not valid JSON/);
    const noId = await seam(['webhooks', 'send', 'stripe', 'no-id.json', '--to', `${base}/verify`, '--secret', SECRET], dir);
    expect(noId.code).toBe(2);
    expect(noId.stderr).toMatch(/^seam: no-id\.json at \/1: no event id: /);
    const badMutation = await seam(['webhooks', 'send', 'stripe', 'one.json', '--to', `${base}/verify`, '--secret', SECRET, '--mutate', 'nonsense'], dir);
    expect(badMutation.code).toBe(2);
    expect(badMutation.stderr).toContain('--mutate must be one of bad-signature, wrong-secret, stale-timestamp, future-timestamp, tampered-body, rotated-secret, got "nonsense"');
    const noSecret = await seam(['webhooks', 'send', 'stripe', 'one.json', '--to', `${base}/verify`], dir, { SEAM_WEBHOOK_SECRET: '' });
    expect(noSecret.code).toBe(2);
    expect(noSecret.stderr).toContain('a signing secret is required: --secret S or env SEAM_WEBHOOK_SECRET');
  });
});
