// Stripe: `Stripe-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`, one v1 per
// active secret while a secret is rolled. The secret is used as written (`whsec_…` included) as the
// UTF-8 key. Verification as stripe-node does it (any v1 matching any secret; v0 and unknown
// schemes ignored; a secret with whitespace refused) except that a timestamp too far in the FUTURE
// is refused too — stripe-node only checks the age; a harness that replays deliveries wants both.
import type { Scheme, SignInput, VerifyInput, VerifyResult } from '../types.js';
import { FIVE_MINUTES, fromHex, hmacSha256, parseTimestamp, sameBytes, toleranceProblem } from './signing.js';

const HEADER = 'stripe-signature';

export interface StripeSignatureHeader {
  timestamp?: number;
  /** Signatures by scheme (`v1`, `v0`, …), in header order. */
  signatures: Record<string, string[]>;
}

/** `t=…,v1=…,v1=…,v0=…` split into its parts; pieces without `=` are ignored, as Stripe does. */
export function parseStripeSignature(header: string): StripeSignatureHeader {
  const parsed: StripeSignatureHeader = { signatures: {} };
  for (const item of header.split(',')) {
    const eq = item.indexOf('=');
    if (eq < 0) continue;
    const key = item.slice(0, eq).trim();
    const value = item.slice(eq + 1).trim();
    if (key === 't') parsed.timestamp = parseTimestamp(value);
    else (parsed.signatures[key] ??= []).push(value);
  }
  return parsed;
}

function v1(secret: string, timestamp: number, body: string): Buffer {
  return hmacSha256(secret, `${timestamp}.${body}`);
}

function sign({ body, secrets, timestamp }: SignInput): Record<string, string> {
  if (secrets.length === 0) throw new Error('stripe: no secret to sign with');
  const parts = [`t=${timestamp}`, ...secrets.map((s) => `v1=${v1(s, timestamp, body).toString('hex')}`)];
  return { [HEADER]: parts.join(',') };
}

function verify({ body, headers, secrets, now, toleranceSeconds = FIVE_MINUTES }: VerifyInput): VerifyResult {
  const spaced = secrets.findIndex((s) => s !== s.trim());
  if (spaced >= 0) return { ok: false, reason: `signing secret ${spaced + 1} contains whitespace` };
  const header = headers[HEADER];
  if (header === undefined) return { ok: false, reason: 'no Stripe-Signature header' };
  const { timestamp, signatures } = parseStripeSignature(header);
  if (timestamp === undefined) return { ok: false, reason: 'Stripe-Signature has no t=<unix seconds> timestamp' };
  const candidates = signatures['v1'] ?? [];
  if (candidates.length === 0) {
    const present = Object.keys(signatures);
    return { ok: false, reason: `Stripe-Signature has no v1 signature${present.length ? ` (only ${present.join(', ')})` : ''}` };
  }
  const stale = toleranceProblem(timestamp, now, toleranceSeconds);
  if (stale) return { ok: false, reason: stale };
  const given = candidates.map(fromHex).filter((b): b is Buffer => b !== undefined);
  const matched = secrets.some((secret) => {
    const expected = v1(secret, timestamp, body);
    return given.some((candidate) => sameBytes(expected, candidate));
  });
  return matched ? { ok: true } : { ok: false, reason: 'no v1 signature matches' };
}

export const stripe: Scheme = { id: 'stripe', sign, verify };
