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


/**
 * An entry kept in a compact form and built only when read: a hot engine keeps strings and numbers
 * (nothing inside for the GC to trace) instead of maps and parsed bodies that would survive
 * into the old generation, only to be pushed out of the ring unread.
 */
export interface LazyEntry {
  readonly lazy: true;
  readonly stubId: string | null;
  readonly outcome: JournalEntry['outcome'];
  /** The full entry; its `seq` is set by the journal. */
  build(): JournalEntry;
}

export class Journal {
  readonly limit: number;
  private readonly startedAt: number;
  private ring: (JournalEntry | LazyEntry | undefined)[];
  /** Per slot, for lazy entries: the seq the journal gave it. */
  private seqs: Float64Array;
  private next = 0; // ring slot for the next entry
  private counts = { total: 0, matched: 0, missed: 0, faults: 0 };

  constructor(limit: number = DEFAULT_JOURNAL_LIMIT, startedAt: number = performance.now()) {
    if (!Number.isInteger(limit) || limit < 0) throw new RangeError(`journal limit must be a whole number ≥ 0, got ${limit}`);
    this.limit = limit;
    this.startedAt = startedAt;
    this.ring = new Array<JournalEntry | LazyEntry | undefined>(limit);
    this.seqs = new Float64Array(limit);
  }

  /** ms since the journal's start, monotonic, to the microsecond. */
  now(): number {
    return Math.round((performance.now() - this.startedAt) * 1000) / 1000;
  }

  /** Keep `entry`, numbering it: its `seq` is overwritten (pass 0). */
  record(entry: JournalEntry): JournalEntry {
    entry.seq = this.keep(entry);
    return entry;
  }

  /** Keep an entry that is built only if it is read before the ring pushes it out. */
  recordLazy(entry: LazyEntry): void {
    this.keep(entry);
  }

  private keep(entry: JournalEntry | LazyEntry): number {
    const counts = this.counts;
    const seq = ++counts.total;
    if (entry.stubId === null) counts.missed++;
    else {
      counts.matched++;
      if ('fault' in entry.outcome) counts.faults++;
    }
    if (this.limit > 0) {
      this.ring[this.next] = entry;
      this.seqs[this.next] = seq;
      this.next = (this.next + 1) % this.limit;
    }
    return seq;
  }

  /** The kept entries, oldest first (a fresh array; the entries themselves are shared). */
  entries(): JournalEntry[] {
    const kept = Math.min(this.counts.total, this.limit);
    const out = new Array<JournalEntry>(kept);
    const first = kept < this.limit ? 0 : this.next;
    for (let i = 0; i < kept; i++) {
      const slot = (first + i) % this.limit;
      let entry = this.ring[slot]!;
      if ('lazy' in entry) {
        const built = entry.build();
        built.seq = this.seqs[slot]!;
        this.ring[slot] = entry = built;
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
    this.ring = new Array<JournalEntry | LazyEntry | undefined>(this.limit);
    this.seqs = new Float64Array(this.limit);
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
