// The wiremock engine on its container runtime (the official image `wiremock/wiremock:3.13.2`
// through testcontainers, host networking, the root dir bind-mounted) against the same engine on
// the local jar: the same stubs give the same client-visible results and journal, and the
// targeted ticket-sync suite gives the same verdicts on both. Needs a reachable Docker daemon
// (DOCKER_HOST) and the image, built locally by scripts/containers/build-wiremock-image.sh on
// first use; without them the tests are skipped with the reason printed.
// Runs the built connector as a process (`npx tsc -p .` first).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WIREMOCK_IMAGE } from '../src/engines/wiremock-container.js';
import { startWireMock, type WireMockEngine } from '../src/engines/wiremock.js';
import type { JournalEntry, Stub } from '../src/stubs/types.js';
import { preparePartner, processConnector, runScenario, type EngineChoice, type PreparedPartner } from '../src/testing/index.js';
import { CREATED_ISSUES, TICKET_SYNC_ENV, TICKET_SYNC_POLICY, ticketSyncCommand } from '../suites/ticket-sync/config.js';
import { TARGETED, type TargetedScenario } from '../suites/ticket-sync/scenarios.js';
import { containerRuntime } from './support/container-runtime.js';

const runtime = containerRuntime({ [WIREMOCK_IMAGE]: 'scripts/containers/build-wiremock-image.sh' });
if (!runtime.ok) console.log(`skipping the WireMock container tests: ${runtime.reason}`);

const stubs: Stub[] = [
  {
    id: 'get-customer',
    request: { method: 'GET', path: '/v1/customers/{customer}' },
    replies: [{ status: 200, headers: { 'content-type': 'application/json', 'request-id': 'req_1' }, body: { json: { id: 'cus_1', tags: ['a', 'b'] } } }],
  },
  {
    id: 'create-customer',
    request: { method: 'POST', path: '/v1/customers', body: { jsonSubset: { email: 'a@example.com' } } },
    replies: [
      { status: 201, body: { json: { id: 'cus_new' } } },
      { status: 409, body: { json: { error: 'duplicate' } } },
    ],
  },
  { id: 'limited', request: { method: 'GET', path: '/limited' }, replies: [{ status: 429, headers: { 'retry-after': '2', 'content-type': 'application/json' }, body: { json: { error: 'slow down' } } }] },
  { id: 'reset', request: { method: 'GET', path: '/fault/reset' }, replies: [{ fault: 'reset' }] },
];

const create: RequestInit = { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'a@example.com' }) };
const script: { path: string; init?: RequestInit }[] = [
  { path: '/v1/customers/cus_9?expand=x' },
  { path: '/v1/customers', init: create },
  { path: '/v1/customers', init: create },
  { path: '/v1/customers', init: create },
  { path: '/limited' },
  { path: '/fault/reset' },
  { path: '/nothing/here' },
];

/** Headers that describe framing or the moment, not the stub. */
const FRAMING = new Set(['date', 'content-length', 'transfer-encoding', 'connection', 'keep-alive']);

async function clientView(base: string): Promise<unknown[]> {
  const seen: unknown[] = [];
  for (const step of script) {
    try {
      const response = await fetch(`${base}${step.path}`, { ...step.init, signal: AbortSignal.timeout(5000) });
      const headers = [...response.headers].filter(([name]) => !FRAMING.has(name));
      // A miss is WireMock's near-miss report, which names the port: only its status counts.
      const body = response.status === 404 ? undefined : await response.text();
      if (body === undefined) await response.arrayBuffer();
      seen.push({ status: response.status, headers: response.status === 404 ? undefined : headers, body });
    } catch (error) {
      const e = error as Error & { cause?: { code?: string } };
      seen.push({ error: `${e.message}: ${e.cause?.code ?? ''}` });
    }
  }
  return seen;
}

const journalView = (entries: JournalEntry[]): unknown[] => entries.map((e) => ({ seq: e.seq, method: e.method, path: e.path, query: e.query, stubId: e.stubId, replyIndex: e.replyIndex, outcome: e.outcome, body: e.body }));

