// `seam gate`: runs the fault-injection suites (vitest test files under suites/, written with
// `seam/testing`), collects every scenario's evidence and verdicts from the tests' meta, and
// writes reports/junit.xml, summary.md, index.html and report.json. Exit 1 on any failed verdict
// or failed test, 0 when everything passed.
//
// Spread over a CI matrix: `--shard i/n` runs the i-th of n shares of the suite files (vitest's
// own sharding: by file, so split a big suite into files to spread it finely), and
// `--merge DIR… --out DIR` joins the shards' report.json files into one set of reports, equal in
// content to an unsharded run.
import { join, resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { TestCase } from 'vitest/node';
import { InputError, UsageError, VerdictFailed } from '../errors.js';
import { scenarioFailed, type GateReport, type ScenarioResult } from '../report/types.js';
import { writeReports } from '../report/write.js';
import { SEAM_META } from '../testing/meta.js';
import { colour, printJson } from './output.js';

export interface GateOptions {
  suites: string;
  out: string;
  /** `i/n`: run only the i-th of n shares of the suite files. */
  shard?: string;
  /** Report folders of shards to merge instead of running anything. */
  merge?: string[];
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
  if (options.merge !== undefined) return merge(options.merge, options);
  if (options.shard !== undefined && !/^[1-9]\d*\/[1-9]\d*$/.test(options.shard)) throw new UsageError(`--shard must be i/n (e.g. 1/3), got "${options.shard}"`);
  if (options.shard !== undefined) {
    const [i, n] = options.shard.split('/').map(Number) as [number, number];
    if (i > n) throw new UsageError(`--shard ${options.shard}: there is no shard ${i} of ${n}`);
  }
  const suites = resolve(options.suites);
  if (!existsSync(suites)) throw new UsageError(`no suites folder at ${options.suites}`);
  if (options.engine !== undefined && !['embedded', 'wiremock', 'wiremock-container'].includes(options.engine)) throw new UsageError(`--engine must be embedded, wiremock or wiremock-container, got "${options.engine}"`);
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
      passWithNoTests: options.shard !== undefined, // a shard may get no file
      ...(options.shard !== undefined ? { shard: options.shard } : {}),
    },
  );
  await vitest.close();
  if (scenarios.length === 0 && failedTests === 0 && options.shard === undefined) throw new UsageError(`no scenario ran under ${options.suites}`);
  await finish({ startedAt: new Date(started).toISOString(), durationMs: Date.now() - started, scenarios }, failedTests, options);
}

/** Joins shards' report.json files: scenarios concatenated, the earliest start, the longest shard's duration. */
async function merge(dirs: string[], options: GateOptions): Promise<void> {
  if (dirs.length === 0) throw new UsageError('--merge needs at least one report folder');
  const reports: GateReport[] = [];
  for (const dir of dirs) {
    const file = join(dir, 'report.json');
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch {
      throw new InputError('no gate report here (run `seam gate --out DIR` first)', { file });
    }
    let parsed: GateReport;
    try {
      parsed = JSON.parse(text) as GateReport;
    } catch (error) {
      throw new InputError(`not JSON: ${(error as Error).message}`, { file });
    }
    if (!Array.isArray(parsed.scenarios) || typeof parsed.startedAt !== 'string') throw new InputError('not a gate report (no scenarios)', { file, pointer: '/scenarios' });
    reports.push(parsed);
  }
  const merged: GateReport = {
    startedAt: reports.map((r) => r.startedAt).sort()[0]!,
    durationMs: Math.max(...reports.map((r) => r.durationMs)),
    scenarios: reports.flatMap((r) => r.scenarios),
  };
  await finish(merged, 0, options);
}

async function finish(report: GateReport, failedTests: number, options: GateOptions): Promise<void> {
  const started = Date.parse(report.startedAt);
  const scenarios = report.scenarios;
  // Stable order: by suite, then scenario name, whatever order the workers (or shards) finished in.
  scenarios.sort((a, b) => a.suite.localeCompare(b.suite) || a.name.localeCompare(b.name) || a.connector.localeCompare(b.connector));
  const files = await writeReports(report, options.out);
  const failed = scenarios.filter(scenarioFailed);
  if (options.json === true) printJson({ out: options.out, files, scenarios: scenarios.length, failed: failed.map((s) => ({ suite: s.suite, name: s.name, connector: s.connector, verdicts: s.verdicts.filter((v) => !v.ok), error: s.error })) });
  else {
    for (const s of failed) {
      process.stdout.write(`${colour.red('✗')} ${s.suite} › ${s.name} (${s.connector}, seed ${s.plan.seed})\n`);
      if (s.error !== undefined) process.stdout.write(`    error: ${s.error.split('\n')[0]}\n`);
      for (const v of s.verdicts.filter((x) => !x.ok)) process.stdout.write(`    ${v.rule}: ${v.summary}\n`);
    }
    const took = options.merge !== undefined ? `merged from ${options.merge.length} shards` : `in ${((Date.now() - started) / 1000).toFixed(1)} s`;
    process.stdout.write(`gate: ${scenarios.length - failed.length}/${scenarios.length} scenarios passed ${took}; reports in ${options.out}/\n`);
  }
  if (failed.length > 0 || failedTests > 0) throw new VerdictFailed(`gate failed: ${failed.length} scenario${failed.length === 1 ? '' : 's'} with failed verdicts or errors`);
}
