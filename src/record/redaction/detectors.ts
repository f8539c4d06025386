// The one table of detectors, shared by redaction (record, import) and `seam scan`.
// Two families: text detectors (a regex, maybe a checksum, over any string) and name rules
// (a header, parameter or JSON key whose name says its value is a secret).
// Every regex here is linear-time: anchored by a look-behind or a literal, bounded repeats,
// no nested unbounded quantifiers — a 50 MB text body must not stall the recorder.
import type { PlaceholderKind } from './placeholders.js';

export interface TextDetector {
  /** Rule id, as listed in an exchange's `redactions` and in scan findings. */
  id: string;
  /** The placeholder family; `shape` = pick it from the value's own shape (bearer tokens etc.). */
  kind: PlaceholderKind | 'shape';
  /** Global regex; its match is the secret. */
  regex: RegExp;
  /** A cheap test that must pass before the regex runs. */
  quick?: (text: string) => boolean;
  /** A check on the match (checksums, plausibility). */
  valid?: (match: string) => boolean;
}

const hasAt = (s: string): boolean => s.includes('@');
const hasColonSlash = (s: string): boolean => s.includes('://');
const hasEquals = (s: string): boolean => s.includes('=');

/** Luhn checksum over the digits of `s`. */
export function luhnValid(s: string): boolean {
  let sum = 0;
  let double = false;
  let count = 0;
  for (let i = s.length - 1; i >= 0; i--) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) continue;
    let d = c - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
    count++;
  }
  return count > 0 && sum % 10 === 0;
}

function digitsOf(s: string): string {
  return s.replace(/\D/g, '');
}

function cardValid(match: string): boolean {
  const digits = digitsOf(match);
  if (digits.length < 13 || digits.length > 19) return false;
  // Issuer prefixes (Visa, Mastercard 51-55 and 2221-2720, Amex, Diners, JCB, Discover, UnionPay, Maestro):
  // keeps random Luhn-valid ids (one in ten is) starting 1, 7, 8, 9 out.
  if (!/^(4|5[0-9]|2[2-7]|3[0-9]|6)/.test(digits)) return false;
  // Separators, when present, form regular groups: "4242 4242 4242 4242", "3782-822463-10005".
  if (/[ -]/.test(match) && match.split(/[ -]/).some((g) => g.length < 3 || g.length > 6)) return false;
  return luhnValid(digits);
}

const IBAN_LENGTHS: Record<string, number> = {
  AD: 24, AE: 23, AL: 28, AT: 20, AZ: 28, BA: 20, BE: 16, BG: 22, BH: 22, BR: 29, BY: 28, CH: 21, CR: 22, CY: 28,
  CZ: 24, DE: 22, DK: 18, DO: 28, EE: 20, EG: 29, ES: 24, FI: 18, FO: 18, FR: 27, GB: 22, GE: 22, GI: 23, GL: 18,
  GR: 27, GT: 28, HR: 21, HU: 28, IE: 22, IL: 23, IQ: 23, IS: 26, IT: 27, JO: 30, KW: 30, KZ: 20, LB: 28, LC: 32,
  LI: 21, LT: 20, LU: 20, LV: 21, MC: 27, MD: 24, ME: 22, MK: 19, MR: 27, MT: 31, MU: 30, NL: 18, NO: 15, PK: 24,
  PL: 28, PS: 29, PT: 25, QA: 29, RO: 24, RS: 22, SA: 24, SC: 31, SE: 24, SI: 19, SK: 24, SM: 27, ST: 25, SV: 28,
  TL: 23, TN: 24, TR: 26, UA: 29, VA: 22, VG: 24, XK: 20,
};

/** IBAN: known country length and the ISO 13616 mod-97 check. */
export function ibanValid(match: string): boolean {
  const iban = match.replace(/ /g, '');
  const expected = IBAN_LENGTHS[iban.slice(0, 2)];
  if (expected === undefined || iban.length !== expected) return false;
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let rest = 0;
  for (const ch of rearranged) {
    const c = ch.charCodeAt(0);
    const v = c >= 65 ? c - 55 : c - 48;
    rest = (v > 9 ? rest * 100 + v : rest * 10 + v) % 97;
  }
  return rest === 1;
}

