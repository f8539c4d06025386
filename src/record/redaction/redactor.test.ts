import { describe, expect, it } from 'vitest';
import type { UnnamedExchange } from '../../exchange/store.js';
import type { Body, MultiMap } from '../../exchange/types.js';
import { createRedactor } from './index.js';
import { literalsRegexSource, Pass, RedactionEngine } from './redactor.js';

function exchange(parts: {
  path?: string;
  query?: MultiMap;
  headers?: MultiMap;
  body?: Body;
  responseHeaders?: MultiMap;
  responseBody?: Body;
}): UnnamedExchange {
  return {
    seam: 1,
    partner: 'acme',
    direction: 'outbound',
    recordedAt: '2026-01-01T00:00:00.000Z',
    durationMs: 3,
    request: {
      method: 'POST',
      path: parts.path ?? '/v1/things',
      query: parts.query ?? {},
      headers: parts.headers ?? {},
      ...(parts.body ? { body: parts.body } : {}),
    },
    response: {
      status: 200,
      headers: parts.responseHeaders ?? {},
      ...(parts.responseBody ? { body: parts.responseBody } : {}),
    },
    redactions: [],
  };
}

const STRIPE = 'sk_test_51HxAbCdEfGhIjKlMnOpQrSt';
const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U';

describe('headers', () => {
  it('keeps the Authorization scheme and the Stripe key shape', () => {
    const out = createRedactor().redact(exchange({ headers: { authorization: `Bearer ${STRIPE}`, 'content-type': 'application/json' } }));
    expect(out.request.headers).toEqual({ authorization: 'Bearer sk_test_REDACTED_1', 'content-type': 'application/json' });
    expect(out.redactions).toEqual([{ at: '/request/headers/authorization', rule: 'secret-header', placeholder: 'sk_test_REDACTED_1' }]);
  });

  it('redacts opaque credentials whole, cookies per value, and points at array indexes', () => {
    const out = createRedactor().redact(
      exchange({
        headers: { 'x-api-key': 'k-8f7e6d5c4b3a', cookie: 'sid=abc123; theme=dark' },
        responseHeaders: { 'set-cookie': ['sid=zzz999; Path=/; HttpOnly', 'csrf=qqq; Secure'] },
      }),
    );
    expect(out.request.headers['x-api-key']).toBe('REDACTED_1');
    expect(out.request.headers.cookie).toBe('sid=REDACTED_2; theme=REDACTED_3');
    expect(out.response).toMatchObject({ headers: { 'set-cookie': ['sid=REDACTED_4; Path=/; HttpOnly', 'csrf=REDACTED_5; Secure'] } });
    expect(out.redactions.map((r) => r.at)).toEqual([
      '/request/headers/x-api-key',
      '/request/headers/cookie',
      '/request/headers/cookie',
      '/response/headers/set-cookie/0',
      '/response/headers/set-cookie/1',
    ]);
  });

  it('finds detectors in ordinary headers too (a JWT in a custom header)', () => {
    const out = createRedactor().redact(exchange({ headers: { 'x-forwarded-user': `user;jwt=${JWT}` } }));
    expect(out.request.headers['x-forwarded-user']).toBe('user;jwt=eyJREDACTED.REDACTED_1.REDACTED');
    expect(out.redactions[0]).toEqual({ at: '/request/headers/x-forwarded-user', rule: 'jwt', placeholder: 'eyJREDACTED.REDACTED_1.REDACTED' });
  });
});

