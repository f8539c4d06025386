import { describe, expect, it } from 'vitest';
import { createTokenSource, refreshMarginMs, type AccessToken } from './token-source.js';

function source(expiresIn = 100) {
  let clock = 0;
  let n = 0;
  const seen: string[] = [];
  const tokens = createTokenSource({
    fetchToken: async (): Promise<AccessToken> => ({ value: `tok-${++n}`, expiresIn }),
    now: () => clock,
    onToken: (t) => seen.push(t.value),
  });
  return { tokens, seen, fetches: () => n, advance: (ms: number) => (clock += ms) };
}

describe('createTokenSource', () => {
  it('fetches once and reuses the token until shortly before it expires', async () => {
    const s = source(100);
    expect(refreshMarginMs(100)).toBe(10_000);
    expect(await s.tokens.current()).toBe('tok-1');
    s.advance(89_999);
    expect(await s.tokens.current()).toBe('tok-1');
    s.advance(1);
    expect(await s.tokens.current()).toBe('tok-2');
    expect(s.seen).toEqual(['tok-1', 'tok-2']);
  });

  it('refresh() replaces the token; concurrent callers share one fetch', async () => {
    const s = source();
    await s.tokens.current();
    const [a, b, c] = await Promise.all([s.tokens.refresh(), s.tokens.refresh(), s.tokens.current()]);
    expect([a, b, c]).toEqual(['tok-2', 'tok-2', 'tok-2']);
    expect(s.fetches()).toBe(2);
  });
});
