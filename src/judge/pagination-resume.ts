// pagination-resume: a listing walks its cursors in order — after a failed page it asks for the same
// cursor again, it never asks again for a page it already has, and it skips none: each next cursor
// an answer hands out is the one asked for next.
import { classify, header, isOperation } from './attempts.js';
import type { ObservedRequest, Rule } from './types.js';
import { clock, describeAnswer, ms } from './wording.js';

/** Where the next cursor sits in a page's JSON body when the policy does not say. */
export const DEFAULT_NEXT_CURSOR_POINTER = '/next_cursor';

const FIRST_PAGE = 'the first page';

export const paginationResume: Rule = (evidence) => {
  const pagination = evidence.policy.pagination;
  if (pagination === undefined) {
    return { rule: 'pagination-resume', ok: true, vacuous: true, summary: 'The connector declares no cursor pagination, so none was judged.', evidence: {} };
  }
  const pointer = pagination.nextCursorPointer ?? DEFAULT_NEXT_CURSOR_POINTER;
  const pages = evidence.requests.filter((r) => isOperation(r, pagination.operation)).sort((a, b) => a.seq - b.seq);
  const cursorOf = (r: ObservedRequest): string | null => header(r.query, pagination.cursorParam) || null;
  const name = (cursor: string | null): string => (cursor === null ? FIRST_PAGE : `cursor ${cursor}`);

  const fetched = new Set<string | null>();
  const findings: { kind: 'not-resumed' | 'refetch' | 'skip'; seq: number; text: string }[] = [];
  const walk: { seq: number; at: number; cursor: string | null; answer: string; next: string | null | undefined }[] = [];
  let nextUnknown = false;
  let resumed = 0;
  let prev: { r: ObservedRequest; cursor: string | null; next: string | null | undefined } | undefined;
  for (const r of pages) {
    const cursor = cursorOf(r);
    const outcome = classify(r.response);
    if (prev !== undefined) {
      const prevOutcome = classify(prev.r.response);
      if (prevOutcome === 'transient' || prevOutcome === 'unauthorized') {
        if (cursor !== prev.cursor) {
          const again = fetched.has(cursor) ? ', a page it already had,' : '';
          findings.push({
            kind: 'not-resumed',
            seq: r.seq,
            text: `after the page at ${name(prev.cursor)} failed (${describeAnswer(prev.r.response)} at ${clock(prev.r.at)}), the next page request at ${clock(r.at)} asked for ${name(cursor)}${again} instead of resuming at ${name(prev.cursor)}`,
          });
        } else resumed++;
      } else if (fetched.has(cursor)) {
        findings.push({ kind: 'refetch', seq: r.seq, text: `${name(cursor)} was fetched again at ${clock(r.at)} after it had succeeded` });
      } else if (prevOutcome === 'success' && typeof prev.next === 'string' && cursor !== prev.next) {
        findings.push({
          kind: 'skip',
          seq: r.seq,
          text: `${name(prev.next)} was skipped: the page at ${name(prev.cursor)} handed it out at ${clock(prev.r.at)}, and the next page request at ${clock(r.at)} asked for ${name(cursor)}`,
        });
      }
    }
    let next: string | null | undefined;
    if (outcome === 'success') {
      fetched.add(cursor);
      next = nextCursor(r, pointer);
      if (next === undefined) nextUnknown = true;
    }
    walk.push({ seq: r.seq, at: ms(r.at), cursor, answer: describeAnswer(r.response), next });
    prev = { r, cursor, next };
  }
  const base = { operation: pagination.operation, cursorParam: pagination.cursorParam, nextCursorPointer: pointer, walk, findings };
  const first = findings[0];
  if (first !== undefined) {
    const more = findings.length > 1 ? `; ${findings.length} findings in all` : '';
    return { rule: 'pagination-resume', ok: false, summary: `${first.text[0]!.toUpperCase()}${first.text.slice(1)}${more}.`, evidence: base };
  }
  const skips = nextUnknown ? ' (skips not judged for pages whose answer body was not kept)' : '';
  if (resumed === 0) {
    return {
      rule: 'pagination-resume',
      ok: true,
      vacuous: true,
      summary: `No failed page request was followed by another, so resuming was not tested; ${pages.length} page requests, none skipped or refetched${skips}.`,
      evidence: base,
    };
  }
  return {
    rule: 'pagination-resume',
    ok: true,
    summary: `The listing resumed at the failed cursor ${resumed === 1 ? 'once' : `${resumed} times`}, with no page skipped or refetched over ${pages.length} page requests${skips}.`,
    evidence: base,
  };
};

/** The next cursor a successful page hands out: a string, null for the last page, undefined when the body was not kept or is not JSON. */
function nextCursor(r: ObservedRequest, pointer: string): string | null | undefined {
  const response = r.response;
  if (!('body' in response) || response.body === undefined || !('json' in response.body)) return undefined;
  let node: unknown = response.body.json;
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (node === null || typeof node !== 'object') return null;
    node = (node as Record<string, unknown>)[key];
  }
  return typeof node === 'string' && node !== '' ? node : null;
}
