// The helpdesk side: one page of tickets per call, and the paginator that walks the cursors.
import type { HttpClient } from './http-client.js';
import type { Logger } from './logger.js';

/** A ticket as the helpdesk sends it; fields are checked by the mapping, not trusted here. */
export type RawTicket = Record<string, unknown>;

export interface TicketPage {
  /** The cursor this page was fetched with (null: the first page). */
  cursor: string | null;
  tickets: RawTicket[];
  nextCursor: string | null;
}

/** Fetches one page; retries inside unless `singleAttempt`. */
export type FetchPage = (cursor: string | null, options?: { singleAttempt?: boolean }) => Promise<TicketPage>;

export interface PaginatorControl {
  /** Attempts per call. */
  attempts: number;
  client: HttpClient;
  log: Logger;
}

export type Paginator = (fetchPage: FetchPage, control: PaginatorControl) => AsyncIterable<TicketPage>;

export class PageShapeError extends Error {
  override name = 'PageShapeError';
}

export function ticketPages(client: HttpClient, pageSize: number): FetchPage {
  return async (cursor, options = {}) => {
    const response = await client.request({
      operation: 'GET /api/v2/tickets',
      method: 'GET',
      path: '/api/v2/tickets',
      query: { limit: String(pageSize), cursor: cursor ?? undefined },
      singleAttempt: options.singleAttempt,
    });
    const body = response.body as { tickets?: unknown; next_cursor?: unknown } | null;
    if (body === null || typeof body !== 'object' || !Array.isArray(body.tickets)) {
      throw new PageShapeError(`GET /api/v2/tickets answered ${response.status} without a tickets array`);
    }
    if (body.next_cursor !== null && typeof body.next_cursor !== 'string') {
      throw new PageShapeError(`GET /api/v2/tickets answered a next_cursor that is neither a string nor null`);
    }
    const tickets = body.tickets.filter((t): t is RawTicket => t !== null && typeof t === 'object' && !Array.isArray(t));
    if (tickets.length !== body.tickets.length) throw new PageShapeError('GET /api/v2/tickets answered a ticket that is not an object');
    return { cursor, tickets, nextCursor: body.next_cursor === '' ? null : body.next_cursor };
  };
}

/**
 * Walks the cursors. A failed page is retried (inside `fetchPage`) with the cursor that failed, so
 * no page is skipped and none already read is fetched again.
 */
export const resumingPages: Paginator = async function* (fetchPage) {
  let cursor: string | null = null;
  do {
    const page = await fetchPage(cursor);
    yield page;
    cursor = page.nextCursor;
  } while (cursor !== null);
};
