// `seam drift spec OLD NEW`: what changed between two versions of a partner's spec, for us.
// Exit 1 when a finding is at or above --fail-on (default breaking); 2 for a spec that cannot be read.
import { readPactFile } from '../contracts/pact-file.js';
import { markPactRelevance } from '../drift/pact-relevance.js';
import { countBySeverity, renderJson, renderMarkdown, renderText } from '../drift/report.js';
import { diffSpecs } from '../drift/spec-diff.js';
import { severityAtLeast, type DriftSeverity } from '../drift/types.js';
import { UsageError, VerdictFailed } from '../errors.js';
import { loadSpec } from '../spec/load.js';

export interface DriftSpecCliOptions {
  consumerPact?: string;
  failOn?: string;
  json?: boolean;
  markdown?: boolean;
}

export async function run(oldFile: string, newFile: string, options: DriftSpecCliOptions = {}): Promise<void> {
  const failOn = (options.failOn ?? 'breaking') as DriftSeverity;
  if (failOn !== 'breaking' && failOn !== 'warning') throw new UsageError(`--fail-on must be breaking or warning, not ${JSON.stringify(options.failOn)}`);
  if (options.json && options.markdown) throw new UsageError('choose one of --json and --markdown');
  const [oldSpec, newSpec] = await Promise.all([loadSpec(oldFile), loadSpec(newFile)]);
  let findings = diffSpecs(oldSpec, newSpec);
  if (options.consumerPact !== undefined) findings = markPactRelevance(findings, await readPactFile(options.consumerPact), oldSpec, newSpec);
  const report = { title: `seam drift spec ${oldFile} → ${newFile}`, findings };
  const render = options.json ? renderJson : options.markdown ? renderMarkdown : renderText;
  process.stdout.write(render(report, { relativeTo: process.cwd() }));
  const failing = findings.filter((f) => severityAtLeast(f.severity, failOn)).length;
  if (failing > 0) {
    const counts = countBySeverity(findings);
    throw new VerdictFailed(`seam drift spec: ${failing} finding${failing === 1 ? '' : 's'} at or above ${failOn} (${counts.breaking} breaking, ${counts.warning} warning, ${counts.info} info)`);
  }
}
