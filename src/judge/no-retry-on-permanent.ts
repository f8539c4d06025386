// no-retry-on-permanent: a request the partner refused for good (400, 403, 404, 422) is not sent again.
import { identity, statusOf } from './attempts.js';
import type { ObservedRequest, Rule } from './types.js';
import { clock, describeRequest } from './wording.js';

const PERMANENT = new Set([400, 403, 404, 422]);

export const noRetryOnPermanent: Rule = (evidence) => {
  const requests = [...evidence.requests].sort((a, b) => a.seq - b.seq);
  const refused = requests.filter((r) => PERMANENT.has(statusOf(r.response) ?? 0));
  const repeats: { call: string; status: number; refusedSeq: number; refusedAt: number; againSeqs: number[]; againAt: number[] }[] = [];
  for (const r of refused) {
    // Counted once, from the first refusal: a repeat that is refused again is not a new finding.
    if (repeats.some((f) => f.againSeqs.includes(r.seq))) continue;
    const again = requests.filter((o: ObservedRequest) => o.seq > r.seq && identity(o) === identity(r));
    if (again.length === 0) continue;
    repeats.push({ call: describeRequest(r), status: statusOf(r.response)!, refusedSeq: r.seq, refusedAt: r.at, againSeqs: again.map((o) => o.seq), againAt: again.map((o) => o.at) });
  }
  const base = { statuses: [...PERMANENT], refused: refused.map((r) => ({ call: describeRequest(r), seq: r.seq, status: statusOf(r.response) })), repeats };
  if (refused.length === 0) {
    return { rule: 'no-retry-on-permanent', ok: true, vacuous: true, summary: 'No request was answered 400, 403, 404 or 422, so there was nothing that must not be retried.', evidence: base };
  }
  const first = repeats[0];
  if (first === undefined) {
    return { rule: 'no-retry-on-permanent', ok: true, summary: refused.length === 1 ? `The request answered ${statusOf(refused[0]!.response)} (${describeRequest(refused[0]!)}) was not sent again.` : `None of the ${refused.length} requests answered 400, 403, 404 or 422 was sent again.`, evidence: base };
  }
  const times = first.againAt.length === 1 ? 'once more' : `${first.againAt.length} more times`;
  const more = repeats.length > 1 ? `; ${repeats.length} refused requests were repeated` : '';
  return {
    rule: 'no-retry-on-permanent',
    ok: false,
    summary: `${first.call} was answered ${first.status} at ${clock(first.refusedAt)} and sent again ${times} (first at ${clock(first.againAt[0]!)})${more}.`,
    evidence: base,
  };
};
