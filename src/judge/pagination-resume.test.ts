// pagination-resume: resumed at the failed cursor passes; restarted, skipped or refetched fails.
import { describe, expect, it } from 'vitest';
import { paginationResume } from './pagination-resume.js';
import { evidence, req } from './test-evidence.js';

const page = (at: number, cursor: string | null, answer: number | 'reset', next?: string | null) =>
  req(`GET /api/v2/tickets?limit=5${cursor === null ? '' : `&cursor=${cursor}`}`, {
    at,
    answer,
    ...(next === undefined ? {} : { responseHeaders: { 'content-type': 'application/json' }, responseBody: { json: { tickets: [], next_cursor: next } } }),
  });

describe('pagination-resume', () => {
  it('passes a walk that resumes at the failed cursor', () => {
    const v = paginationResume(evidence([page(0, null, 200, 'c2'), page(10, 'c2', 'reset'), page(60, 'c2', 200, 'c3'), page(70, 'c3', 200, null)]));
    expect(v).toMatchObject({ ok: true, summary: 'The listing resumed at the failed cursor once, with no page skipped or refetched over 4 page requests.' });
    expect(v.evidence.walk).toEqual([
      { seq: 1, at: 0, cursor: null, answer: '200', next: 'c2' },
      { seq: 2, at: 10, cursor: 'c2', answer: 'a reset', next: undefined },
      { seq: 3, at: 60, cursor: 'c2', answer: '200', next: 'c3' },
      { seq: 4, at: 70, cursor: 'c3', answer: '200', next: null },
    ]);
  });

  it('fails a walk restarted from the first page after a failure', () => {
    const v = paginationResume(evidence([page(0, null, 200, 'c2'), page(10, 'c2', 'reset'), page(60, null, 200, 'c2'), page(70, 'c2', 200, null)]));
    expect(v.ok).toBe(false);
    expect(v.summary).toBe(
      'After the page at cursor c2 failed (a reset at 0.010 s), the next page request at 0.060 s asked for the first page, a page it already had, instead of resuming at cursor c2.',
    );
    expect(v.evidence.findings).toMatchObject([{ kind: 'not-resumed', seq: 3 }]);
  });

  it('fails a skipped cursor and a refetched one', () => {
    expect(paginationResume(evidence([page(0, null, 200, 'c2'), page(10, 'c3', 200, null)])).summary).toBe(
      'Cursor c2 was skipped: the page at the first page handed it out at 0.000 s, and the next page request at 0.010 s asked for cursor c3.',
    );
    expect(paginationResume(evidence([page(0, null, 200, 'c2'), page(10, 'c2', 200, 'c3'), page(20, 'c2', 200, 'c3')])).summary).toBe(
      'Cursor c2 was fetched again at 0.020 s after it had succeeded.',
    );
  });

  it('is vacuous when no page failed, and says when skips could not be judged', () => {
    expect(paginationResume(evidence([page(0, null, 200, 'c2'), page(10, 'c2', 200, null)]))).toMatchObject({
      ok: true,
      vacuous: true,
      summary: 'No failed page request was followed by another, so resuming was not tested; 2 page requests, none skipped or refetched.',
    });
    expect(paginationResume(evidence([page(0, null, 200), page(10, 'c2', 'reset'), page(60, 'c2', 200)])).summary).toBe(
      'The listing resumed at the failed cursor once, with no page skipped or refetched over 3 page requests (skips not judged for pages whose answer body was not kept).',
    );
  });
});
