import { describe, expect, it } from 'vitest';
import { canonicalStub } from './canonical.js';

describe('canonicalStub', () => {
  it('keeps a reply’s fields in a fixed order, dateHeaders after headers with names sorted', () => {
    const stub = canonicalStub({
      request: { path: '/limited', method: 'GET' },
      replies: [{ body: { json: { b: 1, a: 2 } }, dateHeaders: { 'x-reset-at': 5, 'retry-after': 2 }, headers: { 'x-b': '1', 'content-type': 'application/json' }, status: 429 }],
      id: 'limited',
    });
    expect(JSON.stringify(stub)).toBe(
      '{"id":"limited","request":{"method":"GET","path":"/limited"},"replies":[{"status":429,"headers":{"content-type":"application/json","x-b":"1"},"dateHeaders":{"retry-after":2,"x-reset-at":5},"body":{"json":{"b":1,"a":2}}}]}',
    );
  });
});
