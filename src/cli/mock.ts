// `seam mock <partner>`: a local mock of a partner for a developer. Builds stubs (from recordings,
// operations resolved through the partner's spec when there is one; or from the spec alone),
// serves them on 127.0.0.1, logs one line per request, reloads when the recordings change, and
// (embedded engine) hosts the admin API under /__seam/ (src/engines/admin-api.ts).
import { existsSync, watch, type FSWatcher } from 'node:fs';
import { InputError, UsageError } from '../errors.js';
import { checkName, partnerDir, readRecordings } from '../exchange/store.js';
import { ADMIN_ID_PREFIX, MockControl, unsupportedAdminStubs } from '../engines/admin-api.js';
import { startEmbedded } from '../engines/embedded.js';
import type { Engine, EngineName } from '../engines/engine.js';
import { startPrism } from '../engines/prism.js';
import { startWireMock } from '../engines/wiremock.js';
import { loadSpec } from '../spec/index.js';
import { findPartnerSpec } from '../spec/partner-spec.js';
import type { LoadedSpec } from '../spec/types.js';
import { stubsFromExchanges } from '../stubs/from-exchanges.js';
import { stubsFromSpec } from '../stubs/from-spec.js';
import { matchStub } from '../stubs/match.js';
import type { JournalEntry, Stub } from '../stubs/types.js';
import { colour, statusColour } from './output.js';

export interface MockOptions {
  engine?: string;
  /** --engine wiremock: the local jar (`java`, default) or the official image through testcontainers (`container`). */
  runtime?: string;
  port?: number;
  from?: string;
  recordings?: string;
  session?: string;
  spec?: string;
  json?: boolean;
}

const ENGINES = ['embedded', 'wiremock', 'prism'] as const;
const RELOAD_DEBOUNCE_MS = 200;
const POLL_MS = 200;

