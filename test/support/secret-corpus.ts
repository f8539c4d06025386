// A corpus of exchanges seeded with secrets and personal data, for the redaction tests
// (test/redaction-corpus.test.ts) and the end-to-end recording test through the proxy.
// Every value is fake but shaped like the real thing (checksums pass where there are checksums),
// long and distinctive enough that "it appears nowhere in the files" is a meaningful grep.
import { createHash } from 'node:crypto';
import type { UnnamedExchange } from '../../src/exchange/store.js';
import type { Body, Direction, MultiMap } from '../../src/exchange/types.js';

/** Deterministic random-looking characters from a label. */
function chars(label: string, length: number, alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'): string {
  let out = '';
  let block = 0;
  while (out.length < length) {
    const digest = createHash('sha256').update(`${label}/${block++}`).digest();
    for (const byte of digest) if (out.length < length) out += alphabet[byte % alphabet.length];
  }
  return out;
}

function b64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function jwt(sub: string): string {
  return `${b64url({ alg: 'RS256', typ: 'JWT', kid: chars(`kid-${sub}`, 8) })}.${b64url({ sub, iss: 'https://auth.partner.test', exp: 1767225600 })}.${chars(`sig-${sub}`, 43, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_')}`;
}

function pem(label: string, kind: string): string {
  const body = chars(label, 64 * 6, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/').match(/.{64}/g)!.join('\n');
  return `-----BEGIN ${kind}-----\nMIIE${body}\n-----END ${kind}-----`;
}

const HEX = '0123456789abcdef';
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** The seeded values, by a readable label. Every one must be gone from the recordings after redaction. */
export const SEEDS = {
  accessToken: `at-${chars('access', 32)}`,
  refreshToken: `rt-${chars('refresh', 40)}`,
  idToken: jwt('user_8841'),
  bearerJwt: jwt('svc_connector'),
  sessionCookie: chars('session', 28),
  csrfCookie: chars('csrf', 24),
  basicCredentials: Buffer.from(`client-7f3a:${chars('basic', 20)}`).toString('base64'),
  formPassword: `Pw!${chars('password', 14)}`,
  clientSecret: `cs_${chars('client-secret', 30)}`,
  usernameEmail: 'maria.lopez.8841@mail-provider.test',
  pathEmail: 'jane.roe@customer-domain.test',
  queryEmail: 'finance-team@acme-industries.test',
  customerEmail: 'j.smith+billing@northwind-traders.test',
  textEmail: 'ops-oncall@partner-support.test',
  serviceAccountEmail: 'connector-svc@project-4471.iam.gserviceaccount.test',
  webhookEmail: 'li.wei@example-shop.test',
  customerPhone: '+14155550134',
  textPhone: '(415) 555-0199',
  webhookPhone: '+44 20 7946 0018',
  visaCard: '4111 1111 1111 1111',
  mastercardCard: '5555555555554444',
  amexCard: '3782-822463-10005',
  germanIban: 'DE89370400440532013000',
  britishIban: 'GB33 BUKB 2020 1555 5555 55',
  frenchIban: 'FR1420041010050500013M02606',
  apiKeyHeader: `ak_${chars('x-api-key', 32)}`,
  apiKeyParam: `qk_${chars('api_key', 28)}`,
  stripeSecret: `sk_test_${chars('stripe-sk', 40)}`,
  stripeRestricted: `rk_test_${chars('stripe-rk', 40)}`,
  stripeWebhookSecret: `whsec_${chars('whsec', 32)}`,
  googleKey: `AIza${chars('google', 35, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_')}`,
  awsAccessKeyId: `AKIA${chars('aws-akia', 16, UPPER)}`,
  awsSessionKeyId: `ASIA${chars('aws-asia', 16, UPPER)}`,
  awsSecretKey: chars('aws-secret', 40, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'),
  awsSessionToken: `IQoJb3JpZ2luX2Vj${chars('aws-session-token', 120)}`,
  githubClassic: `ghp_${chars('github-classic', 36)}`,
  githubFineGrained: `github_pat_11${chars('github-fine', 20)}_${chars('github-fine-2', 59)}`,
  slackBot: `xoxb-${chars('slack-1', 12, '0123456789')}-${chars('slack-2', 13, '0123456789')}-${chars('slack-3', 24)}`,
  databasePassword: `Db-${chars('db-password', 18)}`,
  locationToken: `lt-${chars('location', 30)}`,
  stripeSignature: `t=1767225600,v1=${chars('stripe-sig', 64, HEX)}`,
  hubSignature: `sha256=${chars('hub-sig', 64, HEX)}`,
  rsaKey: pem('rsa-key', 'RSA PRIVATE KEY'),
  serviceAccountKey: pem('sa-key', 'PRIVATE KEY'),
} as const;

export type SeedName = keyof typeof SEEDS;

/** Where a seeded value sits in an exchange and the rule expected to find it there. */
export interface Expected {
  at: string;
  rule: string;
  seed: SeedName;
}

export interface CorpusExchange {
  direction: Direction;
  request: { method: string; path: string; query: MultiMap; headers: MultiMap; body?: Body };
  response: { status: number; headers: MultiMap; body?: Body };
  expected: Expected[];
}

const S = SEEDS;
const JSON_TYPE = { 'content-type': 'application/json' };
const FORM_TYPE = { 'content-type': 'application/x-www-form-urlencoded' };
const TEXT_TYPE = { 'content-type': 'text/plain; charset=utf-8' };

/** The corpus: requests and responses, outbound and inbound, with every place a seed was put. */
export function secretCorpus(): CorpusExchange[] {
  return [
    {
      // OAuth password grant: form in, tokens and cookies out.
      direction: 'outbound',
      request: {
        method: 'POST',
        path: '/oauth/token',
        query: {},
        headers: { ...FORM_TYPE, authorization: `Basic ${S.basicCredentials}` },
        body: { form: { client_id: 'connector-public-id', client_secret: S.clientSecret, grant_type: 'password', password: S.formPassword, username: S.usernameEmail } },
      },
      response: {
        status: 200,
        headers: { ...JSON_TYPE, 'set-cookie': [`sid=${S.sessionCookie}; Path=/; HttpOnly`, `csrftoken=${S.csrfCookie}; Path=/; Secure`] },
        body: { json: { access_token: S.accessToken, token_type: 'Bearer', expires_in: 3600, refresh_token: S.refreshToken, id_token: S.idToken, scope: 'read write' } },
      },
      expected: [
        { at: '/request/headers/authorization', rule: 'secret-header', seed: 'basicCredentials' },
        { at: '/request/body/form/client_secret', rule: 'secret-param', seed: 'clientSecret' },
        { at: '/request/body/form/password', rule: 'secret-param', seed: 'formPassword' },
        { at: '/request/body/form/username', rule: 'email', seed: 'usernameEmail' },
        { at: '/response/headers/set-cookie/0', rule: 'secret-header', seed: 'sessionCookie' },
        { at: '/response/headers/set-cookie/1', rule: 'secret-header', seed: 'csrfCookie' },
        { at: '/response/body/json/access_token', rule: 'secret-json-key', seed: 'accessToken' },
        { at: '/response/body/json/refresh_token', rule: 'secret-json-key', seed: 'refreshToken' },
        { at: '/response/body/json/id_token', rule: 'secret-json-key', seed: 'idToken' },
      ],
    },
    {
      // A customer lookup with the token from above: email in the path and the query, PII in the body.
      direction: 'outbound',
      request: {
        method: 'GET',
        path: `/v1/customers/${encodeURIComponent(S.pathEmail)}/profile`,
        query: { email: S.queryEmail, expand: 'payment_methods', api_key: S.apiKeyParam },
        headers: { authorization: `Bearer ${S.accessToken}`, cookie: `sid=${S.sessionCookie}; theme=dark`, 'x-api-key': S.apiKeyHeader },
      },
      response: {
        status: 200,
        headers: { ...JSON_TYPE },
        body: {
          json: {
            id: 'cus_Q1w2E3r4',
            object: 'customer',
            created: 1767225600,
            email: S.customerEmail,
            phone: S.customerPhone,
            invoice_prefix: 'ORD-2024-000123',
            payment_methods: [
              { type: 'card', display: `Visa ${S.visaCard}`, fingerprint: '550e8400-e29b-41d4-a716-446655440000' },
              { type: 'sepa_debit', iban: S.germanIban },
            ],
          },
        },
      },
      expected: [
        { at: '/request/path', rule: 'email', seed: 'pathEmail' },
        { at: '/request/query/email', rule: 'email', seed: 'queryEmail' },
        { at: '/request/query/api_key', rule: 'secret-param', seed: 'apiKeyParam' },
        { at: '/request/headers/authorization', rule: 'secret-header', seed: 'accessToken' },
        { at: '/request/headers/cookie', rule: 'secret-header', seed: 'sessionCookie' },
        { at: '/request/headers/x-api-key', rule: 'secret-header', seed: 'apiKeyHeader' },
        { at: '/response/body/json/email', rule: 'email', seed: 'customerEmail' },
        { at: '/response/body/json/phone', rule: 'phone', seed: 'customerPhone' },
        { at: '/response/body/json/payment_methods/0/display', rule: 'card-number', seed: 'visaCard' },
        { at: '/response/body/json/payment_methods/1/iban', rule: 'iban', seed: 'germanIban' },
      ],
    },
    {
      // A charge with a Stripe key; card data in the JSON request.
      direction: 'outbound',
      request: {
        method: 'POST',
        path: '/v1/charges',
        query: {},
        headers: { ...JSON_TYPE, authorization: `Bearer ${S.stripeSecret}`, 'idempotency-key': 'b7d0c6a4-5f7e-4c1a-9d3e-2f1b0a9c8d7e' },
        body: { json: { amount: 2000, currency: 'usd', source: { number: S.mastercardCard, exp_month: 12, exp_year: 2030 }, receipt_email: S.customerEmail } },
      },
      response: {
        status: 200,
        headers: { ...JSON_TYPE, 'request-id': 'req_8s7d6f5g4h' },
        body: { json: { id: 'ch_3N1', amount: 2000, paid: true, receipt_email: S.customerEmail, balance_transaction: 'txn_1234567890' } },
      },
      expected: [
        { at: '/request/headers/authorization', rule: 'secret-header', seed: 'stripeSecret' },
        { at: '/request/body/json/source/number', rule: 'card-number', seed: 'mastercardCard' },
        { at: '/request/body/json/receipt_email', rule: 'email', seed: 'customerEmail' },
        { at: '/response/body/json/receipt_email', rule: 'email', seed: 'customerEmail' },
      ],
    },
    {
      // Keys in the query and a session token header; a plain-text response full of personal data.
      direction: 'outbound',
      request: {
        method: 'GET',
        path: '/v1/geocode',
        query: { key: S.googleKey, api_key: S.apiKeyParam, q: 'Main Street 1' },
        headers: { 'x-amz-security-token': S.awsSessionToken, accept: 'text/plain' },
      },
      response: {
        status: 200,
        headers: { ...TEXT_TYPE },
        body: {
          text: [
            'Escalation sheet',
            `On call: ${S.textEmail}, phone ${S.textPhone}`,
            `Refunds go to ${S.britishIban} (backup ${S.frenchIban}).`,
            `Amex on file: ${S.amexCard}`,
            'Legacy signing key:',
            S.rsaKey,
            `Restricted key for reports: ${S.stripeRestricted}`,
            'Ticket 2024-01-15T10:30:00Z, order ORD-2024-000123, total 1,234.56 EUR',
            '',
          ].join('\n'),
        },
      },
      expected: [
        { at: '/request/query/key', rule: 'secret-param', seed: 'googleKey' },
        { at: '/request/query/api_key', rule: 'secret-param', seed: 'apiKeyParam' },
        { at: '/request/headers/x-amz-security-token', rule: 'secret-header', seed: 'awsSessionToken' },
        { at: '/response/body/text', rule: 'email', seed: 'textEmail' },
        { at: '/response/body/text', rule: 'phone', seed: 'textPhone' },
        { at: '/response/body/text', rule: 'iban', seed: 'britishIban' },
        { at: '/response/body/text', rule: 'iban', seed: 'frenchIban' },
        { at: '/response/body/text', rule: 'card-number', seed: 'amexCard' },
        { at: '/response/body/text', rule: 'private-key', seed: 'rsaKey' },
        { at: '/response/body/text', rule: 'stripe-key', seed: 'stripeRestricted' },
      ],
    },
    {
      // Deployment settings: a service account, cloud keys, a database URL with a password.
      direction: 'outbound',
      request: { method: 'GET', path: '/v1/deployments/current/settings', query: {}, headers: { authorization: `Bearer ${S.bearerJwt}` } },
      response: {
        status: 200,
        headers: { ...JSON_TYPE },
        body: {
          json: {
            service_account: { type: 'service_account', private_key_id: 'b1946ac92492d2347c6235b4d2611184', private_key: S.serviceAccountKey, client_email: S.serviceAccountEmail },
            database_url: `postgres://svc_connector:${S.databasePassword}@db.internal.test:5432/app`,
            aws: { access_key_id: S.awsAccessKeyId, secret_access_key: S.awsSecretKey, temporary_key_id: S.awsSessionKeyId },
            maps_api_key: S.googleKey,
            ci: { note: `deploy with ${S.githubFineGrained}` },
            token_type: 'Bearer',
            has_password: true,
            webhook_count: 3,
          },
        },
      },
      expected: [
        { at: '/request/headers/authorization', rule: 'secret-header', seed: 'bearerJwt' },
        { at: '/response/body/json/service_account/private_key', rule: 'secret-json-key', seed: 'serviceAccountKey' },
        { at: '/response/body/json/service_account/client_email', rule: 'email', seed: 'serviceAccountEmail' },
        { at: '/response/body/json/database_url', rule: 'url-credentials', seed: 'databasePassword' },
        { at: '/response/body/json/aws/access_key_id', rule: 'aws-access-key', seed: 'awsAccessKeyId' },
        { at: '/response/body/json/aws/secret_access_key', rule: 'secret-json-key', seed: 'awsSecretKey' },
        { at: '/response/body/json/aws/temporary_key_id', rule: 'aws-access-key', seed: 'awsSessionKeyId' },
        { at: '/response/body/json/maps_api_key', rule: 'secret-json-key', seed: 'googleKey' },
        { at: '/response/body/json/ci/note', rule: 'github-token', seed: 'githubFineGrained' },
      ],
    },
    {
      // A chat API: a GitHub token with the "token" scheme, a Slack token in a form.
      direction: 'outbound',
      request: {
        method: 'POST',
        path: '/api/chat.postMessage',
        query: {},
        headers: { ...FORM_TYPE, authorization: `token ${S.githubClassic}` },
        body: { form: { channel: 'C0123456789', text: 'deploy finished', token: S.slackBot } },
      },
      response: { status: 302, headers: { location: `https://app.partner.test/callback?state=af0ifjsldkj&access_token=${S.locationToken}` } },
      expected: [
        { at: '/request/headers/authorization', rule: 'secret-header', seed: 'githubClassic' },
        { at: '/request/body/form/token', rule: 'secret-param', seed: 'slackBot' },
        { at: '/response/headers/location', rule: 'url-secret-param', seed: 'locationToken' },
      ],
    },
    {
      // An inbound webhook delivery: signatures in headers, personal data in the event.
      direction: 'inbound',
      request: {
        method: 'POST',
        path: '/webhooks/partner',
        query: {},
        headers: { ...JSON_TYPE, 'stripe-signature': S.stripeSignature, 'x-hub-signature-256': S.hubSignature },
        body: {
          json: {
            id: 'evt_1NxYz',
            type: 'invoice.paid',
            created: 1767225600,
            data: { object: { customer_email: S.webhookEmail, customer_phone: S.webhookPhone, amount_paid: 123456, config_note: `signed with ${S.stripeWebhookSecret}` } },
          },
        },
      },
      response: { status: 200, headers: { ...TEXT_TYPE }, body: { text: `ok, paid by ${S.webhookEmail}` } },
      expected: [
        { at: '/request/headers/stripe-signature', rule: 'secret-header', seed: 'stripeSignature' },
        { at: '/request/headers/x-hub-signature-256', rule: 'secret-header', seed: 'hubSignature' },
        { at: '/request/body/json/data/object/customer_email', rule: 'email', seed: 'webhookEmail' },
        { at: '/request/body/json/data/object/customer_phone', rule: 'phone', seed: 'webhookPhone' },
        { at: '/request/body/json/data/object/config_note', rule: 'stripe-key', seed: 'stripeWebhookSecret' },
        { at: '/response/body/text', rule: 'email', seed: 'webhookEmail' },
      ],
    },
  ];
}

/** The corpus as exchanges ready for a SessionWriter (unredacted). */
export function corpusExchanges(partner = 'acme'): UnnamedExchange[] {
  return secretCorpus().map((c, i) => ({
    seam: 1,
    partner,
    direction: c.direction,
    recordedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
    durationMs: 5,
    request: structuredClone(c.request),
    response: structuredClone(c.response),
    redactions: [],
  }));
}

/** The byte forms a value can take in a stored file: as is, JSON-escaped, percent-encoded. */
export function storedForms(value: string): string[] {
  return [...new Set([value, JSON.stringify(value).slice(1, -1), encodeURIComponent(value)])];
}
