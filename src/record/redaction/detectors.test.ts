import { describe, expect, it } from 'vitest';
import { ibanValid, isSecretHeaderName, isSecretName, luhnValid, paramRule, possibleDetectors, TEXT_DETECTORS } from './detectors.js';
import { isPlaceholder } from './placeholders.js';

/** The values a detector reports in `text` (placeholders and invalid matches dropped, as the engine does). */
function found(id: string, text: string): string[] {
  const d = TEXT_DETECTORS.find((x) => x.id === id);
  if (!d) throw new Error(`no detector ${id}`);
  if (d.quick && !d.quick(text)) return [];
  const out: string[] = [];
  d.regex.lastIndex = 0;
  for (const m of text.matchAll(d.regex)) {
    if (isPlaceholder(m[0]) || (d.valid && !d.valid(m[0]))) continue;
    out.push(m[0]);
  }
  return out;
}

describe('checksums', () => {
  it('Luhn accepts test cards and rejects near misses', () => {
    expect(luhnValid('4242424242424242')).toBe(true);
    expect(luhnValid('378282246310005')).toBe(true);
    expect(luhnValid('4242424242424241')).toBe(false);
  });
  it('IBAN mod-97 with the country length', () => {
    expect(ibanValid('DE89370400440532013000')).toBe(true);
    expect(ibanValid('GB82 WEST 1234 5698 7654 32')).toBe(true);
    expect(ibanValid('DE89370400440532013001')).toBe(false);
    expect(ibanValid('DE8937040044053201300')).toBe(false); // one short
  });
});