export async function run(partnerArg: string, options: MockOptions): Promise<void> {
  const partner = checkName('partner', partnerArg);
  const engineName = (options.engine ?? 'embedded') as EngineName;
  if (!(ENGINES as readonly string[]).includes(engineName)) throw new UsageError(`--engine must be one of ${ENGINES.join(', ')}, got "${engineName}"`);
  if (options.runtime !== undefined && options.runtime !== 'java' && options.runtime !== 'container') throw new UsageError(`--runtime must be java or container, got "${options.runtime}"`);
  if (options.runtime === 'container' && engineName !== 'wiremock') throw new UsageError('--runtime container applies to --engine wiremock only');
  if (options.from !== undefined && options.from !== 'recordings' && options.from !== 'spec') throw new UsageError(`--from must be recordings or spec, got "${options.from}"`);
  // Prism serves the spec itself, never Seam stubs.
  if (engineName === 'prism' && options.from === 'recordings') throw new UsageError('--engine prism serves the spec; it cannot replay recordings (use --from spec or another engine)');
  const from = engineName === 'prism' ? 'spec' : (options.from ?? 'recordings');
  const root = options.recordings ?? 'recordings';
  const json = options.json === true;
  const out = (line: string): void => void process.stdout.write(`${line}\n`);
  const warn = (message: string, event: Record<string, unknown>): void => {
    if (json) out(JSON.stringify(event));
    else process.stderr.write(`${colour.yellow('seam mock:', process.stderr)} ${message}\n`);
  };

  const specFile = findPartnerSpec(partner, options.spec);
  const spec = specFile !== undefined ? await loadSpec(specFile) : undefined;
  const recordingsDir = partnerDir(root, partner);
  const build = async (): Promise<Stub[]> => {
    if (from === 'spec') {
      if (spec === undefined) throw new InputError(`no spec for ${partner}: expected contracts/${partner}/openapi.(json|yaml) or --spec FILE`);
      return stubsFromSpec(spec);
    }
    return buildFromRecordings(root, partner, options.session, spec);
  };
  if (from === 'recordings' && !existsSync(recordingsDir)) {
    throw new InputError(`no recordings for ${partner}: ${recordingsDir}/ does not exist (record some with \`seam record ${partner}\`)`);
  }
  if (engineName === 'prism' && spec === undefined) throw new InputError(`no spec for ${partner}: --engine prism needs contracts/${partner}/openapi.(json|yaml) or --spec FILE`);
  // Prism serves the spec itself: no Seam stubs to build.
  const stubs = engineName === 'prism' ? [] : await build();
  if (from === 'recordings' && stubs.length === 0) {
    throw new InputError(`no recordings for ${partner} in ${recordingsDir}/${options.session !== undefined ? options.session + '/' : ''} (record some with \`seam record ${partner}\`)`);
  }

  // One line (or JSON line) per request.
  let control: MockControl | undefined;
  let origin = 0;
  const logEntry = (entry: JournalEntry, ms: number | undefined): void => {
    if (entry.stubId?.startsWith(`${ADMIN_ID_PREFIX}admin-`) === true) return; // wiremock's 501 admin stubs: admin requests are not logged
    const outcome = entry.outcome;
    const status = 'fault' in outcome ? undefined : outcome.status;
    const fault = 'fault' in outcome ? outcome.fault : undefined;
    const rounded = ms === undefined ? undefined : Math.round(ms * 10) / 10;
    if (json) {
      const event: Record<string, unknown> = { event: 'request', seq: entry.seq, method: entry.method, path: entry.path, stub: entry.stubId ?? 'MISS' };
      if (entry.replyIndex !== undefined) event.reply = entry.replyIndex;
      if (status !== undefined) event.status = status;
      if (fault !== undefined) event.fault = fault;
      if (rounded !== undefined) event.ms = rounded;
      if (entry.stubId === null) event.near = nearest(entry);
      out(JSON.stringify(event));
      return;
    }
    const what = fault !== undefined ? colour.red(fault) : statusColour(status, String(status));
    const stub = entry.stubId === null ? colour.yellow('MISS') : entry.stubId;
    const near = entry.stubId === null ? nearest(entry) : [];
    const hint = near.length > 0 ? colour.dim(`  closest: ${near.join(', ')}`) : '';
    out(`${entry.method} ${entry.path} → ${stub} ${what}${rounded === undefined ? '' : ` ${rounded}ms`}${hint}`);
  };
  const nearest = (entry: JournalEntry): string[] => {
    if (control === undefined) return [];
    const result = matchStub(control.stubs(), { method: entry.method, path: entry.path, query: entry.query, headers: entry.headers, body: entry.body });
    return 'near' in result ? result.near.map((n) => n.stubId) : [];
  };

  let engine: Engine;
  let pid: number | undefined;
  let containerId: string | undefined;
  let stopPolling = (): void => {};
  let setBase: (stubs: Stub[]) => Promise<void>;
  if (engineName === 'embedded') {
    const ctl = new MockControl(stubs);
    control = ctl;
    origin = performance.now();
    const embedded = await startEmbedded({
      stubs: ctl.stubs(),
      port: options.port ?? 0,
      onEntry: (entry) => {
        ctl.observe(entry);
        // `at` is ms since the engine started (≈ origin); the reply's own delay is still to come.
        const stub = entry.stubId === null ? undefined : ctl.stubs().find((s) => s.id === entry.stubId);
        const delay = stub?.replies[entry.replyIndex ?? 0]?.delayMs ?? 0;
        logEntry(entry, Math.max(0, performance.now() - origin - entry.at) + delay);
      },
      admin: ctl.handle,
    });
    ctl.attach(embedded);
    engine = embedded;
    setBase = (next) => ctl.setBase(next);
  } else if (engineName === 'wiremock') {
    const admin = unsupportedAdminStubs('wiremock', "use WireMock's own admin API under /__admin/ (mappings, requests, scenarios/reset)");
    const wiremock = await startWireMock({ stubs: [...stubs, ...admin], port: options.port ?? 0, runtime: options.runtime === 'container' ? 'container' : 'java' });
    engine = wiremock;
    pid = wiremock.pid;
    containerId = wiremock.containerId;
    setBase = (next) => wiremock.setStubs([...next, ...admin]);
    stopPolling = pollJournal(wiremock, (entry) => logEntry(entry, entry.ms));
  } else {
    const prism = await startPrism({ spec: specFile!, mode: 'mock', port: options.port ?? 0 });
    engine = prism;
    pid = prism.pid;
    setBase = async () => {};
    stopPolling = pollJournal(prism, (entry) => logEntry(entry, entry.ms));
  }

  if (json) {
    const event: Record<string, unknown> = { event: 'listening', url: engine.url, engine: engine.name, stubs: stubs.length, from };
    if (engine.name === 'prism') delete event.stubs;
    if (pid !== undefined) event.pid = pid;
    if (containerId !== undefined) event.container = containerId;
    out(JSON.stringify(event));
  } else {
    const what = engine.name === 'prism' ? `serving ${specFile}` : `${stubs.length} stubs from ${from === 'spec' ? specFile : `${recordingsDir}/`}`;
    out(`seam mock: ${colour.bold(partner)} (${engine.name}${containerId !== undefined ? ' in a container' : ''}, ${what})`);
    out(`listening on ${engine.url}`);
    if (engine.name === 'embedded') out(colour.dim(`admin API: ${engine.url}/__seam/ (stubs, faults, reset, journal)`));
    out(colour.dim('Ctrl-C to stop'));
  }

  // Live reload: rebuild on any change under recordings/<partner>; a bad file keeps the old stubs.
  let watcher: FSWatcher | undefined;
  let timer: NodeJS.Timeout | undefined;
  let reloading: Promise<void> | undefined;
  let again = false;
  const reload = async (): Promise<void> => {
    try {
      const next = await build();
      await setBase(next);
      if (json) out(JSON.stringify({ event: 'reloaded', stubs: next.length }));
      else out(colour.dim(`reloaded: ${next.length} stubs`));
    } catch (error) {
      const message = (error as Error).message;
      warn(`reload failed, still serving the previous stubs: ${message}`, { event: 'reload-failed', message });
    }
  };
  const schedule = (): void => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      if (reloading !== undefined) {
        again = true;
        return;
      }
      reloading = reload().finally(() => {
        reloading = undefined;
        if (again) {
          again = false;
          schedule();
        }
      });
    }, RELOAD_DEBOUNCE_MS);
  };
  if (from === 'recordings') {
    watcher = watch(recordingsDir, { recursive: true }, schedule);
    watcher.on('error', (error) => warn(`stopped watching ${recordingsDir}/: ${error.message}`, { event: 'watch-failed', message: error.message }));
  }

  await untilSignal();
  watcher?.close();
  clearTimeout(timer);
  stopPolling();
  await reloading;
  await engine.close();
  if (json) out(JSON.stringify({ event: 'stopped' }));
  else out(colour.dim('stopped'));
}

