// The recordings store: recordings/<partner>/<session>/<NNNN>-<method>-<slug>.json.
// One exchange a file; names are safe whatever the URL; writes are atomic and never clobber,
// so two writers (or two processes) on one session cannot lose each other's files.
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError, UsageError } from '../errors.js';
import { atomicCreateFile, atomicWriteFile } from '../io/atomic-write.js';
import type { FileWriterThread } from '../io/file-writer-thread.js';
import { serializeExchange } from './canonical.js';
import { exchangeProblem } from './schema.js';
import type { Exchange } from './types.js';

const NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;

/** A partner or session name, checked: lower-case letters, digits, '.', '_', '-'; no traversal. */
export function checkName(kind: 'partner' | 'session', name: string): string {
  if (!NAME.test(name) || name.includes('..')) {
    throw new UsageError(
      `${kind} name "${name}" is not allowed: use 1-64 lower-case letters, digits, '.', '_' or '-', starting with a letter or digit`,
    );
  }
  return name;
}

/** A default session name from a time: 20261122-195301. */
export function sessionNameFor(date: Date): string {
  return date.toISOString().replace(/\.\d+Z$/, '').replace(/[-:]/g, '').replace('T', '-');
}

const SLUG_MAX = 64;

export function slugFor(path: string): string {
  let decoded = path;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    // keep it as sent
  }
  let slug = decoded
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (slug === '') slug = 'root';
  if (slug.length > SLUG_MAX) {
    const digest = createHash('sha256').update(path).digest('hex').slice(0, 8);
    slug = `${slug.slice(0, SLUG_MAX - 9).replace(/-+$/, '')}-${digest}`;
  }
  return slug;
}

export function exchangeFileName(seq: number, method: string, path: string): string {
  const m = method.toLowerCase().replace(/[^a-z0-9]+/g, '').slice(0, 16) || 'x';
  return `${String(seq).padStart(4, '0')}-${m}-${slugFor(path)}.json`;
}

const SEQ = /^(\d+)-/;

function isExchangeFileName(name: string): boolean {
  return name.endsWith('.json') && !name.startsWith('.') && SEQ.test(name);
}

export function partnerDir(root: string, partner: string): string {
  return join(root, checkName('partner', partner));
}

export function sessionDir(root: string, partner: string, session: string): string {
  return join(partnerDir(root, partner), checkName('session', session));
}

/** An exchange without its id and with its id: the writer names it. */
export type UnnamedExchange = Omit<Exchange, 'id'>;

export interface WrittenExchange {
  file: string;
  exchange: Exchange;
}

/** Appends exchanges to one session folder. Safe under concurrency within and across processes. */
export class SessionWriter {
  readonly dir: string;
  readonly partner: string;
  readonly session: string;
  private next: number;
  private readonly thread: FileWriterThread | undefined;
  private made: Promise<unknown> | undefined;

  private constructor(dir: string, partner: string, session: string, next: number, thread: FileWriterThread | undefined) {
    this.dir = dir;
    this.partner = partner;
    this.session = session;
    this.next = next;
    this.thread = thread;
  }

  /**
   * `thread`: write through a FileWriterThread (the recorder's hot path); by default files are
   * written with fs/promises on the calling thread.
   */
  static async open(root: string, partner: string, session: string, options: { thread?: FileWriterThread } = {}): Promise<SessionWriter> {
    const dir = sessionDir(root, partner, session);
    const next = (await highestSeq(dir)) + 1;
    return new SessionWriter(dir, partner, session, next, options.thread);
  }

  private async createFile(file: string, text: string): Promise<boolean> {
    if (!this.thread) return atomicCreateFile(file, text);
    // The folder is made once (on the first write, so a session with nothing in it leaves no trace).
    for (let attempt = 0; ; attempt++) {
      this.made ??= mkdir(this.dir, { recursive: true }).catch((error: unknown) => {
        this.made = undefined; // try again on the next write: the obstacle may be gone by then
        throw error;
      });
      await this.made;
      try {
        return await this.thread.create(file, text);
      } catch (error) {
        // the folder was removed under us: make it again, once
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || attempt > 0) throw error;
        this.made = undefined;
      }
    }
  }

  /** Reserve the next sequence number (in arrival order, before the exchange is complete). */
  reserve(): number {
    return this.next++;
  }

  /**
   * Write one exchange under the reserved number; if another writer took that name meanwhile,
   * take the next free number. Never overwrites.
   */
  async write(exchange: UnnamedExchange, seq: number = this.reserve()): Promise<WrittenExchange> {
    for (let attempt = 0; attempt < 10_000; attempt++) {
      const name = exchangeFileName(seq, exchange.request.method, exchange.request.path);
      const named: Exchange = { ...exchange, id: `${this.session}/${name.slice(0, -'.json'.length)}` } as Exchange;
      const file = join(this.dir, name);
      if (await this.createFile(file, serializeExchange(named))) return { file, exchange: named };
      seq = Math.max(this.reserve(), (await highestSeq(this.dir)) + 1);
      this.next = Math.max(this.next, seq + 1);
    }
    throw new Error(`could not find a free file name in ${this.dir}`);
  }
}

