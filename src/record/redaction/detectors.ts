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
  /**
   * The regex's global matches, in order, found faster: for regexes that open with a look-behind
   * (which V8 tries at every position), the sticky form runs only where a match can start.
   * `onMatch` gets every match the global loop would (valid or not).
   */
  find?: (text: string, onMatch: (start: number, value: string) => void) => void;
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

function digitCount(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) n++;
  }
  return n;
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
  const n = digitCount(match);
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
  const tld = match.slice(match.lastIndexOf('.') + 1);
  return tld.length > 4 || !FILE_TLDS.has(tld.toLowerCase()); // the file extensions have 2-4 letters
}

type OnMatch = (start: number, value: string) => void;

function sticky(regex: RegExp): RegExp {
  return new RegExp(regex.source, `${regex.flags.replace('g', '')}y`);
}

function charTable(test: RegExp): Uint8Array {
  const t = new Uint8Array(128);
  for (let c = 0; c < 128; c++) t[c] = test.test(String.fromCharCode(c)) ? 1 : 0;
  return t;
}

/**
 * For a regex whose look-behind is a keyword (`bearer `, `?token=`): every match starts where a
 * match of `keyword` ends. Keywords cannot overlap each other, so the global keyword scan sees them all.
 */
function afterKeyword(regex: RegExp, keyword: RegExp): (text: string, onMatch: OnMatch) => void {
  const at = sticky(regex);
  return (text, onMatch) => {
    keyword.lastIndex = 0;
    let last = 0; // where the global scan would resume
    let k: RegExpExecArray | null;
    while ((k = keyword.exec(text)) !== null) {
      const p = k.index + k[0].length;
      if (p < last) continue;
      at.lastIndex = p;
      const m = at.exec(text);
      if (m === null || m[0].length === 0) continue;
      onMatch(p, m[0]);
      last = p + m[0].length;
    }
  };
}

const EMAIL_LOCAL = charTable(/[A-Za-z0-9._%+-]/);

/**
 * Email: the local part is a whole run of local-part characters (the look-behind) of at most 64,
 * ending at an '@'. So each '@' allows exactly one start: the start of the run before it.
 */
function emailFind(regex: RegExp): (text: string, onMatch: OnMatch) => void {
  const at = sticky(regex);
  return (text, onMatch) => {
    let last = 0;
    let from = 0;
    let a: number;
    while ((a = text.indexOf('@', from)) !== -1) {
      from = a + 1;
      const min = a > 64 ? a - 64 : 0;
      let r = a;
      while (r > min) {
        const c = text.charCodeAt(r - 1);
        if (c >= 128 || EMAIL_LOCAL[c] === 0) break;
        r--;
      }
      // A longer run fails the look-behind at r; a start before `last` is past for the global scan.
      if (r === a || r < last) continue;
      at.lastIndex = r;
      const m = at.exec(text);
      if (m === null) continue;
      onMatch(r, m[0]);
      last = r + m[0].length;
      if (last > from) from = last;
    }
  };
}

