// The work queue between the intake (which acknowledges) and the worker (which applies). Bounded:
// when it is full the intake answers 503 and the provider retries later — back-pressure, never a
// silent loss. Its contents are part of the durable state, so an acknowledged event survives a restart.

export interface WorkQueue<T> {
  /** false: full, the item was not taken. */
  offer(item: T): boolean;
  /** The oldest item, left in place until `remove`d (it stays durable while it is worked on). */
  peek(): T | undefined;
  remove(item: T): void;
  items(): readonly T[];
  readonly size: number;
}

export function boundedQueue<T>(limit: number, restored: readonly T[] = []): WorkQueue<T> {
  // Restored items were acknowledged before the restart: they are kept even beyond the limit.
  const items: T[] = [...restored];
  return {
    offer(item) {
      if (items.length >= limit) return false;
      items.push(item);
      return true;
    },
    peek: () => items[0],
    remove(item) {
      const at = items.indexOf(item);
      if (at >= 0) items.splice(at, 1);
    },
    items: () => items,
    get size() {
      return items.length;
    },
  };
}
