// Stripe-Signature parsing and the behaviours stripe-node's Webhook tests pin down (listed in the
// vectors file's `upstream_behaviours`), with this scheme's wording of each reason.
import { describe, expect, it } from 'vitest';
import { parseStripeSignature, stripe } from './stripe.js';

const SECRET = 'whsec_test_secret';
const BODY = '{\n  "id": "evt_test_webhook",\n  "object": "event"\n}';
const T = 12345;
const V1 = '2672d138c9a412830f3bfe2ecc5bfb3277cf6f5b49d0119d77dd6cb64da1257e';
const verify = (header: string, now = T, toleranceSeconds?: number, secrets = [SECRET]) =>
  stripe.verify({ body: BODY, headers: { 'stripe-signature': header }, secrets, now, ...(toleranceSeconds !== undefined ? { toleranceSeconds } : {}) });

describe('parseStripeSignature', () => {
  it('splits the timestamp from the signatures by scheme, in order', () => {
    expect(parseStripeSignature(`t=${T},v1=aa,v0=bb,v1=cc`)).toEqual({ timestamp: T, signatures: { v1: ['aa', 'cc'], v0: ['bb'] } });
  });

  it('ignores pieces without "=" and leaves a non-numeric t undefined', () => {
    expect(parseStripeSignature('bad_header')).toEqual({ signatures: {} });
    expect(parseStripeSignature('t=soon,v1=aa')).toEqual({ timestamp: undefined, signatures: { v1: ['aa'] } });
  });
});

describe('stripe verify, as stripe-node', () => {
  it("'bad_header': no timestamp and signatures to extract", () => {
    expect(verify('bad_header')).toEqual({ ok: false, reason: 'Stripe-Signature has no t=<unix seconds> timestamp' });
  });

  it('only a v0 signature: no signature with the expected scheme', () => {
    expect(verify(`t=${T},v0=6ffbb59b2300aae63f272406069a9788598b792a944a07aba816edb039989a39`)).toEqual({
      ok: false,
      reason: 'Stripe-Signature has no v1 signature (only v0)',
    });
  });

  it("an extra ',v1=potato' beside the valid v1 is still valid, before or after it", () => {
    expect(verify(`t=${T},v1=${V1},v1=potato`)).toEqual({ ok: true });
    expect(verify(`t=${T},v1=potato,v1=${V1}`)).toEqual({ ok: true });
    expect(verify(`t=${T},v1=potato`)).toEqual({ ok: false, reason: 'no v1 signature matches' });
  });

  it('tolerance 10 s: 15 s old is outside, 9 s old is valid', () => {
    expect(verify(`t=${T},v1=${V1}`, T + 15, 10)).toEqual({ ok: false, reason: `timestamp ${T} is 15 s in the past, tolerance 10 s` });
    expect(verify(`t=${T},v1=${V1}`, T + 9, 10)).toEqual({ ok: true });
  });

  it('a signing secret with trailing whitespace is refused', () => {
    expect(verify(`t=${T},v1=${V1}`, T, undefined, [`${SECRET}\n`])).toEqual({ ok: false, reason: 'signing secret 1 contains whitespace' });
  });

  it('a signature of the same timestamp over another body does not match', () => {
    const other = stripe.sign({ body: '{}', secrets: [SECRET], timestamp: T, id: 'evt_x' })['stripe-signature']!;
    expect(verify(other)).toEqual({ ok: false, reason: 'no v1 signature matches' });
  });

  it('the signature covers the timestamp: a re-stamped header does not verify', () => {
    expect(verify(`t=${T + 1},v1=${V1}`)).toEqual({ ok: false, reason: 'no v1 signature matches' });
  });
});
