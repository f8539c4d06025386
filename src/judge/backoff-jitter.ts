// backoff-jitter: the connector's own waits between retries grow with the retry number and vary —
// exponential back-off with jitter, so clients that failed together do not retry together. Waits a
// partner dictated (Retry-After, RateLimit-Reset), that a token refresh or a hang's timeout
// lengthened, or that a circuit's cool-down lengthened, are left out.
//
// Full jitter draws the wait before retry n from [0, base·2^(n-1)], so a handful of waits is a noisy
// sample: two groups of four have a ratio of means under 1.5 one run in four. The checks therefore
// use the declared envelope, and judge only when the sample is large enough for a full-jitter
// connector to pass with high probability (docs/judge.md has the figures).
import { askedWait, attemptChains, classify, isHang } from './attempts.js';
import { traceCircuits } from './circuit-model.js';
import type { Rule } from './types.js';
import { ms } from './wording.js';

/** Growth: some wait before a 3rd or later attempt exceeds this × the first retry's envelope. */
export const GROWTH_FACTOR = 1.25;
/** Growth is judged only when full jitter would fail it with at most this probability. */
export const GROWTH_MAX_MISS = 0.01;
/**
 * Spread: at least this share of the waits, each divided by its envelope base·2^(n-1), fall below
 * EARLY_RATIO. A connector without jitter waits its full envelope or longer (timers fire late, never
 * early, and a busy machine only adds delay), so no load can pass for jitter; full jitter puts 80%
 * of its waits below 0.8 of the envelope, equal jitter 60%.
 */
export const SPREAD_MIN_EARLY_SHARE = 0.2;
export const EARLY_RATIO = 0.8;
/** Spread is judged from this many waits. */
export const SPREAD_MIN_WAITS = 6;

export const backoffJitter: Rule = (evidence) => {
  const base = evidence.policy.backoffBaseMs;
  const envelope = (retry: number): number => base * 2 ** (retry - 1);
  const cooled = new Set(evidence.policy.circuit === undefined ? [] : traceCircuits(evidence, evidence.policy.circuit).openings.map((o) => o.seq));
  // sparse[n-1]: the waits before retry n (after a call's n-th attempt failed), from that answer to the next attempt.
  const sparse: number[][] = [];
  for (const chain of attemptChains(evidence.requests)) {
    chain.attempts.slice(0, -1).forEach((r, i) => {
      const response = r.response;
      if (classify(response) !== 'transient' || isHang(response) || response.at === undefined || cooled.has(r.seq)) return;
      if ('headers' in response && askedWait(response.headers, response.at, evidence.epochMs) !== undefined) return;
      (sparse[i] ??= []).push(chain.attempts[i + 1]!.at - response.at);
    });
  }
  const byRetry = Array.from(sparse, (w) => w ?? []);
  const first = byRetry[0] ?? [];
  const later = byRetry.slice(1).flatMap((w, i) => w.map((wait) => ({ retry: i + 2, wait })));
  const all = byRetry.flatMap((w, i) => w.map((wait) => wait / envelope(i + 1)));
  const means = byRetry.map((w) => (w.length === 0 ? null : ms(w.reduce((s, x) => s + x, 0) / w.length)));
  const facts: Record<string, unknown> = {
    backoffBaseMs: base,
    waitsByRetry: byRetry.map((w) => w.map(ms)),
    meanByRetry: means,
    thresholds: { growthFactor: GROWTH_FACTOR, growthMaxMiss: GROWTH_MAX_MISS, spreadMinEarlyShare: SPREAD_MIN_EARLY_SHARE, earlyRatio: EARLY_RATIO, spreadMinWaits: SPREAD_MIN_WAITS },
  };

  // The first retry's envelope as declared, or as observed when the connector's first waits run longer.
  const reference = Math.max(base, ...first);
  const bar = GROWTH_FACTOR * reference;
  // The chance that a full-jitter connector shows no later wait above the bar.
  const miss = later.reduce((p, { retry }) => p * Math.min(1, bar / envelope(retry)), 1);
  let growth: { ok: boolean; text: string } | undefined;
  if (later.length > 0 && miss <= GROWTH_MAX_MISS) {
    const largest = Math.max(...later.map((l) => l.wait));
    const ok = largest > bar;
    facts.growth = { referenceMs: ms(reference), barMs: ms(bar), largestLaterMs: ms(largest), laterWaits: later.length, ok };
    growth = ok
      ? { ok, text: `grew (a later wait of ${ms(largest)} ms > ${GROWTH_FACTOR} × ${ms(reference)} ms, the first retry's envelope)` }
      : { ok, text: `did not grow (none of ${later.length} later waits above ${GROWTH_FACTOR} × ${ms(reference)} ms, the first retry's envelope; largest ${ms(largest)} ms)` };
  }

  let spread: { ok: boolean; text: string } | undefined;
  if (all.length >= SPREAD_MIN_WAITS) {
    const m = all.reduce((s, x) => s + x, 0) / all.length;
    const cv = m > 0 ? Math.sqrt(all.reduce((s, x) => s + (x - m) ** 2, 0) / (all.length - 1)) / m : 0;
    const rounded = Math.round(cv * 1000) / 1000;
    const early = all.filter((x) => x < EARLY_RATIO).length;
    const share = early / all.length;
    const ok = share >= SPREAD_MIN_EARLY_SHARE;
    facts.spread = { cv: rounded, waits: all.length, belowEarlyRatio: early, ok };
    const pct = Math.round(share * 100);
    spread = ok
      ? { ok, text: `varied (${early} of ${all.length} waits, ${pct}%, below ${EARLY_RATIO} of their envelope; CV ${rounded})` }
      : { ok, text: `did not vary (${early} of ${all.length} waits below ${EARLY_RATIO} of their envelope, ${SPREAD_MIN_EARLY_SHARE * 100}% needed; CV ${rounded}: no jitter)` };
  }

  const meanText = `mean wait by retry: ${means.map((m) => (m === null ? '–' : m)).join(', ')} ms`;
  if (growth === undefined && spread === undefined) {
    return {
      rule: 'backoff-jitter',
      ok: true,
      vacuous: true,
      summary: `Too few back-off waits to judge (${all.length}, ${later.length} of them before a 3rd or later attempt; spread needs ${SPREAD_MIN_WAITS}, growth enough later waits for full jitter to show it 99 times in 100)${all.length > 0 ? `; ${meanText}` : ''}.`,
      evidence: facts,
    };
  }
  const parts = [growth?.text ?? `growth not judged (too few later waits)`, spread?.text ?? `spread not judged (${all.length} waits)`];
  const ok = (growth?.ok ?? true) && (spread?.ok ?? true);
  return { rule: 'backoff-jitter', ok, summary: `Back-off waits ${parts.join(' and ')}; ${meanText}.`, evidence: facts };
};
