// The spec-diff checks: one row each — stable id, the severity for a consumer (we call the
// partner's operations and receive its webhooks), which version's node the finding is about, and
// why. The diff (spec-diff.ts) reports by id; severities are decided here only.
import type { DriftSeverity } from './types.js';

export interface SpecCheck {
  severity: DriftSeverity;
  /**
   * Which location names the thing the finding is about: `old` for something that went away,
   * `new` for something that appeared, `both` for a change. Pact relevance traces a pact's fields
   * to these nodes.
   */
  subject: 'old' | 'new' | 'both';
  why: string;
}

export const SPEC_CHECKS = {
  'operation-removed': { severity: 'breaking', subject: 'old', why: 'our calls to it will fail' },
  'operation-deprecated': { severity: 'warning', subject: 'new', why: 'it still works, but will go; plan the move' },
  'operation-added': { severity: 'info', subject: 'new', why: 'nothing we use changes' },
  'webhook-removed': { severity: 'breaking', subject: 'old', why: 'events we handle will stop arriving' },
  'webhook-added': { severity: 'info', subject: 'new', why: 'a new event we may subscribe to' },
  'request-parameter-required-added': { severity: 'breaking', subject: 'new', why: 'our requests lack it and will be rejected' },
  'request-parameter-became-required': { severity: 'breaking', subject: 'both', why: 'requests that omit it will be rejected' },
  'request-parameter-removed': { severity: 'warning', subject: 'old', why: 'if we send it, it is ignored or rejected' },
  'request-parameter-added': { severity: 'info', subject: 'new', why: 'optional: our requests stay valid' },
  'request-body-became-required': { severity: 'breaking', subject: 'new', why: 'requests without a body will be rejected' },
  'request-media-type-removed': { severity: 'breaking', subject: 'old', why: 'the body format we send is no longer accepted' },
  'request-property-required-added': { severity: 'breaking', subject: 'new', why: 'our bodies lack it and will be rejected' },
  'request-property-became-required': { severity: 'breaking', subject: 'both', why: 'bodies that omit it will be rejected' },
  'request-property-removed': { severity: 'warning', subject: 'old', why: 'if we send it, it is ignored or (Stripe) rejected' },
  'request-property-added': { severity: 'info', subject: 'new', why: 'optional: our bodies stay valid' },
  'request-type-narrowed': { severity: 'breaking', subject: 'both', why: 'values we send may no longer be accepted' },
  'request-enum-value-removed': { severity: 'breaking', subject: 'both', why: 'a value we may send is no longer accepted' },
  'request-enum-introduced': { severity: 'breaking', subject: 'both', why: 'a free value became a closed list: what we send may be rejected' },
  'request-enum-value-added': { severity: 'info', subject: 'both', why: 'more values accepted; ours still are' },
  'request-enum-removed': { severity: 'info', subject: 'both', why: 'any value accepted now; ours still are' },
  'response-property-removed': { severity: 'breaking', subject: 'old', why: 'code reading it gets nothing' },
  'response-property-type-changed': { severity: 'breaking', subject: 'both', why: 'code parsing the old type breaks' },
  'response-property-became-nullable': { severity: 'warning', subject: 'both', why: 'code that assumes a value may meet null' },
  'response-property-became-optional': { severity: 'warning', subject: 'both', why: 'code that assumes it is present may meet its absence' },
  'response-property-became-required': { severity: 'info', subject: 'both', why: 'always present now: safer for us' },
  'response-property-added': { severity: 'info', subject: 'new', why: 'tolerant readers ignore it' },
  'response-enum-value-added': { severity: 'warning', subject: 'both', why: 'our code may not handle the new value' },
  'response-enum-value-removed': {
    severity: 'info',
    subject: 'both',
    why: 'a value we handle stops arriving: dead code, not a failure (warning-worthy only if we wait for it)',
  },
  'response-enum-removed': { severity: 'warning', subject: 'both', why: 'a closed list became a free value: expect values we do not know' },
  'response-variant-added': { severity: 'warning', subject: 'new', why: 'a new shape (anyOf/oneOf branch) our code may not handle' },
  'response-variant-removed': { severity: 'info', subject: 'old', why: 'a shape we handle stops arriving' },
  'response-status-removed': { severity: 'warning', subject: 'old', why: 'a documented outcome is gone: our handling of it may be stale, or it is undocumented now' },
  'response-status-added': { severity: 'info', subject: 'new', why: 'a new documented outcome; unknown statuses should already be handled generically' },
  'response-header-removed': { severity: 'warning', subject: 'old', why: 'code reading the header gets nothing' },
  'response-media-type-removed': { severity: 'warning', subject: 'old', why: 'the body format we parse is no longer documented' },
  'security-scheme-removed': { severity: 'breaking', subject: 'old', why: 'how we authenticate is gone' },
  'security-scheme-changed': { severity: 'breaking', subject: 'both', why: 'how we authenticate changed' },
  'security-scheme-added': { severity: 'info', subject: 'new', why: 'a new way to authenticate; ours still works' },
  'operation-security-changed': { severity: 'breaking', subject: 'both', why: 'a way we authenticated this call is no longer accepted' },
} as const satisfies Record<string, SpecCheck>;

export type SpecCheckId = keyof typeof SPEC_CHECKS;

export function specCheck(id: string): SpecCheck | undefined {
  return Object.hasOwn(SPEC_CHECKS, id) ? (SPEC_CHECKS as Record<string, SpecCheck>)[id] : undefined;
}