describe('query, form, path', () => {
  it('redacts named parameters, key= only when it looks like a token, and arrays by index', () => {
    const out = createRedactor().redact(
      exchange({
        query: { api_key: 'abc-123-def', key: ['name', 'AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY'], limit: '10' },
        body: { form: { grant_type: 'client_credentials', client_secret: 's3cr3t!', username: 'jo' } },
      }),
    );
    expect(out.request.query).toEqual({ api_key: 'REDACTED_1', key: ['name', 'AIza_REDACTED_1'], limit: '10' });
    expect(out.request.body).toEqual({ form: { grant_type: 'client_credentials', client_secret: 'REDACTED_2', username: 'jo' } });
    expect(out.redactions.map((r) => `${r.at} ${r.rule}`)).toEqual([
      '/request/query/api_key secret-param',
      '/request/query/key/1 secret-param',
      '/request/body/form/client_secret secret-param',
    ]);
  });

  it('finds an email in a path segment and re-encodes it', () => {
    const out = createRedactor().redact(exchange({ path: '/v1/users/jane.doe%40example.com/orders' }));
    expect(out.request.path).toBe('/v1/users/redacted-1%40example.invalid/orders');
    expect(out.redactions).toEqual([{ at: '/request/path', rule: 'email', placeholder: 'redacted-1@example.invalid' }]);
  });
});

describe('JSON and text bodies', () => {
  it('redacts secret-named string fields and leaves token_type, expires_in and booleans', () => {
    const json = {
      access_token: 'opaque-access-0001',
      token_type: 'Bearer',
      expires_in: 3600,
      has_password: true,
      password: null,
      customer: { email: 'jane@example.com', phone: '+14155552671', note: 'card 4242 4242 4242 4242' },
      items: [{ iban: 'DE89 3704 0044 0532 0130 00' }],
    };
    const out = createRedactor().redact(exchange({ responseBody: { json } }));
    expect(out.response).toMatchObject({
      body: {
        json: {
          access_token: 'REDACTED_1',
          token_type: 'Bearer',
          expires_in: 3600,
          has_password: true,
          password: null,
          customer: { email: 'redacted-1@example.invalid', phone: 'PHONE_REDACTED_1', note: 'card CARD_REDACTED_1' },
          items: [{ iban: 'IBAN_REDACTED_1' }],
        },
      },
    });
    expect(out.redactions.map((r) => `${r.at} ${r.rule}`).sort()).toEqual([
      '/response/body/json/access_token secret-json-key',
      '/response/body/json/customer/email email',
      '/response/body/json/customer/note card-number',
      '/response/body/json/customer/phone phone',
      '/response/body/json/items/0/iban iban',
    ]);
  });

  it('escapes pointer segments (~ and /)', () => {
    const out = createRedactor().redact(exchange({ body: { json: { 'a/b': { 'c~d': 'x@example.org' } } } }));
    expect(out.redactions[0]!.at).toBe('/request/body/json/a~1b/c~0d');
  });

  it('redacts several secrets inside one text body, all pointing at the field', () => {
    const text = `-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\nowner: ops@example.com\n`;
    const out = createRedactor().redact(exchange({ responseBody: { text } }));
    expect(out.response).toMatchObject({
      body: { text: '-----BEGIN PRIVATE KEY-----\nREDACTED_1\n-----END PRIVATE KEY-----\nowner: redacted-1@example.invalid\n' },
    });
    expect(out.redactions.map((r) => `${r.at} ${r.rule}`)).toEqual(['/response/body/text private-key', '/response/body/text email']);
  });

  it('leaves base64 and omitted bodies alone', () => {
    const b64 = Buffer.from('jane@example.com').toString('base64');
    const out = createRedactor().redact(
      exchange({
        body: { base64: b64, contentType: 'application/octet-stream' },
        responseBody: { omitted: { bytes: 1, sha256: '0'.repeat(64), contentType: 'text/plain' } },
      }),
    );
    expect(out.redactions).toEqual([]);
  });
});

