// Prism (@stoplight/prism-cli) as a child process: its bin JS run directly on this Node (not via
// npx or its npm shim, which add a shell and a second PID), single-process (`--no-multiprocess`,
// else it forks a cluster worker), bound to 127.0.0.1 on a port it picks itself (`--port 0`; the
// one it bound is read from its "Prism is listening on" line). Stopped by PID: SIGTERM, then
// SIGKILL after a grace.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { SeamError } from '../errors.js';

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

export interface PrismProcess {
  readonly pid: number;
  readonly port: number;
  readonly url: string;
  /** ms from spawn to the first answered HTTP request. */
  readonly startMs: number;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process has exited. Idempotent. */
  stop(graceMs?: number): Promise<void>;
}

// Every Prism this module started and has not yet seen exit: killed if Node exits first.
const live = new Set<ChildProcess>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of live) if (child.pid !== undefined) try { process.kill(child.pid, 'SIGKILL'); } catch {}
  });
}

export async function startPrismProcess(options: PrismProcessOptions): Promise<PrismProcess> {
  const startTimeoutMs = options.startTimeoutMs ?? 60_000;
  const started = performance.now();
  const args = [prismBinPath(), ...options.args, '--host', '127.0.0.1', '--port', String(options.port ?? 0), '--no-multiprocess'];
  installExitHook();
  const child = spawn(process.execPath, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    // Plain text output (the readiness line is parsed); NODE_ENV=production would also flip
    // Prism's --multiprocess default, but the flag above pins it.
    env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' },
  });
  live.add(child);
  let output = '';
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => {
      live.delete(child);
      resolve();
    });
  });
  const stop = async (graceMs = 3000): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return exited;
    try {
      process.kill(child.pid, 'SIGTERM');
    } catch {}
    const timer = setTimeout(() => {
      if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
        try {
          process.kill(child.pid, 'SIGKILL');
        } catch {}
      }
    }, graceMs);
    await exited;
    clearTimeout(timer);
  };

  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timeout = setTimeout(
        () => reject(new SeamError('internal', `Prism did not start within ${startTimeoutMs} ms:\n${tail(output)}`)),
        startTimeoutMs,
      );
      const onData = (chunk: Buffer): void => {
        output += chunk.toString('utf8');
        if (output.length > 64 * 1024) output = output.slice(-32 * 1024);
        const m = /Prism is listening on (http:\/\/[^\s]+)/.exec(output);
        if (m !== null) {
          clearTimeout(timeout);
          resolve(m[1]!.replace(/\/+$/, ''));
        }
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.once('error', (error) => {
        clearTimeout(timeout);
        reject(new SeamError('internal', `cannot run Prism: ${error.message}`, { cause: error }));
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timeout);
        reject(new SeamError('internal', `Prism exited before it was ready (${signal ?? `code ${code}`}):\n${tail(output)}`));
      });
    });
    // Prism logs several lines per request: keep draining so it never blocks on a full pipe.
    child.stdout!.removeAllListeners('data');
    child.stderr!.removeAllListeners('data');
    child.stdout!.resume();
    child.stderr!.resume();
    await waitAnswering(url, started + startTimeoutMs);
    const port = Number(new URL(url).port);
    return { pid: child.pid!, port, url, startMs: performance.now() - started, stop };
  } catch (error) {
    await stop(500);
    throw error;
  }
}

// The listening line comes right after listen(); one answered request (any status: Prism has no
// health route) confirms the socket serves.
async function waitAnswering(url: string, deadline: number): Promise<void> {
  for (;;) {
    try {
      const response = await fetch(`${url}/__seam_prism_ready`, { signal: AbortSignal.timeout(2000) });
      await response.arrayBuffer();
      return;
    } catch {
      // not answering yet
    }
    if (performance.now() > deadline) throw new SeamError('internal', `Prism at ${url} did not answer`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

function tail(text: string): string {
  return text.split('\n').slice(-20).join('\n');
}
