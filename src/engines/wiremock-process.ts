// A WireMock 3 JVM as a child process: the jar from the `wiremock` npm package run directly on
// the local `java` (not its npm bin wrapper, which adds a shell and a second PID), bound to
// 127.0.0.1, in a root dir the caller owns. Stopped by PID: SIGTERM, then SIGKILL after a grace.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { SeamError } from '../errors.js';

export const WIREMOCK_VERSION = '3.13.2';

export function wiremockJarPath(): string {
  const pkg = createRequire(import.meta.url).resolve('wiremock/package.json');
  return join(dirname(pkg), 'build', `wiremock-standalone-${WIREMOCK_VERSION}.jar`);
}

export interface WireMockProcessOptions {
  rootDir: string;
  /** 0 (the default) lets WireMock pick a free port; the one it bound is read from its output. */
  port?: number;
  /** Give up waiting for readiness after this long (ms). */
  startTimeoutMs?: number;
  /** Extra command-line options, e.g. `--max-request-journal-entries 1000`. */
  args?: string[];
  java?: string;
}

export interface WireMockProcess {
  readonly pid: number;
  readonly port: number;
  readonly url: string;
  /** ms from spawn to a healthy admin API. */
  readonly startMs: number;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process has exited. Idempotent. */
  stop(graceMs?: number): Promise<void>;
}

// Every JVM this module started and has not yet seen exit: killed if Node exits first, so a
// failing test or a crash never leaves a WireMock behind.
const live = new Set<ChildProcess>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of live) if (child.pid !== undefined) try { process.kill(child.pid, 'SIGKILL'); } catch {}
  });
}

export async function startWireMockProcess(options: WireMockProcessOptions): Promise<WireMockProcess> {
  const jar = wiremockJarPath();
  if (!existsSync(jar)) throw new SeamError('internal', `WireMock jar not found at ${jar} (is the wiremock npm package installed?)`);
  const started = performance.now();
  const args = [
    // A small, quick-starting JVM: WireMock needs little heap for a stub set and a journal.
    '-XX:TieredStopAtLevel=1',
    '-Xss512k',
    '-jar',
    jar,
    '--port',
    String(options.port ?? 0),
    '--bind-address',
    '127.0.0.1',
    '--disable-banner',
    // Serve bytes as stubbed: no gzip re-framing of bodies (it hides Content-Length faults and adds headers).
    '--disable-gzip',
    '--root-dir',
    options.rootDir,
    ...(options.args ?? []),
  ];
  installExitHook();
  const child = spawn(options.java ?? 'java', args, { stdio: ['ignore', 'pipe', 'pipe'] });
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
    const port = await new Promise<number>((resolve, reject) => {
      const timeout = setTimeout(
        () => reject(new SeamError('internal', `WireMock did not start within ${options.startTimeoutMs ?? 30_000} ms:\n${tail(output)}`)),
        options.startTimeoutMs ?? 30_000,
      );
      const onData = (chunk: Buffer): void => {
        output += chunk.toString('utf8');
        if (output.length > 64 * 1024) output = output.slice(-32 * 1024);
        const m = /^port:\s+(\d+)/m.exec(output);
        if (m !== null) {
          clearTimeout(timeout);
          resolve(Number(m[1]));
        }
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.once('error', (error) => {
        clearTimeout(timeout);
        reject(new SeamError('internal', `cannot run java for WireMock: ${error.message}`, { cause: error }));
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timeout);
        reject(new SeamError('internal', `WireMock exited before it was ready (${signal ?? `code ${code}`}):\n${tail(output)}`));
      });
    });
    // Keep draining the pipes so a chatty JVM never blocks on a full pipe.
    child.stdout!.removeAllListeners('data');
    child.stderr!.removeAllListeners('data');
    child.stdout!.resume();
    child.stderr!.resume();
    const url = `http://127.0.0.1:${port}`;
    await waitHealthy(url, started + (options.startTimeoutMs ?? 30_000));
    const pid = child.pid!;
    return { pid, port, url, startMs: performance.now() - started, stop };
  } catch (error) {
    await stop(500);
    throw error;
  }
}

async function waitHealthy(url: string, deadline: number): Promise<void> {
  for (;;) {
    try {
      const response = await fetch(`${url}/__admin/health`, { signal: AbortSignal.timeout(2000) });
      await response.arrayBuffer();
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    if (performance.now() > deadline) throw new SeamError('internal', `WireMock at ${url} did not become healthy`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

function tail(text: string): string {
  return text.split('\n').slice(-20).join('\n');
}
