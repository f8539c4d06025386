// Every vector of the shared signature-vectors file, reproduced exactly. The file is iterated: a new
// vector of a known scheme is tested without a code change; a vector of an unknown scheme fails
// the test (it needs a mapping below), so nothing in the file goes untested.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { SchemeId } from '../types.js';
import { getScheme } from './index.js';
import { hmacSha256 } from './signing.js';
import { parseSignatures, signedContent } from './standard-webhooks.js';
import { parseStripeSignature } from './stripe.js';

const FILE = '../shared/material/webhooks/webhook-signatures/webhook-signature-vectors.json';
type Vector = Record<string, any>;
const vectors = (JSON.parse(readFileSync(FILE, 'utf8')) as { vectors: Vector[] }).vectors;

/** The file's free-text scheme names → a SchemeId, or the HMAC primitive a vector pins down on its own. */
const SCHEME_NAMES: Array<[RegExp, SchemeId | 'hmac-primitive' | 'shopify-query-hmac']> = [
  [/^standard-webhooks/, 'standard-webhooks'],
  [/^github X-Hub-Signature-256/, 'github'],
  [/^slack v0/, 'slack'],
  [/^shopify webhook X-Shopify-Hmac-Sha256/, 'shopify'],
  [/^shopify OAuth\/app-proxy query HMAC/, 'shopify-query-hmac'],
  [/^stripe raw HMAC primitive/, 'hmac-primitive'],
  [/^stripe Stripe-Signature/, 'stripe'],
];

function kindOf(vector: Vector) {
  const hit = SCHEME_NAMES.find(([pattern]) => pattern.test(vector.scheme));
  if (!hit) throw new Error(`vector scheme ${JSON.stringify(vector.scheme)} is mapped to no scheme: add it to SCHEME_NAMES`);
  return hit[1];
}

const lowerKeys = (headers: Record<string, string>) => Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));

/** A positive case: signing gives exactly `expected` (headers, names any case) and verifying at `now` passes. */
function signsAndVerifies(scheme: SchemeId, c: { secret: string; body: string; timestamp: number; id: string; now: number; expected: Record<string, string> }) {
  const signed = getScheme(scheme).sign({ body: c.body, secrets: [c.secret], timestamp: c.timestamp, id: c.id });
  const expected = lowerKeys(c.expected);
  for (const [name, value] of Object.entries(expected)) expect(signed[name], name).toBe(value);
  const headers = { ...signed, ...expected };
  expect(getScheme(scheme).verify({ body: c.body, headers, secrets: [c.secret], now: c.now })).toEqual({ ok: true });
}

