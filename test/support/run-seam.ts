// The built CLI (`bin/seam.js`, run `npx tsc -p .` first), or any Node script, as a child process:
// exit code and everything it printed (the CLI without colour).
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const SEAM_BIN = join(fileURLToPath(new URL('../..', import.meta.url)), 'bin', 'seam.js');

export interface SeamRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runSeam(args: string[], cwd: string, env: Record<string, string> = {}): Promise<SeamRun> {
  return runNode([SEAM_BIN, ...args], { cwd, env: { ...process.env, NO_COLOR: '1', ...env } });
}

/** `node ARGS…` to its end: exit code and everything it printed. */
export function runNode(args: string[], options: { cwd?: string; env: NodeJS.ProcessEnv }): Promise<SeamRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, options);
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
