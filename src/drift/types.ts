// Drift findings: what changed at a partner, from the consumer's side, with a severity for us.
// Spec diffs, live replays and recordings-vs-spec checks all report in this one shape, so one
// renderer (report.ts) and one exit rule (`--fail-on`) serve them all.
import type { Location } from '../spec/types.js';

export type DriftSeverity = 'breaking' | 'warning' | 'info';

const RANK: Record<DriftSeverity, number> = { info: 0, warning: 1, breaking: 2 };

/** Whether `severity` is at or above `threshold`. */
export function severityAtLeast(severity: DriftSeverity, threshold: DriftSeverity): boolean {
  return RANK[severity] >= RANK[threshold];
}

export interface DriftFinding {
  /** Stable id of the check, e.g. `response-property-removed`, `enum-value-removed`, `live-status-changed`. */
  check: string;
  severity: DriftSeverity;
  /** `GET /v1/customers/{customer}`, or a webhook (`POST payment_intent.succeeded`). */
  operation?: string;
  /** One line: what changed and why it matters to a consumer. */
  message: string;
  /** Where in the old and new documents (spec diffs), or the recording and the spec (live, recordings). */
  old?: Location;
  new?: Location;
  /** A JSON path in the body, when the finding is about a field (`$.status`). */
  field?: string;
  /** Consumers (pact files) this touches: interactions and fields they rely on. */
  affects?: string[];
}