describe('webhook signature vectors', () => {
  it('maps every vector of the file to a scheme', () => {
    expect(vectors.map(kindOf)).toEqual([
      'standard-webhooks',
      'standard-webhooks',
      'standard-webhooks',
      'github',
      'slack',
      'shopify',
      'shopify-query-hmac',
      'hmac-primitive',
      'stripe',
    ]);
  });

  vectors.forEach((vector, index) => {
    const name = `#${index} ${vector.scheme} (${vector.provenance})`;
    const kind = kindOf(vector);

    if (vector.provenance === 'upstream-example-only') {
      it(`${name}: parses (not verifiable: no key published)`, () => {
        if (kind === 'standard-webhooks') {
          const headers = lowerKeys(vector.headers);
          const entries = parseSignatures(headers['webhook-signature']!);
          expect(entries.map((e) => e.version)).toEqual(['v1', 'v1a']);
          expect(entries.map((e) => e.signature)).toEqual(headers['webhook-signature']!.split(' ').map((e) => e.slice(e.indexOf(',') + 1)));
          const prefix = `${headers['webhook-id']}.${headers['webhook-timestamp']}.`;
          expect(vector.signed_content_example.startsWith(prefix)).toBe(true);
          const body = vector.signed_content_example.slice(prefix.length);
          expect(signedContent(headers['webhook-id']!, headers['webhook-timestamp']!, body)).toBe(vector.signed_content_example);
          // Only the v1 entry is tried (v1a is ed25519): with an unrelated key it does not match.
          const verdict = getScheme('standard-webhooks').verify({ body, headers, secrets: ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'], now: Number(headers['webhook-timestamp']) });
          expect(verdict).toEqual({ ok: false, reason: 'no v1 signature matches' });
        } else {
          throw new Error(`no parsing test for an example-only ${kind} vector`);
        }
      });
      return;
    }

    switch (kind) {
      case 'standard-webhooks': {
        const headers = lowerKeys(vector.headers);
        const id = headers['webhook-id']!;
        const timestamp = Number(headers['webhook-timestamp']);
        const base = { secret: vector.secret as string, body: vector.payload as string, id, timestamp };
        it(`${name}: signs to the expected webhook-signature and verifies`, () => {
          if (vector.signed_content !== undefined) expect(signedContent(id, timestamp, base.body)).toBe(vector.signed_content);
          signsAndVerifies('standard-webhooks', { ...base, now: timestamp, expected: { ...headers, 'webhook-signature': vector.expected_webhook_signature } });
          // The libraries accept the key without its whsec_ prefix.
          signsAndVerifies('standard-webhooks', { ...base, secret: base.secret.replace(/^whsec_/, ''), now: timestamp, expected: { 'webhook-signature': vector.expected_webhook_signature } });
        });
        const negative = vector.negative_cases_from_go_tests;
        if (negative !== undefined) {
          const verify = (signature: string, now = timestamp, stamp = timestamp) =>
            getScheme('standard-webhooks').verify({ body: base.body, headers: { 'webhook-id': id, 'webhook-timestamp': String(stamp), 'webhook-signature': signature }, secrets: [base.secret], now, toleranceSeconds: negative.tolerance_seconds });
          it(`${name}: rejects the Go tests' invalid and partial signatures`, () => {
            expect(verify(negative.invalid_signature)).toEqual({ ok: false, reason: 'no v1 signature matches' });
            expect(verify(negative.partial_signature)).toEqual({ ok: false, reason: 'no v1 signature matches' });
          });
          it(`${name}: accepts a multi-signature header when any v1 entry matches`, () => {
            const bad = negative.invalid_signature.slice('v1,'.length);
            expect(verify(`v1,${bad} v2,${bad} ${vector.expected_webhook_signature} v1,${bad}`)).toEqual({ ok: true });
          });
          it(`${name}: rejects now-${negative.tolerance_seconds}s read by a real clock and now+${negative.tolerance_seconds + 1}s`, () => {
            // The Go test signs at now-tolerance in whole seconds and verifies a moment later: the
            // verifier's clock carries a fraction, so the distance is just over the tolerance.
            const tolerance = negative.tolerance_seconds as number;
            expect(verify(vector.expected_webhook_signature, timestamp + tolerance + 0.25)).toEqual({
              ok: false,
              reason: `timestamp ${timestamp} is ${tolerance + 0.25} s in the past, tolerance ${tolerance} s`,
            });
            const future = timestamp + tolerance + 1;
            const signed = getScheme('standard-webhooks').sign({ body: base.body, secrets: [base.secret], timestamp: future, id });
            expect(verify(signed['webhook-signature']!, timestamp, future)).toEqual({
              ok: false,
              reason: `timestamp ${future} is ${tolerance + 1} s in the future, tolerance ${tolerance} s`,
            });
          });
        }
        break;
      }
      case 'github':
        it(`${name}: signs to the expected header and verifies`, () => {
          signsAndVerifies('github', { secret: vector.secret, body: vector.payload, timestamp: 0, id: 'delivery-1', now: 0, expected: vector.expected_header });
          expect(lowerKeys(vector.expected_header)['x-hub-signature-256']).toBe(`sha256=${vector.expected_signature_hex}`);
        });
        break;
      case 'slack': {
        const timestamp = Number(lowerKeys(vector.headers)['x-slack-request-timestamp']);
        it(`${name}: signs to the expected header and verifies at the test clock`, () => {
          signsAndVerifies('slack', { secret: vector.signing_secret, body: vector.body, timestamp, id: '', now: vector.verification_clock_for_test, expected: { ...vector.headers, ...vector.expected_header } });
        });
        it(`${name}: expires past 300 s (the SDK's expiration test)`, () => {
          const headers = lowerKeys({ ...vector.headers, ...vector.expected_header });
          expect(getScheme('slack').verify({ body: vector.body, headers, secrets: [vector.signing_secret], now: timestamp + 301 })).toEqual({
            ok: false,
            reason: `timestamp ${timestamp} is 301 s in the past, tolerance 300 s`,
          });
        });
        break;
      }
      case 'shopify': {
        const cases = vector.cases as Vector[];
        const secrets = cases.filter((c) => c.expected_header !== undefined).map((c) => c.secret as string);
        cases.forEach((c, i) => {
          if (c.expected_header !== undefined) {
            it(`${name} case ${i} (${c.note}): signs to the expected header and verifies, alone and beside the other secrets`, () => {
              signsAndVerifies('shopify', { secret: c.secret, body: vector.raw_body, timestamp: 0, id: 'wh-1', now: 0, expected: c.expected_header });
              const verdict = getScheme('shopify').verify({ body: vector.raw_body, headers: lowerKeys(c.expected_header), secrets, now: 0 });
              expect(verdict).toEqual({ ok: true });
            });
          } else {
            it(`${name} case ${i}: rejects ${JSON.stringify(c.header)} (${c.expect})`, () => {
              expect(c.expect).toMatch(/^reject/);
              const verdict = getScheme('shopify').verify({ body: vector.raw_body, headers: lowerKeys(c.header), secrets: [c.secret], now: 0 });
              expect(verdict).toEqual({ ok: false, reason: 'X-Shopify-Hmac-Sha256 does not match' });
            });
          }
        });
        break;
      }
      case 'shopify-query-hmac':
        (vector.cases as Vector[]).forEach((c, i) => {
          it(`${name} case ${i}: the HMAC primitive over the sorted query gives the expected hex`, () => {
            const query = Object.entries(c.params as Record<string, string>)
              .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
              .map(([k, v]) => `${k}=${v}`)
              .join('&');
            expect(hmacSha256(vector.secret, query).toString('hex')).toBe(c.expected_hmac);
          });
        });
        break;
      case 'hmac-primitive':
        (vector.cases as Vector[]).forEach((c) => {
          it(`${name}: ${c.name}`, () => {
            expect(hmacSha256(vector.secret, c.payload).toString('hex')).toBe(c.expected_hex);
          });
        });
        break;
      case 'stripe':
        it(`${name}: signs to the expected Stripe-Signature and verifies`, () => {
          const expected = vector.expected_header_DERIVED ?? vector.expected_header;
          signsAndVerifies('stripe', { secret: vector.secret, body: vector.payload, timestamp: vector.timestamp, id: 'evt_test_webhook', now: vector.timestamp, expected });
        });
        if (vector.documented_example_header_unverifiable !== undefined) {
          it(`${name}: parses the documented example header`, () => {
            const header = (vector.documented_example_header_unverifiable as string).split(' ')[0]!;
            const parsed = parseStripeSignature(header);
            expect(parsed.timestamp).toBe(Number(/t=(\d+)/.exec(header)![1]));
            expect(Object.keys(parsed.signatures)).toEqual(['v1', 'v0']);
            expect(parsed.signatures['v1']).toEqual([/v1=([0-9a-f]+)/.exec(header)![1]]);
          });
        }
        break;
    }
  });
});
