// Helpdesk ticket → tracker issue input. The result is validated with ajv against the JSON Schema
// of the tracker's issue input (kept in step with contracts/tracker/openapi.yaml IssueInput); a
// record that does not fit is rejected with its reasons and never sent.
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ErrorObject } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { RawTicket } from './helpdesk.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => void;

export type IssueState = 'todo' | 'in_progress' | 'blocked' | 'done';
export type IssuePriority = 'p1' | 'p2' | 'p3' | 'p4';

export interface IssueInput {
  external_id: string;
  title: string;
  description: string;
  state: IssueState;
  priority: IssuePriority;
  labels: string[];
  reporter_email: string;
  assignee?: string;
}

export const ISSUE_INPUT_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  additionalProperties: false,
  required: ['external_id', 'title', 'description', 'state', 'priority', 'labels', 'reporter_email'],
  properties: {
    external_id: { type: 'string', pattern: '^[A-Z]+-[0-9]+$', maxLength: 64 },
    title: { type: 'string', minLength: 1, maxLength: 200 },
    description: { type: 'string', maxLength: 20000 },
    state: { enum: ['todo', 'in_progress', 'blocked', 'done'] },
    priority: { enum: ['p1', 'p2', 'p3', 'p4'] },
    labels: { type: 'array', maxItems: 20, uniqueItems: true, items: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{0,39}$' } },
    reporter_email: { type: 'string', format: 'email' },
    assignee: { type: 'string', minLength: 1 },
  },
} as const;

const STATES: Record<string, IssueState> = { new: 'todo', open: 'in_progress', pending: 'blocked', solved: 'done', closed: 'done' };
const PRIORITIES: Record<string, IssuePriority> = { urgent: 'p1', high: 'p2', normal: 'p3', low: 'p4' };

export type MappingResult = { ok: true; ticketId: string; input: IssueInput } | { ok: false; ticketId: string; reasons: string[] };

export type TicketMapper = (ticket: RawTicket) => MappingResult;

export function createMapper(): TicketMapper {
  const ajv = new Ajv2020({ allErrors: true, strict: true, logger: false });
  addFormats(ajv);
  const validate = ajv.compile<IssueInput>(ISSUE_INPUT_SCHEMA);

  return (ticket) => {
    const ticketId = typeof ticket.id === 'string' && ticket.id !== '' ? ticket.id : '(no id)';
    const reasons: string[] = [];
    const status = ticket.status;
    const priority = ticket.priority;
    const state = typeof status === 'string' ? STATES[status] : undefined;
    const issuePriority = typeof priority === 'string' ? PRIORITIES[priority] : undefined;
    if (state === undefined) reasons.push(`status ${JSON.stringify(status)} has no tracker state`);
    if (issuePriority === undefined) reasons.push(`priority ${JSON.stringify(priority)} has no tracker priority`);
    const requester = ticket.requester as { email?: unknown } | undefined;
    const candidate: Record<string, unknown> = {
      external_id: ticket.id,
      title: typeof ticket.subject === 'string' ? ticket.subject.trim() : ticket.subject,
      description: ticket.description ?? '',
      state,
      priority: issuePriority,
      labels: Array.isArray(ticket.tags) ? ['helpdesk', ...ticket.tags.map((t) => (typeof t === 'string' ? t.toLowerCase().replace(/[^a-z0-9-]+/g, '-') : t))] : ['helpdesk'],
      reporter_email: requester?.email,
    };
    if (typeof ticket.assignee === 'string' && ticket.assignee !== '') candidate.assignee = ticket.assignee;
    for (const key of Object.keys(candidate)) if (candidate[key] === undefined) delete candidate[key];
    if (Array.isArray(candidate.labels)) candidate.labels = [...new Set(candidate.labels as unknown[])];

    if (!validate(candidate)) reasons.push(...(validate.errors ?? []).filter((e) => !isEnumGap(e, state, issuePriority)).map(describe));
    return reasons.length === 0 ? { ok: true, ticketId, input: candidate as unknown as IssueInput } : { ok: false, ticketId, reasons };
  };
}

/** The "state/priority is missing" errors for enums already reported in the helpdesk's words. */
function isEnumGap(error: ErrorObject, state: unknown, priority: unknown): boolean {
  if (error.keyword !== 'required') return false;
  const missing = (error.params as { missingProperty?: string }).missingProperty;
  return (missing === 'state' && state === undefined) || (missing === 'priority' && priority === undefined);
}

function describe(error: ErrorObject): string {
  if (error.keyword === 'required') return `${(error.params as { missingProperty: string }).missingProperty} is missing`;
  if (error.keyword === 'additionalProperties') return `${(error.params as { additionalProperty: string }).additionalProperty} is not a tracker field`;
  return `${error.instancePath.slice(1).replace(/\//g, '.') || 'issue'} ${error.message ?? 'is invalid'}`;
}
