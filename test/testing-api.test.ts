// seam/testing beyond what the suites use: the in-process adapter (on embedded and on msw) gives
// the judge the same evidence as the process adapter; both adapters enforce the time limit; a
// scenario's clock puts the connector's run around its requests; the same plan on WireMock
// gives the same verdicts as on embedded.
import { describe, expect, it } from 'vitest';
import { configFromEnv, runTicketSync } from '../connectors/ticket-sync/index.js';
import { inProcessConnector, preparePartner, processConnector, runScenario, type Connector, type EngineChoice, type FaultPlan } from '../src/testing/index.js';
import { CREATED_ISSUES, TICKET_SYNC_ENV, TICKET_SYNC_POLICY, ticketSyncCommand } from '../suites/ticket-sync/config.js';

const helpdesk = await preparePartner({ name: 'helpdesk' });
const tracker = await preparePartner({ name: 'tracker' });

const inProcess = inProcessConnector('ticket-sync (in-process)', async ({ env, log, signal }) => {
  const summary = await runTicketSync(configFromEnv(env), { log, signal });
  if (!summary.complete || summary.failed > 0) throw new Error(`sync incomplete: ${JSON.stringify(summary)}`);
});
const asProcess = processConnector('ticket-sync', { command: ticketSyncCommand(undefined) });

const PLAN: FaultPlan = { seed: 3, rules: [{ target: 'POST /v1/issues', fault: 'server-error', when: { first: 1 } }] };

function scenario(connector: Connector, engine: EngineChoice, plan: FaultPlan = PLAN) {
  return runScenario({
    suite: 'testing-api',
    name: 'creates fail once',
    connector,
    partners: [helpdesk, tracker],
    plan,
    policy: TICKET_SYNC_POLICY,
    expectations: { creations: CREATED_ISSUES },
    env: TICKET_SYNC_ENV,
    engine,
  });
}

/**
 * What must not depend on the adapter or engine: the verdicts, and each partner's requests in
 * order (the connector reads the next page while it writes, so the two partners interleave freely).
 */
function shape(run: Awaited<ReturnType<typeof scenario>>) {
  const requests: Record<string, string[]> = {};
  for (const r of run.evidence.requests) {
    (requests[r.partner] ??= []).push(`${r.method} ${r.path} → ${'status' in r.response ? r.response.status : 'fault' in r.response ? r.response.fault : 'miss'}${r.injected ? ` (${r.injected})` : ''}`);
  }
  return { verdicts: run.verdicts.map((v) => [v.rule, v.ok, v.vacuous === true]), requests };
}

describe('adapters and engines give the judge the same evidence', () => {
  it('in-process on embedded and on msw, and as a process, agree', async () => {
    const proc = await scenario(asProcess, 'embedded');
    expect(proc.evidence.connector).toMatchObject({ exitCode: 0, timedOut: false });
    expect(proc.verdicts.every((v) => v.ok)).toBe(true);
    expect(proc.evidence.requests.filter((r) => r.injected === 'server-error').length).toBeGreaterThan(0);
    const embedded = await scenario(inProcess, 'embedded');
    expect(embedded.evidence.connector).toMatchObject({ exitCode: 0, timedOut: false });
    expect(embedded.evidence.connector.stdout).toContain('"event":"sync.summary"');
    expect(shape(embedded)).toEqual(shape(proc));
    const msw = await scenario(inProcess, 'msw');
    expect(shape(msw)).toEqual(shape(proc));
    // the connector's run brackets every request on the scenario clock
    const { startedAt, endedAt } = proc.evidence.connector;
    expect(proc.evidence.requests.every((r) => r.at >= startedAt && r.at <= endedAt)).toBe(true);
  }, 60_000);

  it('on WireMock the same plan gives the same verdicts and requests', async () => {
    const [embedded, wiremock] = [await scenario(asProcess, 'embedded'), await scenario(asProcess, 'wiremock')];
    expect(shape(wiremock)).toEqual(shape(embedded));
  }, 90_000);
});

describe('time limits', () => {
  it('a process that never ends is killed and reported as timed out', async () => {
    const stuck = processConnector('stuck', { command: [process.execPath, '-e', 'console.log("working"); setInterval(() => {}, 1000)'] });
    const run = await runScenario({ suite: 't', name: 'stuck', connector: stuck, partners: [helpdesk], plan: { seed: 1, rules: [] }, policy: TICKET_SYNC_POLICY, timeLimitMs: 500 });
    expect(run.evidence.connector).toMatchObject({ exitCode: null, timedOut: true, stdout: 'working\n' });
    expect(run.evidence.connector.endedAt - run.evidence.connector.startedAt).toBeGreaterThanOrEqual(500);
  });

  it('an in-process function that ignores its signal is abandoned and reported as timed out', async () => {
    const stuck = inProcessConnector('stuck', async ({ log }) => {
      log('working');
      await new Promise(() => {});
    });
    const run = await runScenario({ suite: 't', name: 'stuck', connector: stuck, partners: [helpdesk], plan: { seed: 1, rules: [] }, policy: TICKET_SYNC_POLICY, timeLimitMs: 300 });
    expect(run.evidence.connector).toMatchObject({ exitCode: null, timedOut: true, stdout: 'working\n' });
  });

  it('an in-process function that throws is exit 1 with its error', async () => {
    const broken = inProcessConnector('broken', async () => {
      throw new Error('no config');
    });
    const run = await runScenario({ suite: 't', name: 'broken', connector: broken, partners: [helpdesk], plan: { seed: 1, rules: [] }, policy: TICKET_SYNC_POLICY });
    expect(run.evidence.connector).toMatchObject({ exitCode: 1, timedOut: false, stderr: 'no config\n', error: 'no config' });
  });

  it('a process connector gets the partners’ URLs and the scenario env, and not the harness’s other env', async () => {
    process.env.SEAM_TEST_LEAK = 'should-not-leak';
    try {
      const printer = processConnector('env', { command: [process.execPath, '-e', 'console.log(JSON.stringify({ h: process.env.HELPDESK_BASE_URL, k: process.env.HELPDESK_API_KEY, leak: process.env.SEAM_TEST_LEAK ?? null }))'] });
      const run = await runScenario({ suite: 't', name: 'env', connector: printer, partners: [helpdesk], plan: { seed: 1, rules: [] }, policy: TICKET_SYNC_POLICY, env: { HELPDESK_API_KEY: 'k-123' } });
      const seen = JSON.parse(run.evidence.connector.stdout);
      expect(seen).toEqual({ h: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/), k: 'k-123', leak: null });
      // the key it was given is a secret, and it printed it
      expect(run.verdicts.find((v) => v.rule === 'no-secret-in-output')).toMatchObject({ ok: false });
    } finally {
      delete process.env.SEAM_TEST_LEAK;
    }
  });
});
