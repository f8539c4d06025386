// The bounded journal: the newest `limit` entries in a ring buffer, plus counters that keep
// counting past the limit. A mock under a long soak must not grow without bound (WireMock's
// request log grows ~4 KB a request); per-entry memory is the typed request only.
import { addValue } from '../exchange/body.js';
import type { MultiMap } from '../exchange/types.js';
import type { JournalEntry } from '../stubs/types.js';

export const DEFAULT_JOURNAL_LIMIT = 10_000;

export interface JournalStats {
  /** Requests recorded since start or the last reset; never capped. */
  total: number;
  matched: number;
  missed: number;
  /** Matched requests answered with a fault. */
  faults: number;
  /** Entries pushed out of the ring by newer ones. */
  dropped: number;
  limit: number;
}


export class Journal {
  readonly limit: number;
  private readonly startedAt: number;
  private ring: (JournalEntry | undefined)[];
  /** Per slot: raw headers not yet turned into the entry's `headers` map (see `recordRaw`). */
  private raws: (string | undefined)[];
  private next = 0; // ring slot for the next entry
  private counts = { total: 0, matched: 0, missed: 0, faults: 0 };

  constructor(limit: number = DEFAULT_JOURNAL_LIMIT, startedAt: number = performance.now()) {
    if (!Number.isInteger(limit) || limit < 0) throw new RangeError(`journal limit must be a whole number ≥ 0, got ${limit}`);
    this.limit = limit;
    this.startedAt = startedAt;
    this.ring = new Array<JournalEntry | undefined>(limit);
    this.raws = new Array<string | undefined>(limit);
  }

  /** ms since the journal's start, monotonic, to the microsecond. */
  now(): number {
    return Math.round((performance.now() - this.startedAt) * 1000) / 1000;
  }

  /** Keep `entry`, numbering it: its `seq` is overwritten (pass 0). */
  record(entry: JournalEntry): JournalEntry {
    return this.keep(entry, undefined);
  }

  /**
   * Keep `entry`, whose `headers` are still Node's `rawHeaders`: the map is built only when the
   * entry is read (`entries()`), so a request pushed out unread never pays for it. The returned
   * entry's `headers` is a placeholder: call `complete()` before handing it out.
   */
  recordRaw(entry: JournalEntry, rawHeaders: readonly string[]): JournalEntry {
    return this.keep(entry, rawHeaders);
  }

  /** Fill in `entry.headers` now (for an entry from `recordRaw` that is handed out at once). */
  complete(entry: JournalEntry, rawHeaders: readonly string[]): void {
    entry.headers = headerMap(rawHeaders);
    if (this.limit > 0) {
      const slot = (this.next + this.limit - 1) % this.limit;
      if (this.ring[slot] === entry) this.raws[slot] = undefined;
    }
  }

  private keep(entry: JournalEntry, rawHeaders: readonly string[] | undefined): JournalEntry {
    const counts = this.counts;
    counts.total++;
    if (entry.stubId === null) counts.missed++;
    else {
      counts.matched++;
      if ('fault' in entry.outcome) counts.faults++;
    }
    entry.seq = counts.total;
    if (this.limit > 0) {
      this.ring[this.next] = entry;
      // One flat string instead of Node's array of strings: fewer objects for the GC to carry
      // while the entry ages through the ring (names and values never contain a newline).
      this.raws[this.next] = rawHeaders === undefined ? undefined : rawHeaders.join('\n');
      this.next = (this.next + 1) % this.limit;
    }
    return entry;
  }

  /** The kept entries, oldest first (a fresh array; the entries themselves are shared). */
  entries(): JournalEntry[] {
    const kept = Math.min(this.counts.total, this.limit);
    const out = new Array<JournalEntry>(kept);
    const first = kept < this.limit ? 0 : this.next;
    for (let i = 0; i < kept; i++) {
      const slot = (first + i) % this.limit;
      const entry = this.ring[slot]!;
      const raw = this.raws[slot];
      if (raw !== undefined) {
        entry.headers = raw === '' ? {} : headerMap(raw.split('\n'));
        this.raws[slot] = undefined;
      }
      out[i] = entry;
    }
    return out;
  }

  stats(): JournalStats {
    return { ...this.counts, dropped: Math.max(0, this.counts.total - this.limit), limit: this.limit };
  }

  /** Forget entries and counters; `seq` restarts at 1, `at` keeps counting from the start. */
  reset(): void {
    this.ring = new Array<JournalEntry | undefined>(this.limit);
    this.raws = new Array<string | undefined>(this.limit);
    this.next = 0;
    this.counts = { total: 0, matched: 0, missed: 0, faults: 0 };
  }
}

/** Request headers as a MultiMap, names lower-cased, repeated names' values in order. */
export function headerMap(raw: readonly string[]): MultiMap {
  const out: MultiMap = {};
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    if (out[name] === undefined) out[name] = raw[i + 1]!;
    else addValue(out, name, raw[i + 1]!);
  }
  return out;
}
