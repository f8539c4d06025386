// The built CLI (`bin/seam.js`, run `npx tsc -p .` first) as a child process: exit code and
// everything it printed, without colour.
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
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SEAM_BIN, ...args], { cwd, env: { ...process.env, NO_COLOR: '1', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
