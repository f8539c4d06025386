// `seam validate <partner>`: every recorded exchange checked against the partner's OpenAPI spec.
// One line per violation, a summary line; exit 1 on any violation, 2 on bad input.
import { relative } from 'node:path';
import { VerdictFailed } from '../errors.js';
import { sortDeep } from '../exchange/canonical.js';
import { requireRecordings } from '../exchange/store.js';
import { createSpecValidator, loadSpec, requirePartnerSpec, summarize } from '../spec/index.js';
import type { CheckedExchange, ValidationSummary, Violation } from '../spec/index.js';
import { colour, printJson, progress } from './output.js';

export interface ValidateCliOptions {
  recordings?: string;
  session?: string;
  spec?: string;
  json?: boolean;
}

export async function run(partner: string, options: ValidateCliOptions = {}): Promise<void> {
  const stored = await requireRecordings(options.recordings ?? 'recordings', partner, options.session !== undefined ? { session: options.session } : {});
  const specFile = requirePartnerSpec(partner, options.spec);
  const validator = createSpecValidator(await loadSpec(specFile));

  const bar = progress('validating', stored.length);
  const checked: CheckedExchange[] = stored.map(({ file, exchange }) => {
    const result = validator.validateExchange(exchange);
    bar.tick();
    return { file, ...result };
  });
  bar.done();
  const summary = summarize(checked);

  if (options.json) {
    printJson(sortDeep(report(specFile, checked, summary)));
  } else {
    for (const c of checked) for (const v of c.violations) process.stdout.write(`${formatViolation(c.file, v)}\n`);
    process.stdout.write(`${formatSummary(summary)}\n`);
  }
  if (summary.violations > 0) {
    throw new VerdictFailed(
      `seam validate: ${summary.violations} violation${summary.violations === 1 ? '' : 's'} of ${display(specFile)} in ${summary.withViolations} exchange${summary.withViolations === 1 ? '' : 's'}`,
    );
  }
}

/** Paths relative to the working directory, for output that does not depend on where the repo lives. */
function display(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel === '' || rel.startsWith('..') ? file : rel;
}

/** `<exchange file>  <part> <location>[ name][ pointer]  <message>  (spec: <file>#<pointer>)` */
export function formatViolation(file: string, v: Violation): string {
  const where = [v.part, v.location, v.name, v.pointer || undefined].filter((x) => x !== undefined).join(' ');
  const spec = v.spec ? colour.dim(`  (spec: ${display(v.spec.file)}#${v.spec.pointer})`) : '';
  return `${display(file)}  ${where}  ${v.message}${spec}`;
}

export function formatSummary(s: ValidationSummary): string {
  const text =
    `${s.exchanges} exchange${s.exchanges === 1 ? '' : 's'} checked, ${s.withViolations} with violations (${s.violations} violation${s.violations === 1 ? '' : 's'}), ` +
    `${s.skippedExchanges} skipped, ${s.skippedBodies} bod${s.skippedBodies === 1 ? 'y' : 'ies'} not checked`;
  return s.violations > 0 ? colour.red(text) : colour.green(text);
}

function report(specFile: string, checked: CheckedExchange[], summary: ValidationSummary): unknown {
  return {
    spec: display(specFile),
    summary,
    exchanges: checked.map((c) => ({
      file: display(c.file),
      ...(c.operation ? { operation: c.operation.id } : {}),
      violations: c.violations.map((v) => ({ ...v, ...(v.spec ? { spec: { file: display(v.spec.file), pointer: v.spec.pointer } } : {}) })),
      skipped: c.skipped,
    })),
  };
}
