// Connector adapters: how a scenario runs the code under test. Both give the judge the same
// evidence (exit, output, times on the scenario clock), so a connector in any language can be
// gated as a process, and a TypeScript one can also run in-process.
import { spawn } from 'node:child_process';

export interface ConnectorContext {
  /** Partner base URLs by partner name. */
  partners: Record<string, string>;
  /** The env a process connector gets: `<PARTNER>_BASE_URL` for each partner, plus the scenario's env. */
  env: Record<string, string>;
  /** In-process connectors log through this (it becomes the run's stdout). */
  log(line: string): void;
  /** Aborted at the time limit. */
  signal: AbortSignal;
}

export interface ConnectorRun {
  exitCode: number | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
  error?: string;
}

export interface Connector {
  /** For reports: `ticket-sync`, `ticket-sync:no-jitter`. */
  name: string;
  run(context: ConnectorContext, timeLimitMs: number): Promise<ConnectorRun>;
}

/**
 * A TypeScript function as the connector: resolving is exit 0, throwing is exit 1 with the error.
 * At the time limit its signal aborts; a function that ignores it is reported as timed out (its
 * promise is abandoned, not awaited).
 */
export function inProcessConnector(name: string, fn: (context: ConnectorContext) => Promise<unknown>): Connector {
  return {
    name,
    async run(context, timeLimitMs) {
      const lines: string[] = [];
      const controller = new AbortController();
      const ctx: ConnectorContext = { ...context, log: (line) => lines.push(line), signal: controller.signal };
      let timer: NodeJS.Timeout | undefined;
      const limit = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), timeLimitMs);
      });
      try {
        const result = await Promise.race([fn(ctx).then(() => 'done' as const), limit]);
        if (result === 'timeout') {
          controller.abort(new Error(`time limit of ${timeLimitMs} ms`));
          return { exitCode: null, timedOut: true, stdout: joined(lines), stderr: '' };
        }
        return { exitCode: 0, timedOut: false, stdout: joined(lines), stderr: '' };
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        return { exitCode: 1, timedOut: false, stdout: joined(lines), stderr: `${message}\n`, error: message };
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

export interface ProcessConnectorOptions {
  /** argv: the executable and its arguments, e.g. `[process.execPath, 'dist/connectors/ticket-sync/main.js']`. */
  command: string[];
  cwd?: string;
  /** Extra env (on top of PATH and the scenario's env). The parent's env is NOT inherited beyond PATH, HOME and NODE_* so secrets do not leak in. */
  env?: Record<string, string>;
}

/** A command as the connector: env in, stdout/stderr captured, exit code, killed (SIGKILL, its process group) at the time limit. */
export function processConnector(name: string, options: ProcessConnectorOptions): Connector {
  const [file, ...args] = options.command;
  if (file === undefined) throw new Error('processConnector: empty command');
  return {
    name,
    run(context, timeLimitMs) {
      return new Promise((resolve, reject) => {
        const base: Record<string, string> = {};
        for (const key of ['PATH', 'HOME', 'TMPDIR', 'NODE_OPTIONS', 'NODE_EXTRA_CA_CERTS', 'SYSTEMROOT']) {
          const value = process.env[key];
          if (value !== undefined) base[key] = value;
        }
        const child = spawn(file, args, {
          cwd: options.cwd ?? process.cwd(),
          env: { ...base, ...options.env, ...context.env },
          stdio: ['ignore', 'pipe', 'pipe'],
          detached: true, // its own process group, so the time limit ends grandchildren too
        });
        let stdout = '';
        let stderr = '';
        child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
        child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
        let timedOut = false;
        const timer = setTimeout(() => {
          timedOut = true;
          try {
            process.kill(-child.pid!, 'SIGKILL');
          } catch {
            child.kill('SIGKILL');
          }
        }, timeLimitMs);
        child.once('error', (error) => {
          clearTimeout(timer);
          reject(error);
        });
        child.once('close', (code) => {
          clearTimeout(timer);
          resolve({ exitCode: timedOut ? null : code, timedOut, stdout, stderr });
        });
      });
    },
  };
}

function joined(lines: string[]): string {
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}
