// Webhook scenarios in the gate's reports: `seam gate` over suites/payments-webhooks writes one
// JUnit test case per scenario and, in the HTML, a delivery timeline (the `webhooks` lane, each
// mutation labelled) with the webhook verdicts beside it.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GateReport } from '../src/report/types.js';
import { WEBHOOK_SCENARIOS } from '../suites/payments-webhooks/scenarios.js';
import { runSeam } from './support/run-seam.js';

const repo = join(import.meta.dirname, '..');
let out: string;

beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), 'seam-gate-webhooks-'));
});
afterAll(async () => {
  await rm(out, { recursive: true, force: true });
});

describe('seam gate over the webhook suite', () => {
  it('reports every webhook scenario in JUnit and draws its deliveries in the HTML', async () => {
    const run = await runSeam(['gate', '--filter', 'payments-webhooks', '--out', out, '--json'], repo);
    expect(run.code, run.stderr).toBe(0);
    const junit = await readFile(join(out, 'junit.xml'), 'utf8');
    const cases = [...junit.matchAll(/<testcase classname="payments-webhooks\.payments-webhooks" name="([^"]+)"/g)].map((m) => m[1]);
    expect(cases.sort()).toEqual(WEBHOOK_SCENARIOS.map((s) => s.name).sort());
    const report = JSON.parse(await readFile(join(out, 'report.json'), 'utf8')) as GateReport;
    for (const s of report.scenarios) {
      expect(s.requests.filter((r) => r.partner === 'webhooks').length).toBeGreaterThan(0);
      expect(s.verdicts.map((v) => v.rule)).toContain('webhook-exactly-once');
    }
    const bad = report.scenarios.find((s) => s.name === 'bad signatures among honest deliveries')!;
    expect(new Set(bad.requests.flatMap((r) => (r.injected !== undefined ? [r.injected] : [])))).toEqual(new Set(['bad-signature', 'wrong-secret', 'stale-timestamp', 'future-timestamp', 'tampered-body', 'rotated-secret']));
    const html = await readFile(join(out, 'index.html'), 'utf8');
    expect((html.match(/<svg/g) ?? []).length).toBe(WEBHOOK_SCENARIOS.length);
    expect(html).toContain('webhooks');
    expect(html).toContain('tampered-body');
    expect(html).toContain('webhook-rejects-bad');
  }, 120_000);
});
