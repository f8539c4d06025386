// Durable state: one JSON file, `state.json` in WEBHOOK_STATE_DIR, replaced atomically (temp file,
// fsync, rename) so a crash leaves the previous or the next state, never half of one. The connector
// keeps its own writer: a connector does not import the harness.
import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { ReceivedEvent } from './event.js';

export interface ResourceState {
  status: string;
  version: number;
  eventId: string;
}

export interface Effect {
  eventId: string;
  resourceId: string;
  version: number;
  /** ms since the receiver started (the run that applied it). */
  at: number;
}

export interface FailedEvent {
  eventId: string;
  reason: string;
}

export interface Snapshot {
  /** Every event id acknowledged: queued, applied, ignored as older or failed. */
  processed: string[];
  /** Acknowledged and not yet applied, in arrival order. */
  pending: ReceivedEvent[];
  resources: Record<string, ResourceState>;
  effects: Effect[];
  /** Acknowledged events that could not be applied (their object could not be fetched). */
  failed: FailedEvent[];
}

export interface StateStore {
  load(): Promise<Snapshot>;
  save(snapshot: Snapshot): Promise<void>;
}

export const STATE_FILE = 'state.json';

export function emptySnapshot(): Snapshot {
  return { processed: [], pending: [], resources: {}, effects: [], failed: [] };
}

export class StateFileError extends Error {
  override name = 'StateFileError';
}

/** Everything in one file. */
export function fileStore(dir: string): StateStore {
  const file = join(dir, STATE_FILE);
  return {
    async load() {
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return emptySnapshot();
        throw error;
      }
      try {
        return { ...emptySnapshot(), ...(JSON.parse(text) as Partial<Snapshot>) };
      } catch {
        // Refusing to start beats starting empty: an empty dedupe set would apply every redelivery again.
        throw new StateFileError(`${file} is not valid JSON; move it away to start with an empty state`);
      }
    },
    save: (snapshot) => writeAtomically(file, serialise(snapshot)),
  };
}

/** Stable key order, 2-space JSON, trailing newline. */
export function serialise(snapshot: Partial<Snapshot>): string {
  const ordered: Partial<Snapshot> = { ...snapshot };
  if (snapshot.resources) ordered.resources = Object.fromEntries(Object.entries(snapshot.resources).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return `${JSON.stringify(ordered, null, 2)}\n`;
}

export async function writeAtomically(file: string, data: string): Promise<void> {
  const dir = join(file, '..');
  await mkdir(dir, { recursive: true });
  const temp = join(dir, `.${STATE_FILE}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
  const handle = await open(temp, 'wx', 0o600);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temp, file);
  } catch (error) {
    await unlink(temp).catch(() => {});
    throw error;
  }
}

/**
 * Saves the latest snapshot, coalescing: while one write runs, every caller that asks joins the
 * single next write, which takes the snapshot when it starts. So a burst costs two writes, not fifty,
 * and a caller's promise resolves only once a write that includes its change is on disk.
 */
export function coalescingWriter(store: StateStore, snapshot: () => Snapshot): () => Promise<void> {
  let running: Promise<void> | undefined;
  let queued: Promise<void> | undefined;
  const start = (): Promise<void> => {
    const write = store.save(snapshot()).finally(() => {
      if (running === write) running = undefined;
    });
    running = write;
    return write;
  };
  return () => {
    if (queued) return queued;
    if (!running) return start();
    const next = running.then(
      () => undefined,
      () => undefined,
    ).then(() => {
      queued = undefined;
      return start();
    });
    queued = next;
    return next;
  };
}
