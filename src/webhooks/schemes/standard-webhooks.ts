// Standard Webhooks (https://www.standardwebhooks.com, the scheme Svix libraries implement):
// `webhook-id`, `webhook-timestamp` and `webhook-signature: v1,<base64> [v1,<base64> …]` — a space
// separated list, one entry per active secret during a rotation; the receiver accepts any v1 entry
// that matches and ignores others (`v1a` is the asymmetric ed25519 variant, not handled here).
// Signed content `<id>.<timestamp>.<raw body>`. A secret is `whsec_<base64 key>`: the HMAC key is
// the base64-decoded part (the libraries also accept the key without the prefix, so do we).
import type { Scheme, SignInput, VerifyInput, VerifyResult } from '../types.js';
import { FIVE_MINUTES, fromBase64, hmacSha256, parseTimestamp, sameBytes, toleranceProblem } from './signing.js';

const PREFIX = 'whsec_';

/** The HMAC key of a `whsec_…` secret. */
export function secretKey(secret: string): Buffer {
  const key = fromBase64(secret.startsWith(PREFIX) ? secret.slice(PREFIX.length) : secret);
  if (key === undefined || key.length === 0) throw new Error(`standard-webhooks: the secret is not whsec_<base64 key>`);
  return key;
}

export function signedContent(id: string, timestamp: number | string, body: string): string {
  return `${id}.${timestamp}.${body}`;
}

/** `v1,abc= v1a,def==` → `[{ version: 'v1', signature: 'abc=' }, { version: 'v1a', signature: 'def==' }]`. */
export function parseSignatures(header: string): Array<{ version: string; signature: string }> {
  return header
    .split(' ')
    .filter((entry) => entry !== '')
    .map((entry) => {
      const comma = entry.indexOf(',');
      return comma < 0 ? { version: entry, signature: '' } : { version: entry.slice(0, comma), signature: entry.slice(comma + 1) };
    });
}

function sign({ body, secrets, timestamp, id }: SignInput): Record<string, string> {
  if (secrets.length === 0) throw new Error('standard-webhooks: no secret to sign with');
  const content = signedContent(id, timestamp, body);
  const signatures = secrets.map((s) => `v1,${hmacSha256(secretKey(s), content).toString('base64')}`);
  return { 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': signatures.join(' ') };
}

function verify({ body, headers, secrets, now, toleranceSeconds = FIVE_MINUTES }: VerifyInput): VerifyResult {
  const id = headers['webhook-id'];
  const stamp = headers['webhook-timestamp'];
  const header = headers['webhook-signature'];
  if (id === undefined) return { ok: false, reason: 'no webhook-id header' };
  if (stamp === undefined) return { ok: false, reason: 'no webhook-timestamp header' };
  if (header === undefined) return { ok: false, reason: 'no webhook-signature header' };
  const timestamp = parseTimestamp(stamp);
  if (timestamp === undefined) return { ok: false, reason: `webhook-timestamp ${JSON.stringify(stamp)} is not unix seconds` };
  const stale = toleranceProblem(timestamp, now, toleranceSeconds);
  if (stale) return { ok: false, reason: stale };
  const given = parseSignatures(header)
    .filter((s) => s.version === 'v1')
    .map((s) => fromBase64(s.signature))
    .filter((b): b is Buffer => b !== undefined);
  const content = signedContent(id, stamp, body);
  const matched = secrets.some((secret) => {
    const expected = hmacSha256(secretKey(secret), content);
    return given.some((candidate) => sameBytes(expected, candidate));
  });
  return matched ? { ok: true } : { ok: false, reason: 'no v1 signature matches' };
}

export const standardWebhooks: Scheme = { id: 'standard-webhooks', sign, verify };
