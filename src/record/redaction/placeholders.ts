// Placeholders: deterministic within one redactor (one recording session), numbered per kind in
// first-seen order, keeping the value's shape where that is cheap. Every placeholder contains
// REDACTED (or is a redacted-N@example.invalid address), so no detector ever reports one and
// redacting twice changes nothing. None is Luhn-valid digits or a real-looking address.

export type PlaceholderKind =
  | 'secret'
  | 'stripe'
  | 'aws'
  | 'google'
  | 'github'
  | 'slack'
  | 'jwt'
  | 'private-key'
  | 'email'
  | 'phone'
  | 'card'
  | 'iban'
  | `custom:${string}`;

const EMAIL_PLACEHOLDER = /^redacted-\d+@example\.invalid$/;

/** Is this (matched or whole) value already a placeholder? */
export function isPlaceholder(value: string): boolean {
  return value.includes('REDACTED') || (value.startsWith('redacted-') && EMAIL_PLACEHOLDER.test(value));
}

function format(kind: PlaceholderKind, n: number, value: string): string {
  switch (kind) {
    case 'stripe':
      return `${/^(?:(?:sk|rk|pk)_(?:live|test)_|whsec_)/.exec(value)?.[0] ?? ''}REDACTED_${n}`;
    case 'aws':
      return `${value.slice(0, 4)}_REDACTED_${n}`;
    case 'google':
      return `AIza_REDACTED_${n}`;
    case 'github':
      return `${/^(?:gh[pousr]_|github_pat_)/.exec(value)?.[0] ?? ''}REDACTED_${n}`;
    case 'slack':
      return `${value.slice(0, 5)}REDACTED_${n}`;
    case 'jwt':
      // Still three dot-separated parts with a JWT-looking header, so readers see what it was.
      return `eyJREDACTED.REDACTED_${n}.REDACTED`;
    case 'private-key': {
      const label = /-----BEGIN ([A-Z0-9 ]*PRIVATE KEY)-----/.exec(value)?.[1] ?? 'PRIVATE KEY';
      return `-----BEGIN ${label}-----\nREDACTED_${n}\n-----END ${label}-----`;
    }
    case 'email':
      return `redacted-${n}@example.invalid`;
    case 'phone':
      return `PHONE_REDACTED_${n}`;
    case 'card':
      return `CARD_REDACTED_${n}`;
    case 'iban':
      return `IBAN_REDACTED_${n}`;
    case 'secret':
      return `REDACTED_${n}`;
    default:
      return `REDACTED_${kind.slice('custom:'.length).toUpperCase().replace(/[^A-Z0-9]+/g, '_')}_${n}`;
  }
}

/** The session's value → placeholder table. */
export class Placeholders {
  private readonly byValue = new Map<string, string>();
  private readonly counters = new Map<PlaceholderKind, number>();

  /** The placeholder for `value`: the one it already has, or the next of `kind`. */
  for(value: string, kind: PlaceholderKind): string {
    const known = this.byValue.get(value);
    if (known !== undefined) return known;
    const n = (this.counters.get(kind) ?? 0) + 1;
    this.counters.set(kind, n);
    const placeholder = format(kind, n, value);
    this.byValue.set(value, placeholder);
    return placeholder;
  }
}
