// ticket-sync (the correct connector) against the two local sandboxes, in-process and as a process.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configFromEnv, exitCodeFor, runTicketSync, type TicketSyncConfig } from '../connectors/ticket-sync/index.js';
import { HELPDESK_SANDBOX_API_KEY, startHelpdeskSandbox, type HelpdeskSandbox } from '../scripts/sandboxes/helpdesk.js';
import { startTrackerSandbox, TRACKER_SANDBOX_CLIENT, type TrackerSandbox } from '../scripts/sandboxes/tracker.js';
import { runNode, type SeamRun } from './support/run-seam.js';

let helpdesk: HelpdeskSandbox;
let tracker: TrackerSandbox;
let env: Record<string, string>;

beforeAll(async () => {
  helpdesk = await startHelpdeskSandbox();
  tracker = await startTrackerSandbox();
  env = {
    HELPDESK_BASE_URL: helpdesk.url,
    HELPDESK_API_KEY: HELPDESK_SANDBOX_API_KEY,
    TRACKER_BASE_URL: tracker.url,
    TRACKER_CLIENT_ID: TRACKER_SANDBOX_CLIENT.id,
    TRACKER_CLIENT_SECRET: TRACKER_SANDBOX_CLIENT.secret,
    SYNC_PAGE_SIZE: '5',
    SYNC_BACKOFF_BASE_MS: '10',
  };
});

afterAll(async () => {
  await helpdesk?.close();
  await tracker?.close();
});

function secretsIn(output: string): string[] {
  return [HELPDESK_SANDBOX_API_KEY, TRACKER_SANDBOX_CLIENT.secret, ...tracker.tokens()].filter((s) => output.includes(s));
}

function runProcess(extraEnv: Record<string, string>, args: string[] = []): Promise<SeamRun> {
  return runNode([join('dist', 'connectors', 'ticket-sync', 'main.js'), ...args], { env: { PATH: process.env.PATH ?? '', ...extraEnv } });
}

describe('ticket-sync in-process', () => {
  let config: TicketSyncConfig;
  const lines: string[] = [];

  beforeAll(() => {
    config = configFromEnv(env);
  });

  it('creates an issue per valid ticket, rejects the invalid one with its reason, and logs no secret', async () => {
    const summary = await runTicketSync(config, { log: (l) => lines.push(l) });
    expect(summary).toEqual({ tickets: 12, created: 11, updated: 0, rejected: 1, failed: 0, pages: 3, complete: true });
    expect(exitCodeFor(summary)).toBe(0);
    expect(tracker.creations()).toBe(11);
    expect(tracker.issues().map((i) => i.external_id)).toEqual(
      ['HD-1042', 'HD-1043', 'HD-1044', 'HD-1045', 'HD-1046', 'HD-1047', 'HD-1048', 'HD-1050', 'HD-1051', 'HD-1052', 'HD-1053'],
    );
    expect(lines).toContain('{"level":"warn","event":"ticket.rejected","ticket":"HD-1049","reasons":["title must NOT have fewer than 1 characters"]}');
    expect(lines.at(-1)).toBe('{"level":"info","event":"sync.summary","tickets":12,"created":11,"updated":0,"rejected":1,"failed":0,"pages":3,"complete":true}');
    expect(helpdesk.requests.slice(0, 3).map((r) => r.replace(/cursor=[^&]+/, 'cursor=…'))).toEqual([
      'GET /api/v2/tickets?limit=5',
      'GET /api/v2/tickets?limit=5&cursor=…',
      'GET /api/v2/tickets?limit=5&cursor=…',
    ]);
    expect(secretsIn(lines.join('\n'))).toEqual([]);
  });

  it('a second run updates the same issues instead of creating them', async () => {
    const summary = await runTicketSync(config, { log: () => {} });
    expect(summary).toEqual({ tickets: 12, created: 0, updated: 11, rejected: 1, failed: 0, pages: 3, complete: true });
    expect(tracker.creations()).toBe(11);
  });

  it('refreshes the token once when it stops working mid-run', async () => {
    const before = tracker.tokens().length;
    const out: string[] = [];
    const summary = await runTicketSync(config, {
      log: (l) => {
        out.push(l);
        if (l.includes('"ticket":"HD-1044"')) tracker.expireTokens();
      },
    });
    expect(summary.updated).toBe(11);
    // One token at the start of the run, one after the 401.
    expect(tracker.tokens().length - before).toBe(2);
    expect(out.filter((l) => l.includes('"event":"http.unauthorized"'))).toHaveLength(1);
    expect(secretsIn(out.join('\n'))).toEqual([]);
  });
});

describe('ticket-sync as a process', () => {
  it('exits 0 with a summary line and no secret in its output', async () => {
    const run = await runProcess(env);
    expect(run.code).toBe(0);
    const last = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
    expect(last).toEqual({ level: 'info', event: 'sync.summary', tickets: 12, created: 0, updated: 11, rejected: 1, failed: 0, pages: 3, complete: true });
    expect(secretsIn(run.stdout + run.stderr)).toEqual([]);
  });

  it('exits 1 when the tracker refuses its credentials, still with a summary', async () => {
    const run = await runProcess({ ...env, TRACKER_CLIENT_SECRET: 'trk_wrong_secret_0000' });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('{"level":"error","event":"ticket.failed","ticket":"HD-1042","error":"POST /oauth/token answered 401: invalid_client — unknown client or wrong secret"}');
    expect(run.stdout.trim().split('\n').at(-1)).toBe('{"level":"info","event":"sync.summary","tickets":1,"created":0,"updated":0,"rejected":0,"failed":1,"pages":1,"complete":false}');
    expect(run.stdout).not.toContain('trk_wrong_secret_0000');
  });

  it('exits 2 on missing configuration or an unknown variant', async () => {
    const missing = await runProcess({ HELPDESK_BASE_URL: 'ftp://x' });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(
      'ticket-sync: bad configuration: HELPDESK_API_KEY is not set; TRACKER_BASE_URL is not set; TRACKER_CLIENT_ID is not set; TRACKER_CLIENT_SECRET is not set; HELPDESK_BASE_URL must be an http(s) URL, got "ftp://x"\n',
    );
    const variant = await runProcess(env, ['--variant', 'nope']);
    expect(variant.code).toBe(2);
    expect(variant.stderr).toMatch(/^ticket-sync: unknown variant "nope"; known: no-jitter, /);
  });
});