// Characters a URL password may hold: [^\s/@?#] (non-ASCII counted in: the sticky regex decides).
const URL_PASSWORD = charTable(/[^\s/@?#]/);

/**
 * URL credentials: the password runs, at most 128 characters, from just after a ':' to an '@'.
 * Each '@' allows the ':'-preceded positions in the run before it, tried leftmost first.
 */
function urlCredentialsFind(regex: RegExp): (text: string, onMatch: OnMatch) => void {
  const at = sticky(regex);
  return (text, onMatch) => {
    let last = 0;
    let from = 0;
    let a: number;
    while ((a = text.indexOf('@', from)) !== -1) {
      from = a + 1;
      const min = Math.max(a - 128, last, 0);
      let r = a;
      while (r > min) {
        const c = text.charCodeAt(r - 1);
        if (c < 128 && URL_PASSWORD[c] === 0) break;
        r--;
      }
      for (let p = r; p < a; p++) {
        if (p === 0 || text.charCodeAt(p - 1) !== 58 /* : */) continue;
        at.lastIndex = p;
        const m = at.exec(text);
        if (m === null) continue;
        onMatch(p, m[0]);
        last = p + m[0].length;
        break;
      }
    }
  };
}

// Parameter names that carry secrets in a URL found inside text (a Location header, a next_url field).
const URL_SECRET_PARAMS =
  'access_token|refresh_token|id_token|auth_token|token|api_key|apikey|api-key|client_secret|password|passwd|secret|signature|sig|x-amz-signature|x-amz-security-token|x-amz-credential|key|code';

const URL_CREDENTIALS = /(?<=\b[a-z][a-z0-9+.-]{1,15}:\/\/[^\s/:@?#]{1,128}:)[^\s/@?#]{1,128}(?=@)/gi;
const URL_SECRET_PARAM = new RegExp(`(?<=[?&](?:${URL_SECRET_PARAMS})=)[^&\\s#"'<>]{8,}`, 'gi');
const BEARER = /(?<=\bbearer\s{1,4})[A-Za-z0-9\-._~+/]{8,}=*/gi;
const BASIC = /(?<=\bbasic\s{1,4})[A-Za-z0-9+/]{6,}={0,2}(?![A-Za-z0-9+/=])/gi;
const EMAIL = /(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){0,8}\.[A-Za-z]{2,24}(?![A-Za-z0-9-])/g;

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
    regex: URL_CREDENTIALS,
    quick: hasColonSlash,
    find: urlCredentialsFind(URL_CREDENTIALS),
  },
  {
    id: 'url-secret-param',
    kind: 'shape',
    regex: URL_SECRET_PARAM,
    quick: hasEquals,
    find: afterKeyword(URL_SECRET_PARAM, new RegExp(`[?&](?:${URL_SECRET_PARAMS})=`, 'gi')),
  },
  {
    id: 'bearer-token',
    kind: 'shape',
    regex: BEARER,
    find: afterKeyword(BEARER, /\bbearer\s{1,4}/gi),
  },
  {
    id: 'basic-auth',
    kind: 'shape',
    regex: BASIC,
    valid: basicValid,
    find: afterKeyword(BASIC, /\bbasic\s{1,4}/gi),
  },
  {
    id: 'email',
    kind: 'email',
    regex: EMAIL,
    quick: hasAt,
    valid: emailValid,
    find: emailFind(EMAIL),
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

// ---------------------------------------------------------------------------------------------
// A per-string pre-check: one pass over the characters says which detectors could match at all
// (most JSON strings — ids, names, dates, amounts — rule out every one). Each condition is
// necessary for a *valid* match: e.g. a card needs 13 digits, a phone 8, an email '@' and '.'.

const C_AT = 1 << 0;
const C_DOT = 1 << 1;
const C_EQ = 1 << 2;
const C_QA = 1 << 3; // ? or &
const C_COLON = 1 << 4;
const C_SLASH = 1 << 5;
const C_US = 1 << 6;
const C_DASH = 1 << 7;
const C_WS = 1 << 8; // ASCII white space, or any non-ASCII character (\s has a few)
const C_B = 1 << 9; // b or B (bearer, basic; case-insensitive)
const C_K = 1 << 10;
const C_J = 1 << 11;
const C_Z = 1 << 12; // lower-case z (AIza)
const C_X = 1 << 13; // lower-case x (xox)
const C_A = 1 << 14; // upper-case A (AKIA, AIza)
const C_ALL = (1 << 15) - 1;

const CHAR_BITS = (() => {
  const t = new Uint16Array(128);
  const set = (chars: string, bit: number): void => {
    for (const ch of chars) t[ch.charCodeAt(0)]! |= bit;
  };
  set('@', C_AT);
  set('.', C_DOT);
  set('=', C_EQ);
  set('?&', C_QA);
  set(':', C_COLON);
  set('/', C_SLASH);
  set('_', C_US);
  set('-', C_DASH);
  set(' \t\n\v\f\r', C_WS);
  set('bB', C_B);
  set('K', C_K);
  set('J', C_J);
  set('z', C_Z);
  set('x', C_X);
  set('A', C_A);
  return t;
})();

// Per character: 1 for a digit, 1 << 16 for an upper-case letter (strings walked this way are short).
const CHAR_COUNTS = (() => {
  const t = new Uint32Array(128);
  for (let c = 48; c <= 57; c++) t[c] = 1;
  for (let c = 65; c <= 90; c++) t[c] = 1 << 16;
  return t;
})();

/** Strings longer than this skip the character pass: the detectors' own quick tests and scans do. */
const SHAPE_LIMIT = 1024;

const bit = (id: string): number => 1 << TEXT_DETECTORS.findIndex((d) => d.id === id);
const D_PRIVATE_KEY = bit('private-key');
const D_JWT = bit('jwt');
const D_AWS = bit('aws-access-key');
const D_GOOGLE = bit('google-api-key');
const D_STRIPE = bit('stripe-key');
const D_GITHUB = bit('github-token');
const D_SLACK = bit('slack-token');
const D_URL_CREDENTIALS = bit('url-credentials');
const D_URL_PARAM = bit('url-secret-param');
const D_BEARER = bit('bearer-token');
const D_BASIC = bit('basic-auth');
const D_EMAIL = bit('email');
const D_CARD = bit('card-number');
const D_IBAN = bit('iban');
const D_PHONE = bit('phone');

/**
 * Which of TEXT_DETECTORS (bit i = detector i) may find something valid in `text`; a detector
 * whose bit is clear finds nothing, so skipping it changes no result. Quick tests included.
 */
export function possibleDetectors(text: string): number {
  const n = text.length;
  // Below 9 characters only an email fits ("a@b.cd"): the next shortest valid matches are a phone
  // ("+" and 8 digits) and URL credentials ("a://b:c@" after a letter).
  if (n < 9) return text.includes('@') && text.includes('.') ? D_EMAIL : 0;
  let chars = C_ALL;
  let digits = n;
  let uppers = n;
  if (n <= SHAPE_LIMIT) {
    chars = 0;
    let counts = 0;
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c < 128) {
        chars |= CHAR_BITS[c]!;
        counts += CHAR_COUNTS[c]!;
      } else chars |= C_WS;
    }
    digits = counts & 0xffff;
    uppers = counts >>> 16;
  }
  let mask = 0;
  if ((chars & (C_DASH | C_K)) === (C_DASH | C_K) && text.includes('PRIVATE KEY')) mask |= D_PRIVATE_KEY;
  if ((chars & C_J) !== 0 && text.includes('eyJ')) mask |= D_JWT;
  if ((chars & C_A) !== 0 && digits + uppers >= 20) mask |= D_AWS;
  if ((chars & (C_A | C_Z)) === (C_A | C_Z) && text.includes('AIza')) mask |= D_GOOGLE;
  if ((chars & C_US) !== 0) {
    if (text.includes('_live_') || text.includes('_test_') || text.includes('whsec_')) mask |= D_STRIPE;
    if (text.includes('gh') || text.includes('github_pat_')) mask |= D_GITHUB;
  }
  if ((chars & (C_X | C_DASH)) === (C_X | C_DASH) && text.includes('xox')) mask |= D_SLACK;
  if ((chars & (C_COLON | C_SLASH | C_AT)) === (C_COLON | C_SLASH | C_AT) && text.includes('://')) mask |= D_URL_CREDENTIALS;
  if ((chars & (C_EQ | C_QA)) === (C_EQ | C_QA)) mask |= D_URL_PARAM;
  if ((chars & (C_B | C_WS)) === (C_B | C_WS)) {
    if (n >= 15) mask |= D_BEARER; // "bearer" + 1 space + 8
    if (n >= 12) mask |= D_BASIC; // "basic" + 1 space + 6
  }
  if ((chars & (C_AT | C_DOT)) === (C_AT | C_DOT)) mask |= D_EMAIL;
  if (digits >= 13) mask |= D_CARD; // valid cards have 13-19 digits
  if (uppers >= 2 && digits >= 2 && n >= 15) mask |= D_IBAN; // the shortest IBAN (NO) has 15 characters
  if (digits >= 8) mask |= D_PHONE; // valid phones have 8 digits or more
  return mask;
}

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
