// The one shape every engine (embedded, msw, wiremock, prism) implements, so suites, the parity
// test and `seam mock` drive them alike. Engines differ only in transport; the Stub and
// JournalEntry data they take and give are the shared vocabulary of src/stubs/types.ts.
import type { JournalEntry, Stub } from '../stubs/types.js';

export type EngineName = 'embedded' | 'msw' | 'wiremock' | 'prism';

export interface Engine {
  readonly name: EngineName;
  /** Base URL without a trailing slash, e.g. `http://127.0.0.1:50123`. */
  readonly url: string;
  /**
   * What the mock received, oldest first (bounded: the newest entries up to the engine's limit).
   * Async because some engines (wiremock) keep their journal in another process.
   */
  journal(): Promise<JournalEntry[]>;
  /** Forget the journal; `seq` starts again at 1. */
  resetJournal(): Promise<void>;
  /** Replace the stub set. Reply counters of stubs whose id survives are kept. */
  setStubs(stubs: Stub[]): Promise<void>;
  /** Reply counters back to 0: every stub serves its first reply again. The journal is kept. */
  reset(): Promise<void>;
  /** Stop serving; resolves promptly even with hung or delayed requests open. Idempotent. */
  close(): Promise<void>;
}
