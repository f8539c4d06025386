// Text shared by the report formats: escaping for XML/HTML and Markdown, and the short phrases
// (durations, plans, connector outcomes) every format prints the same way.
import type { CallSelector, FaultPlan } from '../faults/types.js';
import type { ConnectorOutcome, Verdict } from '../judge/types.js';

// Characters XML 1.0 cannot carry at all (not even as &#…;), and unpaired surrogates. Connector
// output holds ANSI escapes and worse; they are shown as `\u001b` rather than breaking the file.
const NOT_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

function visibleCode(char: string): string {
  return `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/** Text or attribute content for XML, HTML and inline SVG. Tabs and newlines are kept as character references so attributes keep them too. */
export function escapeXml(text: string): string {
  return text
    .replace(NOT_XML, visibleCode)
    .replace(/[&<>"'\t\n\r]/g, (c) => {
      switch (c) {
        case '&':
          return '&amp;';
        case '<':
          return '&lt;';
        case '>':
          return '&gt;';
        case '"':
          return '&quot;';
        case "'":
          return '&#39;';
        case '\t':
          return '&#9;';
        case '\n':
          return '&#10;';
        default:
          return '&#13;';
      }
    });
}

/** Element content (not attributes): like escapeXml, but newlines and tabs stay literal so `<pre>` and CI logs read naturally. */
export function escapeXmlText(text: string): string {
  return text.replace(NOT_XML, visibleCode).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#13;');
}

/** One line of inline Markdown (a table cell, a bullet): no line breaks, no pipes, no markup or HTML from the data. */
export function escapeMarkdown(text: string): string {
  return text
    .replace(NOT_XML, visibleCode)
    .replace(/\r\n|\r|\n/g, ' ')
    .replace(/[\\`*_[\]|#~]/g, (c) => `\\${c}`)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

/** `850 ms`, `12.35 s`. */
export function durationText(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

/** A time on the scenario clock, to 0.1 ms: `1120.5 ms`. */
export function clockText(ms: number): string {
  return `${Number(ms.toFixed(1))} ms`;
}

function selectorText(when: CallSelector): string {
  if ('first' in when) return `first ${when.first}`;
  if ('every' in when) return `every ${when.every}`;
  if ('calls' in when) return `calls ${when.calls[0]}–${when.calls[1]}`;
  if ('probability' in when) return `p=${when.probability}`;
  return 'always';
}

/** `rate-limit on POST /v1/issues (first 1); reset on GET /api/v2/tickets (calls 2–3)`, or `no faults`. */
export function planText(plan: FaultPlan): string {
  if (plan.rules.length === 0) return 'no faults';
  return plan.rules.map((r) => `${r.fault} on ${r.target} (${selectorText(r.when)})`).join('; ');
}

/** `exit 0 after 1.20 s`, `timed out after 5.00 s`, `threw after 12 ms: boom`. */
export function outcomeText(outcome: ConnectorOutcome): string {
  const took = durationText(outcome.endedAt - outcome.startedAt);
  if (outcome.timedOut) return `timed out after ${took}`;
  if (outcome.exitCode !== null) return `exit ${outcome.exitCode} after ${took}`;
  return outcome.error !== undefined ? `threw after ${took}: ${outcome.error}` : `ended without an exit code after ${took}`;
}

/** ✓ passed, ✗ failed, ○ vacuous (passed with nothing to judge). */
export function verdictMark(v: Verdict): string {
  return !v.ok ? '✗' : v.vacuous === true ? '○' : '✓';
}

/** The last `max` characters of a long text, saying how much was cut. */
export function tail(text: string, max: number): string {
  return text.length <= max ? text : `… (${text.length - max} earlier characters cut)\n${text.slice(text.length - max)}`;
}
