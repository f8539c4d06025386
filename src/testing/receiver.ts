// A webhook receiver as a process: started with env, ready when it prints its listening line
// (`{"event":"listening","url":"http://127.0.0.1:PORT"}`), stopped with SIGTERM (it may finish
// its work and flush its state), restartable on the same port and state dir.
import { spawn } from 'node:child_process';
import type { ConnectorRun } from './connector.js';

export interface RunningReceiver {
  url: string;
  port: number;
  /** SIGTERM, then SIGKILL after `graceMs`; its output so far and how it ended. */
  stop(graceMs?: number): Promise<ConnectorRun>;
}

export interface Receiver {
  name: string;
  start(env: Record<string, string>): Promise<RunningReceiver>;
}

export interface ProcessReceiverOptions {
  command: string[];
  cwd?: string;
  env?: Record<string, string>;
  /** How long it may take to print its listening line (default 10 s). */
  startTimeoutMs?: number;
}

const LISTENING = /"event"\s*:\s*"listening"/;

export function processReceiver(name: string, options: ProcessReceiverOptions): Receiver {
  const [file, ...args] = options.command;
  if (file === undefined) throw new Error('processReceiver: empty command');
  return {
    name,
    start(env) {
      return new Promise((resolve, reject) => {
        const base: Record<string, string> = {};
        for (const key of ['PATH', 'HOME', 'TMPDIR', 'NODE_OPTIONS']) {
          const value = process.env[key];
          if (value !== undefined) base[key] = value;
        }
        const child = spawn(file, args, { cwd: options.cwd ?? process.cwd(), env: { ...base, ...options.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        let ready = false;
        const exited = new Promise<number | null>((done) => child.once('close', (code) => done(code)));
        const timer = setTimeout(() => {
          if (ready) return;
          child.kill('SIGKILL');
          reject(new Error(`${name} did not print its listening line within ${options.startTimeoutMs ?? 10_000} ms; stderr: ${stderr.slice(-500)}`));
        }, options.startTimeoutMs ?? 10_000);
        child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
        child.stdout!.setEncoding('utf8').on('data', (d: string) => {
          stdout += d;
          if (ready) return;
          const line = stdout.split('\n').find((l) => LISTENING.test(l));
          if (line === undefined) return;
          ready = true;
          clearTimeout(timer);
          const url = (JSON.parse(line) as { url: string }).url;
          resolve({
            url,
            port: Number(new URL(url).port),
            async stop(graceMs = 5000) {
              if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
              const kill = setTimeout(() => child.kill('SIGKILL'), graceMs);
              const code = await exited;
              clearTimeout(kill);
              return { exitCode: code, timedOut: false, stdout, stderr };
            },
          });
        });
        child.once('error', (error) => {
          clearTimeout(timer);
          reject(error);
        });
        void exited.then((code) => {
          if (!ready) {
            clearTimeout(timer);
            reject(new Error(`${name} exited (${code}) before listening; stderr: ${stderr.slice(-500)}`));
          }
        });
      });
    },
  };
}
