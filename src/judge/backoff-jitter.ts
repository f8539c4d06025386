// backoff-jitter: the connector's own waits between retries (those no Retry-After dictated) grow with
// the retry number and vary between calls — exponential back-off with jitter, so that clients that
// failed together do not retry together.
//
// Full jitter draws each wait from [0, base·2^(n-1)], so means over a handful of waits are too noisy
// to compare (two groups of four: the ratio of means falls under 1.5 one run in four). The checks
// below use what full jitter guarantees instead, and stay below a 0.2% false failure rate for four
// calls failing three times each (see docs/judge.md).
import { askedWait, attemptChains, classify, isHang } from './attempts.js';
import type { Rule } from './types.js';
import { ms } from './wording.js';

/** Growth: some wait after the 2nd or a later failure exceeds this × the first-retry envelope. */
export const GROWTH_FACTOR = 1.25;
/** Growth is judged from this many waits after the 2nd or a later failure. */
export const GROWTH_MIN_WAITS = 4;
/** Spread: the coefficient of variation of the waits, each divided by its retry number's mean, must exceed this. */
export const SPREAD_MIN_CV = 0.15;
/** Spread uses retry numbers with at least this many waits, and needs this many waits in all. */
export const SPREAD_MIN_PER_RETRY = 3;
export const SPREAD_MIN_WAITS = 6;

export const backoffJitter: Rule = (evidence) => {
  const base = evidence.policy.backoffBaseMs;
  // byRetry[n-1]: the waits after a call's n-th attempt failed, from that answer to the next attempt.
  const sparse: number[][] = [];
  for (const chain of attemptChains(evidence.requests)) {
    chain.attempts.slice(0, -1).forEach((r, i) => {
      const response = r.response;
      // A hang's wait starts at the connector's timeout, which the journal cannot see; a 401's retry follows a refresh, not a back-off.
      if (classify(response) !== 'transient' || isHang(response) || response.at === undefined) return;
      if ('headers' in response && askedWait(response.headers, response.at, evidence.epochMs) !== undefined) return;
      (sparse[i] ??= []).push(chain.attempts[i + 1]!.at - response.at);
    });
  }
  const byRetry = Array.from(sparse, (w) => w ?? []);
  const first = byRetry[0] ?? [];
  const later = byRetry.slice(1).flat();
  const means = byRetry.map((w) => (w.length === 0 ? null : ms(mean(w))));
  const facts: Record<string, unknown> = {
    waitsByRetry: byRetry.map((w) => w.map(ms)),
    meanByRetry: means,
    thresholds: { growthFactor: GROWTH_FACTOR, growthMinWaits: GROWTH_MIN_WAITS, spreadMinCv: SPREAD_MIN_CV, spreadMinPerRetry: SPREAD_MIN_PER_RETRY, spreadMinWaits: SPREAD_MIN_WAITS },
  };
  const meanText = `mean wait by retry: ${means.map((m) => (m === null ? '–' : m)).join(', ')} ms`;

  let growth: { ok: boolean; text: string } | undefined;
  if (later.length >= GROWTH_MIN_WAITS) {
    const envelope = Math.max(base, ...first);
    const largest = Math.max(...later);
    facts.growth = { envelopeMs: ms(envelope), largestLaterMs: ms(largest), ok: largest > GROWTH_FACTOR * envelope };
    growth =
      largest > GROWTH_FACTOR * envelope
        ? { ok: true, text: `grew (a later wait of ${ms(largest)} ms > ${GROWTH_FACTOR} × ${ms(envelope)} ms, the first retry's envelope)` }
        : { ok: false, text: `did not grow (no later wait above ${GROWTH_FACTOR} × ${ms(envelope)} ms, the first retry's envelope; largest ${ms(largest)} ms of ${later.length})` };
  }

  let spread: { ok: boolean; text: string } | undefined;
  const normalised = byRetry.filter((w) => w.length >= SPREAD_MIN_PER_RETRY).flatMap((w) => {
    const m = mean(w);
    return w.map((x) => (m > 0 ? x / m : 1));
  });
  if (normalised.length >= SPREAD_MIN_WAITS) {
    const cv = Math.sqrt(normalised.reduce((s, x) => s + (x - 1) ** 2, 0) / (normalised.length - 1));
    const rounded = Math.round(cv * 1000) / 1000;
    facts.spread = { cv: rounded, waits: normalised.length, ok: cv > SPREAD_MIN_CV };
    spread =
      cv > SPREAD_MIN_CV
        ? { ok: true, text: `varied (CV ${rounded} > ${SPREAD_MIN_CV} over ${normalised.length} waits)` }
        : { ok: false, text: `did not vary (CV ${rounded} ≤ ${SPREAD_MIN_CV} over ${normalised.length} waits: no jitter)` };
  }

  if (growth === undefined && spread === undefined) {
    return {
      rule: 'backoff-jitter',
      ok: true,
      vacuous: true,
      summary: `Too few back-off waits to judge (${later.length} after a 2nd or later failure, growth needs ${GROWTH_MIN_WAITS}; spread needs ${SPREAD_MIN_WAITS} at retry numbers with ${SPREAD_MIN_PER_RETRY} or more).`,
      evidence: facts,
    };
  }
  const parts = [growth ? growth.text : `growth not judged (${later.length} later waits)`, spread ? spread.text : `spread not judged (too few waits per retry number)`];
  const ok = (growth?.ok ?? true) && (spread?.ok ?? true);
  return { rule: 'backoff-jitter', ok, summary: `Back-off waits ${parts.join(' and ')}; ${meanText}.`, evidence: facts };
};

function mean(xs: number[]): number {
  return xs.reduce((s, x) => s + x, 0) / xs.length;
}