describe('placeholders', () => {
  it('one secret, one placeholder, across header, query, body and later exchanges', () => {
    const redactor = createRedactor();
    const a = redactor.redact(
      exchange({
        headers: { authorization: `Bearer ${STRIPE}` },
        query: { api_key: STRIPE },
        body: { json: { note: `key is ${STRIPE}`, contact: 'a@example.com' } },
      }),
    );
    const b = redactor.redact(exchange({ body: { text: `again ${STRIPE} and b@example.com then a@example.com` } }));
    expect(new Set(a.redactions.filter((r) => r.rule !== 'email').map((r) => r.placeholder))).toEqual(new Set(['sk_test_REDACTED_1']));
    expect(b.request.body).toEqual({ text: 'again sk_test_REDACTED_1 and redacted-2@example.invalid then redacted-1@example.invalid' });
  });

  it('an opaque secret redacted for its name is redacted wherever it shows up later', () => {
    const redactor = createRedactor();
    const token = 'opaque0token0value0123';
    const login = redactor.redact(exchange({ responseBody: { json: { access_token: token } } }));
    expect(login.response).toMatchObject({ body: { json: { access_token: 'REDACTED_1' } } });
    // echoed in a harmless field, a text body and a URL of a later exchange
    const later = redactor.redact(
      exchange({
        query: { state: token },
        body: { json: { echo: token, list: [`prefix ${token} suffix`] } },
        responseBody: { text: `see https://x.test/?t=${token}&a=1` },
      }),
    );
    expect(later.request.query.state).toBe('REDACTED_1');
    expect(later.request.body).toEqual({ json: { echo: 'REDACTED_1', list: ['prefix REDACTED_1 suffix'] } });
    expect(later.response).toMatchObject({ body: { text: 'see https://x.test/?t=REDACTED_1&a=1' } });
    expect(later.redactions.map((r) => r.rule)).toEqual(['known-secret', 'known-secret', 'known-secret', 'known-secret']);
  });

  it('within one exchange, a secret met in a header is also redacted in the query walked before it', () => {
    const out = createRedactor().redact(exchange({ query: { echo: 'k-8f7e6d5c4b3a2910' }, headers: { 'x-api-key': 'k-8f7e6d5c4b3a2910' } }));
    expect(out.request.query.echo).toBe('REDACTED_1');
    expect(out.request.headers['x-api-key']).toBe('REDACTED_1');
  });

  it('two redactors (two sessions) number independently', () => {
    const one = createRedactor().redact(exchange({ headers: { 'x-api-key': 'first-key-1' } }));
    const two = createRedactor().redact(exchange({ headers: { 'x-api-key': 'other-key-2' } }));
    expect(one.request.headers['x-api-key']).toBe('REDACTED_1');
    expect(two.request.headers['x-api-key']).toBe('REDACTED_1');
  });

  it('is idempotent: redacting a redacted exchange changes nothing', () => {
    const redactor = createRedactor();
    const original = exchange({
      path: '/u/jane@example.com',
      query: { token: 'tok-0001', key: 'AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY' },
      headers: { authorization: `Bearer ${JWT}`, cookie: 'a=1; b=2' },
      body: { json: { password: 'hunter22', card: 4242424242424242, pem: '-----BEGIN EC PRIVATE KEY-----\nabc\n-----END EC PRIVATE KEY-----' } },
      responseBody: { text: 'call +44 20 7946 0958, IBAN GB82WEST12345698765432' },
    });
    const once = redactor.redact(original);
    const twice = redactor.redact(once);
    const fresh = createRedactor().redact(once);
    expect(twice).toEqual(once);
    expect(fresh).toEqual(once);
    expect(once.redactions.length).toBeGreaterThanOrEqual(10);
  });

  it('never changes its input', () => {
    const input = exchange({ headers: { authorization: 'Basic dXNlcjpwYXNz' }, body: { json: { secret: 'x1' } } });
    const copy = structuredClone(input);
    createRedactor().redact(input);
    expect(input).toEqual(copy);
  });

  it('summary counts by rule', () => {
    const redactor = createRedactor();
    redactor.redact(exchange({ headers: { authorization: 'Bearer abcdefgh12345678' }, body: { json: { e: 'a@example.com', f: 'b@example.com' } } }));
    expect(redactor.summary()).toEqual({ total: 3, byRule: { 'secret-header': 1, email: 2 } });
  });
});