async function buildFromRecordings(root: string, partner: string, session: string | undefined, spec: LoadedSpec | undefined): Promise<Stub[]> {
  const stored = await readRecordings(root, partner, session !== undefined ? { session } : {});
  return stubsFromExchanges(stored.map((s) => s.exchange), spec !== undefined ? { spec } : {});
}

/** For engines whose journal lives elsewhere: log new entries as they appear. */
function pollJournal(engine: Engine, onEntry: (entry: JournalEntry) => void): () => void {
  let seen = 0;
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    engine
      .journal()
      .then((entries) => {
        if (entries.length < seen) seen = 0; // the journal was reset
        for (const entry of entries.slice(seen)) onEntry(entry);
        seen = entries.length;
      })
      .catch(() => {})
      .finally(() => (busy = false));
  }, POLL_MS);
  return () => clearInterval(timer);
}

/** Resolves on the first SIGINT or SIGTERM; a second one exits at once. */
function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    const first = (signal: NodeJS.Signals): void => {
      process.off('SIGINT', first);
      process.off('SIGTERM', first);
      const again = (): void => process.exit(signal === 'SIGINT' ? 130 : 143);
      process.once('SIGINT', again);
      process.once('SIGTERM', again);
      resolve();
    };
    process.once('SIGINT', first);
    process.once('SIGTERM', first);
  });
}
