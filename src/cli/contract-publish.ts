// `seam contract publish <pacts…> --broker-url URL --consumer-app-version V`: hands the pacts to
// the Pact Broker's own CLI (`pact-broker publish`) where it is installed. Optional: nothing in
// Seam needs a broker. Credentials are the broker CLI's own environment variables
// (PACT_BROKER_TOKEN, or PACT_BROKER_USERNAME and PACT_BROKER_PASSWORD), never arguments.
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { SeamError, UsageError, VerdictFailed } from '../errors.js';
import { readPactFile } from '../contracts/pact-file.js';

export interface ContractPublishOptions {
  brokerUrl: string;
  consumerAppVersion: string;
  branch?: string;
  tag?: string[];
}

export const BROKER_CLI = 'pact-broker';

export async function run(files: string[], options: ContractPublishOptions): Promise<void> {
  try {
    new URL(options.brokerUrl);
  } catch {
    throw new UsageError(`--broker-url "${options.brokerUrl}" is not a URL`);
  }
  for (const file of files) await readPactFile(file); // a broken pact is an exit 2 before anything is sent
  const cli = onPath(BROKER_CLI);
  if (cli === undefined) {
    throw new SeamError(
      'not-found',
      `the ${BROKER_CLI} CLI is not on PATH: install the Pact Broker client (the pact-broker-client gem, or the pact standalone tools) to publish; nothing else in Seam needs it`,
    );
  }
  const args = ['publish', ...files, '--broker-base-url', options.brokerUrl, '--consumer-app-version', options.consumerAppVersion];
  if (options.branch !== undefined) args.push('--branch', options.branch);
  for (const tag of options.tag ?? []) args.push('--tag', tag);
  const code = await new Promise<number>((resolve, reject) => {
    const child = spawn(cli, args, { stdio: 'inherit' });
    child.once('error', reject);
    child.once('exit', (c, signal) => resolve(c ?? (signal !== null ? 128 : 1)));
  });
  if (code !== 0) throw new VerdictFailed(`${BROKER_CLI} publish exited with ${code}`);
}

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {}
  }
  return undefined;
}
