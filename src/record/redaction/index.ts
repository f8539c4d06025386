// Redaction: the one exported surface of src/record/redaction/ (rules, detectors, placeholders).
// INTERFACE FIRST — implementation being written this session (helper A replaces the body).
import type { UnnamedExchange } from '../../exchange/store.js';

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
export function createRedactor(_rules: RedactionRules = {}): Redactor {
  return {
    redact: (exchange) => ({ ...exchange, redactions: [...exchange.redactions] }),
    summary: () => ({ total: 0, byRule: {} }),
  };
}
