// GitHub: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body>`, the secret as the UTF-8
// key; no timestamp (replays are GitHub's receivers' problem; the delivery GUID dedupes). One
// signature per delivery, so a rotation is the receiver trying each secret it knows. `sign` also
// gives `X-GitHub-Delivery`, the delivery id GitHub sends beside it.
import type { Scheme, SignInput, VerifyInput, VerifyResult } from '../types.js';
import { firstSecret, fromHex, hmacSha256, sameBytes } from './signing.js';

const HEADER = 'x-hub-signature-256';
const PREFIX = 'sha256=';

function sign({ body, secrets, id }: SignInput): Record<string, string> {
  const digest = hmacSha256(firstSecret(secrets, 'github'), body).toString('hex');
  return { [HEADER]: `${PREFIX}${digest}`, 'x-github-delivery': id };
}

function verify({ body, headers, secrets }: VerifyInput): VerifyResult {
  const header = headers[HEADER];
  if (header === undefined) return { ok: false, reason: 'no X-Hub-Signature-256 header' };
  if (!header.startsWith(PREFIX)) return { ok: false, reason: 'X-Hub-Signature-256 does not start with sha256=' };
  const given = fromHex(header.slice(PREFIX.length));
  const matched = given !== undefined && secrets.some((secret) => sameBytes(hmacSha256(secret, body), given));
  return matched ? { ok: true } : { ok: false, reason: 'X-Hub-Signature-256 does not match' };
}

export const github: Scheme = { id: 'github', sign, verify };
