// The run: walk the helpdesk pages, map each ticket, upsert it on the tracker. One log line per
// ticket. A failed ticket does not stop the run; an open circuit, rejected tracker credentials or
// a page that cannot be read do (nothing after them can succeed).
import { CircuitOpenError } from './circuit-breaker.js';
import type { TicketPage } from './helpdesk.js';
import { HttpStatusError } from './http-client.js';
import { TOKEN_OPERATION } from './tracker.js';
import type { Logger } from './logger.js';
import type { TicketMapper } from './mapping.js';
import type { Tracker } from './tracker.js';

export interface SyncSummary {
  /** Tickets read from the helpdesk. */
  tickets: number;
  created: number;
  updated: number;
  /** Failed mapping validation; never sent. */
  rejected: number;
  /** Sent, and failed permanently (after retries). */
  failed: number;
  pages: number;
  /** Every page was read and every ticket handled (the run was not cut short). */
  complete: boolean;
}

export interface SyncDeps {
  pages: AsyncIterable<TicketPage>;
  tracker: Tracker;
  map: TicketMapper;
  /** The logical idempotency key of a ticket's create, and the per-attempt source built from it. */
  idempotencyKey: (ticketId: string, updatedAt: unknown) => () => string;
  log: Logger;
}

export async function syncTickets(deps: SyncDeps): Promise<SyncSummary> {
  const summary: SyncSummary = { tickets: 0, created: 0, updated: 0, rejected: 0, failed: 0, pages: 0, complete: false };
  const { log } = deps;
  let cursor: string | null = null;
  try {
    for await (const page of deps.pages) {
      summary.pages++;
      cursor = page.nextCursor;
      log.info('page.fetched', { page: summary.pages, cursor: page.cursor, tickets: page.tickets.length, nextCursor: page.nextCursor });
      for (const ticket of page.tickets) {
        summary.tickets++;
        const mapped = deps.map(ticket);
        if (!mapped.ok) {
          summary.rejected++;
          log.warn('ticket.rejected', { ticket: mapped.ticketId, reasons: mapped.reasons });
          continue;
        }
        try {
          const { action, issue } = await deps.tracker.upsert(mapped.input, deps.idempotencyKey(mapped.ticketId, ticket.updated_at));
          summary[action]++;
          log.info(`ticket.${action}`, { ticket: mapped.ticketId, issue: issue.id });
        } catch (error) {
          if (isAbort(error)) throw error;
          summary.failed++;
          log.error('ticket.failed', { ticket: mapped.ticketId, error: message(error) });
          if (stopsTheRun(error)) {
            log.error('sync.stopped', { reason: message(error) });
            return summary;
          }
        }
      }
    }
    summary.complete = true;
  } catch (error) {
    if (isAbort(error)) log.error('sync.aborted', { reason: 'the run was cancelled' });
    else log.error('pages.failed', { afterPage: summary.pages, cursor, error: message(error) });
  }
  return summary;
}

/** An open circuit, rejected credentials, or a token request the tracker refuses outright (a 4xx:
 *  asking again for the next ticket would send the same refused request). */
function stopsTheRun(error: unknown): boolean {
  if (error instanceof CircuitOpenError) return true;
  if (!(error instanceof HttpStatusError)) return false;
  return error.status === 401 || (error.operation === TOKEN_OPERATION && error.status >= 400 && error.status < 500);
}

function isAbort(error: unknown): boolean {
  return error instanceof Error && error.name === 'AbortError';
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
