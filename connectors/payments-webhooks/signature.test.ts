import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CORRECT_PARTS } from './parts.js';
import { parseSignatureHeader, verifyDelivery } from './signature.js';

const SECRET = 'whsec_test_secret_new';
const OLD = 'whsec_test_secret_old';
const T = 1_700_000_000;
const BODY = Buffer.from('{"id":"evt_1","object":"event","data":{"object":{"id":"pi_1","amount":1000}}}');

const v1 = (secret: string, t: number, body: Buffer) => createHmac('sha256', secret).update(`${t}.`).update(body).digest('hex');
const verify = (header: string | undefined, options: { body?: Buffer; secrets?: string[]; now?: number; tolerance?: number } = {}) =>
  verifyDelivery(CORRECT_PARTS, { rawBody: options.body ?? BODY, header, secrets: options.secrets ?? [SECRET], nowSeconds: options.now ?? T, toleranceSeconds: options.tolerance ?? 300 });

describe('parseSignatureHeader', () => {
  it('reads t and every v1, ignoring other schemes', () => {
    expect(parseSignatureHeader('t=12,v1=aa,v0=bb,v1=cc')).toEqual({ timestamp: '12', v1: ['aa', 'cc'] });
  });
  it('refuses a header without a numeric t or with a bare item', () => {
    expect(parseSignatureHeader('v1=aa')).toBeUndefined();
    expect(parseSignatureHeader('t=soon,v1=aa')).toBeUndefined();
    expect(parseSignatureHeader('t=12,v1')).toBeUndefined();
  });
});

describe('verifyDelivery', () => {
  it('accepts the signature of the raw bytes, with any configured secret and any v1', () => {
    expect(verify(`t=${T},v1=${v1(SECRET, T, BODY)}`)).toEqual({ ok: true, timestamp: T });
    expect(verify(`t=${T},v1=${v1(OLD, T, BODY)},v1=${v1(SECRET, T, BODY)}`)).toEqual({ ok: true, timestamp: T });
    expect(verify(`t=${T},v1=${v1(OLD, T, BODY)}`, { secrets: [SECRET, OLD] })).toEqual({ ok: true, timestamp: T });
    expect(verify(`t=${T},v1=${v1(SECRET, T, BODY).toUpperCase()}`)).toEqual({ ok: true, timestamp: T });
  });

  it('names what is wrong', () => {
    expect(verify(undefined)).toEqual({ ok: false, reason: 'missing-signature' });
    expect(verify('garbage')).toEqual({ ok: false, reason: 'malformed-signature-header' });
    expect(verify(`t=${T},v0=${v1(SECRET, T, BODY)}`)).toEqual({ ok: false, reason: 'no-v1-signature' });
    expect(verify(`t=${T},v1=${v1('whsec_someone_else', T, BODY)}`)).toEqual({ ok: false, reason: 'signature-mismatch' });
    expect(verify(`t=${T},v1=${v1(SECRET, T, BODY)}`, { body: Buffer.from(BODY.toString().replace('1000', '1001')) })).toEqual({ ok: false, reason: 'signature-mismatch' });
    expect(verify(`t=${T},v1=${v1(SECRET, T, BODY)}`, { body: Buffer.from(`${BODY.toString()} `) })).toEqual({ ok: false, reason: 'signature-mismatch' });
    expect(verify(`t=${T},v1=abc`)).toEqual({ ok: false, reason: 'signature-mismatch' });
  });

  it('holds the tolerance both ways, boundary included', () => {
    const at = (t: number) => `t=${t},v1=${v1(SECRET, t, BODY)}`;
    expect(verify(at(T - 300))).toEqual({ ok: true, timestamp: T - 300 });
    expect(verify(at(T - 301))).toEqual({ ok: false, reason: 'stale-timestamp' });
    expect(verify(at(T + 300))).toEqual({ ok: true, timestamp: T + 300 });
    expect(verify(at(T + 301))).toEqual({ ok: false, reason: 'future-timestamp' });
    expect(verify(at(T - 301), { tolerance: 600 })).toEqual({ ok: true, timestamp: T - 301 });
  });
});
