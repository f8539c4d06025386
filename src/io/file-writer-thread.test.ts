import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { FileWriterThread } from './file-writer-thread.js';

let dir: string;
let thread: FileWriterThread;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'seam-fwt-'));
  thread = new FileWriterThread();
});
afterEach(async () => {
  await thread.close();
  await rm(dir, { recursive: true, force: true });
});

it('creates files atomically and leaves no temp file behind', async () => {
  const results = await Promise.all(Array.from({ length: 300 }, (_, i) => thread.create(join(dir, `${i}.json`), `{"i":${i}}\n`)));
  expect(results.every((r) => r === true)).toBe(true);
  const names = await readdir(dir);
  expect(names).toHaveLength(300);
  expect(names.filter((n) => n.endsWith('.tmp'))).toEqual([]);
  expect(await readFile(join(dir, '299.json'), 'utf8')).toBe('{"i":299}\n');
  expect(thread.backlog).toBe(0);
});

it('never replaces an existing file: answers false and leaves it as it was', async () => {
  await writeFile(join(dir, 'taken.json'), 'first\n');
  expect(await thread.create(join(dir, 'taken.json'), 'second\n')).toBe(false);
  expect(await readFile(join(dir, 'taken.json'), 'utf8')).toBe('first\n');
});

it('rejects with the error code when the folder is missing, and keeps working after', async () => {
  const error = await thread.create(join(dir, 'nope', 'x.json'), 'x').catch((e: unknown) => e);
  expect((error as NodeJS.ErrnoException).code).toBe('ENOENT');
  expect(await thread.create(join(dir, 'ok.json'), 'ok')).toBe(true);
});
