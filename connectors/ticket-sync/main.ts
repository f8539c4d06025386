// Process form: `node dist/connectors/ticket-sync/main.js [--variant <name>]`, configured by env.
// Exit 0: every ticket synced or rejected by validation; 1: a call failed permanently or the run
// was cut short (a summary is logged either way); 2: bad configuration or arguments.
import { ConfigError, configFromEnv, exitCodeFor, runTicketSync, UnknownVariantError } from './index.js';

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

async function main(): Promise<number> {
  const controller = new AbortController();
  const stop = (): void => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    const variant = variantArg(process.argv.slice(2));
    const config = configFromEnv(process.env);
    const summary = await runTicketSync(config, { signal: controller.signal, ...(variant !== undefined ? { variant } : {}) });
    return exitCodeFor(summary);
  } catch (error) {
    if (error instanceof ConfigError || error instanceof UnknownVariantError) {
      process.stderr.write(`ticket-sync: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}

process.exitCode = await main();