function phoneValid(match: string): boolean {
  const n = digitsOf(match).length;
  if (match.startsWith('+')) return n >= 8 && n <= 15;
  return n >= 10 && n <= 12;
}

// "Basic <base64>" is only a credential when it decodes to printable "user:password".
function basicValid(match: string): boolean {
  const decoded = Buffer.from(match, 'base64').toString('latin1');
  return decoded.includes(':') && /^[\x20-\x7e]+$/.test(decoded);
}

const FILE_TLDS = new Set(['png', 'jpg', 'jpeg', 'gif', 'svg', 'webp', 'ico', 'css', 'js', 'ts', 'map', 'json', 'html']);

function emailValid(match: string): boolean {
  const tld = match.slice(match.lastIndexOf('.') + 1).toLowerCase();
  return !FILE_TLDS.has(tld);
}

// Parameter names that carry secrets in a URL found inside text (a Location header, a next_url field).
const URL_SECRET_PARAMS =
  'access_token|refresh_token|id_token|auth_token|token|api_key|apikey|api-key|client_secret|password|passwd|secret|signature|sig|x-amz-signature|x-amz-security-token|x-amz-credential|key|code';

/**
 * Text detectors, highest priority first: when two matches overlap, the earlier one in this
 * table wins at the same position (a JWT inside "Bearer …" is a JWT).
 */
