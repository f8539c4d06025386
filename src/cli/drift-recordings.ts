// `seam drift recordings <partner>`: every recording against the current spec — where the
// partner's reality and its documentation disagree — as drift findings with counts. It reports;
// exit 0 whatever it finds (2 on bad input).
import { sortDeep } from '../exchange/canonical.js';
import { requireRecordings } from '../exchange/store.js';
import { specFindings } from '../drift/recordings.js';
import { createSpecValidator, loadSpec, requirePartnerSpec } from '../spec/index.js';
import { formatFinding } from '../drift/report.js';
import { display, displayed } from './drift-live.js';
import { colour, printJson, progress } from './output.js';

export interface DriftRecordingsOptions {
  recordings?: string;
  session?: string;
  spec?: string;
  json?: boolean;
}

export async function run(partner: string, options: DriftRecordingsOptions = {}): Promise<void> {
  const stored = await requireRecordings(options.recordings ?? 'recordings', partner, options.session !== undefined ? { session: options.session } : {});
  const specFile = requirePartnerSpec(partner, options.spec);
  const spec = await loadSpec(specFile);
  const bar = progress('checking', 1);
  const { findings, summary } = specFindings(spec, createSpecValidator(spec), stored, 'recorded');
  bar.done();
  const shown = findings.map(displayed);

  if (options.json) {
    printJson(sortDeep({ partner, spec: display(specFile), summary, findings: shown }));
    return;
  }
  for (const f of shown) process.stdout.write(`${formatFinding(f)}\n`);
  const text = `${summary.exchanges} recording${summary.exchanges === 1 ? '' : 's'} of ${summary.operations} operation${summary.operations === 1 ? '' : 's'} checked against ${display(specFile)}: ${findings.length} finding${findings.length === 1 ? '' : 's'}${summary.skipped > 0 ? `, ${summary.skipped} skipped` : ''}`;
  process.stdout.write(`${findings.length > 0 ? colour.yellow(text) : colour.green(text)}\n`);
}
