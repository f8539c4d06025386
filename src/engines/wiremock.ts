// The `wiremock` engine: a real WireMock 3 serving the stubs. The stubs are written as generated
// mappings into the engine's own temp root dir (exactly what `seam generate mocks` writes), so
// WireMock loads them itself on start and reloads them from disk on `setStubs`; the journal is
// WireMock's request log, mapped back to Seam's JournalEntry through each mapping's metadata.
// It runs on the local Java (the jar from the npm package) or, `runtime: 'container'`, from the
// official image through testcontainers with the root dir bind-mounted (src/engines/wiremock-container.ts).
// The admin calls go through wiremock-captain (its typed client for WireMock's admin API); stubs
// are not registered through it but written as mapping files, so the engine serves exactly what
// `seam generate mocks` writes and a stock WireMock would load.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SeamError } from '../errors.js';
import { typeBody } from '../exchange/body.js';
import type { MultiMap } from '../exchange/types.js';
import { addValue } from '../exchange/body.js';
import type { JournalEntry, Stub } from '../stubs/types.js';
import type { Engine } from './engine.js';
import type { SeamMappingMetadata } from './wiremock-mappings.js';
import { writeWireMockMappings } from './wiremock-mappings.js';
import { startWireMockProcess } from './wiremock-process.js';
import { WireMock } from 'wiremock-captain';

export interface WireMockEngineOptions {
  stubs: Stub[];
  /** 0 or absent: any free port. */
  port?: number;
  /** WireMock keeps at most this many journal entries (it discards the oldest). */
  maxJournalEntries?: number;
  startTimeoutMs?: number;
  /** The local jar on `java` (default), or the official image through testcontainers. */
  runtime?: WireMockRuntime;
}

export type WireMockRuntime = 'java' | 'container';

export interface WireMockEngine extends Engine {
  readonly name: 'wiremock';
  readonly runtime: WireMockRuntime;
  /** java runtime: the JVM's PID. */
  readonly pid?: number;
  /** container runtime: the container's id. */
  readonly containerId?: string;
  /** The engine's own root dir (mappings/, __files/); removed on close. */
  readonly rootDir: string;
  /** ms from spawning the JVM (or asking for the container) to a healthy admin API. */
  readonly startMs: number;
}

export async function startWireMock(options: WireMockEngineOptions): Promise<WireMockEngine> {
  const rootDir = await mkdtemp(join(tmpdir(), 'seam-wiremock-'));
  const runtime = options.runtime ?? 'java';
  let proc: { url: string; startMs: number; pid?: number; containerId?: string; stop(graceMs?: number): Promise<void> };
  try {
    await writeWireMockMappings(options.stubs, rootDir);
    // Loaded only when asked for: importing testcontainers installs a global undici dispatcher,
    // which changes how Node's own fetch reports broken responses (no error codes) process-wide.
    const start = runtime === 'container' ? (await import('./wiremock-container.js')).startWireMockContainer : startWireMockProcess;
    proc = await start({
      rootDir,
      port: options.port ?? 0,
      startTimeoutMs: options.startTimeoutMs,
      args: ['--max-request-journal-entries', String(options.maxJournalEntries ?? 10_000), '--jetty-stop-timeout', '500'],
    });
  } catch (error) {
    await rm(rootDir, { recursive: true, force: true });
    throw error;
  }
  const startedAt = Date.now();
  const url = proc.url;
  let closed: Promise<void> | undefined;

  const captain = new WireMock(url);
  /** One admin call, its failure reported as WireMock's answer (captain rejects with axios's error). */
  const admin = async <T>(what: string, call: () => Promise<T>): Promise<T> => {
    try {
      return await call();
    } catch (error) {
      const e = error as Error & { response?: { status?: number; data?: unknown } };
      const answer = e.response !== undefined ? `answered ${e.response.status}: ${JSON.stringify(e.response.data ?? '').slice(0, 500)}` : `failed: ${e.message}`;
      throw new SeamError('internal', `WireMock admin ${what} at ${url} ${answer}`);
    }
  };

  return {
    name: 'wiremock',
    url,
    runtime,
    ...(proc.pid !== undefined ? { pid: proc.pid } : {}),
    ...(proc.containerId !== undefined ? { containerId: proc.containerId } : {}),
    rootDir,
    startMs: proc.startMs,
    async journal() {
      const requests = (await admin('GET /requests', () => captain.getAllRequests())) as ServeEvent[] | undefined;
      // WireMock lists newest first; its loggedDate has ms resolution only.
      const events = [...(requests ?? [])].reverse();
      return events.map((event, i) => toJournalEntry(event, i + 1, startedAt));
    },
    async resetJournal() {
      await admin('DELETE /requests', () => captain.clearAllRequests());
    },
    async setStubs(stubs) {
      await writeWireMockMappings(stubs, rootDir);
      // Reload mappings from the root dir. Scenario states of surviving stubs are kept by WireMock.
      await admin('POST /mappings/reset', () => captain.resetMappings());
    },
    async reset() {
      await admin('POST /scenarios/reset', () => captain.resetAllScenarios());
    },
    close() {
      closed ??= (async () => {
        await proc.stop(2000);
        await rm(rootDir, { recursive: true, force: true });
      })();
      return closed;
    },
  };
}

// The parts of a WireMock serve event (GET /__admin/requests) the journal needs.
interface ServeEvent {
  request: {
    url: string;
    method: string;
    headers?: Record<string, string | string[]>;
    bodyAsBase64?: string;
    loggedDate: number;
  };
  response?: { status: number };
  /** WireMock's own timing of the serve event, ms (totalTime includes a stub's delay). */
  timing?: { totalTime?: number };
  wasMatched: boolean;
  stubMapping?: { metadata?: { seam?: SeamMappingMetadata } };
}

/** One WireMock serve event as a Seam journal entry. */
export function toJournalEntry(event: ServeEvent, seq: number, startedAt: number): JournalEntry {
  const request = event.request;
  const q = request.url.indexOf('?');
  const path = q < 0 ? request.url : request.url.slice(0, q);
  const query: MultiMap = {};
  if (q >= 0) for (const [key, value] of new URLSearchParams(request.url.slice(q + 1))) addValue(query, key, value);
  const headers: MultiMap = {};
  for (const [key, value] of Object.entries(request.headers ?? {})) {
    for (const v of Array.isArray(value) ? value : [value]) addValue(headers, key.toLowerCase(), v);
  }
  const contentType = headers['content-type'];
  const body = typeBody(Buffer.from(request.bodyAsBase64 ?? '', 'base64'), Array.isArray(contentType) ? contentType[0] : contentType);
  const seam = event.wasMatched ? event.stubMapping?.metadata?.seam : undefined;
  const entry: JournalEntry = {
    seq,
    at: Math.max(0, request.loggedDate - startedAt),
    method: request.method,
    path,
    query,
    headers,
    stubId: seam?.stub ?? null,
    outcome: { miss: true, status: 404 },
  };
  if (body !== undefined) entry.body = body;
  if (seam !== undefined) {
    entry.replyIndex = seam.reply;
    entry.outcome = seam.fault !== undefined ? { fault: seam.fault } : { status: event.response?.status ?? 0 };
  } else if (event.wasMatched) {
    // A mapping Seam did not generate (added by hand through WireMock's admin API).
    entry.outcome = { status: event.response?.status ?? 0 };
  }
  if (typeof event.timing?.totalTime === 'number') entry.ms = event.timing.totalTime;
  return entry;
}
