// `seam generate mocks <partner>`: stubs derived from the partner's recordings, written as WireMock
// mappings under mocks/<partner>/wiremock (mappings/*.json, large or binary bodies in __files/),
// deterministic, loadable by a stock WireMock with `--root-dir`.
import { join } from 'node:path';
import { checkName, requireRecordings } from '../exchange/store.js';
import { writeWireMockMappings } from '../engines/wiremock-mappings.js';
import { stubsFromExchanges } from '../stubs/from-exchanges.js';
import { printJson } from './output.js';

export interface GenerateMocksOptions {
  recordings: string;
  session?: string;
  /** Root dir to write (default mocks/<partner>/wiremock). */
  out?: string;
  json?: boolean;
}

export async function run(partnerArg: string, options: GenerateMocksOptions): Promise<void> {
  const partner = checkName('partner', partnerArg);
  const stored = await requireRecordings(options.recordings, partner, options.session !== undefined ? { session: options.session } : {});
  const stubs = stubsFromExchanges(stored.map((s) => s.exchange));
  const rootDir = options.out ?? join('mocks', partner, 'wiremock');
  const files = await writeWireMockMappings(stubs, rootDir);
  const mappings = files.filter((f) => f.startsWith('mappings/')).length;
  const bodies = files.length - mappings;
  if (options.json === true) printJson({ partner, rootDir, stubs: stubs.length, files });
  else process.stderr.write(`wrote ${mappings} mapping file${mappings === 1 ? '' : 's'} (${stubs.length} stubs) and ${bodies} body file${bodies === 1 ? '' : 's'} to ${rootDir}\n`);
}
