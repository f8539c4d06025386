// What `seam gate` reports: one result per scenario (a connector run against partner mocks with a
// fault plan, judged by rules). The renderers (JUnit XML, Markdown, HTML with SVG timelines) are
// pure functions of this; shards' reports merge by concatenating scenarios.
import type { FaultPlan } from '../faults/types.js';
import type { ConnectorOutcome, ObservedRequest, Verdict } from '../judge/types.js';

export interface ScenarioResult {
  /** The suite (a folder under suites/, e.g. `ticket-sync`) and the scenario's name within it. */
  suite: string;
  name: string;
  /** Which connector build ran (e.g. `ticket-sync`, or a seeded variant `ticket-sync:no-jitter`). */
  connector: string;
  engine: string;
  plan: FaultPlan;
  verdicts: Verdict[];
  /** The timeline: every request the mocks received and what they answered. */
  requests: ObservedRequest[];
  outcome: ConnectorOutcome;
  durationMs: number;
  /** The scenario could not run (a mock failed to start, …): not a verdict, an error. */
  error?: string;
}

export interface GateReport {
  /** ISO time the gate started. */
  startedAt: string;
  durationMs: number;
  scenarios: ScenarioResult[];
}

/** A scenario fails when it errored or any verdict is not ok. */
export function scenarioFailed(s: ScenarioResult): boolean {
  return s.error !== undefined || s.verdicts.some((v) => !v.ok);
}
