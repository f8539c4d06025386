// One scenario's timeline as inline SVG: x is time on the scenario clock, one lane for the
// connector's run and one per partner. Each request is a tick at its arrival and a bar to its
// answer, coloured by outcome; Retry-After windows are shaded; attempts of one call are joined.
// Readable at ~100 requests: marks that would overlap (labels included) go to a new row of their
// lane, so a burst stacks instead of smearing into one blot.
import { sortDeep } from '../exchange/canonical.js';
import type { MultiMap } from '../exchange/types.js';
import type { ObservedRequest } from '../judge/types.js';
import { retryAfter } from './retry-after.js';
import { clockText, durationText, escapeXml, escapeXmlText, outcomeText } from './text.js';
import type { ScenarioResult } from './types.js';

const LABEL_W = 130;
const PLOT_W = 760;
const RIGHT_W = 90;
const AXIS_H = 28;
const ROW_H = 16;
const LANE_PAD = 5;
const MAX_ROWS = 16;
const BAR_H = 8;
/** Rough width of one glyph at the labels' 9.5px, to keep labels from overlapping. */
const CHAR_W = 5.6;

export type MarkKind = 'ok' | 'redirect' | 'client-error' | 'rate-limited' | 'server-error' | 'network' | 'hang' | 'miss';

/** Outcome colours; the HTML legend uses the same table. */
export const MARK_COLOURS: Record<MarkKind, string> = {
  ok: '#2f9e44',
  redirect: '#868e96',
  'client-error': '#f08c00',
  'rate-limited': '#1971c2',
  'server-error': '#e03131',
  network: '#7048e8',
  hang: '#7048e8',
  miss: '#f08c00',
};
export const WINDOW_COLOUR = '#1971c2';

export function markKind(r: ObservedRequest): MarkKind {
  const res = r.response;
  if ('fault' in res) return res.fault === 'hang' ? 'hang' : 'network';
  if ('miss' in res) return 'miss';
  if (res.status === 429) return 'rate-limited';
  if (res.status >= 500) return 'server-error';
  if (res.status >= 400) return 'client-error';
  return res.status >= 300 ? 'redirect' : 'ok';
}

/** The words beside a mark: the injected fault id, the network fault's kind, or a 4xx/5xx status. */
function markLabel(r: ObservedRequest): string | undefined {
  const res = r.response;
  if ('fault' in res) return r.injected ?? res.fault;
  if ('miss' in res) return '404 no stub';
  if (r.injected !== undefined) return `${res.status} ${r.injected}`;
  return res.status >= 400 ? String(res.status) : undefined;
}

function queryText(query: MultiMap): string {
  const parts: string[] = [];
  for (const [name, value] of Object.entries(query)) {
    for (const v of Array.isArray(value) ? value : [value]) parts.push(`${name}=${v}`);
  }
  return parts.length === 0 ? '' : `?${parts.join('&')}`;
}

function responseText(r: ObservedRequest): string {
  const res = r.response;
  if ('fault' in res) return res.fault === 'hang' ? 'hang (never answered)' : `network fault: ${res.fault}`;
  if ('miss' in res) return '404 (no stub matched)';
  return String(res.status);
}

/** 1, 2 or 5 × 10^k, giving about `target` ticks over `range`. */
function niceStep(range: number, target: number): number {
  const raw = range / target;
  const power = 10 ** Math.floor(Math.log10(raw));
  const m = raw / power;
  return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * power;
}

function n(v: number): number {
  return Number(v.toFixed(1));
}

interface Mark {
  request: ObservedRequest;
  kind: MarkKind;
  x1: number;
  x2: number;
  label: string | undefined;
  lane: number;
  row: number;
  attempt: number;
  previous: Mark | undefined;
  window: { from: number; to: number; value: string } | undefined;
  unplacedRetryAfter: string | undefined;
}

/** How far a row is taken: by bars and labels, and by a Retry-After window that only its own call's next attempt may enter. */
interface Row {
  end: number;
  windowEnd: number;
  windowOwner: Mark | undefined;
}

interface Lane {
  name: string;
  marks: Mark[];
  rows: Row[];
  top: number;
  height: number;
}

/** The same call again: partner, method, path, query and body; a new attempt only follows a failed one. */
function callKey(r: ObservedRequest): string {
  return JSON.stringify([r.partner, r.method, r.path, sortDeep(r.query), r.body === undefined ? null : sortDeep(r.body)]);
}

function failed(mark: Mark): boolean {
  return (mark.kind !== 'ok' && mark.kind !== 'redirect') || mark.request.injected !== undefined;
}