describe('text detectors: true positives', () => {
  const cases: [string, string, string][] = [
    ['jwt', 'token=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U;', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U'],
    ['aws-access-key', 'key AKIAIOSFODNN7EXAMPLE used', 'AKIAIOSFODNN7EXAMPLE'],
    ['aws-access-key', '"ASIAY34FZKBOKMUTVV7A"', 'ASIAY34FZKBOKMUTVV7A'],
    ['google-api-key', '?key=AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY&x', 'AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY'],
    ['stripe-key', 'use sk_test_51HxAbCdEfGhIjKlMnOpQrSt now', 'sk_test_51HxAbCdEfGhIjKlMnOpQrSt'],
    ['stripe-key', 'rk_live_0123456789abcdefXYZ', 'rk_live_0123456789abcdefXYZ'],
    ['stripe-key', 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'],
    ['github-token', 'ghp_abcdefghijklmnopqrstuvwxyz0123456789', 'ghp_abcdefghijklmnopqrstuvwxyz0123456789'],
    ['github-token', 'github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGHIJ', 'github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGHIJ'],
    ['slack-token', 'xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx', 'xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx'],
    ['bearer-token', 'Authorization: Bearer abc123.DEF-456_ghi~', 'abc123.DEF-456_ghi~'],
    ['basic-auth', 'Basic dXNlcjpwYXNzd29yZA==', 'dXNlcjpwYXNzd29yZA=='],
    ['url-credentials', 'postgres://admin:s3cr3tPass@db.internal:5432/app', 's3cr3tPass'],
    ['url-secret-param', 'https://x.test/cb?state=1&access_token=opaque-1234567890', 'opaque-1234567890'],
    ['email', 'contact: Jane.Doe+billing@example-corp.co.uk.', 'Jane.Doe+billing@example-corp.co.uk'],
    ['card-number', 'card 4242 4242 4242 4242 exp', '4242 4242 4242 4242'],
    ['card-number', '"5555-5555-5555-4444"', '5555-5555-5555-4444'],
    ['card-number', 'amex 378282246310005.', '378282246310005'],
    ['iban', 'IBAN: DE89 3704 0044 0532 0130 00', 'DE89 3704 0044 0532 0130 00'],
    ['iban', 'GB82WEST12345698765432', 'GB82WEST12345698765432'],
    ['phone', 'call +14155552671 now', '+14155552671'],
    ['phone', 'call +44 20 7946 0958.', '+44 20 7946 0958'],
    ['phone', 'call +1 (415) 555-2671', '+1 (415) 555-2671'],
    ['phone', 'call (415) 555-2671.', '(415) 555-2671'],
    ['phone', 'tel 415-555-2671', '415-555-2671'],
    ['phone', 'tel: +33 1 42 68 53 00', '+33 1 42 68 53 00'],
  ];
  for (const [id, text, value] of cases) {
    it(`${id} finds ${value.slice(0, 24)}`, () => {
      expect(found(id, text)).toEqual([value]);
    });
  }

  it('private-key finds a whole PEM block, and its header line alone', () => {
    const pem = '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7\nabc+/=\n-----END RSA PRIVATE KEY-----';
    expect(found('private-key', `key: ${pem} trailing`)).toEqual([pem]);
    expect(found('private-key', '-----BEGIN PRIVATE KEY-----')).toEqual(['-----BEGIN PRIVATE KEY-----']);
  });
});

describe('text detectors: what they must leave alone', () => {
  const harmless = [
    '2024-01-15T10:30:00.000Z',
    '2024-01-15 10:30:00',
    '15.01.2024',
    '550e8400-e29b-41d4-a716-446655440000',
    '1700000000',
    '1700000000000',
    'amount 1,234,567.89 EUR',
    '12 345 678',
    'ORD-2024-000123',
    'order 4242424242424241', // not Luhn-valid
    'invoice 1234 5678 9012 3456', // not Luhn-valid
    'id 7992739871300000', // Luhn-valid but no card issuer starts with 7
    '192.168.100.200',
    'v1.22.333',
    '+05:30',
    'Basic information about the plan',
    'Bearer realm="api"',
    'logo@2x.png',
    'redacted-3@example.invalid',
    'sk_test_REDACTED_1',
    'Bearer REDACTED_2',
    'eyJREDACTED.REDACTED_4.REDACTED',
    'PHONE_REDACTED_1 CARD_REDACTED_2 IBAN_REDACTED_3 AKIA_REDACTED_1 AIza_REDACTED_1 ghp_REDACTED_1 xoxb-REDACTED_1',
    '-----BEGIN PRIVATE KEY-----\nREDACTED_1\n-----END PRIVATE KEY-----',
    'DE89370400440532013001',
  ];
  for (const text of harmless) {
    it(`nothing in ${JSON.stringify(text).slice(0, 40)}`, () => {
      const hits = TEXT_DETECTORS.flatMap((d) => found(d.id, text).map((v) => `${d.id}:${v}`));
      expect(hits).toEqual([]);
    });
  }
});

describe('name rules', () => {
  it('JSON keys whose names say secret', () => {
    for (const k of ['password', 'client_secret', 'clientSecret', 'api_key', 'apiKey', 'X-Api-Key', 'access_token', 'refreshToken', 'id_token', 'private_key', 'privateKey', 'aws_secret_access_key', 'credentials', 'webhook_secret', 'authToken', 'pin_code', 'cvc']) {
      expect(isSecretName(k), k).toBe(true);
    }
  });
  it('harmless names near them', () => {
    for (const k of ['token_type', 'tokenType', 'expires_in', 'token_count', 'has_password', 'password_required', 'password_reset_at', 'tokenization_method', 'next_page_token', 'secret_name', 'private_key_id', 'author', 'key', 'keys', 'monkey', 'pinned', 'PasswordLastUsed', 'token_url']) {
      expect(isSecretName(k), k).toBe(false);
    }
  });
  it('headers', () => {
    for (const h of ['authorization', 'cookie', 'set-cookie', 'x-api-key', 'x-amz-security-token', 'stripe-signature', 'x-custom-auth-token']) expect(isSecretHeaderName(h), h).toBe(true);
    for (const h of ['content-type', 'www-authenticate', 'x-request-id', 'sec-websocket-key', 'x-ratelimit-remaining']) expect(isSecretHeaderName(h), h).toBe(false);
  });
  it('parameters, with key and code only when the value looks like a token', () => {
    expect(paramRule('api_key')).toBe('yes');
    expect(paramRule('x-amz-signature')).toBe('yes');
    expect(paramRule('key')).toBe('careful');
    expect(paramRule('code')).toBe('careful');
    expect(paramRule('limit')).toBeUndefined();
  });
});

// The fast paths (a per-string pre-check, anchored `find`) must find exactly what the plain
// global regexes find: checked here against the regexes themselves on generated strings.
describe('fast paths agree with the plain regexes', () => {
  const FRAGMENTS = [
    'jane.doe@example.com', 'a@b.cd', 'x@y', '@', '@@', 'user', '.', ':', '://', 'postgres://admin:', 'https://u:p4ss:w@host',
    'a://b:c@d@e', '@db.internal', '?', '&', '=', '?token=', '&access_token=', '?SIG=', 'abcdefgh12345', 'Bearer ', 'bearer  ',
    'BEARER\t', 'bearer     ', 'Basic ', 'basic ', 'dXNlcjpwYXNzd29yZA==', 'Basic dXNlcjpwYXNzd29yZA==', '4242 4242 4242 4242',
    '378282246310005', '5555-5555-5555-4444', ' ', '-', '+', '+44 20 7946 0958', '(415) 555-2671', 'DE89370400440532013000',
    'GB82 WEST 1234 5698 7654 32', 'AKIAIOSFODNN7EXAMPLE', 'AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY', 'sk_test_51HxAbCdEfGhIjKlMnOpQrSt',
    'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'ghp_abcdefghijklmnopqrstuvwxyz0123456789', 'xoxb-123456789012-1234567890123-AbCd',
    'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNry', '-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----',
    '\u00a0', '\u2028', 'é', 'REDACTED_1', 'logo@2x.png', '2024-01-15T10:30:00Z', '550e8400-e29b-41d4-a716-446655440000', '/', '#', 'x'.repeat(70),
  ];
  const CHARS = 'aZ09@.:/?&=_- +()#%bBKJzxAe\t\u00a0';
  let seed = 12345;
  const rnd = (n: number): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const strings = Array.from({ length: 3000 }, () => {
    let s = '';
    const parts = rnd(20) === 0 ? 150 + rnd(150) : rnd(8);
    for (let i = 0; i < parts; i++) s += rnd(10) < 6 ? FRAGMENTS[rnd(FRAGMENTS.length)]! : Array.from({ length: 1 + rnd(5) }, () => CHARS[rnd(CHARS.length)]).join('');
    return s;
  });

  const regexMatches = (regex: RegExp, text: string): string[] => [...text.matchAll(regex)].map((m) => `${m.index}:${m[0]}`);

  it('every find() reports the global regex matches, in order', () => {
    let compared = 0;
    for (const d of TEXT_DETECTORS) {
      if (d.find === undefined) continue;
      for (const text of strings) {
        const got: string[] = [];
        d.find(text, (start, value) => got.push(`${start}:${value}`));
        expect(got, `${d.id} in ${JSON.stringify(text)}`).toEqual(regexMatches(d.regex, text));
        compared += got.length;
      }
    }
    expect(compared).toBeGreaterThan(1000);
  });

  it('possibleDetectors never rules out a detector that finds something', () => {
    let found = 0;
    for (const text of strings) {
      const mask = possibleDetectors(text);
      TEXT_DETECTORS.forEach((d, i) => {
        const valid = [...text.matchAll(d.regex)].some((m) => !isPlaceholder(m[0]) && (d.valid === undefined || d.valid(m[0])));
        if (valid) {
          found++;
          expect((mask >>> i) & 1, `${d.id} in ${JSON.stringify(text)}`).toBe(1);
        }
      });
    }
    expect(found).toBeGreaterThan(1000);
    expect(possibleDetectors('10 High Street')).toBe(0);
    expect(possibleDetectors('customer')).toBe(0);
  });

  it('the anchored scans stay linear on adversarial input', () => {
    const inputs = [
      `${'a'.repeat(100)}@`.repeat(20_000),
      '@'.repeat(2_000_000),
      `http://u:${':'.repeat(126)}@`.repeat(10_000),
      'a://b:'.repeat(300_000) + '@',
      'bearer '.repeat(300_000),
      '?token='.repeat(300_000),
    ];
    for (const d of TEXT_DETECTORS.filter((x) => x.find !== undefined)) {
      for (const text of inputs) {
        const start = performance.now();
        d.find!(text, () => {});
        expect(performance.now() - start, `${d.id}`).toBeLessThan(2_000);
      }
    }
  });
});
