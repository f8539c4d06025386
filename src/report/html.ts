// The gate as one self-contained HTML page: inline CSS, no script, nothing fetched. A summary, an
// index, then every scenario (failed first) with its SVG timeline and its verdicts beside it.
// Everything from a run (paths, bodies, connector output, summaries) is escaped.
import type { ObservedRequest, Verdict } from '../judge/types.js';
import { markKind, MARK_COLOURS, renderTimeline, WINDOW_COLOUR, type MarkKind } from './timeline.js';
import { clockText, durationText, escapeXmlText as text, outcomeText, planText, tail, verdictMark } from './text.js';
import { scenarioFailed, type GateReport, type ScenarioResult } from './types.js';

/** Connector output shown per scenario: the end of it, where the failure usually is. */
const OUTPUT_TAIL = 20_000;

const CSS = `
*{box-sizing:border-box}
body{margin:0;padding:24px 32px;font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#212529;background:#fff}
h1{font-size:22px;margin:0 0 4px}
h2{font-size:17px;margin:0 0 4px}
code,pre{font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
pre{background:#f8f9fa;border:1px solid #e9ecef;padding:8px;overflow:auto;max-height:320px;white-space:pre-wrap;word-break:break-all}
.pass{color:#2b8a3e}.fail{color:#c92a2a}.error{color:#d9480f}.vacuous{color:#868e96}
.headline{font-size:15px;margin:4px 0 12px}
.legend{display:flex;flex-wrap:wrap;gap:6px 16px;font-size:12px;color:#495057;margin:8px 0 16px}
.legend span{display:inline-flex;align-items:center;gap:5px}
.legend i{display:inline-block;width:16px;height:8px;border-radius:1px}
.index{margin:0 0 20px;padding-left:28px;font-size:13px}
.index a{color:inherit}
section.scenario{border:1px solid #dee2e6;border-left:5px solid #2f9e44;border-radius:4px;padding:12px 16px;margin:0 0 18px}
section.scenario.failed{border-left-color:#e03131}
section.scenario.errored{border-left-color:#f76707}
.meta{color:#495057;font-size:13px;margin:0 0 8px}
.errorbox{background:#fff4e6;border:1px solid #ffc078;padding:6px 10px;margin:0 0 8px;white-space:pre-wrap}
.body{display:flex;flex-wrap:wrap;gap:12px;align-items:flex-start}
.timeline-box{overflow-x:auto;max-width:100%;flex:0 1 auto}
.verdicts{list-style:none;margin:0;padding:0;flex:1 1 260px;min-width:260px;font-size:13px}
.verdicts li{padding:3px 0;border-bottom:1px solid #f1f3f5}
.verdicts .mark{display:inline-block;width:1.2em;font-weight:700}
.verdicts code{font-weight:600}
details{margin:6px 0 0}
summary{cursor:pointer;color:#495057;font-size:13px}
table.requests{border-collapse:collapse;font-size:12px}
table.requests td,table.requests th{padding:2px 8px;border-bottom:1px solid #f1f3f5;text-align:left;white-space:nowrap}
`;

const LEGEND: [MarkKind, string][] = [
  ['ok', '2xx'],
  ['client-error', '4xx'],
  ['rate-limited', '429'],
  ['server-error', '5xx'],
  ['network', 'network fault (kind)'],
];

function legend(): string {
  const items = LEGEND.map(([kind, label]) => `<span><i style="background:${MARK_COLOURS[kind]}"></i>${label}</span>`);
  items.push(`<span><i style="border:1.5px solid ${MARK_COLOURS.hang};border-right:none;background:#efeafd"></i>hang (open-ended to the end of the run)</span>`);
  items.push(`<span><i style="background:${WINDOW_COLOUR};opacity:.25;border-right:2px dashed ${WINDOW_COLOUR}"></i>Retry-After window (no retry before its dashed edge)</span>`);
  items.push('<span><i style="border-top:1.5px dashed #495057;height:0"></i>attempts of one call</span>');
  items.push('<span>│ arrival · bar to the answer · label: injected fault id or status · hover a mark for details</span>');
  return `<div class="legend">${items.join('')}</div>`;
}

function verdictItem(v: Verdict): string {
  const cls = !v.ok ? 'fail' : v.vacuous === true ? 'vacuous' : 'pass';
  const evidence = v.ok ? '' : `<details><summary>evidence</summary><pre>${text(JSON.stringify(v.evidence, null, 2))}</pre></details>`;
  return `<li class="${cls}"><span class="mark">${verdictMark(v)}</span><code>${text(v.rule)}</code>${v.vacuous === true ? ' <em>(vacuous)</em>' : ''} <span class="summary">${text(v.summary)}</span>${evidence}</li>`;
}

