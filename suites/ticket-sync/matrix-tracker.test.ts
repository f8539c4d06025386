// ticket-sync: the resilience matrix on the tracker's operations — every operation × every fault
// that applies to it (faultMatrix), the connector run as a process, every rule must pass.
import { describe, expect, test } from 'vitest';
import { attach, faultMatrix, runScenario } from 'seam/testing';
import { tracker, matrixScenario } from './setup.js';

describe.concurrent('ticket-sync: the resilience matrix (tracker operation × fault)', () => {
  for (const s of faultMatrix(tracker.stubs, { ...(tracker.spec !== undefined ? { spec: tracker.spec } : {}), seed: 7, tokenTarget: 'POST /oauth/token' })) {
    test(s.name, async ({ task }) => {
      const run = attach(task, await runScenario(matrixScenario(s.name, s.plan)));
      expect(run).toPassJudge();
    });
  }
});
