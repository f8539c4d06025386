// Atomic file writes: a temp file beside the target, then rename (or link, to refuse clobbering).
// A reader — or a process killed mid-write — never sees a partial file under the final name;
// stray temp files start with '.' and end in '.tmp' so every reader skips them.
import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, link, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export function tempPathFor(target: string): string {
  return join(dirname(target), `.${basename(target)}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
}

async function writeTemp(target: string, data: string | Uint8Array, fsync: boolean): Promise<string> {
  await mkdir(dirname(target), { recursive: true });
  const temp = tempPathFor(target);
  const handle = await open(temp, 'wx', 0o644);
  try {
    await handle.writeFile(data);
    if (fsync) await handle.sync();
  } finally {
    await handle.close();
  }
  return temp;
}

export interface AtomicWriteOptions {
  /** Flush to the disk before the rename (survives power loss, not just a killed process). */
  fsync?: boolean;
}

/** Replace `target` with `data` atomically. */
export async function atomicWriteFile(target: string, data: string | Uint8Array, options: AtomicWriteOptions = {}): Promise<void> {
  const temp = await writeTemp(target, data, options.fsync ?? false);
  try {
    await rename(temp, target);
  } catch (error) {
    await unlink(temp).catch(() => {});
    throw error;
  }
}

/**
 * Create `target` atomically, never replacing an existing file.
 * Returns false (and writes nothing) when `target` already exists.
 */
export async function atomicCreateFile(target: string, data: string | Uint8Array, options: AtomicWriteOptions = {}): Promise<boolean> {
  const temp = await writeTemp(target, data, options.fsync ?? false);
  try {
    await link(temp, target);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    await unlink(temp).catch(() => {});
  }
}