/** The SVG (no XML declaration, for inlining in HTML) of one scenario's timeline. */
export function renderTimeline(scenario: ScenarioResult): string {
  const { outcome } = scenario;
  const requests = [...scenario.requests].sort((a, b) => a.at - b.at || a.seq - b.seq);

  // The clock's extent: everything drawn must fit, Retry-After windows included.
  const windows = new Map<ObservedRequest, { from: number; to: number; value: string } | string>();
  let t0 = Math.min(0, outcome.startedAt);
  let tEnd = Math.max(outcome.endedAt, outcome.startedAt);
  for (const r of requests) {
    t0 = Math.min(t0, r.at);
    tEnd = Math.max(tEnd, r.at, r.response.at ?? r.at);
    if ('status' in r.response && !('miss' in r.response)) {
      const ra = retryAfter(r.response.headers);
      if (ra === undefined) continue;
      if (ra.delayMs === undefined) {
        windows.set(r, ra.value);
        continue;
      }
      const window = { from: r.response.at, to: r.response.at + ra.delayMs, value: ra.value };
      windows.set(r, window);
      tEnd = Math.max(tEnd, window.to);
    }
  }
  if (tEnd <= t0) tEnd = t0 + 1;
  const step = niceStep(tEnd - t0, 10);
  const domainEnd = tEnd + (tEnd - t0) * 0.02;
  const x = (t: number): number => LABEL_W + ((t - t0) / (domainEnd - t0)) * PLOT_W;
  const plotEnd = LABEL_W + PLOT_W;

  // Lanes: the connector's run, then each partner in order of its first request.
  const lanes: Lane[] = [];
  const laneOf = new Map<string, Lane>();
  for (const r of requests) {
    if (laneOf.has(r.partner)) continue;
    const lane: Lane = { name: r.partner, marks: [], rows: [], top: 0, height: 0 };
    lanes.push(lane);
    laneOf.set(r.partner, lane);
  }

  const lastOfCall = new Map<string, Mark>();
  for (const r of requests) {
    const lane = laneOf.get(r.partner) as Lane;
    const kind = markKind(r);
    const x1 = x(r.at);
    const x2 = kind === 'hang' || r.response.at === undefined ? plotEnd : Math.max(x(r.response.at), x1 + 2);
    const label = markLabel(r);
    // A hang's label sits inside its bar; others after the bar's end.
    const occupiedTo = kind === 'hang' ? plotEnd : x2 + (label === undefined ? 0 : 3 + label.length * CHAR_W) + 3;
    const key = callKey(r);
    const before = lastOfCall.get(key);
    const previous = before !== undefined && failed(before) ? before : undefined;
    const w = windows.get(r);

    // A retry goes on its previous attempt's row when it fits, so a chain reads left to right and
    // a retry inside the window is drawn inside it; otherwise the first free row.
    const fits = (row: Row): boolean => row.end <= x1 - 1 && (row.windowEnd <= x1 - 1 || row.windowOwner === previous);
    let row = previous !== undefined && fits(lane.rows[previous.row] as Row) ? previous.row : lane.rows.findIndex(fits);
    if (row === -1 && lane.rows.length < MAX_ROWS) row = lane.rows.length;
    if (row === -1) {
      const ends = lane.rows.map((r) => Math.max(r.end, r.windowEnd));
      row = ends.indexOf(Math.min(...ends));
    }
    const taken = (lane.rows[row] ??= { end: 0, windowEnd: 0, windowOwner: undefined });
    taken.end = Math.max(taken.end, occupiedTo);
    if (typeof w === 'object') Object.assign(taken, { windowEnd: Math.max(taken.windowEnd, x(w.to)), windowOwner: undefined });
    const mark: Mark = {
      request: r,
      kind,
      x1,
      x2,
      label,
      lane: lanes.indexOf(lane),
      row,
      attempt: previous === undefined ? 1 : previous.attempt + 1,
      previous,
      window: typeof w === 'object' ? w : undefined,
      unplacedRetryAfter: typeof w === 'string' ? w : undefined,
    };
    if (mark.window !== undefined) taken.windowOwner = mark;
    lastOfCall.set(key, mark);
    lane.marks.push(mark);
  }

  const connectorTop = AXIS_H;
  const connectorHeight = ROW_H + 2 * LANE_PAD;
  let y = connectorTop + connectorHeight;
  for (const lane of lanes) {
    lane.top = y;
    lane.height = Math.max(1, lane.rows.length) * ROW_H + 2 * LANE_PAD;
    y += lane.height;
  }
  const height = y + 6;
  const width = LABEL_W + PLOT_W + RIGHT_W;
  const rowMid = (lane: Lane, row: number): number => lane.top + LANE_PAD + row * ROW_H + ROW_H / 2;

  const out: string[] = [];
  out.push(
    `<svg class="timeline" width="${width}" height="${n(height)}" viewBox="0 0 ${width} ${n(height)}" role="img" aria-label="${escapeXml(`Timeline of ${scenario.suite} › ${scenario.name}: ${requests.length} requests`)}" font-family="system-ui, -apple-system, 'Segoe UI', sans-serif" font-size="10">`,
  );

  // Lane backgrounds and names.
  out.push(`<rect x="0" y="${connectorTop}" width="${width}" height="${connectorHeight}" fill="#f1f3f5"/>`);
  out.push(`<text x="6" y="${n(connectorTop + connectorHeight / 2 + 3.5)}" font-weight="600">connector</text>`);
  lanes.forEach((lane, i) => {
    out.push(`<rect x="0" y="${n(lane.top)}" width="${width}" height="${n(lane.height)}" fill="${i % 2 === 0 ? '#ffffff' : '#f8f9fa'}"/>`);
    out.push(`<line x1="0" y1="${n(lane.top)}" x2="${width}" y2="${n(lane.top)}" stroke="#e9ecef"/>`);
    const name = lane.name.length > 15 ? `${lane.name.slice(0, 14)}…` : lane.name;
    out.push(
      `<text x="6" y="${n(lane.top + LANE_PAD + ROW_H / 2 + 3.5)}"><title>${escapeXmlText(`${lane.name}: ${lane.marks.length} requests`)}</title>` +
        `<tspan font-weight="600">${escapeXmlText(name)}</tspan><tspan fill="#868e96"> (${lane.marks.length})</tspan></text>`,
    );
  });

  // Axis: ticks labelled in ms, grid lines through every lane.
  out.push(`<text x="6" y="16" fill="#495057">ms</text>`);
  out.push(`<line x1="${LABEL_W}" y1="${AXIS_H - 4}" x2="${plotEnd}" y2="${AXIS_H - 4}" stroke="#adb5bd"/>`);
  for (let i = Math.ceil(t0 / step); i * step <= domainEnd; i++) {
    const t = i * step;
    const tx = n(x(t));
    out.push(`<line x1="${tx}" y1="${AXIS_H - 8}" x2="${tx}" y2="${n(height - 6)}" stroke="#dee2e6" stroke-width="${t === 0 ? 1.5 : 1}"/>`);
    out.push(`<text x="${tx}" y="16" text-anchor="middle" fill="#495057">${Number(t.toFixed(6))}</text>`);
  }

  // The connector's run.
  {
    const x1 = x(outcome.startedAt);
    const x2 = Math.max(x(outcome.endedAt), x1 + 2);
    const bad = outcome.timedOut || outcome.exitCode !== 0;
    const mid = connectorTop + connectorHeight / 2;
    const label = outcome.timedOut ? `timed out · ${durationText(outcome.endedAt - outcome.startedAt)}` : outcomeText(outcome);
    const short = label.length > 40 ? `${label.slice(0, 39)}…` : label;
    const inside = x2 - x1 > short.length * CHAR_W + 10;
    out.push(
      `<g class="run"><title>${escapeXmlText(`${scenario.connector}: ${outcomeText(outcome)}\nstarted ${clockText(outcome.startedAt)}, ended ${clockText(outcome.endedAt)}`)}</title>` +
        `<rect x="${n(x1)}" y="${n(mid - 6)}" width="${n(x2 - x1)}" height="12" rx="2" fill="${bad ? '#ffe3e3' : '#d3f9d8'}" stroke="${bad ? '#e03131' : '#2f9e44'}"/>` +
        `<text x="${n(inside ? x1 + 5 : x2 + 4)}" y="${n(mid + 3.5)}" fill="${bad ? '#c92a2a' : '#2b8a3e'}" font-weight="600">${escapeXmlText(short)}</text></g>`,
    );
  }

  // Retry-After windows under the marks, in their answer's row: the call's next attempt belongs after the dashed edge.
  for (const lane of lanes) {
    for (const mark of lane.marks) {
      if (mark.window === undefined) continue;
      const wx1 = x(mark.window.from);
      const wx2 = x(mark.window.to);
      const top = rowMid(lane, mark.row) - ROW_H / 2 + 1;
      out.push(
        `<g class="retry-after"><title>${escapeXmlText(`Retry-After: ${mark.window.value} on #${mark.request.seq} (answered ${clockText(mark.window.from)}): no retry before ${clockText(mark.window.to)}`)}</title>` +
          `<rect x="${n(wx1)}" y="${n(top)}" width="${n(Math.max(wx2 - wx1, 1))}" height="${ROW_H - 2}" fill="${WINDOW_COLOUR}" fill-opacity="0.15"/>` +
          `<line x1="${n(wx2)}" y1="${n(top)}" x2="${n(wx2)}" y2="${n(top + ROW_H - 2)}" stroke="${WINDOW_COLOUR}" stroke-width="1.5" stroke-dasharray="3 2"/></g>`,
      );
    }
  }

  // Requests.
  for (const lane of lanes) {
    for (const mark of lane.marks) {
      const r = mark.request;
      const mid = rowMid(lane, mark.row);
      const colour = MARK_COLOURS[mark.kind];
      const lines = [`#${r.seq} ${r.method} ${r.path}${queryText(r.query)} → ${responseText(r)}`];
      if (r.operation !== undefined) lines.push(`operation: ${r.operation}`);
      lines.push(
        r.response.at === undefined
          ? `arrived ${clockText(r.at)}, never answered`
          : `arrived ${clockText(r.at)}, answered ${clockText(r.response.at)} (${clockText(r.response.at - r.at)})`,
      );
      if (r.injected !== undefined) lines.push(`injected fault: ${r.injected}`);
      if (mark.attempt > 1) lines.push(`attempt ${mark.attempt} of this call`);
      if (mark.window !== undefined) lines.push(`Retry-After: ${mark.window.value} → no retry before ${clockText(mark.window.to)}`);
      if (mark.unplacedRetryAfter !== undefined) lines.push(`Retry-After: ${mark.unplacedRetryAfter} (no Date header to place it on the clock)`);
      const parts = [`<g class="req ${mark.kind}"><title>${escapeXmlText(lines.join('\n'))}</title>`];
      parts.push(`<line x1="${n(mark.x1)}" y1="${n(mid - ROW_H / 2 + 1)}" x2="${n(mark.x1)}" y2="${n(mid + ROW_H / 2 - 1)}" stroke="${colour}" stroke-width="2"/>`);
      const top = n(mid - BAR_H / 2);
      if (mark.kind === 'hang') {
        // Open-ended: no right edge, an arrow at the end of the clock.
        parts.push(`<rect x="${n(mark.x1)}" y="${top}" width="${n(mark.x2 - mark.x1)}" height="${BAR_H}" fill="${colour}" fill-opacity="0.15"/>`);
        parts.push(
          `<path d="M${n(mark.x2 - 2)} ${top}H${n(mark.x1)}V${n(top + BAR_H)}H${n(mark.x2 - 2)}M${n(mark.x2 - 6)} ${n(mid - 5)}L${n(mark.x2)} ${n(mid)}L${n(mark.x2 - 6)} ${n(mid + 5)}" fill="none" stroke="${colour}" stroke-width="1.5"/>`,
        );
      } else {
        parts.push(`<rect x="${n(mark.x1)}" y="${top}" width="${n(mark.x2 - mark.x1)}" height="${BAR_H}" rx="1" fill="${colour}"${mark.kind === 'network' ? ' fill-opacity="0.6"' : ''}/>`);
      }
      if (mark.label !== undefined) {
        const lx = mark.kind === 'hang' ? mark.x1 + 5 : mark.x2 + 3;
        parts.push(`<text class="fault-label" x="${n(lx)}" y="${n(mid + 3.5)}" font-size="9.5" fill="${mark.kind === 'hang' ? colour : '#343a40'}">${escapeXmlText(mark.label)}</text>`);
      }
      parts.push('</g>');
      out.push(parts.join(''));
    }
  }

  // Attempts of one call joined, from where the last attempt ended (or began, for a hang).
  for (const lane of lanes) {
    for (const mark of lane.marks) {
      const prev = mark.previous;
      if (prev === undefined) continue;
      const ax = prev.kind === 'hang' ? prev.x1 : prev.x2;
      const ay = rowMid(lane, prev.row);
      const bx = mark.x1;
      const by = rowMid(lane, mark.row);
      // On one row: a line just under the bars (clear of the labels); across rows: an S-curve.
      const under = BAR_H / 2 + 2;
      const d =
        prev.row === mark.row
          ? `M${n(ax)} ${n(ay + under)}H${n(bx)}`
          : `M${n(ax)} ${n(ay)}C${n((ax + bx) / 2)} ${n(ay)} ${n((ax + bx) / 2)} ${n(by)} ${n(bx)} ${n(by)}`;
      out.push(`<path class="chain" d="${d}" fill="none" stroke="#495057" stroke-width="1" stroke-dasharray="3 2"><title>${escapeXmlText(`attempt ${mark.attempt}: #${prev.request.seq} → #${mark.request.seq}`)}</title></path>`);
    }
  }

  out.push('</svg>');
  return out.join('\n');
}
