// Writes the gate's reports into one folder, each file atomically: a CI reader (or a shard merge)
// never sees half a report. report.json is the GateReport itself, keys sorted, for merging shards.
import { join } from 'node:path';
import { stableStringify } from '../exchange/canonical.js';
import { atomicWriteFile } from '../io/atomic-write.js';
import { renderHtml } from './html.js';
import { renderJunit } from './junit.js';
import { renderMarkdown } from './markdown.js';
import type { GateReport } from './types.js';

/** The paths written. */
export interface ReportFiles {
  junit: string;
  markdown: string;
  html: string;
  json: string;
}

export async function writeReports(report: GateReport, dir: string): Promise<ReportFiles> {
  const files: ReportFiles = {
    junit: join(dir, 'junit.xml'),
    markdown: join(dir, 'summary.md'),
    html: join(dir, 'index.html'),
    json: join(dir, 'report.json'),
  };
  await Promise.all([
    atomicWriteFile(files.junit, renderJunit(report)),
    atomicWriteFile(files.markdown, renderMarkdown(report)),
    atomicWriteFile(files.html, renderHtml(report)),
    atomicWriteFile(files.json, stableStringify(report)),
  ]);
  return files;
}
