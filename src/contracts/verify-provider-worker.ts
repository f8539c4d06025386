// Runs verifyProvider in a child process for the CLI: the Verifier's native core prints its report
// straight to file descriptor 1, which a `--json` caller needs clean and a text caller wants on
// stderr. The parent (`verifyProviderIsolated`) pipes this process's stdout wherever it likes.
import { verifyProvider, type VerifyProviderOptions } from './verify-provider.js';

process.once('message', (options: Omit<VerifyProviderOptions, 'stateHandlers'>) => {
  verifyProvider(options).then(
    (result) => process.send!({ result }, () => process.exit(0)),
    (error: unknown) => process.send!({ error: error instanceof Error ? error.message : String(error) }, () => process.exit(0)),
  );
});
