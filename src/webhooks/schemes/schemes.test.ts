// Behaviour shared by the schemes: rotation, tolerance boundaries, future timestamps, missing or
// mangled headers, tampered bodies — each with the exact reason a receiver's log would show.
import { describe, expect, it } from 'vitest';
import { SCHEME_IDS } from '../types.js';
import { getScheme, SCHEMES } from './index.js';

const BODY = '{"id":"evt_1","type":"payment_intent.succeeded"}';
const T = 1_700_000_000;
const OLD = 'whsec_b2xkLXNlY3JldC1rZXk='; // base64 of "old-secret-key": valid for every scheme
const NEW = 'whsec_bmV3LXNlY3JldC1rZXk=';
const OTHER = 'whsec_b3RoZXItc2VjcmV0LWtleQ==';

const sign = (id: (typeof SCHEME_IDS)[number], secrets: string[], timestamp = T, body = BODY) => getScheme(id).sign({ body, secrets, timestamp, id: 'msg_1' });

describe('the scheme registry', () => {
  it('has one scheme per id, in SCHEME_IDS order', () => {
    expect(SCHEMES.map((s) => s.id)).toEqual([...SCHEME_IDS]);
    for (const id of SCHEME_IDS) expect(getScheme(id).id).toBe(id);
  });

  it('refuses an unknown id, naming the known ones', () => {
    expect(() => getScheme('paypal' as never)).toThrow('unknown signing scheme "paypal" (known: stripe, github, standard-webhooks, shopify, slack)');
  });

  it('signs with the headers each provider sends', () => {
    expect(Object.keys(sign('stripe', [NEW]))).toEqual(['stripe-signature']);
    expect(Object.keys(sign('github', [NEW]))).toEqual(['x-hub-signature-256', 'x-github-delivery']);
    expect(Object.keys(sign('standard-webhooks', [NEW]))).toEqual(['webhook-id', 'webhook-timestamp', 'webhook-signature']);
    expect(Object.keys(sign('shopify', [NEW]))).toEqual(['x-shopify-hmac-sha256', 'x-shopify-webhook-id']);
    expect(Object.keys(sign('slack', [NEW]))).toEqual(['x-slack-request-timestamp', 'x-slack-signature']);
  });

  it('refuses to sign without a secret', () => {
    for (const id of SCHEME_IDS) expect(() => sign(id, [])).toThrow(`${id}: no secret to sign with`);
  });
});

describe.each(SCHEME_IDS)('%s', (id) => {
  const scheme = getScheme(id);

  it('verifies what it signed and rejects a tampered body', () => {
    const headers = sign(id, [NEW]);
    expect(scheme.verify({ body: BODY, headers, secrets: [NEW], now: T })).toEqual({ ok: true });
    const tampered = scheme.verify({ body: BODY.replace('evt_1', 'evt_2'), headers, secrets: [NEW], now: T });
    expect(tampered.ok).toBe(false);
  });

  it('rejects a delivery signed with another secret', () => {
    const verdict = scheme.verify({ body: BODY, headers: sign(id, [OTHER]), secrets: [NEW], now: T });
    expect(verdict.ok).toBe(false);
  });

  it('rotation: a receiver that knows the old and the new secret accepts either', () => {
    for (const signer of [OLD, NEW]) {
      expect(scheme.verify({ body: BODY, headers: sign(id, [signer]), secrets: [NEW, OLD], now: T })).toEqual({ ok: true });
    }
  });
});

describe('rotation where the provider sends one signature per secret', () => {
  it.each(['stripe', 'standard-webhooks'] as const)('%s: both signatures are present; a receiver with either secret accepts', (id) => {
    const headers = sign(id, [NEW, OLD]);
    const one = sign(id, [NEW]);
    const other = sign(id, [OLD]);
    if (id === 'stripe') {
      expect(headers['stripe-signature']).toBe(`${one['stripe-signature']},${other['stripe-signature']!.replace(`t=${T},`, '')}`);
    } else {
      expect(headers['webhook-signature']).toBe(`${one['webhook-signature']} ${other['webhook-signature']}`);
    }
    for (const secrets of [[NEW], [OLD], [OLD, NEW]]) {
      expect(getScheme(id).verify({ body: BODY, headers, secrets, now: T })).toEqual({ ok: true });
    }
    expect(getScheme(id).verify({ body: BODY, headers, secrets: [OTHER], now: T })).toEqual({ ok: false, reason: 'no v1 signature matches' });
  });

  it.each(['github', 'shopify', 'slack'] as const)('%s carries one signature: the first secret signs', (id) => {
    expect(sign(id, [NEW, OLD])).toEqual(sign(id, [NEW]));
  });
});

