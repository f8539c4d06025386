// `seam gate --shard i/n` and `--merge`: two shards of a suite folder (four files) merge into one
// set of reports equal in content to an unsharded run — the same scenarios, verdicts and JUnit
// test cases; only times differ.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GateReport } from '../src/report/types.js';
import { runSeam } from './support/run-seam.js';

const repo = join(import.meta.dirname, '..');
const SUITES = 'test/fixtures/gate-suites';
let out: string;

beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), 'seam-gate-shards-'));
});
afterAll(async () => {
  await rm(out, { recursive: true, force: true });
});

/** A report without what differs from run to run: times, durations, clocks. */
async function content(dir: string) {
  const report = JSON.parse(await readFile(join(dir, 'report.json'), 'utf8')) as GateReport;
  const junit = await readFile(join(dir, 'junit.xml'), 'utf8');
  return {
    scenarios: report.scenarios.map((s) => ({ suite: s.suite, name: s.name, connector: s.connector, plan: s.plan, verdicts: s.verdicts.map((v) => [v.rule, v.ok, v.vacuous === true]), requests: s.requests.length })),
    testcases: [...junit.matchAll(/<testcase classname="([^"]+)" name="([^"]+)"/g)].map((m) => `${m[1]} › ${m[2]}`),
    failures: (junit.match(/<failure /g) ?? []).length,
  };
}

describe('seam gate --shard / --merge', () => {
  it('two shards merge into the reports of an unsharded run', async () => {
    const whole = await runSeam(['gate', '--suites', SUITES, '--out', join(out, 'whole'), '--json'], repo);
    expect(whole.code, whole.stderr).toBe(0);
    const shards = await Promise.all([1, 2].map((i) => runSeam(['gate', '--suites', SUITES, '--shard', `${i}/2`, '--out', join(out, `shard-${i}`), '--json'], repo)));
    for (const s of shards) expect(s.code, s.stderr).toBe(0);
    const [one, two] = await Promise.all([content(join(out, 'shard-1')), content(join(out, 'shard-2'))]);
    // each shard ran a share, together all of it, none twice
    expect(one.scenarios.length).toBeGreaterThan(0);
    expect(two.scenarios.length).toBeGreaterThan(0);
    expect(one.scenarios.length + two.scenarios.length).toBe(8);
    const merged = await runSeam(['gate', '--merge', join(out, 'shard-1'), join(out, 'shard-2'), '--out', join(out, 'merged')], repo);
    expect(merged.code, merged.stderr).toBe(0);
    expect(merged.stdout).toBe(`gate: 8/8 scenarios passed merged from 2 shards; reports in ${join(out, 'merged')}/\n`);
    expect(await content(join(out, 'merged'))).toEqual(await content(join(out, 'whole')));
    const html = await readFile(join(out, 'merged', 'index.html'), 'utf8');
    expect((html.match(/<svg/g) ?? []).length).toBe(8);
  }, 120_000);

  it('bad shard and merge arguments are usage or input errors', async () => {
    expect((await runSeam(['gate', '--suites', SUITES, '--shard', '3/2'], repo)).stderr).toContain('there is no shard 3 of 2');
    const missing = await runSeam(['gate', '--merge', join(out, 'nowhere'), '--out', join(out, 'x')], repo);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`${join(out, 'nowhere', 'report.json')}: no gate report here`);
  });
});
