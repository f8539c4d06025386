// Stripe's signature scheme, verified against the raw body bytes: `Stripe-Signature: t=<unix s>,
// v1=<hex HMAC-SHA256 of "<t>.<raw body>">[,v1=…]` — several v1 entries while Stripe rolls a
// secret, and any configured secret may have signed. The three steps are parts (parts.ts) so a
// seeded defect can replace one of them.
import { createHmac, timingSafeEqual } from 'node:crypto';

export type RejectReason =
  | 'missing-signature'
  | 'malformed-signature-header'
  | 'no-v1-signature'
  | 'stale-timestamp'
  | 'future-timestamp'
  | 'signature-mismatch';

export type Verdict = { ok: true; timestamp: number } | { ok: false; reason: RejectReason };

export interface SignatureHeader {
  /** As sent: the signed payload uses these exact characters. */
  timestamp: string;
  v1: string[];
}

export interface VerifyParts {
  /** The bytes the HMAC covers for this delivery. */
  signedPayload(timestamp: string, rawBody: Buffer): Buffer;
  /** Whether one of `signatures` is the HMAC of `payload` under one of `secrets`. */
  signatureMatches(payload: Buffer, signatures: string[], secrets: string[]): boolean;
  /** Why `timestamp` is unacceptable at `nowSeconds`, or undefined when it is within tolerance. */
  timestampProblem(timestamp: number, nowSeconds: number, toleranceSeconds: number): 'stale-timestamp' | 'future-timestamp' | undefined;
}

export function parseSignatureHeader(value: string): SignatureHeader | undefined {
  let timestamp: string | undefined;
  const v1: string[] = [];
  for (const item of value.split(',')) {
    const eq = item.indexOf('=');
    if (eq <= 0) return undefined;
    const key = item.slice(0, eq).trim();
    const val = item.slice(eq + 1).trim();
    if (key === 't') timestamp = val;
    else if (key === 'v1') v1.push(val);
    // Other schemes (v0 test-mode signatures, future versions) are ignored, as Stripe's libraries do.
  }
  if (timestamp === undefined || !/^\d{1,12}$/.test(timestamp)) return undefined;
  return { timestamp, v1 };
}

export function signedPayload(timestamp: string, rawBody: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`${timestamp}.`, 'utf8'), rawBody]);
}

export function hmacHex(secret: string, payload: Buffer): string {
  return createHmac('sha256', secret).update(payload).digest('hex');
}

export function signatureMatches(payload: Buffer, signatures: string[], secrets: string[]): boolean {
  const candidates = signatures.filter((s) => /^[0-9a-f]{64}$/i.test(s)).map((s) => Buffer.from(s.toLowerCase(), 'hex'));
  let matched = false;
  // Every pair is compared (no early exit) in constant time, so timing says nothing about which part differed.
  for (const secret of secrets) {
    const expected = Buffer.from(hmacHex(secret, payload), 'hex');
    for (const candidate of candidates) if (timingSafeEqual(expected, candidate)) matched = true;
  }
  return matched;
}

export function timestampProblem(timestamp: number, nowSeconds: number, toleranceSeconds: number): 'stale-timestamp' | 'future-timestamp' | undefined {
  if (nowSeconds - timestamp > toleranceSeconds) return 'stale-timestamp';
  if (timestamp - nowSeconds > toleranceSeconds) return 'future-timestamp';
  return undefined;
}

export interface VerifyInput {
  rawBody: Buffer;
  header: string | undefined;
  secrets: string[];
  nowSeconds: number;
  toleranceSeconds: number;
}

/** The whole check, in Stripe's order: header, timestamp, then signature. */
export function verifyDelivery(parts: VerifyParts, input: VerifyInput): Verdict {
  if (input.header === undefined || input.header.trim() === '') return { ok: false, reason: 'missing-signature' };
  const header = parseSignatureHeader(input.header);
  if (header === undefined) return { ok: false, reason: 'malformed-signature-header' };
  if (header.v1.length === 0) return { ok: false, reason: 'no-v1-signature' };
  const timestamp = Number(header.timestamp);
  const problem = parts.timestampProblem(timestamp, input.nowSeconds, input.toleranceSeconds);
  if (problem !== undefined) return { ok: false, reason: problem };
  const payload = parts.signedPayload(header.timestamp, input.rawBody);
  if (!parts.signatureMatches(payload, header.v1, input.secrets)) return { ok: false, reason: 'signature-mismatch' };
  return { ok: true, timestamp };
}
