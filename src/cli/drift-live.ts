// `seam drift live <partner> --base-url URL`: the safe recorded requests replayed against the
// partner, each response compared with its recordings and the current spec. Credentials come from
// SEAM_<PARTNER>_AUTHORIZATION. Exit 1 when a finding is at or above --fail-on.
// Text lines come from the shared renderer (src/drift/report.ts); --json adds what was replayed,
// skipped and saved.
import { relative } from 'node:path';
import { loadConfig, redactionRulesFor } from '../config/config.js';
import { UsageError, VerdictFailed } from '../errors.js';
import { sortDeep } from '../exchange/canonical.js';
import { checkName, requireRecordings } from '../exchange/store.js';
import { authorizationEnvName, replayLive, writeLiveSession } from '../drift/live.js';
import { formatFinding } from '../drift/report.js';
import type { DriftFinding, DriftSeverity } from '../drift/types.js';
import { severityAtLeast } from '../drift/types.js';
import { createSpecValidator, findPartnerSpec, loadSpec } from '../spec/index.js';
import { colour, printJson, progress } from './output.js';

export interface DriftLiveOptions {
  baseUrl: string;
  recordings?: string;
  session?: string;
  spec?: string;
  allowWrites?: boolean;
  update?: boolean;
  rate?: number;
  failOn?: 'breaking' | 'warning';
  json?: boolean;
}

export async function run(partner: string, options: DriftLiveOptions): Promise<void> {
  checkName('partner', partner);
  let base: URL;
  try {
    base = new URL(options.baseUrl);
  } catch {
    throw new UsageError(`--base-url ${options.baseUrl} is not a URL`);
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new UsageError(`--base-url must be http or https, not ${base.protocol}`);
  const root = options.recordings ?? 'recordings';
  const recordings = await requireRecordings(root, partner, options.session !== undefined ? { session: options.session } : {});
  const specFile = findPartnerSpec(partner, options.spec);
  const spec = specFile !== undefined ? await loadSpec(specFile) : undefined;
  const config = await loadConfig();
  const authorization = process.env[authorizationEnvName(partner)];

  const bar = progress('replaying');
  const report = await replayLive({
    partner,
    baseUrl: base.href,
    recordings,
    ...(spec ? { spec: { spec, validator: createSpecValidator(spec) } } : {}),
    allowWrites: options.allowWrites === true,
    rate: options.rate ?? 5,
    ...(authorization !== undefined && authorization !== '' ? { authorization } : {}),
    redaction: redactionRulesFor(config, partner),
    onReplay: () => bar.tick(),
  });
  bar.done();

  let saved: { session: string; dir: string; files: string[] } | undefined;
  if (options.update === true && report.exchanges.length > 0) saved = await writeLiveSession(root, partner, report.exchanges);

  const failOn: DriftSeverity = options.failOn ?? 'breaking';
  const failing = report.findings.filter((f) => severityAtLeast(f.severity, failOn));
  if (options.json) {
    printJson(
      sortDeep({
        partner,
        baseUrl: base.href,
        ...(specFile !== undefined ? { spec: display(specFile) } : {}),
        replayed: report.replayed.map(({ durationMs: _d, ...r }) => r),
        skipped: report.skipped,
        findings: report.findings.map(displayed),
        ...(saved ? { saved: { session: saved.session, files: saved.files.map(display) } } : {}),
      }),
    );
  } else {
    for (const s of report.skipped) process.stderr.write(`${colour.dim(`skipped ${s.method} ${s.path}: ${s.reason}`, process.stderr)}\n`);
    for (const f of report.findings) process.stdout.write(`${formatFinding(displayed(f))}\n`);
    const n = report.findings.length;
    const text = `${report.replayed.length} request${report.replayed.length === 1 ? '' : 's'} replayed against ${base.origin}, ${report.skipped.length} skipped: ${n} finding${n === 1 ? '' : 's'}`;
    process.stdout.write(`${failing.length > 0 ? colour.red(text) : n > 0 ? colour.yellow(text) : colour.green(text)}\n`);
    if (saved) process.stderr.write(`saved ${saved.files.length} live exchange${saved.files.length === 1 ? '' : 's'} as session ${saved.session} in ${display(saved.dir)}\n`);
  }
  if (failing.length > 0) {
    throw new VerdictFailed(`seam drift live: ${failing.length} finding${failing.length === 1 ? '' : 's'} at or above ${failOn}`);
  }
}

/** Locations shown relative to the working directory (URLs as they are). */
export function displayed(f: DriftFinding): DriftFinding {
  return {
    ...f,
    ...(f.old ? { old: { file: display(f.old.file), pointer: f.old.pointer } } : {}),
    ...(f.new ? { new: { file: display(f.new.file), pointer: f.new.pointer } } : {}),
  };
}

/** Paths relative to the working directory, for output that does not depend on where the repo lives. */
export function display(file: string): string {
  if (/^[a-z]+:\/\//.test(file)) return file;
  const rel = relative(process.cwd(), file);
  return rel === '' || rel.startsWith('..') ? file : rel;
}
