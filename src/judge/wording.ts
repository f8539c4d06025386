// How verdicts say times, requests and answers: one wording for every rule, so summaries read alike.
import type { ObservedRequest, ObservedResponse } from './types.js';

/** Milliseconds for evidence objects: rounded to 0.1 ms. */
export function ms(value: number): number {
  return Math.round(value * 10) / 10;
}

/** A duration in seconds, at most three decimals, no trailing zeros: `0.41 s`, `1 s`. */
export function secs(value: number): string {
  return `${Number((value / 1000).toFixed(3))} s`;
}

/** A point on the scenario clock: `1.203 s`. */
export function clock(value: number): string {
  return `${(value / 1000).toFixed(3)} s`;
}

/** `GET /api/v2/tickets?cursor=c2&limit=50`: method, path and the query as sent (keys sorted). */
export function describeRequest(r: ObservedRequest): string {
  const pairs: string[] = [];
  for (const key of Object.keys(r.query).sort()) {
    const value = r.query[key];
    for (const one of Array.isArray(value) ? value : [value ?? '']) pairs.push(`${key}=${one}`);
  }
  return `${r.method} ${r.path}${pairs.length > 0 ? `?${pairs.join('&')}` : ''}`;
}

/** What a partner answered, as a noun: `503`, `a reset`, `a hang`, `a 404 (no stub matched)`. */
export function describeAnswer(response: ObservedResponse): string {
  if ('fault' in response) return `a ${response.fault}`;
  if ('miss' in response) return 'a 404 (no stub matched)';
  return String(response.status);
}

/** `1 retry`, `3 retries`. */
export function count(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** The answers of a chain, runs collapsed: `503 ×4, 201`. */
export function describeAnswers(attempts: readonly ObservedRequest[]): string {
  const runs: { answer: string; n: number }[] = [];
  for (const r of attempts) {
    const answer = describeAnswer(r.response);
    const last = runs.at(-1);
    if (last?.answer === answer) last.n++;
    else runs.push({ answer, n: 1 });
  }
  return runs.map(({ answer, n }) => (n > 1 ? `${answer} ×${n}` : answer)).join(', ');
}
