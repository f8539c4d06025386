// `seam gate`: runs the fault-injection suites (vitest test files under suites/, written with
// `seam/testing`), collects every scenario's evidence and verdicts from the tests' meta, and
// writes reports/junit.xml, summary.md, index.html and report.json. Exit 1 on any failed verdict
// or failed test, 0 when everything passed.
import { resolve } from 'node:path';
import { existsSync } from 'node:fs';
import type { TestCase } from 'vitest/node';
import { UsageError, VerdictFailed } from '../errors.js';
import { scenarioFailed, type GateReport, type ScenarioResult } from '../report/types.js';
import { writeReports } from '../report/write.js';
import { SEAM_META } from '../testing/meta.js';
import { colour, printJson } from './output.js';

export interface GateOptions {
  suites: string;
  out: string;
  engine?: string;
  variant?: string;
  filter?: string;
  json?: boolean;
}

/** A test that failed without a scenario attached (a broken suite, a mock that did not start). */
function errored(test: TestCase, message: string): ScenarioResult {
  return {
    suite: suiteOf(test),
    name: test.fullName,
    connector: '',
    engine: '',
    plan: { seed: 0, rules: [] },
    verdicts: [],
    requests: [],
    outcome: { exitCode: null, timedOut: false, startedAt: 0, endedAt: 0, stdout: '', stderr: '' },
    durationMs: test.diagnostic()?.duration ?? 0,
    error: message,
  };
}

function suiteOf(test: TestCase): string {
  const parts = test.module.relativeModuleId.split('/');
  const at = parts.indexOf('suites');
  return at >= 0 && parts[at + 1] !== undefined ? parts[at + 1]! : parts[0]!;
}

export async function run(options: GateOptions): Promise<void> {
  const suites = resolve(options.suites);
  if (!existsSync(suites)) throw new UsageError(`no suites folder at ${options.suites}`);
  if (options.engine !== undefined && !['embedded', 'wiremock'].includes(options.engine)) throw new UsageError(`--engine must be embedded or wiremock, got "${options.engine}"`);
  // Suites read these (the engine to serve mocks on, a seeded defect to run instead of the connector).
  if (options.engine !== undefined) process.env.SEAM_ENGINE = options.engine;
  if (options.variant !== undefined) process.env.SEAM_VARIANT = options.variant;
  process.env.PACT_DO_NOT_TRACK ??= 'true';

  const started = Date.now();
  const scenarios: ScenarioResult[] = [];
  let failedTests = 0;
  const collector = {
    onTestCaseResult(test: TestCase) {
      const result = test.result();
      if (result.state === 'skipped' || result.state === 'pending') return;
      const meta = (test.meta() as Record<string, unknown>)[SEAM_META] as ScenarioResult | undefined;
      if (result.state === 'failed') failedTests += 1;
      if (meta !== undefined) {
        scenarios.push(meta);
        return;
      }
      if (result.state === 'failed') scenarios.push(errored(test, result.errors.map((e) => e.message).join('\n')));
    },
  };
  const { startVitest } = await import('vitest/node');
  const vitest = await startVitest(
    'test',
    options.filter !== undefined ? [options.filter] : [],
    {
      config: false,
      root: process.cwd(),
      dir: suites,
      watch: false,
      reporters: options.json === true ? [collector] : ['default', collector],
      include: ['**/*.test.ts'],
      pool: 'forks',
      testTimeout: 120_000,
      hookTimeout: 120_000,
      passWithNoTests: false,
    },
  );
  await vitest.close();
  if (scenarios.length === 0 && failedTests === 0) throw new UsageError(`no scenario ran under ${options.suites}`);

  // Stable order: by suite, then scenario name, whatever order the workers finished in.
  scenarios.sort((a, b) => a.suite.localeCompare(b.suite) || a.name.localeCompare(b.name) || a.connector.localeCompare(b.connector));
  const report: GateReport = { startedAt: new Date(started).toISOString(), durationMs: Date.now() - started, scenarios };
  const files = await writeReports(report, options.out);
  const failed = scenarios.filter(scenarioFailed);
  if (options.json === true) printJson({ out: options.out, files, scenarios: scenarios.length, failed: failed.map((s) => ({ suite: s.suite, name: s.name, connector: s.connector, verdicts: s.verdicts.filter((v) => !v.ok), error: s.error })) });
  else {
    for (const s of failed) {
      process.stdout.write(`${colour.red('✗')} ${s.suite} › ${s.name} (${s.connector}, seed ${s.plan.seed})\n`);
      if (s.error !== undefined) process.stdout.write(`    error: ${s.error.split('\n')[0]}\n`);
      for (const v of s.verdicts.filter((x) => !x.ok)) process.stdout.write(`    ${v.rule}: ${v.summary}\n`);
    }
    process.stdout.write(`gate: ${scenarios.length - failed.length}/${scenarios.length} scenarios passed in ${((Date.now() - started) / 1000).toFixed(1)} s; reports in ${options.out}/\n`);
  }
  if (failed.length > 0 || failedTests > 0) throw new VerdictFailed(`gate failed: ${failed.length} scenario${failed.length === 1 ? '' : 's'} with failed verdicts or errors`);
}