export const TEXT_DETECTORS: readonly TextDetector[] = [
  {
    id: 'private-key',
    kind: 'private-key',
    // The whole block when it ends; the header and what follows when it was cut (or seen line by line).
    // The body may not contain "-----", so a run of headers without an END stays linear.
    regex:
      /-----BEGIN[A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----(?:(?:(?!-----)[\s\S]){0,16384}-----END[A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----|[A-Za-z0-9+/=\s\\]*)/g,
    quick: (s) => s.includes('PRIVATE KEY'),
  },
  {
    id: 'jwt',
    kind: 'jwt',
    regex: /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g,
    quick: (s) => s.includes('eyJ'),
  },
  {
    id: 'aws-access-key',
    kind: 'aws',
    regex: /(?<![A-Za-z0-9])(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}(?![A-Za-z0-9])/g,
  },
  {
    id: 'google-api-key',
    kind: 'google',
    regex: /(?<![A-Za-z0-9_-])AIza[0-9A-Za-z_-]{35}(?![A-Za-z0-9_-])/g,
    quick: (s) => s.includes('AIza'),
  },
  {
    id: 'stripe-key',
    kind: 'stripe',
    regex: /(?<![A-Za-z0-9_])(?:(?:sk|rk|pk)_(?:live|test)_[0-9A-Za-z]{10,}|whsec_[0-9A-Za-z]{20,})(?![A-Za-z0-9])/g,
    quick: (s) => s.includes('_live_') || s.includes('_test_') || s.includes('whsec_'),
  },
  {
    id: 'github-token',
    kind: 'github',
    regex: /(?<![A-Za-z0-9_])(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})(?![A-Za-z0-9_])/g,
    quick: (s) => s.includes('gh') || s.includes('github_pat_'),
  },
  {
    id: 'slack-token',
    kind: 'slack',
    regex: /(?<![A-Za-z0-9-])xox[abposr]-[A-Za-z0-9-]{10,}(?![A-Za-z0-9-])/g,
    quick: (s) => s.includes('xox'),
  },
  {
    id: 'url-credentials',
    kind: 'shape',
    regex: /(?<=\b[a-z][a-z0-9+.-]{1,15}:\/\/[^\s/:@?#]{1,128}:)[^\s/@?#]{1,128}(?=@)/gi,
    quick: hasColonSlash,
  },
  {
    id: 'url-secret-param',
    kind: 'shape',
    regex: new RegExp(`(?<=[?&](?:${URL_SECRET_PARAMS})=)[^&\\s#"'<>]{8,}`, 'gi'),
    quick: hasEquals,
  },
  {
    id: 'bearer-token',
    kind: 'shape',
    regex: /(?<=\bbearer\s{1,4})[A-Za-z0-9\-._~+/]{8,}=*/gi,
  },
  {
    id: 'basic-auth',
    kind: 'shape',
    regex: /(?<=\bbasic\s{1,4})[A-Za-z0-9+/]{6,}={0,2}(?![A-Za-z0-9+/=])/gi,
    valid: basicValid,
  },
  {
    id: 'email',
    kind: 'email',
    regex: /(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){0,8}\.[A-Za-z]{2,24}(?![A-Za-z0-9-])/g,
    quick: hasAt,
    valid: emailValid,
  },
  {
    id: 'card-number',
    kind: 'card',
    regex: /(?<![\w.-]|\d[ ])[2-6]\d{3}(?:[ -]?\d){9,15}(?!\w|[ .,-]\d)/g,
    valid: cardValid,
  },
  {
    id: 'iban',
    kind: 'iban',
    regex: /(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?(?![A-Za-z0-9])/g,
    valid: ibanValid,
  },
  {
    id: 'phone',
    kind: 'phone',
    // International (+ and 8-15 digits, grouped any way) or national grouped like (415) 555-2671 / 020 7946 0958.
    // Never a bare run of digits (ids, timestamps), never glued to letters, dots or dashes (UUIDs, dates, versions).
    regex:
      /(?<![\w+/.-]|\d[ ])(?:\+\d{1,3}(?:[ .-]?\(?\d{1,4}\)?){2,6}|(?:\(\d{2,4}\)[ .-]?|\d{2,4}[ .-])\d{3,4}[ .-]\d{3,4})(?![\w/-]|[ .]\d)/g,
    valid: phoneValid,
  },
];

/** The detectors whose match has a recognisable shape worth keeping in its placeholder. */
export const SHAPED_DETECTORS: readonly TextDetector[] = TEXT_DETECTORS.filter((d) =>
  ['private-key', 'jwt', 'aws-access-key', 'google-api-key', 'stripe-key', 'github-token', 'slack-token', 'email'].includes(d.id),
);

// ---------------------------------------------------------------------------------------------
// Name rules: headers, query/form parameters and JSON keys whose names say "secret".

/** Headers whose values are credentials whatever they look like. */
export const SECRET_HEADERS: ReadonlySet<string> = new Set([
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
  'api-key',
  'apikey',
  'x-apikey',
  'x-api-token',
  'x-auth-token',
  'x-access-token',
  'x-refresh-token',
  'x-session-token',
  'x-csrf-token',
  'x-xsrf-token',
  'csrf-token',
  'x-amz-security-token',
  'x-goog-api-key',
  'x-client-secret',
  'stripe-signature',
  'x-hub-signature',
  'x-hub-signature-256',
  'x-twilio-signature',
  'x-slack-signature',
  'x-shopify-hmac-sha256',
  'x-signature',
  'x-webhook-signature',
  'svix-signature',
  'webhook-signature',
  'x-vault-token',
  'private-token',
]);

/** Parameters whose values are credentials whatever they look like. */
export const SECRET_PARAMS: ReadonlySet<string> = new Set([
  'api_key',
  'apikey',
  'api-key',
  'token',
  'access_token',
  'refresh_token',
  'id_token',
  'auth_token',
  'client_secret',
  'password',
  'passwd',
  'secret',
  'signature',
  'sig',
  'x-amz-signature',
  'x-amz-credential',
  'x-amz-security-token',
]);

/**
 * Parameters that are only sometimes secret (`?key=AIza…` yes, `?key=name` no):
 * redacted when the value looks like a token rather than a word.
 */
export const CAREFUL_PARAMS: ReadonlySet<string> = new Set(['key', 'code', 'auth', 'state_token']);

export function looksLikeToken(value: string): boolean {
  return value.length >= 12 && /^[A-Za-z0-9_\-.~+/=:]+$/.test(value) && /[0-9]/.test(value) && /[A-Za-z]/.test(value);
}

// Words that make a name secret, and the words that make it harmless again (token_type, password_set).
const SECRET_WORDS = new Set([
  'secret',
  'secrets',
  'password',
  'passwords',
  'passwd',
  'pwd',
  'passphrase',
  'token',
  'tokens',
  'apikey',
  'credential',
  'credentials',
  'signature',
  'authorization',
  'cvc',
  'cvv',
  'cvv2',
  'pin',
  'otp',
  'ssn',
]);
const SECRET_SUFFIXES = [
  'secret',
  'password',
  'passwd',
  'passphrase',
  'token',
  'apikey',
  'privatekey',
  'secretkey',
  'accesskey',
  'signingkey',
  'encryptionkey',
  'credentials',
  'credential',
  'sessionid',
  'authorization',
];
const HARMLESS_LAST = new Set([
  'type',
  'types',
  'count',
  'counts',
  'expires',
  'expiry',
  'expiration',
  'expired',
  'in',
  'at',
  'on',
  'ttl',
  'age',
  'length',
  'id',
  'ids',
  'url',
  'uri',
  'endpoint',
  'path',
  'name',
  'names',
  'hint',
  'policy',
  'required',
  'enabled',
  'disabled',
  'set',
  'present',
  'configured',
  'status',
  'state',
  'format',
  'strength',
  'version',
  'method',
  'methods',
  'kind',
  'scope',
  'scopes',
  'mode',
  'last4',
  'changed',
  'updated',
  'created',
  'reset',
  'exists',
  'valid',
  'algorithm',
  'alg',
  'prefix',
  'location',
  'header',
  'field',
  'param',
  'usage',
  'rotation',
  'used',
]);
// Pagination and idempotency tokens are opaque but not credentials; redacting them is only noise.
const HARMLESS_ANY = new Set(['page', 'next', 'cursor', 'continuation', 'pagination', 'sync', 'idempotency']);
const HARMLESS_FIRST = new Set(['has', 'is', 'requires', 'require', 'should', 'allow', 'allows', 'can', 'needs', 'use', 'uses', 'show', 'num', 'total', 'max', 'min']);

/** camelCase, snake_case, kebab-case and dotted names → lower-case words. */
export function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w !== '');
}

/** Does this key name say its (string) value is a secret? `client_secret` yes, `token_type` no. */
export function isSecretName(name: string): boolean {
  const words = nameWords(name);
  if (words.length === 0) return false;
  const last = words[words.length - 1]!;
  if (HARMLESS_LAST.has(last) || HARMLESS_FIRST.has(words[0]!) || words.some((w) => HARMLESS_ANY.has(w))) return false;
  if (words.some((w) => SECRET_WORDS.has(w))) return true;
  const joined = words.join('');
  return SECRET_SUFFIXES.some((s) => joined.endsWith(s));
}

export function isSecretHeaderName(lowerName: string): boolean {
  return SECRET_HEADERS.has(lowerName) || isSecretName(lowerName);
}

/** 'yes' (always), 'careful' (only when the value looks like a token), or undefined. */
export function paramRule(lowerName: string): 'yes' | 'careful' | undefined {
  if (SECRET_PARAMS.has(lowerName) || isSecretName(lowerName)) return 'yes';
  if (CAREFUL_PARAMS.has(lowerName)) return 'careful';
  return undefined;
}

/**
 * An allow-list entry: an exact value, or `/regex/flags`.
 * Returns a predicate; throws SyntaxError for a bad regex.
 */
export function compileAllowEntry(entry: string): (value: string) => boolean {
  const m = /^\/(.+)\/([a-z]*)$/s.exec(entry);
  if (m) {
    const regex = new RegExp(m[1]!, m[2]!.replace(/[gy]/g, ''));
    return (value) => regex.test(value);
  }
  return (value) => value === entry;
}
