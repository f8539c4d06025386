// `seam scan [paths…]`: secrets and personal data in recordings, mocks and contracts. Exit 1 on any finding.
import { VerdictFailed } from '../errors.js';
import { loadConfig } from '../config/config.js';
import { formatFinding, scanPaths } from '../record/redaction/scan.js';
import { colour, printJson } from './output.js';

export const DEFAULT_SCAN_PATHS = ['recordings', 'mocks', 'contracts'];

export interface ScanCliOptions {
  config?: string;
  json?: boolean;
}

export async function run(paths: string[], options: ScanCliOptions = {}): Promise<void> {
  const config = await loadConfig(options.config !== undefined ? { file: options.config } : {});
  const targets = paths.length > 0 ? paths : DEFAULT_SCAN_PATHS;
  // The default folders may not all exist yet; a path the user named must.
  const skipMissing = targets.length === DEFAULT_SCAN_PATHS.length && targets.every((p, i) => p === DEFAULT_SCAN_PATHS[i]);
  const result = await scanPaths(targets, { config, skipMissing });

  if (options.json) {
    printJson(result);
  } else {
    for (const f of result.findings) process.stdout.write(`${formatFinding(f)}\n`);
    for (const s of result.skipped.filter((x) => x.reason === 'too-large')) {
      process.stderr.write(`${colour.dim(`skipped ${s.file} (too large to scan)`, process.stderr)}\n`);
    }
  }
  const n = result.findings.length;
  if (n > 0) {
    const files = new Set(result.findings.map((f) => f.file)).size;
    throw new VerdictFailed(
      `seam scan: ${n} finding${n === 1 ? '' : 's'} in ${files} file${files === 1 ? '' : 's'} (${result.files} scanned)`,
    );
  }
  if (!options.json) {
    process.stdout.write(`${colour.green('clean', process.stdout)}: no secrets or personal data in ${result.files} file${result.files === 1 ? '' : 's'}\n`);
  }
}