async function highestSeq(dir: string): Promise<number> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return 0;
    // a file in the way (e.g. --recordings names a file) or no permission: the user's setup, exit 2
    if (code === 'ENOTDIR' || code === 'EACCES' || code === 'EPERM') {
      throw new InputError(`cannot use as a session folder: ${code}`, { file: dir }, { cause: error });
    }
    throw error;
  }
  let max = 0;
  for (const name of names) {
    if (!isExchangeFileName(name)) continue;
    const n = Number(SEQ.exec(name)![1]);
    if (n > max) max = n;
  }
  return max;
}

/** Read and check one exchange file; InputError names the file and the JSON pointer. */
export async function readExchangeFile(file: string): Promise<Exchange> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new InputError(`cannot read: ${(error as Error).message}`, { file });
  }
  return parseExchange(text, file);
}

export function parseExchange(text: string, file: string): Exchange {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new InputError(`not valid JSON (${(error as Error).message})`, { file });
  }
  const problem = exchangeProblem(value);
  if (problem) throw new InputError(problem.message, { file, pointer: problem.pointer || '/' });
  return value as Exchange;
}

/** Rewrite an existing exchange file in place, atomically (e.g. after adding `operation`). */
export async function rewriteExchangeFile(file: string, exchange: Exchange): Promise<void> {
  await atomicWriteFile(file, serializeExchange(exchange));
}

async function subdirs(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    return entries
      .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
      .map((e) => e.name)
      .sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

export async function listPartners(root: string): Promise<string[]> {
  return subdirs(root);
}

export async function listSessions(root: string, partner: string): Promise<string[]> {
  return subdirs(partnerDir(root, partner));
}

/** The exchange files of a session, in sequence order. */
export async function listExchangeFiles(root: string, partner: string, session: string): Promise<string[]> {
  const dir = sessionDir(root, partner, session);
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return names
    .filter(isExchangeFileName)
    .sort((a, b) => Number(SEQ.exec(a)![1]) - Number(SEQ.exec(b)![1]) || (a < b ? -1 : 1))
    .map((n) => join(dir, n));
}

export interface StoredExchange {
  file: string;
  session: string;
  exchange: Exchange;
}

/** Every exchange of a partner (or of one session), sessions in name order, files in sequence order. */
export async function readRecordings(root: string, partner: string, options: { session?: string } = {}): Promise<StoredExchange[]> {
  const sessions = options.session !== undefined ? [checkName('session', options.session)] : await listSessions(root, partner);
  const out: StoredExchange[] = [];
  for (const session of sessions) {
    for (const file of await listExchangeFiles(root, partner, session)) {
      out.push({ file, session, exchange: await readExchangeFile(file) });
    }
  }
  return out;
}

/**
 * `readRecordings` for a command that needs some: an unknown partner (no folder; the recorded ones
 * listed) or no exchanges at all is bad input (exit 2), with the folder named.
 */
export async function requireRecordings(root: string, partner: string, options: { session?: string } = {}): Promise<StoredExchange[]> {
  checkName('partner', partner);
  const known = await listPartners(root);
  if (!known.includes(partner)) {
    throw new InputError(`unknown partner ${partner}: no folder ${partnerDir(root, partner)}${known.length > 0 ? ` (recorded partners: ${known.join(', ')})` : ''}`);
  }
  const stored = await readRecordings(root, partner, options);
  if (stored.length === 0) {
    const where = options.session !== undefined ? `session ${options.session} of ${partner}` : partner;
    throw new InputError(`no recordings for ${where} under ${root} (record some with \`seam record ${partner}\`)`);
  }
  return stored;
}
