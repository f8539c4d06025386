import { describe, expect, it } from 'vitest';
import { boundedQueue } from './queue.js';

describe('boundedQueue', () => {
  it('refuses beyond its limit and keeps items until removed', () => {
    const queue = boundedQueue<string>(2);
    expect([queue.offer('a'), queue.offer('b'), queue.offer('c')]).toEqual([true, true, false]);
    expect(queue.peek()).toBe('a');
    expect(queue.size).toBe(2);
    queue.remove('a');
    expect([queue.peek(), queue.offer('c'), queue.items()]).toEqual(['b', true, ['b', 'c']]);
  });

  it('keeps what was restored after a restart even beyond the limit', () => {
    const queue = boundedQueue<string>(1, ['a', 'b']);
    expect([queue.size, queue.offer('c')]).toEqual([2, false]);
  });
});
