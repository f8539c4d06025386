// Redaction: the one exported surface of src/record/redaction/ (rules, detectors, placeholders).
// The engine is redactor.ts, the detector table detectors.ts, the placeholder table placeholders.ts.
import type { UnnamedExchange } from '../../exchange/store.js';
import { Pass, RedactionEngine } from './redactor.js';

export { TEXT_DETECTORS, isSecretName } from './detectors.js';
export { isPlaceholder } from './placeholders.js';

/** Per-partner (or global) rules from seam.config.*, added to the defaults. */
export interface RedactionRules {
  /** Extra header names to redact (case-insensitive). */
  headers?: string[];
  /** Extra query and form parameter names to redact (case-insensitive). */
  params?: string[];
  /** Extra JSON key names to redact wherever they appear (case-insensitive). */
  jsonKeys?: string[];
  /** JSON pointers into a JSON body to redact; a `*` segment matches any key or index. */
  jsonPaths?: string[];
  /** Extra text patterns, applied to every string value. */
  patterns?: { id: string; regex: string; flags?: string }[];
  /** Header, parameter or key names never redacted (overrides the defaults). */
  keep?: string[];
  /** Exact values never redacted. */
  keepValues?: string[];
}

export interface RedactionSummary {
  total: number;
  byRule: Record<string, number>;
}

export interface Redactor {
  /** A redacted copy of `exchange` (the input is not changed), its `redactions` listing what was replaced. */
  redact<T extends UnnamedExchange>(exchange: T): T;
  /** Counts so far, for the recorder's closing summary. */
  summary(): RedactionSummary;
}

/** One redactor per recording session: the same value gets the same placeholder everywhere in it. */
export function createRedactor(rules: RedactionRules = {}): Redactor {
  const engine = new RedactionEngine(rules);
  const byRule: Record<string, number> = {};
  let total = 0;
  return {
    redact(exchange) {
      const pass = new Pass();
      const redacted = engine.exchange(exchange, pass);
      for (const r of pass.redactions) {
        byRule[r.rule] = (byRule[r.rule] ?? 0) + 1;
        total++;
      }
      if (exchange.redactions.length === 0) return { ...redacted, redactions: pass.redactions };
      // Redacting twice finds nothing new; earlier entries are kept, duplicates dropped.
      const known = new Set(exchange.redactions.map((r) => `${r.at}\u0000${r.rule}\u0000${r.placeholder}`));
      const added = pass.redactions.filter((r) => !known.has(`${r.at}\u0000${r.rule}\u0000${r.placeholder}`));
      return { ...redacted, redactions: [...exchange.redactions, ...added] };
    },
    summary: () => ({ total, byRule: { ...byRule } }),
  };
}
