// The wiremock engine on its container runtime (the official image `wiremock/wiremock:3.13.2`
// through testcontainers, host networking, the root dir bind-mounted) against the same engine on
// the local jar: the same stubs give the same client-visible results and journal, and one
// ticket-sync scenario gives the same verdicts on both. Needs a reachable Docker daemon
// (DOCKER_HOST) and the image, built locally by scripts/containers/build-wiremock-image.sh on
// first use; without them the tests are skipped with the reason printed.
// Runs the built connector as a process (`npx tsc -p .` first).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WIREMOCK_IMAGE } from '../src/engines/wiremock-container.js';
import { startWireMock, type WireMockEngine } from '../src/engines/wiremock.js';
import type { JournalEntry, Stub } from '../src/stubs/types.js';
import { preparePartner, processConnector, runScenario, type EngineChoice, type PreparedPartner } from '../src/testing/index.js';
import { CREATED_ISSUES, TICKET_SYNC_ENV, TICKET_SYNC_POLICY, ticketSyncCommand } from '../suites/ticket-sync/config.js';
import { TARGETED } from '../suites/ticket-sync/scenarios.js';
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

describe.skipIf(!runtime.ok)('a ticket-sync scenario on wiremock in a container = on the jar', () => {
  const scenario = TARGETED.find((s) => s.name === '429 with Retry-After on a quarter of the creates')!;
  let partners: PreparedPartner[];
  beforeAll(async () => {
    partners = await Promise.all([preparePartner({ name: 'helpdesk' }), preparePartner({ name: 'tracker' })]);
  });
  const run = async (engine: EngineChoice, variant: string | undefined) => {
    const result = await runScenario({
      suite: 'wiremock-container',
      name: scenario.name,
      connector: processConnector(`ticket-sync${variant !== undefined ? `:${variant}` : ''}`, { command: ticketSyncCommand(variant) }),
      partners,
      plan: scenario.plan,
      policy: TICKET_SYNC_POLICY,
      expectations: { creations: CREATED_ISSUES },
      env: TICKET_SYNC_ENV,
      engine,
      timeLimitMs: 20_000,
    });
    return result.verdicts.map((v) => ({ rule: v.rule, ok: v.ok, vacuous: v.vacuous ?? false }));
  };

  for (const variant of [undefined, 'ignores-retry-after']) {
    it(`${variant ?? 'the correct connector'}: same verdicts`, async () => {
      const [onJava, onContainer] = await Promise.all([run('wiremock', variant), run('wiremock-container', variant)]);
      expect(onContainer).toEqual(onJava);
      const retryAfter = onContainer.find((v) => v.rule === 'retry-after-honoured')!;
      expect(retryAfter).toEqual({ rule: 'retry-after-honoured', ok: variant === undefined, vacuous: false });
      if (variant === undefined) expect(onContainer.filter((v) => !v.ok)).toEqual([]);
    }, 60_000);
  }
});