describe.each(['stripe', 'standard-webhooks', 'slack'] as const)('%s tolerance', (id) => {
  const scheme = getScheme(id);
  const verifyAt = (timestamp: number, now: number, toleranceSeconds?: number) =>
    scheme.verify({ body: BODY, headers: sign(id, [NEW], timestamp), secrets: [NEW], now, ...(toleranceSeconds !== undefined ? { toleranceSeconds } : {}) });

  it('defaults to 300 s: exactly 300 s old passes, 301 s fails', () => {
    expect(verifyAt(T, T + 300)).toEqual({ ok: true });
    expect(verifyAt(T, T + 301)).toEqual({ ok: false, reason: `timestamp ${T} is 301 s in the past, tolerance 300 s` });
  });

  it('refuses a future timestamp the same way: +300 s passes, +301 s fails', () => {
    expect(verifyAt(T + 300, T)).toEqual({ ok: true });
    expect(verifyAt(T + 301, T)).toEqual({ ok: false, reason: `timestamp ${T + 301} is 301 s in the future, tolerance 300 s` });
  });

  it('honours a custom tolerance', () => {
    expect(verifyAt(T, T + 10, 10)).toEqual({ ok: true });
    expect(verifyAt(T, T + 11, 10)).toEqual({ ok: false, reason: `timestamp ${T} is 11 s in the past, tolerance 10 s` });
  });
});

describe('missing and malformed headers', () => {
  const verify = (id: (typeof SCHEME_IDS)[number], headers: Record<string, string>) => getScheme(id).verify({ body: BODY, headers, secrets: [NEW], now: T });
  const without = (headers: Record<string, string>, name: string) => Object.fromEntries(Object.entries(headers).filter(([k]) => k !== name));

  it('stripe', () => {
    expect(verify('stripe', {})).toEqual({ ok: false, reason: 'no Stripe-Signature header' });
  });

  it('github', () => {
    const headers = sign('github', [NEW]);
    expect(verify('github', {})).toEqual({ ok: false, reason: 'no X-Hub-Signature-256 header' });
    expect(verify('github', { 'x-hub-signature-256': headers['x-hub-signature-256']!.replace('sha256=', 'sha1=') })).toEqual({
      ok: false,
      reason: 'X-Hub-Signature-256 does not start with sha256=',
    });
    expect(verify('github', { 'x-hub-signature-256': 'sha256=abc' })).toEqual({ ok: false, reason: 'X-Hub-Signature-256 does not match' });
  });

  it('standard-webhooks', () => {
    const headers = sign('standard-webhooks', [NEW]);
    expect(verify('standard-webhooks', without(headers, 'webhook-id'))).toEqual({ ok: false, reason: 'no webhook-id header' });
    expect(verify('standard-webhooks', without(headers, 'webhook-timestamp'))).toEqual({ ok: false, reason: 'no webhook-timestamp header' });
    expect(verify('standard-webhooks', without(headers, 'webhook-signature'))).toEqual({ ok: false, reason: 'no webhook-signature header' });
    expect(verify('standard-webhooks', { ...headers, 'webhook-timestamp': '2023-11-14T22:13:20Z' })).toEqual({
      ok: false,
      reason: 'webhook-timestamp "2023-11-14T22:13:20Z" is not unix seconds',
    });
    // The id is signed: a delivery re-sent under another id does not verify.
    expect(verify('standard-webhooks', { ...headers, 'webhook-id': 'msg_2' })).toEqual({ ok: false, reason: 'no v1 signature matches' });
  });

  it('standard-webhooks refuses a secret that is not base64', () => {
    expect(() => sign('standard-webhooks', ['whsec_not base64!'])).toThrow('standard-webhooks: the secret is not whsec_<base64 key>');
  });

  it('shopify', () => {
    expect(verify('shopify', {})).toEqual({ ok: false, reason: 'no X-Shopify-Hmac-Sha256 header' });
  });

  it('slack', () => {
    const headers = sign('slack', [NEW]);
    expect(verify('slack', without(headers, 'x-slack-request-timestamp'))).toEqual({ ok: false, reason: 'no X-Slack-Request-Timestamp header' });
    expect(verify('slack', without(headers, 'x-slack-signature'))).toEqual({ ok: false, reason: 'no X-Slack-Signature header' });
    expect(verify('slack', { ...headers, 'x-slack-signature': headers['x-slack-signature']!.replace('v0=', 'v1=') })).toEqual({
      ok: false,
      reason: 'X-Slack-Signature does not start with v0=',
    });
    // The timestamp is signed: moving it (within the tolerance) breaks the signature.
    expect(verify('slack', { ...headers, 'x-slack-request-timestamp': String(T + 1) })).toEqual({ ok: false, reason: 'X-Slack-Signature does not match' });
  });
});
