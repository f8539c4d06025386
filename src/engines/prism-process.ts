// Prism (@stoplight/prism-cli) as a child process: its bin JS run directly on this Node (not via
// npx or its npm shim, which add a shell and a second PID), single-process (`--no-multiprocess`,
// else it forks a cluster worker), bound to 127.0.0.1 on a port it picks itself (`--port 0`; the
// one it bound is read from its "Prism is listening on" line). Stopped by PID: SIGTERM, then
// SIGKILL after a grace.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { SeamError } from '../errors.js';
import { startChildServer, type ChildServer } from './child-server.js';

export const PRISM_VERSION = '5.14.2';

/** The prism CLI's entry script, from the installed package's `bin`. */
export function prismBinPath(): string {
  const pkgFile = createRequire(import.meta.url).resolve('@stoplight/prism-cli/package.json');
  const pkg = JSON.parse(readFileSync(pkgFile, 'utf8')) as { bin?: string | Record<string, string> };
  const bin = typeof pkg.bin === 'string' ? pkg.bin : pkg.bin?.['prism'];
  if (bin === undefined) throw new SeamError('internal', `@stoplight/prism-cli at ${pkgFile} declares no prism bin`);
  return join(dirname(pkgFile), bin);
}

export interface PrismProcessOptions {
  /** The CLI's command and positionals: `['mock', spec]` or `['proxy', spec, upstream]`, plus flags. */
  args: string[];
  /** 0 (the default) lets Prism pick a free port. */
  port?: number;
  /** Give up waiting for readiness after this long (ms). */
  startTimeoutMs?: number;
}

/** A running Prism: `stop()` ends it by PID. */
export type PrismProcess = ChildServer;

export async function startPrismProcess(options: PrismProcessOptions): Promise<PrismProcess> {
  return startChildServer({
    name: 'Prism',
    command: process.execPath,
    args: [prismBinPath(), ...options.args, '--host', '127.0.0.1', '--port', String(options.port ?? 0), '--no-multiprocess'],
    // Plain text output (the readiness line is parsed); NODE_ENV=production would also flip
    // Prism's --multiprocess default, but the flag above pins it.
    env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' },
    listeningAt: (output) => /Prism is listening on (http:\/\/[^\s]+)/.exec(output)?.[1],
    // The listening line comes right after listen(); one answered request (any status: Prism has
    // no health route) confirms the socket serves.
    probe: { path: '/__seam_prism_ready' },
    startTimeoutMs: options.startTimeoutMs ?? 60_000,
  });
}
