// ticket-sync as a container image (`seam/ticket-sync:local`, through testcontainers with host
// networking) gives the same verdicts as the same build run as a process, on the targeted scenario
// that shows backoff jitter, idempotency keys and exactly-once; and a container that never exits is
// killed at the time limit. Needs a reachable Docker daemon (DOCKER_HOST) and the image, built
// locally by scripts/containers/build-connector-image.sh on first use; without them the tests are
// skipped with the reason printed. Runs the built connector (`npx tsc -p .` first).
import { describe, expect, it } from 'vitest';
import { containerConnector, preparePartner, processConnector, runScenario, type Connector } from '../src/testing/index.js';
import { CREATED_ISSUES, TICKET_SYNC_ENV, TICKET_SYNC_POLICY, ticketSyncCommand } from '../suites/ticket-sync/config.js';
import { TARGETED } from '../suites/ticket-sync/scenarios.js';
import { containerRuntime } from './support/container-runtime.js';

const IMAGE = 'seam/ticket-sync:local';
const runtime = containerRuntime({ [IMAGE]: 'scripts/containers/build-connector-image.sh' });
if (!runtime.ok) console.log(`skipping the connector container tests: ${runtime.reason}`);

const scenario = TARGETED.find((s) => s.name === '5xx on every operation, first 2 calls')!;

describe.skipIf(!runtime.ok)('ticket-sync in a container = ticket-sync as a process', () => {
  it(`gives the same verdicts on "${scenario.name}", every rule passing`, async () => {
    const [helpdesk, tracker] = await Promise.all([preparePartner({ name: 'helpdesk' }), preparePartner({ name: 'tracker' })]);
    const run = (connector: Connector) =>
      runScenario({
        suite: 'connector-container',
        name: scenario.name,
        connector,
        partners: [helpdesk, tracker],
        plan: scenario.plan,
        policy: TICKET_SYNC_POLICY,
        expectations: { creations: CREATED_ISSUES },
        env: TICKET_SYNC_ENV,
        timeLimitMs: 20_000,
      });
    // One after the other: the judge reads timings, and two connectors sharing 2 cores skew them.
    const inContainer = await run(containerConnector('ticket-sync:container', { image: IMAGE }));
    const asProcess = await run(processConnector('ticket-sync', { command: ticketSyncCommand(undefined) }));
    const verdicts = (r: typeof asProcess) => r.verdicts.map((v) => ({ rule: v.rule, ok: v.ok, vacuous: v.vacuous ?? false }));
    expect(inContainer.evidence.connector.exitCode, inContainer.evidence.connector.stderr).toBe(0);
    expect(inContainer.evidence.connector.timedOut).toBe(false);
    expect(inContainer.evidence.connector.stdout).toContain('"event":"sync.summary","tickets":12,"created":11');
    const failed = (r: typeof asProcess) => r.verdicts.filter((v) => !v.ok).map((v) => `${v.rule}: ${v.summary}`);
    expect(verdicts(inContainer), JSON.stringify({ inContainer: failed(inContainer), asProcess: failed(asProcess) })).toEqual(verdicts(asProcess));
    expect(inContainer.verdicts.filter((v) => !v.ok).map((v) => `${v.rule}: ${v.summary}`)).toEqual([]);
    expect(verdicts(inContainer).map((v) => v.rule)).toEqual(expect.arrayContaining(scenario.shows));
  }, 90_000);

  it('kills a container that never exits at the time limit and reports it timed out', async () => {
    const connector = containerConnector('never-exits', { image: IMAGE, command: ['-e', 'console.log("up"); setInterval(() => {}, 1000)'] });
    const run = await connector.run({ partners: {}, env: {}, log: () => {}, signal: new AbortController().signal }, 1_500);
    expect(run).toEqual({ exitCode: null, timedOut: true, stdout: 'up\n', stderr: '' });
  }, 60_000);
});
