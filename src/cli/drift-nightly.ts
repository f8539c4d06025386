// `seam drift nightly`: the nightly job. For every partner with `drift.baseUrl` in seam.config,
// `seam drift live` (and `seam drift spec` when `drift.nextSpec` names a newer spec, and
// `seam drift recordings` when the partner has a spec), each as this same CLI in a child process,
// their JSON and text kept under --out for the CI artefact, and a summary.md for the run. Exit 1
// when any of them found something at or above --fail-on; 2 when none is configured.
import { spawn } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { loadConfig } from '../config/config.js';
import { UsageError, VerdictFailed } from '../errors.js';
import { atomicWriteFile } from '../io/atomic-write.js';
import { findPartnerSpec } from '../spec/partner-spec.js';

export interface DriftNightlyOptions {
  out: string;
  config?: string;
  failOn: 'breaking' | 'warning';
}

interface Step {
  partner: string;
  what: 'live' | 'spec' | 'recordings';
  args: string[];
}

export async function run(options: DriftNightlyOptions): Promise<void> {
  const config = await loadConfig(options.config !== undefined ? { file: options.config } : {});
  const partners = Object.entries(config.partners ?? {}).filter(([, p]) => p.drift !== undefined);
  if (partners.length === 0) throw new UsageError('no partner has drift.baseUrl in seam.config: nothing to check (see docs/drift.md)');
  await mkdir(options.out, { recursive: true });
  const steps: Step[] = [];
  for (const [partner, entry] of partners) {
    const drift = entry.drift!;
    const live = ['drift', 'live', partner, '--base-url', drift.baseUrl, '--fail-on', options.failOn, '--json'];
    if (drift.rate !== undefined) live.push('--rate', String(drift.rate));
    if (drift.allowWrites === true) live.push('--allow-writes');
    steps.push({ partner, what: 'live', args: live });
    const spec = findPartnerSpec(partner);
    if (spec !== undefined) steps.push({ partner, what: 'recordings', args: ['drift', 'recordings', partner, '--json'] });
    if (drift.nextSpec !== undefined && spec !== undefined) steps.push({ partner, what: 'spec', args: ['drift', 'spec', spec, drift.nextSpec, '--fail-on', options.failOn, '--json'] });
  }
  const rows: string[] = [];
  let failed = 0;
  for (const step of steps) {
    const result = await seam(step.args);
    const base = join(options.out, `${step.partner}-${step.what}`);
    await atomicWriteFile(`${base}.json`, result.stdout);
    if (result.stderr !== '') await atomicWriteFile(`${base}.log`, result.stderr);
    const verdict = result.code === 0 ? 'ok' : result.code === 1 ? `findings at or above ${options.failOn}` : `error (exit ${result.code})`;
    if (result.code !== 0) failed += 1;
    rows.push(`| ${step.partner} | ${step.what} | ${verdict} | \`${step.partner}-${step.what}.json\` |`);
    process.stderr.write(`${step.partner} ${step.what}: ${verdict}\n`);
  }
  const summary = ['# Nightly drift', '', '| partner | check | result | report |', '|---|---|---|---|', ...rows, ''].join('\n');
  await atomicWriteFile(join(options.out, 'summary.md'), summary);
  if (failed > 0) throw new VerdictFailed(`nightly drift: ${failed} of ${steps.length} checks failed; reports in ${options.out}`);
}

function seam(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [process.argv[1]!, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}
