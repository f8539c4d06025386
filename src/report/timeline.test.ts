import { describe, expect, it } from 'vitest';
import type { ObservedRequest } from '../judge/types.js';
import { renderTimeline } from './timeline.js';
import type { ScenarioResult } from './types.js';

function scenario(requests: ObservedRequest[], endedAt = 1000): ScenarioResult {
  return {
    suite: 's',
    name: 'n',
    connector: 'c',
    engine: 'embedded',
    plan: { seed: 1, rules: [] },
    verdicts: [],
    requests,
    outcome: { exitCode: 0, timedOut: false, startedAt: 0, endedAt, stdout: '', stderr: '' },
    durationMs: endedAt,
  };
}

function req(seq: number, at: number, response: ObservedRequest['response'], extra: Partial<ObservedRequest> = {}): ObservedRequest {
  return { partner: 'p', seq, at, method: 'POST', path: '/x', query: {}, headers: {}, stubId: 's', response, ...extra };
}

/** Each request mark's arrival x and row centre y, by seq. */
function marks(svg: string): Map<number, { x: number; y: number }> {
  const out = new Map<number, { x: number; y: number }>();
  for (const m of svg.matchAll(/<g class="req [\w-]+"><title>#(\d+)[^<]*<\/title><line x1="([\d.]+)" y1="([\d.]+)" x2="[\d.]+" y2="([\d.]+)"/g)) {
    out.set(Number(m[1]), { x: Number(m[2]), y: (Number(m[3]) + Number(m[4])) / 2 });
  }
  return out;
}

describe('renderTimeline', () => {
  it('stacks a burst into rows instead of drawing marks over each other, up to 16 rows a lane', () => {
    const burst = Array.from({ length: 20 }, (_, i) => req(i + 1, 100 + i * 0.1, { status: 200, headers: {}, at: 105 }, { path: `/x/${i}` }));
    const rows = new Set([...marks(renderTimeline(scenario(burst))).values()].map((m) => m.y));
    expect(rows.size).toBe(16);
  });

  it('keeps a retry after its Retry-After window on the row of the 429, joined by a straight line', () => {
    const body = { json: { a: 1 } };
    const svg = renderTimeline(
      scenario([
        req(1, 0, { status: 429, headers: { 'retry-after': '1' }, at: 2 }, { body }),
        req(2, 1500, { status: 201, headers: {}, at: 1503 }, { body }),
      ], 2000),
    );
    const m = marks(svg);
    expect(m.get(1)?.y).toBe(m.get(2)?.y);
    expect(svg).toContain('<title>Retry-After: 1 on #1 (answered 2 ms): no retry before 1002 ms</title>');
    expect([...svg.matchAll(/<path class="chain" d="M[\d.]+ [\d.]+H[\d.]+"/g)]).toHaveLength(1);
  });

  it('draws a too-early retry inside the window on the same row, and other calls elsewhere', () => {
    const body = { json: { a: 1 } };
    const svg = renderTimeline(
      scenario([
        req(1, 0, { status: 429, headers: { 'retry-after': '1' }, at: 2 }, { body }),
        req(2, 400, { status: 200, headers: {} , at: 401 }, { path: '/other' }),
        req(3, 500, { status: 201, headers: {}, at: 503 }, { body }),
      ]),
    );
    const m = marks(svg);
    expect(m.get(3)?.y).toBe(m.get(1)?.y);
    expect(m.get(2)?.y).not.toBe(m.get(1)?.y);
  });

  it('does not chain a call after a success, nor different bodies', () => {
    const svg = renderTimeline(
      scenario([
        req(1, 0, { status: 201, headers: {}, at: 2 }, { body: { json: { a: 1 } } }),
        req(2, 10, { status: 201, headers: {}, at: 12 }, { body: { json: { a: 1 } } }),
        req(3, 20, { status: 500, headers: {}, at: 22 }, { body: { json: { a: 2 } } }),
        req(4, 30, { status: 201, headers: {}, at: 32 }, { body: { json: { a: 3 } } }),
      ]),
    );
    expect(svg).not.toContain('class="chain"');
  });

  it('says when a Retry-After date cannot be placed on the clock', () => {
    const svg = renderTimeline(scenario([req(1, 0, { status: 429, headers: { 'retry-after': 'Tue, 04 Mar 2025 05:06:09 GMT' }, at: 2 })]));
    expect(svg).not.toContain('class="retry-after"');
    expect(svg).toContain('Retry-After: Tue, 04 Mar 2025 05:06:09 GMT (no Date header to place it on the clock)');
  });

  it('draws a hang open-ended to the end of the clock, and labels ticks in ms', () => {
    const svg = renderTimeline(scenario([req(1, 100, { fault: 'hang' }, { injected: 'hang' })], 1000));
    expect(svg).toMatch(/<g class="req hang"><title>#1 POST \/x → hang \(never answered\)\narrived 100 ms, never answered\ninjected fault: hang<\/title>/);
    // the plot spans 130 → 890 px; the clock ends 2% after the run, 1020 ms
    expect(svg).toContain('<path d="M888 ');
    expect(svg).toMatch(/L890 [\d.]+L884 /);
    expect([...svg.matchAll(/text-anchor="middle" fill="#495057">(\d+)</g)].map((m) => m[1])).toEqual(['0', '100', '200', '300', '400', '500', '600', '700', '800', '900', '1000']);
  });
});
