// A local stand-in for the helpdesk API: GET /api/v2/tickets with a static bearer key and opaque
// cursors, over twelve in-memory tickets. Start it from tests with `startHelpdeskSandbox`, or run
// `node dist/scripts/sandboxes/helpdesk.js [port]`.
import { pathToFileURL } from 'node:url';
import { apiError, bearer, runStandalone, serve, type Answer, type Sandbox } from './http.js';

export const HELPDESK_SANDBOX_API_KEY = 'hd_sandbox_4f7c2a91e0b35d68';
const MAX_LIMIT = 100;
const DEFAULT_LIMIT = 25;

export interface Ticket {
  id: string;
  subject: string;
  description?: string;
  status: 'new' | 'open' | 'pending' | 'solved' | 'closed';
  priority: 'low' | 'normal' | 'high' | 'urgent';
  requester: { name: string; email: string };
  assignee: string | null;
  tags: string[];
  created_at: string;
  updated_at: string;
}

/** Twelve tickets, HD-1042 … HD-1053. HD-1049's subject is blank: ticket-sync must reject it. */
export function sandboxTickets(): Ticket[] {
  const rows: [string, Ticket['status'], Ticket['priority'], string, string[], string | null][] = [
    ['Cannot log in after password reset', 'open', 'high', 'Amara Okafor', ['login', 'auth'], 'j.lindqvist'],
    ['Invoice PDF shows the wrong VAT rate', 'new', 'normal', 'Tomás Ferreira', ['billing'], null],
    ['Export to CSV times out for large projects', 'pending', 'normal', 'Mei Tanaka', ['export', 'performance'], 'r.haddad'],
    ['Two-factor codes arrive late by SMS', 'open', 'urgent', 'Lukas Brandt', ['auth', 'sms'], 'j.lindqvist'],
    ['Request: dark mode for the dashboard', 'new', 'low', 'Priya Raman', ['feature-request', 'ui'], null],
    ['Webhook retries flood our endpoint', 'solved', 'high', 'Olu Adeyemi', ['webhooks'], 'r.haddad'],
    ['Attachment upload fails over 10 MB', 'closed', 'normal', 'Sofia Marino', ['attachments'], 'k.novak'],
    ['   ', 'new', 'normal', 'Daniel Kim', ['triage'], null],
    ['Search ignores accented characters', 'open', 'normal', 'Élodie Martin', ['search', 'i18n'], 'k.novak'],
    ['SSO login loops back to the start page', 'pending', 'urgent', 'Hannah Weiss', ['sso', 'auth'], 'j.lindqvist'],
    ['Mobile app crashes when opening settings', 'open', 'high', 'Carlos Mendoza', ['mobile', 'crash'], null],
    ['API rate limit headers missing on 429', 'new', 'low', 'Aisha Bello', ['api'], 'r.haddad'],
  ];
  return rows.map(([subject, status, priority, name, tags, assignee], i) => {
    const day = String(3 + i).padStart(2, '0');
    const ticket: Ticket = {
      id: `HD-${1042 + i}`,
      subject,
      status,
      priority,
      requester: { name, email: `${name.split(' ')[0]!.normalize('NFD').replace(/[^A-Za-z]/g, '').toLowerCase()}@customer.example` },
      assignee,
      tags,
      created_at: `2025-03-${day}T09:${String(10 + i).padStart(2, '0')}:00Z`,
      updated_at: `2025-03-${day}T15:${String(20 + i).padStart(2, '0')}:00Z`,
    };
    // Some tickets have no description: the field is optional.
    if (i % 4 !== 2) ticket.description = `${subject.trim() || 'No subject given'}. Reported by ${name} via the support portal.`;
    return ticket;
  });
}

export interface HelpdeskSandboxOptions {
  port?: number;
  apiKey?: string;
  tickets?: Ticket[];
}

export interface HelpdeskSandbox extends Sandbox {
  /** Requests served, in order, as `GET /api/v2/tickets?…` strings. */
  requests: string[];
}

// Opaque to clients; the sandbox only needs the offset back.
const encodeCursor = (offset: number): string => Buffer.from(JSON.stringify({ v: 1, after: offset })).toString('base64url');
function decodeCursor(cursor: string): number | undefined {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { v?: unknown; after?: unknown };
    return parsed.v === 1 && Number.isInteger(parsed.after) && (parsed.after as number) >= 0 ? (parsed.after as number) : undefined;
  } catch {
    return undefined;
  }
}

export async function startHelpdeskSandbox(options: HelpdeskSandboxOptions = {}): Promise<HelpdeskSandbox> {
  const apiKey = options.apiKey ?? HELPDESK_SANDBOX_API_KEY;
  const tickets = options.tickets ?? sandboxTickets();
  const requests: string[] = [];
  const sandbox = await serve((req, url): Answer => {
    requests.push(`${req.method} ${url.pathname}${url.search}`);
    if (url.pathname !== '/api/v2/tickets') return { status: 404, body: apiError('not_found', `no route ${url.pathname}`) };
    if (req.method !== 'GET') return { status: 405, body: apiError('method_not_allowed', `${req.method} is not allowed here`), headers: { allow: 'GET' } };
    if (bearer(req) !== apiKey) return { status: 401, body: apiError('unauthorized', 'missing or unknown API key'), headers: { 'www-authenticate': 'Bearer' } };
    const limitText = url.searchParams.get('limit') ?? String(DEFAULT_LIMIT);
    const limit = Number(limitText);
    if (!/^\d+$/.test(limitText) || limit < 1 || limit > MAX_LIMIT) {
      return { status: 400, body: apiError('invalid_limit', `limit must be an integer from 1 to ${MAX_LIMIT}`) };
    }
    const cursor = url.searchParams.get('cursor');
    const offset = cursor === null ? 0 : decodeCursor(cursor);
    if (offset === undefined) return { status: 400, body: apiError('invalid_cursor', 'cursor is not one this API issued') };
    const page = tickets.slice(offset, offset + limit);
    const next = offset + limit < tickets.length ? encodeCursor(offset + limit) : null;
    return { status: 200, body: { tickets: page, next_cursor: next } };
  }, options.port);
  return { ...sandbox, requests };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await runStandalone('helpdesk', (port) => startHelpdeskSandbox({ port }), `API key: HELPDESK_API_KEY=${HELPDESK_SANDBOX_API_KEY}`);
}
