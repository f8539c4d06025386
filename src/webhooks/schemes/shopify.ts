// Shopify: `X-Shopify-Hmac-Sha256: <base64 HMAC-SHA256 of the raw body>`, the app's client secret
// as the UTF-8 key; no timestamp. One signature; during a rotation the receiver tries the new and
// the old secret (shopify_app's `old_secret`). `sign` also gives `X-Shopify-Webhook-Id`, the id
// Shopify sends for deduplication.
import type { Scheme, SignInput, VerifyInput, VerifyResult } from '../types.js';
import { firstSecret, fromBase64, hmacSha256, sameBytes } from './signing.js';

const HEADER = 'x-shopify-hmac-sha256';

function sign({ body, secrets, id }: SignInput): Record<string, string> {
  return { [HEADER]: hmacSha256(firstSecret(secrets, 'shopify'), body).toString('base64'), 'x-shopify-webhook-id': id };
}

function verify({ body, headers, secrets }: VerifyInput): VerifyResult {
  const header = headers[HEADER];
  if (header === undefined) return { ok: false, reason: 'no X-Shopify-Hmac-Sha256 header' };
  const given = fromBase64(header);
  const matched = given !== undefined && secrets.some((secret) => sameBytes(hmacSha256(secret, body), given));
  return matched ? { ok: true } : { ok: false, reason: 'X-Shopify-Hmac-Sha256 does not match' };
}

export const shopify: Scheme = { id: 'shopify', sign, verify };
