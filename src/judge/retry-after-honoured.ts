// retry-after-honoured: after a 429 or 503 with Retry-After (delta seconds or an HTTP-date), the
// call's next attempt comes no earlier than asked, less a stated tolerance for clocks and timers.
import { askedWait, attemptChains, statusOf } from './attempts.js';
import type { Rule } from './types.js';
import { clock, describeRequest, ms, secs } from './wording.js';

/** Clock and timer granularity: an attempt this much early still counts as on time. */
export const RETRY_AFTER_TOLERANCE_MS = 25;

export const retryAfterHonoured: Rule = (evidence) => {
  const waits: {
    call: string;
    status: number;
    retryAfter: string;
    form: 'seconds' | 'date';
    answeredAt: number;
    until: number | null;
    askedMs: number | null;
    nextSeq: number;
    nextAt: number;
    waitedMs: number;
    early: boolean;
  }[] = [];
  let asked = 0;
  for (const chain of attemptChains(evidence.requests)) {
    chain.attempts.forEach((r, i) => {
      const status = statusOf(r.response);
      if ((status !== 429 && status !== 503) || !('headers' in r.response)) return;
      const wait = askedWait(r.response.headers, r.response.at, evidence.epochMs);
      if (wait === undefined || wait.header !== 'retry-after') return;
      asked++;
      const next = chain.attempts[i + 1];
      if (next === undefined) return;
      const answeredAt = r.response.at;
      waits.push({
        call: describeRequest(r),
        status,
        retryAfter: wait.value,
        form: wait.form,
        answeredAt: ms(answeredAt),
        until: wait.until === undefined ? null : ms(wait.until),
        askedMs: wait.until === undefined ? null : ms(wait.until - answeredAt),
        nextSeq: next.seq,
        nextAt: ms(next.at),
        waitedMs: ms(next.at - answeredAt),
        early: wait.until !== undefined && next.at < wait.until - RETRY_AFTER_TOLERANCE_MS,
      });
    });
  }
  const judged = waits.filter((w) => w.until !== null);
  const base = { toleranceMs: RETRY_AFTER_TOLERANCE_MS, answersWithRetryAfter: asked, waits, unplacedDates: waits.length - judged.length };
  if (judged.length === 0) {
    const why =
      waits.length > 0
        ? `${waits.length === 1 ? 'the HTTP-date' : `the ${waits.length} HTTP-dates`} in Retry-After could not be placed on the scenario clock (no epochMs in the evidence and no Date header)`
        : asked > 0
          ? asked === 1
            ? 'the 429/503 with Retry-After was not followed by a retry of its call'
            : `none of the ${asked} 429/503 answers with Retry-After was followed by a retry of its call`
          : 'no 429 or 503 with Retry-After was served';
    return { rule: 'retry-after-honoured', ok: true, vacuous: true, summary: `Nothing to judge: ${why}.`, evidence: base };
  }
  const early = judged.filter((w) => w.early);
  const first = early[0];
  if (first !== undefined) {
    const more = early.length > 1 ? `; ${early.length} of ${judged.length} retries came early` : '';
    return {
      rule: 'retry-after-honoured',
      ok: false,
      summary: `${first.call} was retried ${secs(first.waitedMs)} after a ${first.status} that asked for ${secs(first.askedMs!)} (Retry-After: ${first.retryAfter}, answered at ${clock(first.answeredAt)}; next attempt at ${clock(first.nextAt)}, tolerance ${RETRY_AFTER_TOLERANCE_MS} ms)${more}.`,
      evidence: base,
    };
  }
  const closest = judged.reduce((a, b) => (b.nextAt - b.until! < a.nextAt - a.until! ? b : a));
  return {
    rule: 'retry-after-honoured',
    ok: true,
    summary: `${judged.length === 1 ? 'The retry' : `All ${judged.length} retries`} after a 429/503 with Retry-After waited as asked (closest: ${closest.call} retried ${secs(closest.waitedMs)} after asking for ${secs(closest.askedMs!)}, Retry-After: ${closest.retryAfter}).`,
    evidence: base,
  };
};
