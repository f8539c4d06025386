// A WireMock 3 JVM as a child process: the jar from the `wiremock` npm package run directly on
// the local `java` (not its npm bin wrapper, which adds a shell and a second PID), bound to
// 127.0.0.1, in a root dir the caller owns. Stopped by PID: SIGTERM, then SIGKILL after a grace.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { SeamError } from '../errors.js';
import { startChildServer, type ChildServer } from './child-server.js';

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
  /** JVM options before `-jar`; default: a quick-starting JVM (C1 only, small stacks). `[]` = a stock JVM. */
  jvmArgs?: string[];
}

// A small, quick-starting JVM: WireMock needs little heap for a stub set and a journal.
const QUICK_START_JVM = ['-XX:TieredStopAtLevel=1', '-Xss512k'];

/** A running WireMock: `stop()` ends it by PID. */
export type WireMockProcess = ChildServer;

export async function startWireMockProcess(options: WireMockProcessOptions): Promise<WireMockProcess> {
  const jar = wiremockJarPath();
  if (!existsSync(jar)) throw new SeamError('internal', `WireMock jar not found at ${jar} (is the wiremock npm package installed?)`);
  const args = [
    ...(options.jvmArgs ?? QUICK_START_JVM),
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
  return startChildServer({
    name: 'WireMock',
    command: options.java ?? 'java',
    args,
    // WireMock prints the port it bound (`port: 8080`) when it starts.
    listeningAt: (output) => {
      const m = /^port:\s+(\d+)/m.exec(output);
      return m ? `http://127.0.0.1:${m[1]}` : undefined;
    },
    probe: { path: '/__admin/health', ok: true },
    startTimeoutMs: options.startTimeoutMs ?? 30_000,
  });
}
