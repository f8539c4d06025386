// Slack request signing v0: `X-Slack-Request-Timestamp: <unix seconds>` and
// `X-Slack-Signature: v0=<hex HMAC-SHA256 of "v0:<timestamp>:<raw body>">`, the signing secret as
// the UTF-8 key (it looks like hex but is not decoded). The SDKs refuse a timestamp more than
// 5 minutes away. One signature; a rotation is the receiver trying each secret.
import type { Scheme, SignInput, VerifyInput, VerifyResult } from '../types.js';
import { FIVE_MINUTES, firstSecret, fromHex, hmacSha256, parseTimestamp, sameBytes, toleranceProblem } from './signing.js';

const TIMESTAMP = 'x-slack-request-timestamp';
const SIGNATURE = 'x-slack-signature';
const PREFIX = 'v0=';

function v0(secret: string, timestamp: number | string, body: string): Buffer {
  return hmacSha256(secret, `v0:${timestamp}:${body}`);
}

function sign({ body, secrets, timestamp }: SignInput): Record<string, string> {
  const digest = v0(firstSecret(secrets, 'slack'), timestamp, body).toString('hex');
  return { [TIMESTAMP]: String(timestamp), [SIGNATURE]: `${PREFIX}${digest}` };
}

function verify({ body, headers, secrets, now, toleranceSeconds = FIVE_MINUTES }: VerifyInput): VerifyResult {
  const stamp = headers[TIMESTAMP];
  const header = headers[SIGNATURE];
  if (stamp === undefined) return { ok: false, reason: 'no X-Slack-Request-Timestamp header' };
  if (header === undefined) return { ok: false, reason: 'no X-Slack-Signature header' };
  const timestamp = parseTimestamp(stamp);
  if (timestamp === undefined) return { ok: false, reason: `X-Slack-Request-Timestamp ${JSON.stringify(stamp)} is not unix seconds` };
  const stale = toleranceProblem(timestamp, now, toleranceSeconds);
  if (stale) return { ok: false, reason: stale };
  if (!header.startsWith(PREFIX)) return { ok: false, reason: 'X-Slack-Signature does not start with v0=' };
  const given = fromHex(header.slice(PREFIX.length));
  const matched = given !== undefined && secrets.some((secret) => sameBytes(v0(secret, stamp, body), given));
  return matched ? { ok: true } : { ok: false, reason: 'X-Slack-Signature does not match' };
}

export const slack: Scheme = { id: 'slack', sign, verify };
