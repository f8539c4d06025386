// Process form: `node dist/connectors/payments-webhooks/main.js [--variant <name>]`, configured by
// env. Prints `{"event":"listening","url":…}` first, then JSON log lines. SIGTERM/SIGINT: finish the
// event being applied, save the state, exit 0. Exit 2: bad configuration or arguments.
import { ConfigError, configFromEnv, startReceiver, StateFileError, UnknownVariantError } from './index.js';

function variantArg(argv: string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--variant') {
      const value = argv[i + 1];
      if (value === undefined || value.startsWith('--')) throw new UnknownVariantError('--variant needs a name');
      return value;
    }
    if (arg.startsWith('--variant=')) return arg.slice('--variant='.length);
    throw new UnknownVariantError(`unknown argument "${arg}" (usage: main.js [--variant <name>])`);
  }
  return undefined;
}

async function main(): Promise<void> {
  let receiver;
  try {
    const variant = variantArg(process.argv.slice(2));
    receiver = await startReceiver(configFromEnv(process.env), variant !== undefined ? { variant } : {});
  } catch (error) {
    if (error instanceof ConfigError || error instanceof UnknownVariantError || error instanceof StateFileError) {
      process.stderr.write(`payments-webhooks: ${error.message}\n`);
      process.exitCode = 2;
      return;
    }
    throw error;
  }
  const stop = (): void => {
    void receiver.close().then(() => {
      process.exitCode = 0;
    });
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

await main();
