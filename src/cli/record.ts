// `seam record <partner> --target URL` and `seam record <partner> --inbound --forward URL`:
// run the recording proxy until Ctrl-C, one log line per exchange, then a summary.
import { loadConfig, redactionRulesFor } from '../config/config.js';
import { UsageError } from '../errors.js';
import { checkName, sessionDir, sessionNameFor } from '../exchange/store.js';
import type { Direction, Exchange } from '../exchange/types.js';
import { startRecorder, type RecordSummary } from '../record/proxy.js';
import { createRedactor } from '../record/redaction/index.js';
import { colour, statusColour } from './output.js';

export interface RecordOptions {
  target?: string;
  inbound?: boolean;
  forward?: string;
  port?: number;
  host?: string;
  session?: string;
  recordings?: string;
  timeout?: number;
  maxBody?: number;
  config?: string;
  json?: boolean;
}

export interface RecordPlan {
  partner: string;
  session: string;
  direction: Direction;
  target: string;
}

/** Check the arguments without touching the network or the disk. Throws UsageError. */
export function planRecording(partner: string, options: RecordOptions, now: Date = new Date()): RecordPlan {
  checkName('partner', partner);
  const session = checkName('session', options.session ?? sessionNameFor(now));
  if (options.target !== undefined && (options.inbound || options.forward !== undefined)) {
    throw new UsageError('use either --target URL (record calls to a partner) or --inbound --forward URL (record webhook deliveries), not both');
  }
  if (options.forward !== undefined && !options.inbound) throw new UsageError('--forward goes with --inbound: seam record <partner> --inbound --forward URL');
  if (options.inbound && options.forward === undefined) throw new UsageError('--inbound needs --forward URL: the connector the deliveries go to');
  const url = options.inbound ? options.forward : options.target;
  if (url === undefined) throw new UsageError('say where to forward: --target URL (the partner) or --inbound --forward URL (your connector)');
  checkHttpUrl(options.inbound ? '--forward' : '--target', url);
  return { partner, session, direction: options.inbound ? 'inbound' : 'outbound', target: url };
}

function checkHttpUrl(flag: string, value: string): void {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`${flag} "${value}" is not a URL (expected e.g. https://api.example.com)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`${flag} "${value}" must be an http:// or https:// URL`);
  if (url.username !== '' || url.password !== '') throw new UsageError(`${flag} must not carry credentials in the URL; send them as headers`);
  // The proxy forwards the client's own query; one on the base URL would be silently dropped.
  if (url.search !== '' || url.hash !== '') {
    throw new UsageError(`${flag} must not carry a query or a fragment ("${value}"); give the base URL and let the client send the query`);
  }
}

export async function run(partner: string, options: RecordOptions): Promise<void> {
  const plan = planRecording(partner, options);
  const root = options.recordings ?? 'recordings';
  const config = await loadConfig(options.config !== undefined ? { file: options.config } : {});
  const redactor = createRedactor(redactionRulesFor(config, plan.partner));
  const dir = sessionDir(root, plan.partner, plan.session);
  const shownDir = `${dir}/`;
  const json = options.json === true;
  const out = (line: string): void => {
    process.stdout.write(`${line}\n`);
  };

  const recorder = await startRecorder({
    partner: plan.partner,
    session: plan.session,
    recordingsRoot: root,
    target: plan.target,
    direction: plan.direction,
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 8787,
    timeoutMs: options.timeout,
    maxBodyBytes: options.maxBody,
    redactor,
    onExchange: ({ exchange, file, ms }) => out(json ? JSON.stringify(exchangeEvent(exchange, file, ms)) : logLine(exchange, ms)),
    onError: (error) => {
      if (json) out(JSON.stringify({ event: 'write-failed', message: error.message }));
      process.stderr.write(`${colour.red('seam record:', process.stderr)} could not write an exchange: ${error.message}\n`);
    },
  });

  if (json) {
    out(JSON.stringify({ event: 'listening', url: recorder.url, target: plan.target, direction: plan.direction, partner: plan.partner, session: plan.session, dir: shownDir }));
  } else {
    out(`seam record: ${colour.bold(plan.partner)} (${plan.direction}) → ${plan.target}`);
    out(`listening on ${recorder.url}`);
    out(`writing to ${shownDir}`);
    out(colour.dim('Ctrl-C to stop'));
  }

  await untilSignal(() => {
    if (!json) out(colour.dim('stopping: finishing in-flight exchanges (Ctrl-C again to quit at once)'));
  });
  const summary = await recorder.close();
  if (json) out(JSON.stringify({ event: 'summary', dir: shownDir, ...summary }));
  else for (const line of summaryLines(summary, shownDir)) out(line);
}

/** Resolves on the first SIGINT or SIGTERM; a second one exits at once. */
function untilSignal(onFirst: () => void): Promise<void> {
  return new Promise((resolve) => {
    const first = (signal: NodeJS.Signals): void => {
      process.off('SIGINT', first);
      process.off('SIGTERM', first);
      const again = (): void => process.exit(signal === 'SIGINT' ? 130 : 143);
      process.once('SIGINT', again);
      process.once('SIGTERM', again);
      onFirst();
      resolve();
    };
    process.once('SIGINT', first);
    process.once('SIGTERM', first);
  });
}

function displayPath(exchange: Exchange): string {
  const query = Object.keys(exchange.request.query).length > 0 ? '?…' : '';
  return `${exchange.request.path}${query}`;
}

export function logLine(exchange: Exchange, ms: number): string {
  const time = colour.dim(`${ms.toFixed(1)}ms`);
  if ('error' in exchange.response) {
    return `${exchange.request.method} ${displayPath(exchange)} ${colour.red(`${exchange.response.error.code}`)} ${time}`;
  }
  const status = exchange.response.status;
  return `${exchange.request.method} ${displayPath(exchange)} ${statusColour(status, String(status))} ${time}`;
}

function exchangeEvent(exchange: Exchange, file: string, ms: number): Record<string, unknown> {
  const outcome = 'error' in exchange.response ? { error: exchange.response.error.code } : { status: exchange.response.status };
  return { event: 'exchange', id: exchange.id, method: exchange.request.method, path: exchange.request.path, ...outcome, ms, file };
}

export function summaryLines(summary: RecordSummary, dir: string): string[] {
  const statuses = Object.keys(summary.byStatus)
    .sort()
    .map((s) => `${s} ×${summary.byStatus[s]}`);
  const rules = Object.keys(summary.redactions.byRule)
    .sort()
    .map((r) => `${r} ×${summary.redactions.byRule[r]}`);
  const lines = [
    `recorded ${summary.count} exchange${summary.count === 1 ? '' : 's'} in ${dir}`,
    `  by status: ${statuses.length > 0 ? statuses.join(', ') : 'none'}`,
    `  redactions: ${summary.redactions.total}${rules.length > 0 ? ` (${rules.join(', ')})` : ''}`,
  ];
  const failed = `  failed writes: ${summary.failedWrites}`;
  lines.push(summary.failedWrites > 0 ? colour.red(failed) : failed);
  return lines;
}
