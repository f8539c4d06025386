// `npm run bench:drift`: how fast `seam drift spec` diffs the Stripe pair (target, issue 7: under
// 10 s for loading both and diffing). Figures: both loads (in parallel, as the CLI does), the diff,
// the total, and the finding counts.
import { performance } from 'node:perf_hooks';
import { countBySeverity } from '../../src/drift/report.js';
import { diffSpecs } from '../../src/drift/spec-diff.js';
import { loadSpec } from '../../src/spec/load.js';

const args = process.argv.slice(2);
if (args.includes('--help')) {
  process.stdout.write('usage: npm run bench:drift -- [OLD NEW] [--json]\n');
  process.exit(0);
}
const files = args.filter((a) => !a.startsWith('--'));
const OLD = files[0] ?? '../shared/material/specs/stripe/spec3.2023-03-01.yaml';
const NEW = files[1] ?? '../shared/material/specs/stripe/spec3.2023-09-12.yaml';

const start = performance.now();
const [oldSpec, newSpec] = await Promise.all([loadSpec(OLD), loadSpec(NEW)]);
const loadMs = performance.now() - start;
const t = performance.now();
const findings = diffSpecs(oldSpec, newSpec);
const diffMs = performance.now() - t;
const totalMs = performance.now() - start;
const result = { old: OLD, new: NEW, loadMs: Math.round(loadMs), diffMs: Math.round(diffMs), totalMs: Math.round(totalMs), findings: findings.length, counts: countBySeverity(findings) };
if (args.includes('--json')) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
else {
  process.stdout.write(
    `load both ${result.loadMs} ms, diff ${result.diffMs} ms, total ${result.totalMs} ms (target < 10000 ms)\n` +
      `${result.findings} findings: ${result.counts.breaking} breaking, ${result.counts.warning} warning, ${result.counts.info} info\n`,
  );
}
