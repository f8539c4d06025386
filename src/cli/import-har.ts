// `seam import har FILE --partner P [--session S]`: a HAR 1.2 file becomes a recording session,
// redacted on the way in. The whole file is parsed, checked and converted before the first write,
// so a bad HAR leaves the recordings exactly as they were.
import { readFile } from 'node:fs/promises';
import { basename, relative } from 'node:path';
import { loadConfig, redactionRulesFor } from '../config/config.js';
import { InputError } from '../errors.js';
import { harToExchanges, parseHar } from '../exchange/har.js';
import { checkName, SessionWriter } from '../exchange/store.js';
import { createRedactor } from '../record/redaction/index.js';
import { printJson, progress } from './output.js';

export interface ImportHarOptions {
  partner: string;
  session?: string;
  recordings: string;
  config?: string;
  json?: boolean;
}

/** A session name from a file name: `Checkout Flow.har` → `checkout-flow`. */
export function sessionNameFromFile(file: string): string {
  const stem = basename(file).replace(/\.(har|json)$/i, '');
  const name = stem
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/\.{2,}/g, '.')
    .replace(/^[^a-z0-9]+/, '')
    .slice(0, 64)
    .replace(/[-.]+$/, '');
  return name === '' ? 'har' : name;
}

export async function run(file: string, options: ImportHarOptions): Promise<void> {
  const partner = checkName('partner', options.partner);
  const session = checkName('session', options.session ?? sessionNameFromFile(file));

  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new InputError(`cannot read: ${(error as Error).message}`, { file });
  }
  const har = parseHar(text, file);
  const config = await loadConfig(options.config !== undefined ? { file: options.config } : {});
  const redactor = createRedactor(redactionRulesFor(config, partner));
  const exchanges = harToExchanges(har, { partner, file, redact: (e) => redactor.redact(e) });

  const writer = await SessionWriter.open(options.recordings, partner, session);
  const bar = progress('importing', exchanges.length);
  const files: string[] = [];
  for (const exchange of exchanges) {
    files.push((await writer.write(exchange)).file);
    bar.tick();
  }
  bar.done();

  const summary = redactor.summary();
  if (options.json) {
    printJson({ partner, session, dir: writer.dir, files, redactions: summary });
    return;
  }
  for (const f of files) process.stdout.write(`${relative(process.cwd(), f) || f}\n`);
  process.stderr.write(
    `imported ${files.length} exchange${files.length === 1 ? '' : 's'} from ${file} into ${writer.dir}` +
      `${summary.total > 0 ? ` (${summary.total} value${summary.total === 1 ? '' : 's'} redacted)` : ''}\n`,
  );
}
