// ticket-sync: the resilience matrix on the helpdesk's operations — every operation × every fault
// that applies to it (faultMatrix), the connector run as a process, every rule must pass.
import { describe, expect, test } from 'vitest';
import { attach, faultMatrix, runScenario } from 'seam/testing';
import { helpdesk, matrixScenario } from './setup.js';

describe.concurrent('ticket-sync: the resilience matrix (helpdesk operation × fault)', () => {
  for (const s of faultMatrix(helpdesk.stubs, { ...(helpdesk.spec !== undefined ? { spec: helpdesk.spec } : {}), seed: 7 })) {
    test(s.name, async ({ task }) => {
      const run = attach(task, await runScenario(matrixScenario(s.name, s.plan)));
      expect(run).toPassJudge();
    });
  }
});
