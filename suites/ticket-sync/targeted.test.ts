// ticket-sync: the targeted scenarios (scenarios.ts) — each exercises the rules a single fault
// cannot show (back-off growth and jitter across calls, the circuit breaker, pagination, token
// refresh, timeouts, permanent errors), which must then be judged, not vacuous, and pass.
import { describe, expect, test } from 'vitest';
import { attach, runScenario } from 'seam/testing';
import { TARGETED } from './scenarios.js';
import { scenario } from './setup.js';

describe.concurrent('ticket-sync: targeted scenarios', () => {
  for (const t of TARGETED) {
    test(t.name, async ({ task }) => {
      const run = attach(task, await runScenario(scenario(t.name, t.plan, t.countsCreations ? {} : { expectations: {} })));
      // The rules a scenario is there for must have had something to judge.
      const shown = t.shows.map((rule) => run.verdicts.find((v) => v.rule === rule));
      expect(shown.map((v) => [v?.rule, v?.ok, v?.vacuous === true ? 'vacuous' : 'judged'])).toEqual(t.shows.map((rule) => [rule, true, 'judged']));
      expect(run).toPassJudge();
    });
  }
});
