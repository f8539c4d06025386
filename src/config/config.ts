// seam.config.json | seam.config.yaml: per-partner redaction rules and the scan allow-list.
// INTERFACE FIRST — implementation being written this session (helper A replaces the body).
import type { RedactionRules } from '../record/redaction/index.js';

export interface SeamConfig {
  /** Applied to every partner. */
  redact?: RedactionRules;
  partners?: Record<string, { redact?: RedactionRules }>;
  scan?: { allow?: string[] };
}

/** Load the config from `file`, or seam.config.{json,yaml,yml} in `cwd`; none → {}. Bad config → InputError. */
export async function loadConfig(_options: { file?: string; cwd?: string } = {}): Promise<SeamConfig> {
  return {};
}

/** The global rules merged with the partner's own. */
export function redactionRulesFor(config: SeamConfig, partner: string): RedactionRules {
  return { ...(config.redact ?? {}), ...(config.partners?.[partner]?.redact ?? {}) };
}
