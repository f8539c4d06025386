// The gate as a CI step summary ($GITHUB_STEP_SUMMARY): a headline, a table per suite with the
// failed scenarios in view and the passing ones folded away, then what failed and how to
// reproduce it. Short on purpose: a big matrix must not bury its few failures.
import { RULE_IDS, type RuleId } from '../judge/types.js';
import { durationText, escapeMarkdown as md, outcomeText, planText, verdictMark } from './text.js';
import { scenarioFailed, type GateReport, type ScenarioResult } from './types.js';

/** Failed scenarios detailed below the tables; the rest are counted (the HTML report has them all). */
const DETAILED_FAILURES = 50;

function bySuite(scenarios: ScenarioResult[]): Map<string, ScenarioResult[]> {
  const suites = new Map<string, ScenarioResult[]>();
  for (const s of scenarios) {
    const list = suites.get(s.suite);
    if (list === undefined) suites.set(s.suite, [s]);
    else list.push(s);
  }
  return suites;
}

/** The rules judged in these scenarios, in the catalogue's order. */
function rulesOf(scenarios: ScenarioResult[]): RuleId[] {
  const seen = new Set<RuleId>();
  for (const s of scenarios) for (const v of s.verdicts) seen.add(v.rule);
  const known: readonly RuleId[] = RULE_IDS;
  return [...known.filter((r) => seen.has(r)), ...[...seen].filter((r) => !known.includes(r))];
}

function result(s: ScenarioResult): string {
  return s.error !== undefined ? '⚠ error' : scenarioFailed(s) ? '✗ failed' : '✓ passed';
}

function table(scenarios: ScenarioResult[], rules: RuleId[]): string[] {
  const rows = [
    `| scenario | connector | result | ${rules.map((r) => `${md(r)} | `).join('')}duration |`,
    `|---|---|---|${rules.map(() => ':-:|').join('')}--:|`,
  ];
  for (const s of scenarios) {
    const cells = rules.map((rule) => {
      const v = s.verdicts.find((x) => x.rule === rule);
      return v === undefined ? '' : verdictMark(v);
    });
    rows.push(`| ${md(s.name)} | ${md(s.connector)} | ${result(s)} | ${cells.map((c) => `${c} | `).join('')}${durationText(s.durationMs)} |`);
  }
  return rows;
}

function suiteSection(name: string, scenarios: ScenarioResult[]): string[] {
  const failing = scenarios.filter(scenarioFailed);
  const passing = scenarios.filter((s) => !scenarioFailed(s));
  const rules = rulesOf(scenarios);
  const heading = failing.length === 0 ? `all ${passing.length} passed` : `${failing.length} failed, ${passing.length} passed`;
  const out = [`### ${md(name)}: ${heading}`, ''];
  if (failing.length > 0) out.push(...table(failing, rules), '');
  if (passing.length > 0) {
    out.push(`<details><summary>${passing.length} passing scenario${passing.length === 1 ? '' : 's'}</summary>`, '', ...table(passing, rules), '', '</details>', '');
  }
  return out;
}

function failureSection(s: ScenarioResult): string[] {
  const out = [
    `#### ${s.error !== undefined ? '⚠' : '✗'} ${md(s.suite)} › ${md(s.name)}`,
    '',
    `${md(s.connector)} on ${md(s.engine)} · reproduce with seed **${s.plan.seed}** · plan: ${md(planText(s.plan))} · connector ${md(outcomeText(s.outcome))}`,
    '',
  ];
  if (s.error !== undefined) out.push(`- ⚠ **error**: ${md(s.error)}`);
  for (const v of s.verdicts) if (!v.ok) out.push(`- ✗ **${md(v.rule)}**: ${md(v.summary)}`);
  out.push('');
  return out;
}

/** The report as GitHub-flavoured Markdown. */
export function renderMarkdown(report: GateReport): string {
  const total = report.scenarios.length;
  const failed = report.scenarios.filter(scenarioFailed);
  const errored = failed.filter((s) => s.error !== undefined).length;
  const passed = total - failed.length;
  const vacuous = report.scenarios.reduce((sum, s) => sum + s.verdicts.filter((v) => v.ok && v.vacuous === true).length, 0);
  const verdict = failed.length === 0 ? '✓ Seam gate passed' : '✗ Seam gate failed';
  const out = [
    `## ${verdict}: ${passed} passed, ${failed.length} failed${errored > 0 ? ` (${errored} errored)` : ''} of ${total} scenario${total === 1 ? '' : 's'} in ${durationText(report.durationMs)}`,
    '',
    `Started ${md(report.startedAt)}. ✓ passed · ✗ failed · ○ vacuous (nothing to judge: ${vacuous} verdict${vacuous === 1 ? '' : 's'}) · blank: rule not judged.`,
    '',
  ];
  for (const [name, scenarios] of bySuite(report.scenarios)) out.push(...suiteSection(name, scenarios));
  if (failed.length > 0) {
    out.push('### Failures', '');
    for (const s of failed.slice(0, DETAILED_FAILURES)) out.push(...failureSection(s));
    if (failed.length > DETAILED_FAILURES) out.push(`… and ${failed.length - DETAILED_FAILURES} more failed scenarios: see the HTML report.`, '');
  }
  return `${out.join('\n').trimEnd()}\n`;
}