describe('per-partner rules', () => {
  it('extra headers, params, JSON keys, JSON paths with *, and patterns', () => {
    const redactor = createRedactor({
      headers: ['X-Partner-Session'],
      params: ['account'],
      jsonKeys: ['dob'],
      jsonPaths: ['/customers/*/address'],
      patterns: [{ id: 'acme-account', regex: 'ACCT-[0-9]{6}' }],
    });
    const out = redactor.redact(
      exchange({
        headers: { 'x-partner-session': 'sess-1' },
        query: { account: 'A1' },
        responseBody: {
          json: {
            customers: [{ dob: '1990-01-01', address: { line1: '1 Main St', zip: 12345 }, ref: 'see ACCT-123456' }],
          },
        },
      }),
    );
    // query is walked before headers
    expect(out.request.query.account).toBe('REDACTED_1');
    expect(out.request.headers['x-partner-session']).toBe('REDACTED_2');
    expect(out.response).toMatchObject({
      body: { json: { customers: [{ dob: 'REDACTED_3', address: { line1: 'REDACTED_4', zip: 'REDACTED_5' }, ref: 'see REDACTED_ACME_ACCOUNT_1' }] } },
    });
    expect(out.redactions.map((r) => `${r.at} ${r.rule}`)).toEqual([
      '/request/query/account config-param',
      '/request/headers/x-partner-session config-header',
      '/response/body/json/customers/0/dob config-json-key',
      '/response/body/json/customers/0/address/line1 config-json-path',
      '/response/body/json/customers/0/address/zip config-json-path',
      '/response/body/json/customers/0/ref acme-account',
    ]);
  });

  it('keep-list of names and of values', () => {
    const out = createRedactor({ keep: ['x-api-key', 'support_email'], keepValues: ['support@acme.test'] }).redact(
      exchange({
        headers: { 'x-api-key': 'public-demo-key' },
        responseBody: { json: { support_email: 'help@acme.test', contact: 'support@acme.test', owner: 'o@acme.test' } },
      }),
    );
    expect(out.request.headers['x-api-key']).toBe('public-demo-key');
    expect(out.response).toMatchObject({ body: { json: { support_email: 'help@acme.test', contact: 'support@acme.test', owner: 'redacted-1@example.invalid' } } });
  });
});

describe('performance', () => {
  function fiveKilobyteExchange(i: number): UnnamedExchange {
    const items = Array.from({ length: 18 }, (_, k) => ({
      id: `cus_${i}_${k}`,
      object: 'customer',
      created: 1700000000 + k,
      currency: 'usd',
      description: `Customer number ${k} created on 2024-01-15T10:30:00Z`,
      email: `user${k}@example.com`,
      metadata: { order: `ORD-2024-${k}`, uuid: '550e8400-e29b-41d4-a716-446655440000' },
    }));
    return exchange({
      query: { limit: '20', starting_after: 'cus_abc' },
      headers: { authorization: `Bearer ${STRIPE}`, 'content-type': 'application/json', 'user-agent': 'connector/1.0', accept: '*/*' },
      responseHeaders: { 'content-type': 'application/json', 'request-id': 'req_123', date: 'Thu, 01 Jan 2026 00:00:00 GMT' },
      responseBody: { json: { object: 'list', data: items, has_more: true } },
    });
  }

  it('a ~5 KB JSON exchange takes well under 1 ms', () => {
    const sample = fiveKilobyteExchange(0);
    expect(JSON.stringify(sample).length).toBeGreaterThan(4500);
    const redactor = createRedactor();
    for (let i = 0; i < 200; i++) redactor.redact(fiveKilobyteExchange(i)); // warm up
    const n = 1000;
    const inputs = Array.from({ length: n }, (_, i) => fiveKilobyteExchange(i));
    const start = performance.now();
    for (const e of inputs) redactor.redact(e);
    const perExchange = (performance.now() - start) / n;
    console.log(`redact: ${perExchange.toFixed(3)} ms per ~5 KB exchange`);
    expect(perExchange).toBeLessThan(1);
  });

  it('a 50 MB text body is scanned in linear time', () => {
    const line = 'lorem ipsum 2024-01-15T10:30:00Z id=550e8400-e29b-41d4-a716-446655440000 amount 1234.56 aaaaaaaaaaaaaaaaaaaaaaaaaaaa@\n';
    const text = line.repeat(Math.ceil((50 * 1024 * 1024) / line.length)) + 'end jane@example.com';
    const start = performance.now();
    const out = createRedactor().redact(exchange({ responseBody: { text } }));
    const ms = performance.now() - start;
    console.log(`redact: 50 MB text body in ${ms.toFixed(0)} ms`);
    expect(out.redactions).toEqual([{ at: '/response/body/text', rule: 'email', placeholder: 'redacted-1@example.invalid' }]);
    expect(ms).toBeLessThan(20_000);
  });
});

