// `seam contract generate <partner> --consumer NAME`: a Pact V4 file from the partner's recordings,
// written by pact-js, to contracts/<partner>/pacts/<consumer>-<partner>.json.
import { join } from 'node:path';
import { generatePact } from '../contracts/generate-pact.js';
import { UsageError } from '../errors.js';
import { checkName, requireRecordings } from '../exchange/store.js';
import { findPartnerSpec, loadSpec } from '../spec/index.js';
import { printJson } from './output.js';

export interface ContractGenerateOptions {
  consumer: string;
  recordings: string;
  session?: string;
  spec?: string;
  /** Pact dir to write (default contracts/<partner>/pacts). */
  out?: string;
  json?: boolean;
}

const CONSUMER = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export async function run(partnerArg: string, options: ContractGenerateOptions): Promise<void> {
  const partner = checkName('partner', partnerArg);
  if (!CONSUMER.test(options.consumer)) {
    throw new UsageError(`consumer name "${options.consumer}" is not allowed: use 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit`);
  }
  const stored = await requireRecordings(options.recordings, partner, options.session !== undefined ? { session: options.session } : {});
  const specFile = findPartnerSpec(partner, options.spec);
  const spec = specFile !== undefined ? await loadSpec(specFile) : undefined;
  const result = await generatePact({
    exchanges: stored,
    consumer: options.consumer,
    provider: partner,
    ...(spec !== undefined ? { spec } : {}),
    dir: options.out ?? join('contracts', partner, 'pacts'),
  });

  if (options.json === true) {
    printJson({ file: result.file, consumer: options.consumer, provider: partner, interactions: result.interactions, exchanges: result.exchanges, skipped: result.skipped });
    return;
  }
  const n = result.interactions.length;
  const skipped = [
    result.skipped.failed > 0 ? `${result.skipped.failed} network failure${result.skipped.failed === 1 ? '' : 's'}` : '',
    result.skipped.inbound > 0 ? `${result.skipped.inbound} inbound deliver${result.skipped.inbound === 1 ? 'y' : 'ies'}` : '',
  ].filter((s) => s !== '');
  process.stdout.write(
    `${result.file}: ${n} interaction${n === 1 ? '' : 's'} from ${result.exchanges} exchange${result.exchanges === 1 ? '' : 's'}${skipped.length > 0 ? ` (skipped ${skipped.join(', ')})` : ''}\n`,
  );
}
