// Records ticket-sync's traffic with both partners: starts the two sandboxes, puts a `seam record`
// proxy in front of each (session sandbox-sync), runs the real connector (process form) through
// the proxies, then stops everything. Leaves recordings/helpdesk/sandbox-sync/ and
// recordings/tracker/sandbox-sync/ (replaced, not appended to).
// Run from the repository root after `npx tsc -p .`: node dist/scripts/record-sandboxes.js
import { spawn, type ChildProcess } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { HELPDESK_SANDBOX_API_KEY, startHelpdeskSandbox } from './sandboxes/helpdesk.js';
import { startTrackerSandbox, TRACKER_SANDBOX_CLIENT } from './sandboxes/tracker.js';

const SESSION = 'sandbox-sync';
// Fixed sandbox ports keep the recorded origins and Host headers the same from one recording to the next.
const HELPDESK_PORT = 47011;
const TRACKER_PORT = 47012;
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SEAM = join(ROOT, 'bin', 'seam.js');
const CONNECTOR = join(ROOT, 'dist', 'connectors', 'ticket-sync', 'main.js');

interface Recorder {
  child: ChildProcess;
  url: string;
  /** Resolves with the recorder's closing summary line. */
  done: Promise<string>;
}

/** Starts `seam record <partner>` and waits for its "listening" line. */
function startRecorder(partner: string, target: string, recordings: string): Promise<Recorder> {
  const child = spawn(process.execPath, [SEAM, 'record', partner, '--target', target, '--port', '0', '--session', SESSION, '--recordings', recordings, '--json'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let summary = '';
    let settled = false;
    const done = new Promise<string>((resolveDone) => child.on('close', () => resolveDone(summary)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const event = JSON.parse(line) as { event?: string; url?: string };
      if (event.event === 'summary') summary = line;
      if (event.event === 'listening' && !settled) {
        settled = true;
        resolve({ child, url: event.url!, done });
      }
    });
    child.on('close', (code) => {
      if (!settled) reject(new Error(`seam record ${partner} exited with ${code} before listening`));
    });
  });
}

function runConnector(env: Record<string, string>): Promise<number | null> {
  const child = spawn(process.execPath, [CONNECTOR], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
}

async function main(): Promise<number> {
  const recordings = 'recordings';
  for (const partner of ['helpdesk', 'tracker']) await rm(join(ROOT, recordings, partner, SESSION), { recursive: true, force: true });
  const helpdesk = await startHelpdeskSandbox({ port: HELPDESK_PORT });
  const tracker = await startTrackerSandbox({ port: TRACKER_PORT });
  const recorders: Recorder[] = [];
  try {
    const helpdeskRecorder = await startRecorder('helpdesk', helpdesk.url, recordings);
    recorders.push(helpdeskRecorder);
    const trackerRecorder = await startRecorder('tracker', tracker.url, recordings);
    recorders.push(trackerRecorder);
    const code = await runConnector({
      HELPDESK_BASE_URL: helpdeskRecorder.url,
      HELPDESK_API_KEY: HELPDESK_SANDBOX_API_KEY,
      TRACKER_BASE_URL: trackerRecorder.url,
      TRACKER_CLIENT_ID: TRACKER_SANDBOX_CLIENT.id,
      TRACKER_CLIENT_SECRET: TRACKER_SANDBOX_CLIENT.secret,
      SYNC_PAGE_SIZE: '5',
    });
    process.stderr.write(`record-sandboxes: ticket-sync exited ${code}\n`);
    return code === 0 ? 0 : 1;
  } finally {
    for (const r of recorders) r.child.kill('SIGINT');
    for (const r of recorders) process.stderr.write(`record-sandboxes: ${await r.done}\n`);
    await helpdesk.close();
    await tracker.close();
  }
}

process.exitCode = await main();
