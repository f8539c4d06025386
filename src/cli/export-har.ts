// `seam export har --partner P [--session S] [-o FILE]`: recordings as one HAR 1.2 document,
// entries in store order (sessions by name, files by sequence). Stdout unless -o is given.
import { InputError } from '../errors.js';
import { atomicWriteFile } from '../io/atomic-write.js';
import { exchangesToHar, serializeHar } from '../exchange/har.js';
import { checkName, readRecordings } from '../exchange/store.js';
import { VERSION } from './main.js';

export interface ExportHarOptions {
  partner: string;
  session?: string;
  recordings: string;
  output?: string;
}

export async function run(options: ExportHarOptions): Promise<void> {
  const partner = checkName('partner', options.partner);
  const stored = await readRecordings(options.recordings, partner, options.session !== undefined ? { session: options.session } : {});
  const har = exchangesToHar(
    stored.map((s) => s.exchange),
    { creator: { name: 'seam', version: VERSION } },
  );
  const text = serializeHar(har);
  const count = `${stored.length} entr${stored.length === 1 ? 'y' : 'ies'}`;
  if (options.output !== undefined) {
    try {
      await atomicWriteFile(options.output, text);
    } catch (error) {
      // e.g. -o names a folder, or a place we may not write: the user's argument, not a crash
      const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      throw new InputError(`cannot write: ${reason}`, { file: options.output });
    }
    process.stderr.write(`wrote ${count} to ${options.output}\n`);
  } else {
    process.stdout.write(text);
    if (stored.length === 0) process.stderr.write(`no recordings for ${partner}${options.session !== undefined ? `/${options.session}` : ''}\n`);
  }
}
