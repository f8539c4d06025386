// Drift findings rendered for people and machines: plain text (one line each), Markdown (counts,
// then findings by severity, those affecting a consumer first) and JSON (deterministic). Generic
// over any DriftFinding list — spec diffs, live replays and recordings checks all use it.
import path from 'node:path';
import type { Location } from '../spec/types.js';
import type { DriftFinding, DriftSeverity } from './types.js';

export interface DriftReport {
  title: string;
  findings: DriftFinding[];
}

export interface RenderOptions {
  /** Locations are shown relative to this folder (usually the working directory). */
  relativeTo?: string;
}

const SEVERITIES: DriftSeverity[] = ['breaking', 'warning', 'info'];

export function countBySeverity(findings: DriftFinding[]): Record<DriftSeverity, number> {
  const counts: Record<DriftSeverity, number> = { breaking: 0, warning: 0, info: 0 };
  for (const f of findings) counts[f.severity]++;
  return counts;
}

/** Affecting a consumer first, then in the order given (a stable sort). */
function affectingFirst(findings: DriftFinding[]): DriftFinding[] {
  const rank = (f: DriftFinding) => ((f.affects?.length ?? 0) > 0 ? 0 : 1);
  return findings.map((f, i) => ({ f, i })).sort((a, b) => rank(a.f) - rank(b.f) || a.i - b.i).map((x) => x.f);
}

function place(at: Location | undefined, options: RenderOptions): string {
  if (!at) return '—';
  const file = options.relativeTo !== undefined ? path.relative(options.relativeTo, at.file) || at.file : at.file;
  return `${file}#${at.pointer}`;
}

function where(f: DriftFinding, options: RenderOptions): string {
  if (!f.old && !f.new) return '';
  return `(old: ${place(f.old, options)} → new: ${place(f.new, options)})`;
}

/** `BREAKING response-property-removed GET /v1/x  $.field  message  (old: file#ptr → new: file#ptr)` */
export function formatFinding(f: DriftFinding, options: RenderOptions = {}): string {
  const head = [f.severity.toUpperCase(), f.check, f.operation].filter((p) => p !== undefined).join(' ');
  const affects = f.affects && f.affects.length > 0 ? `[affects ${f.affects.join(', ')}]` : '';
  return [head, f.field, f.message, affects, where(f, options)].filter((p) => p !== undefined && p !== '').join('  ');
}

export function renderText(report: DriftReport, options: RenderOptions = {}): string {
  const counts = countBySeverity(report.findings);
  const lines = affectingFirst(report.findings).map((f) => formatFinding(f, options));
  lines.push(`${report.title}: ${counts.breaking} breaking, ${counts.warning} warning, ${counts.info} info`);
  return `${lines.join('\n')}\n`;
}

const md = (text: string) => text.replace(/[\\`*_|<>[\]]/g, (c) => `\\${c}`);
const code = (text: string) => `\`${text.replace(/`/g, "'")}\``;

export function renderMarkdown(report: DriftReport, options: RenderOptions = {}): string {
  const counts = countBySeverity(report.findings);
  const out = [`# ${md(report.title)}`, '', '| severity | findings |', '|---|---:|'];
  for (const s of SEVERITIES) out.push(`| ${s} | ${counts[s]} |`);
  if (report.findings.length === 0) return `${[...out, '', 'No changes found.'].join('\n')}\n`;
  for (const s of SEVERITIES) {
    const group = affectingFirst(report.findings.filter((f) => f.severity === s));
    if (group.length === 0) continue;
    out.push('', `## ${s} (${group.length})`, '', '| check | operation | field | what | affects | where |', '|---|---|---|---|---|---|');
    for (const f of group) {
      out.push(
        `| ${code(f.check)} | ${f.operation ? code(f.operation) : ''} | ${f.field ? code(f.field) : ''} | ${md(f.message)} | ${md((f.affects ?? []).join(', '))} | ${md(where(f, options))} |`,
      );
    }
  }
  return `${out.join('\n')}\n`;
}

/** Stable key order, findings in the given order (affecting first), 2-space indent, trailing newline. */
export function renderJson(report: DriftReport, options: RenderOptions = {}): string {
  const loc = (at: Location | undefined) =>
    at ? { file: options.relativeTo !== undefined ? path.relative(options.relativeTo, at.file) || at.file : at.file, pointer: at.pointer } : undefined;
  const findings = affectingFirst(report.findings).map((f) => ({
    check: f.check,
    severity: f.severity,
    operation: f.operation,
    field: f.field,
    message: f.message,
    old: loc(f.old),
    new: loc(f.new),
    affects: f.affects,
  }));
  return `${JSON.stringify({ title: report.title, counts: countBySeverity(report.findings), findings }, null, 2)}\n`;
}