describe('remembered secrets and repeated values', () => {
  it('the trie regex prefers the longest remembered secret and escapes every character', () => {
    const re = new RegExp(literalsRegexSource(['token12345', 'token1234567', 'a.b*c+d?e(f)[g]{h}|i^j$k\\l/m', 'tökén-ü-😀-x']), 'g');
    expect('x token1234567 token12345 token123456'.match(re)).toEqual(['token1234567', 'token12345', 'token12345']);
    expect(re.test('a.b*c+d?e(f)[g]{h}|i^j$k\\l/m')).toBe(true);
    expect('axbxcxd'.match(re)).toBeNull();
    expect('say tökén-ü-😀-x!'.match(re)).toEqual(['tökén-ü-😀-x']);
  });

  it('finds remembered secrets the same way with thousands of them (word-start scan) as with a few (regex)', () => {
    const secrets = ['opaque-secret-one-1', 'opaque-secret-one-1-longer', 'Zq9xY8wV7uT6sR5q', 'tok/with+odd=chars~1'];
    const text = `a opaque-secret-one-1-longer b xopaque-secret-one-1 c Zq9xY8wV7uT6sR5q.tok/with+odd=chars~1 opaque-secret-one-1`;
    const run = (extra: number): unknown => {
      const engine = new RedactionEngine();
      const pass = new Pass();
      for (const s of secrets) engine.whole(s, () => '/w', 'secret-json-key', pass);
      // 20 000 more, over the regex size limit: the word-start scan takes over
      for (let i = 0; i < extra; i++) engine.whole(`filler-${String(i).padStart(6, '0')}-secret`, () => '/w', 'secret-json-key', pass);
      const out = new Pass();
      return { text: engine.text(text, () => '/t', out), redactions: out.redactions };
    };
    const few = run(0);
    expect(few).toEqual(run(20_000));
    expect((few as { text: string }).text).toBe('a REDACTED_2 b xopaque-secret-one-1 c REDACTED_3.REDACTED_4 REDACTED_1');
  });

  it('one redaction per value and field however often it repeats there, one per field across fields', () => {
    const emails = Array.from({ length: 12 }, (_, i) => `person${i}@example.com`);
    const text = [...emails, ...emails, ...emails].join(', ');
    const out = createRedactor().redact(exchange({ responseBody: { json: { a: text, b: text, c: [emails[0], emails[0]] } } }));
    expect(out.redactions).toHaveLength(12 + 12 + 2);
    expect(out.redactions.filter((r) => r.at === '/response/body/json/a').map((r) => r.placeholder)).toEqual(emails.map((_, i) => `redacted-${i + 1}@example.invalid`));
    expect(out.redactions.slice(24).map((r) => r.at)).toEqual(['/response/body/json/c/0', '/response/body/json/c/1']);
  });
});
