// How a scenario's result travels from a vitest worker to `seam gate`: on the test's meta, which
// vitest serialises to the reporter in the main process.
import type { ScenarioResult } from '../report/types.js';

export const SEAM_META = 'seamScenario';

/** Attach a run to the current test (`test('…', async ({ task }) => attach(task, run))`) so the gate reports it. */
export function attach<R extends { result: ScenarioResult }>(task: { meta: object }, run: R): R {
  (task.meta as Record<string, ScenarioResult>)[SEAM_META] = run.result;
  return run;
}
