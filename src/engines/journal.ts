// The bounded journal: the newest `limit` entries in a ring buffer, plus counters that keep
// counting past the limit. A mock under a long soak must not grow without bound (WireMock's
// request log grows ~4 KB a request); per-entry memory is the typed request only.
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
  private next = 0; // ring slot for the next entry
  private counts = { total: 0, matched: 0, missed: 0, faults: 0 };

  constructor(limit: number = DEFAULT_JOURNAL_LIMIT, startedAt: number = performance.now()) {
    if (!Number.isInteger(limit) || limit < 0) throw new RangeError(`journal limit must be a whole number ≥ 0, got ${limit}`);
    this.limit = limit;
    this.startedAt = startedAt;
    this.ring = new Array<JournalEntry | undefined>(limit);
  }

  /** ms since the journal's start, monotonic, to the microsecond. */
  now(): number {
    return Math.round((performance.now() - this.startedAt) * 1000) / 1000;
  }

  /** Keep `entry`, numbering it: its `seq` is overwritten (pass 0). */
  record(entry: JournalEntry): JournalEntry {
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
      this.next = (this.next + 1) % this.limit;
    }
    return entry;
  }

  /** The kept entries, oldest first (a fresh array; the entries themselves are shared). */
  entries(): JournalEntry[] {
    const kept = Math.min(this.counts.total, this.limit);
    const out = new Array<JournalEntry>(kept);
    const first = kept < this.limit ? 0 : this.next;
    for (let i = 0; i < kept; i++) out[i] = this.ring[(first + i) % this.limit]!;
    return out;
  }

  stats(): JournalStats {
    return { ...this.counts, dropped: Math.max(0, this.counts.total - this.limit), limit: this.limit };
  }

  /** Forget entries and counters; `seq` restarts at 1, `at` keeps counting from the start. */
  reset(): void {
    this.ring = new Array<JournalEntry | undefined>(this.limit);
    this.next = 0;
    this.counts = { total: 0, matched: 0, missed: 0, faults: 0 };
  }
}