describe.skipIf(!runtime.ok)('wiremock engine: container runtime = java runtime', () => {
  let java: WireMockEngine;
  let container: WireMockEngine;
  beforeAll(async () => {
    [java, container] = await Promise.all([startWireMock({ stubs }), startWireMock({ stubs, runtime: 'container' })]);
    console.log(`wiremock started: java ${java.startMs.toFixed(0)} ms, container ${container.startMs.toFixed(0)} ms`);
  }, 90_000);
  afterAll(async () => {
    await Promise.all([java?.close(), container?.close()]);
  });

  it('runs in a container, from the official image name', () => {
    expect(container.runtime).toBe('container');
    expect(container.containerId).toMatch(/^[0-9a-f]{64}$/);
    expect(container.pid).toBeUndefined();
    expect(java.runtime).toBe('java');
    expect(java.containerId).toBeUndefined();
  });

  it('serves the same answers and keeps the same journal', async () => {
    const fromJava = await clientView(java.url);
    const fromContainer = await clientView(container.url);
    expect(fromContainer).toEqual(fromJava);
    expect(fromContainer.map((s) => (s as { status?: number }).status)).toEqual([200, 201, 409, 409, 429, undefined, 404]);
    expect(fromContainer[5]).toEqual({ error: 'fetch failed: ECONNRESET' });
    expect(fromContainer[4]).toMatchObject({ body: '{"error":"slow down"}' });
    expect((fromContainer[4] as { headers: [string, string][] }).headers).toContainEqual(['retry-after', '2']);

    const [jj, cj] = await Promise.all([java.journal(), container.journal()]);
    expect(journalView(cj)).toEqual(journalView(jj));
    expect(cj.map((e) => [e.stubId, e.replyIndex, e.outcome])).toEqual([
      ['get-customer', 0, { status: 200 }],
      ['create-customer', 0, { status: 201 }],
      ['create-customer', 1, { status: 409 }],
      ['create-customer', 1, { status: 409 }],
      ['limited', 0, { status: 429 }],
      ['reset', 0, { fault: 'reset' }],
      [null, undefined, { miss: true, status: 404 }],
    ]);
  });

  it('sees the mapping files change through the read-only mount', async () => {
    const next: Stub[] = [{ id: 'fresh', request: { method: 'GET', path: '/fresh' }, replies: [{ status: 202, body: { text: 'new' } }] }];
    await container.setStubs(next);
    const fresh = await fetch(`${container.url}/fresh`);
    expect([fresh.status, await fresh.text()]).toEqual([202, 'new']);
    const gone = await fetch(`${container.url}/limited`);
    await gone.arrayBuffer();
    expect(gone.status).toBe(404);
  });
});

// The whole targeted ticket-sync suite (suites/ticket-sync/scenarios.ts) on both runtimes: every
// scenario's verdicts, rule by rule, are the same; and a seeded defect fails the same rule on both.
describe.skipIf(!runtime.ok)('the ticket-sync targeted suite on wiremock in a container = on the jar', () => {
  let partners: PreparedPartner[];
  beforeAll(async () => {
    partners = await Promise.all([preparePartner({ name: 'helpdesk' }), preparePartner({ name: 'tracker' })]);
  });
  const run = async (scenario: TargetedScenario, engine: EngineChoice, variant?: string) => {
    const result = await runScenario({
      suite: 'wiremock-container',
      name: scenario.name,
      connector: processConnector(`ticket-sync${variant !== undefined ? `:${variant}` : ''}`, { command: ticketSyncCommand(variant) }),
      partners,
      plan: scenario.plan,
      policy: TICKET_SYNC_POLICY,
      expectations: scenario.countsCreations ? { creations: CREATED_ISSUES } : {},
      env: TICKET_SYNC_ENV,
      engine,
      timeLimitMs: 20_000,
    });
    const failed = result.verdicts.filter((v) => !v.ok).map((v) => `${engine}: ${v.rule}: ${v.summary}`);
    if (failed.length > 0) console.log(`${scenario.name}${variant !== undefined ? ` (${variant})` : ''}:\n  ${failed.join('\n  ')}`);
    return result.verdicts.map((v) => ({ rule: v.rule, ok: v.ok, vacuous: v.vacuous ?? false }));
  };

  // One scenario at a time (its two runtimes side by side): sixteen JVMs at once on a 2-core
  // machine would blur the timing rules this suite is there to judge.
  it('every scenario: the same verdicts, all passing, the rules it is there for judged', async () => {
    const differing: unknown[] = [];
    for (const scenario of TARGETED) {
      const [onJava, onContainer] = await Promise.all([run(scenario, 'wiremock'), run(scenario, 'wiremock-container')]);
      if (JSON.stringify(onContainer) !== JSON.stringify(onJava)) differing.push({ scenario: scenario.name, onJava, onContainer });
      expect(onContainer.filter((v) => !v.ok), scenario.name).toEqual([]);
      for (const rule of scenario.shows) expect(onContainer.find((v) => v.rule === rule), `${scenario.name}: ${rule}`).toEqual({ rule, ok: true, vacuous: false });
    }
    expect(differing).toEqual([]);
  }, 300_000);

  it('a seeded defect (ignores-retry-after) fails retry-after-honoured on both, and nothing else differs', async () => {
    const scenario = TARGETED.find((s) => s.name === '429 with Retry-After on a quarter of the creates')!;
    const [onJava, onContainer] = await Promise.all([run(scenario, 'wiremock', 'ignores-retry-after'), run(scenario, 'wiremock-container', 'ignores-retry-after')]);
    expect(onContainer).toEqual(onJava);
    expect(onContainer.filter((v) => !v.ok)).toEqual([{ rule: 'retry-after-honoured', ok: false, vacuous: false }]);
  }, 60_000);
});
