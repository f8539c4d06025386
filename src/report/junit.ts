// JUnit XML as CI test reporters read it (GitHub Actions reporters, GitLab, Jenkins): one
// <testsuite> per suite, one <testcase> per scenario. A scenario that could not run is an <error>;
// one with failed verdicts is a single <failure> (readers show only one) whose body lists them all.
import { planText, escapeXml as attr, escapeXmlText as text, outcomeText, tail, verdictMark } from './text.js';
import { scenarioFailed, type GateReport, type ScenarioResult } from './types.js';

/** Connector output kept in <system-err> of a failed scenario. */
const OUTPUT_TAIL = 10_000;

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

/** JUnit's schema wants a timestamp without a zone; ours are UTC. */
function timestamp(iso: string): string {
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}/.test(iso) ? iso.slice(0, 19) : iso;
}

interface Counts {
  tests: number;
  failures: number;
  errors: number;
  ms: number;
}

function count(scenarios: ScenarioResult[]): Counts {
  const c: Counts = { tests: 0, failures: 0, errors: 0, ms: 0 };
  for (const s of scenarios) {
    c.tests++;
    c.ms += s.durationMs;
    if (s.error !== undefined) c.errors++;
    else if (scenarioFailed(s)) c.failures++;
  }
  return c;
}

function failureBody(s: ScenarioResult): string {
  return s.verdicts
    .filter((v) => !v.ok)
    .map((v) => `${verdictMark(v)} ${v.rule}: ${v.summary}\nevidence: ${JSON.stringify(v.evidence, null, 2)}`)
    .join('\n\n');
}

function systemOut(s: ScenarioResult): string {
  const lines = [`seed: ${s.plan.seed}`, `plan: ${planText(s.plan)}`, `plan (JSON): ${JSON.stringify(s.plan)}`, `engine: ${s.engine}`, `connector: ${outcomeText(s.outcome)}`, `requests: ${s.requests.length}`];
  for (const v of s.verdicts) lines.push(`${verdictMark(v)} ${v.rule}${v.vacuous === true ? ' (vacuous: nothing to judge)' : ''}: ${v.summary}`);
  return lines.join('\n');
}

function testcase(s: ScenarioResult): string {
  const open = `    <testcase classname="${attr(`${s.suite}.${s.connector}`)}" name="${attr(s.name)}" time="${seconds(s.durationMs)}">`;
  const body: string[] = [];
  const failed = s.verdicts.filter((v) => !v.ok);
  if (s.error !== undefined) {
    const detail = failed.length === 0 ? s.error : `${s.error}\n\n${failureBody(s)}`;
    body.push(`      <error message="${attr(s.error)}" type="error">${text(detail)}</error>`);
  } else if (failed[0] !== undefined) {
    const first = failed[0];
    body.push(`      <failure message="${attr(`${first.rule}: ${first.summary}`)}" type="${attr(first.rule)}">${text(failureBody(s))}</failure>`);
  }
  body.push(`      <system-out>${text(systemOut(s))}</system-out>`);
  if (scenarioFailed(s)) {
    const output = [s.outcome.stdout && `stdout:\n${tail(s.outcome.stdout, OUTPUT_TAIL)}`, s.outcome.stderr && `stderr:\n${tail(s.outcome.stderr, OUTPUT_TAIL)}`].filter(Boolean).join('\n');
    if (output !== '') body.push(`      <system-err>${text(output)}</system-err>`);
  }
  return [open, ...body, '    </testcase>'].join('\n');
}

/** The report as JUnit XML (UTF-8), scenarios in the order given. */
export function renderJunit(report: GateReport): string {
  const suites = new Map<string, ScenarioResult[]>();
  for (const s of report.scenarios) {
    const list = suites.get(s.suite);
    if (list === undefined) suites.set(s.suite, [s]);
    else list.push(s);
  }
  const all = count(report.scenarios);
  const out = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="seam gate" tests="${all.tests}" failures="${all.failures}" errors="${all.errors}" skipped="0" time="${seconds(report.durationMs)}" timestamp="${attr(timestamp(report.startedAt))}">`,
  ];
  for (const [name, scenarios] of suites) {
    const c = count(scenarios);
    out.push(
      `  <testsuite name="${attr(name)}" tests="${c.tests}" failures="${c.failures}" errors="${c.errors}" skipped="0" time="${seconds(c.ms)}" timestamp="${attr(timestamp(report.startedAt))}">`,
    );
    for (const s of scenarios) out.push(testcase(s));
    out.push('  </testsuite>');
  }
  out.push('</testsuites>', '');
  return out.join('\n');
}
