// A server we run as a child process (WireMock's JVM, Prism): spawned directly so we own its
// PID, ready when its output names where it listens and it answers a probe, stopped by PID
// (SIGTERM, then SIGKILL after a grace), and killed if Node exits first — a failing test or a
// crash never leaves one behind.
import { spawn, type ChildProcess } from 'node:child_process';
import { SeamError } from '../errors.js';

export interface ChildServerOptions {
  /** For messages: "WireMock", "Prism". */
  name: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  /** The base URL, from the output seen so far; undefined until the server says where it listens. */
  listeningAt(output: string): string | undefined;
  /** A path to GET until it answers (any status) — or `ok` when only a 2xx counts. */
  probe: { path: string; ok?: boolean };
  startTimeoutMs: number;
}

export interface ChildServer {
  readonly pid: number;
  readonly port: number;
  readonly url: string;
  /** ms from spawn to an answered probe. */
  readonly startMs: number;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process has exited. Idempotent. */
  stop(graceMs?: number): Promise<void>;
}

const live = new Set<ChildProcess>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of live) if (child.pid !== undefined) try { process.kill(child.pid, 'SIGKILL'); } catch {}
  });
}

export async function startChildServer(options: ChildServerOptions): Promise<ChildServer> {
  const { name, startTimeoutMs } = options;
  const started = performance.now();
  installExitHook();
  const child = spawn(options.command, options.args, { stdio: ['ignore', 'pipe', 'pipe'], ...(options.env ? { env: options.env } : {}) });
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
      const timeout = setTimeout(() => reject(new SeamError('internal', `${name} did not start within ${startTimeoutMs} ms:\n${tail(output)}`)), startTimeoutMs);
      const onData = (chunk: Buffer): void => {
        output += chunk.toString('utf8');
        if (output.length > 64 * 1024) output = output.slice(-32 * 1024);
        const at = options.listeningAt(output);
        if (at !== undefined) {
          clearTimeout(timeout);
          resolve(at.replace(/\/+$/, ''));
        }
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.once('error', (error) => {
        clearTimeout(timeout);
        reject(new SeamError('internal', `cannot run ${name} (${options.command}): ${error.message}`, { cause: error }));
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timeout);
        reject(new SeamError('internal', `${name} exited before it was ready (${signal ?? `code ${code}`}):\n${tail(output)}`));
      });
    });
    // Keep draining the pipes so a chatty server never blocks on a full pipe.
    child.stdout!.removeAllListeners('data');
    child.stderr!.removeAllListeners('data');
    child.stdout!.resume();
    child.stderr!.resume();
    await waitAnswering(name, url, options.probe, started + startTimeoutMs);
    return { pid: child.pid!, port: Number(new URL(url).port), url, startMs: performance.now() - started, stop };
  } catch (error) {
    await stop(500);
    throw error;
  }
}

async function waitAnswering(name: string, url: string, probe: ChildServerOptions['probe'], deadline: number): Promise<void> {
  for (;;) {
    try {
      const response = await fetch(`${url}${probe.path}`, { signal: AbortSignal.timeout(2000) });
      await response.arrayBuffer();
      if (!probe.ok || response.ok) return;
    } catch {
      // not answering yet
    }
    if (performance.now() > deadline) throw new SeamError('internal', `${name} at ${url} did not answer ${probe.path}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

function tail(text: string): string {
  return text.split('\n').slice(-20).join('\n');
}