function answerText(r: ObservedRequest): string {
  const res = r.response;
  if ('fault' in res) return res.fault;
  if ('miss' in res) return '404 no stub';
  return String(res.status);
}

function requestTable(requests: ObservedRequest[]): string {
  const rows = requests.map(
    (r) =>
      `<tr><td>${r.seq}</td><td>${clockText(r.at)}</td><td>${r.response.at === undefined ? '—' : clockText(r.response.at)}</td><td>${text(r.partner)}</td>` +
      `<td style="color:${MARK_COLOURS[markKind(r)]}">${text(answerText(r))}</td><td>${text(r.injected ?? '')}</td><td>${text(r.method)} ${text(r.path)}</td></tr>`,
  );
  return `<details><summary>${requests.length} request${requests.length === 1 ? '' : 's'} as a table</summary><table class="requests"><tr><th>#</th><th>arrived</th><th>answered</th><th>partner</th><th>answer</th><th>injected</th><th>request</th></tr>${rows.join('')}</table></details>`;
}

function scenarioSection(s: ScenarioResult, id: string): string {
  const state = s.error !== undefined ? 'errored' : scenarioFailed(s) ? 'failed' : 'passed';
  const mark = state === 'errored' ? '⚠' : state === 'failed' ? '✗' : '✓';
  const markClass = state === 'errored' ? 'error' : state === 'failed' ? 'fail' : 'pass';
  const parts = [
    `<section class="scenario ${state}" id="${id}">`,
    `<h2><span class="${markClass}">${mark}</span> ${text(s.suite)} › ${text(s.name)}</h2>`,
    `<p class="meta">${text(s.connector)} on ${text(s.engine)} · ${durationText(s.durationMs)} · seed <b>${s.plan.seed}</b> · plan: ${text(planText(s.plan))} · connector ${text(outcomeText(s.outcome))}</p>`,
  ];
  if (s.error !== undefined) parts.push(`<div class="errorbox"><b>Could not run:</b> ${text(s.error)}</div>`);
  parts.push(`<div class="body"><div class="timeline-box">${renderTimeline(s)}</div>`);
  parts.push(`<ul class="verdicts">${s.verdicts.map(verdictItem).join('')}</ul></div>`);
  if (s.requests.length > 0) parts.push(requestTable(s.requests));
  for (const [name, output] of [['stdout', s.outcome.stdout], ['stderr', s.outcome.stderr]] as const) {
    if (output !== '') parts.push(`<details><summary>connector ${name}</summary><pre>${text(tail(output, OUTPUT_TAIL))}</pre></details>`);
  }
  parts.push('</section>');
  return parts.join('\n');
}

/** The report as one HTML page. */
export function renderHtml(report: GateReport): string {
  // Failed first (errored among them), each group in the order given.
  const indexed = report.scenarios.map((s, i) => ({ s, id: `scenario-${i + 1}` }));
  const ordered = [...indexed.filter(({ s }) => scenarioFailed(s)), ...indexed.filter(({ s }) => !scenarioFailed(s))];
  const failed = ordered.filter(({ s }) => scenarioFailed(s)).length;
  const errored = report.scenarios.filter((s) => s.error !== undefined).length;
  const passed = report.scenarios.length - failed;
  const title = failed === 0 ? `Seam gate passed: ${passed} scenarios` : `Seam gate failed: ${failed} of ${report.scenarios.length} scenarios`;
  const index = ordered.map(({ s, id }) => {
    const cls = s.error !== undefined ? 'error' : scenarioFailed(s) ? 'fail' : 'pass';
    const mark = s.error !== undefined ? '⚠' : scenarioFailed(s) ? '✗' : '✓';
    const rules = s.verdicts.filter((v) => !v.ok).map((v) => v.rule);
    return `<li><span class="${cls}">${mark}</span> <a href="#${id}">${text(s.suite)} › ${text(s.name)}</a>${rules.length > 0 ? ` <small class="fail">${text(rules.join(', '))}</small>` : ''}</li>`;
  });
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${text(title)}</title>`,
    `<style>${CSS}</style>`,
    '</head>',
    '<body>',
    `<h1>Seam gate <span class="${failed === 0 ? 'pass' : 'fail'}">${failed === 0 ? 'passed' : 'failed'}</span></h1>`,
    `<p class="headline"><b class="pass">${passed} passed</b> · <b class="fail">${failed} failed</b>${errored > 0 ? ` (${errored} errored)` : ''} of ${report.scenarios.length} scenarios · ${durationText(report.durationMs)} · started ${text(report.startedAt)}</p>`,
    legend(),
    `<ol class="index">${index.join('')}</ol>`,
    ...ordered.map(({ s, id }) => scenarioSection(s, id)),
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
