import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { coalescingWriter, emptySnapshot, fileStore, StateFileError, type Snapshot, type StateStore } from './store.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pw-store-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('fileStore', () => {
  it('starts empty, then reads back what it saved: sorted resources, 2-space JSON, no temp file left', async () => {
    const store = fileStore(dir);
    expect(await store.load()).toEqual(emptySnapshot());
    const snapshot: Snapshot = {
      ...emptySnapshot(),
      processed: ['evt_1'],
      resources: { pi_b: { status: 'succeeded', version: 2, eventId: 'evt_2' }, pi_a: { status: 'processing', version: 1, eventId: 'evt_1' } },
    };
    await store.save(snapshot);
    expect(await store.load()).toEqual(snapshot);
    const text = await readFile(join(dir, 'state.json'), 'utf8');
    expect(text.indexOf('"pi_a"')).toBeLessThan(text.indexOf('"pi_b"'));
    expect(text.endsWith('}\n')).toBe(true);
    expect(text).toContain('\n  "processed": [\n    "evt_1"\n  ],');
    expect(await readdir(dir)).toEqual(['state.json']);
  });

  it('refuses to start from a corrupt file rather than forget every processed id', async () => {
    await writeFile(join(dir, 'state.json'), '{"processed": [');
    await expect(fileStore(dir).load()).rejects.toThrow(StateFileError);
  });
});

describe('coalescingWriter', () => {
  it('folds the calls made during a write into one next write, which sees the latest state', async () => {
    const saved: number[] = [];
    let release: (() => void) | undefined;
    const store: StateStore = {
      load: async () => emptySnapshot(),
      save: (s) => {
        saved.push(s.processed.length);
        return new Promise<void>((resolve) => (release = resolve));
      },
    };
    const processed: string[] = [];
    const save = coalescingWriter(store, () => ({ ...emptySnapshot(), processed: [...processed] }));
    processed.push('a');
    const first = save();
    processed.push('b');
    const second = save();
    processed.push('c');
    const third = save();
    expect(second).toBe(third);
    release!();
    await first;
    await new Promise((r) => setImmediate(r));
    release!();
    await third;
    expect(saved).toEqual([1, 3]);
  });

  it('a failed write rejects its callers, and the next write still runs', async () => {
    let calls = 0;
    const store: StateStore = { load: async () => emptySnapshot(), save: async () => {
        if (calls++ === 0) throw new Error('disk full');
      },
    };
    const save = coalescingWriter(store, emptySnapshot);
    await expect(save()).rejects.toThrow('disk full');
    await save();
    expect(calls).toBe(2);
  });
});
