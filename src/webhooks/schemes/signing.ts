// What the schemes share: HMAC-SHA256, a constant-time comparison, timestamp parsing and the
// tolerance check. A verifier must not leak through timing how much of a guessed signature was
// right, so every comparison goes through `sameBytes` (timingSafeEqual on equal-length buffers).
import { createHmac, timingSafeEqual } from 'node:crypto';

export function hmacSha256(key: string | Buffer, content: string): Buffer {
  return createHmac('sha256', key).update(content, 'utf8').digest();
}

/** Constant-time equality; buffers of different lengths are simply unequal. */
export function sameBytes(expected: Buffer, candidate: Buffer): boolean {
  return expected.length === candidate.length && timingSafeEqual(expected, candidate);
}

const HEX_SHA256 = /^[0-9a-f]{64}$/i;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** A hex digest as bytes; undefined for anything that is not 64 hex digits (Buffer.from would truncate silently). */
export function fromHex(text: string): Buffer | undefined {
  return HEX_SHA256.test(text) ? Buffer.from(text, 'hex') : undefined;
}

/** Base64 as bytes; undefined for text that is not base64 (Buffer.from would skip the bad characters). */
export function fromBase64(text: string): Buffer | undefined {
  return text.length % 4 === 0 && BASE64.test(text) ? Buffer.from(text, 'base64') : undefined;
}

/** Unix seconds written as digits only; undefined otherwise. */
export function parseTimestamp(text: string | undefined): number | undefined {
  return text !== undefined && /^\d{1,15}$/.test(text) ? Number(text) : undefined;
}

/**
 * Why `timestamp` is outside `tolerance` seconds of `now` (either way: a future timestamp is as
 * suspect as a stale one), or undefined when it is inside. Exactly `tolerance` away is inside.
 * `now` may carry a fraction (a real clock): 300.4 s away is outside a 300 s tolerance.
 */
export function toleranceProblem(timestamp: number, now: number, tolerance: number): string | undefined {
  const distance = now - timestamp;
  if (Math.abs(distance) <= tolerance) return undefined;
  const seconds = Math.round(Math.abs(distance) * 1000) / 1000;
  return `timestamp ${timestamp} is ${seconds} s ${distance > 0 ? 'in the past' : 'in the future'}, tolerance ${tolerance} s`;
}

/** The one secret a single-signature scheme signs with: the first (rotation is the verifier's business there). */
export function firstSecret(secrets: readonly string[], scheme: string): string {
  const secret = secrets[0];
  if (secret === undefined) throw new Error(`${scheme}: no secret to sign with`);
  return secret;
}

/** The default tolerance of the timestamped schemes (Stripe, Standard Webhooks, Slack all say 5 minutes). */
export const FIVE_MINUTES = 300;
