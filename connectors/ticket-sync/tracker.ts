// The tracker side: OAuth2 client-credentials tokens, and issues found by external_id, created with
// an Idempotency-Key, updated with PATCH. A 409 on create means the issue exists already (another
// run or a lost response created it): it is looked up and updated instead.
import { createHash } from 'node:crypto';
import { HttpStatusError, type HttpClient } from './http-client.js';
import type { IssueInput } from './mapping.js';
import type { AccessToken } from './token-source.js';

export interface Issue extends IssueInput {
  id: string;
  created_at: string;
  updated_at: string;
}

export type UpsertAction = 'created' | 'updated';

export interface Tracker {
  findByExternalId(externalId: string): Promise<Issue | undefined>;
  create(input: IssueInput, idempotencyKey: () => string): Promise<Issue>;
  update(id: string, input: IssueInput): Promise<Issue>;
  /** Creates the issue for `input.external_id`, or updates the one that exists. */
  upsert(input: IssueInput, idempotencyKey: () => string): Promise<{ action: UpsertAction; issue: Issue }>;
}

export class TrackerAnswerError extends Error {
  override name = 'TrackerAnswerError';
}

/**
 * The Idempotency-Key of a ticket's create: derived from the ticket and its version, so a retry, or
 * a re-run after a crash, of the same create carries the same key, and a different write never does.
 */
export function idempotencyKeyFor(ticketId: string, updatedAt: unknown): string {
  const digest = createHash('sha256').update(`${ticketId}\n${String(updatedAt)}`).digest('hex');
  return `ticket-sync-${digest.slice(0, 32)}`;
}

export const TOKEN_OPERATION = 'POST /oauth/token';

export function fetchClientCredentialsToken(client: HttpClient, clientId: string, clientSecret: string): () => Promise<AccessToken> {
  return async () => {
    const response = await client.request({
      operation: TOKEN_OPERATION,
      method: 'POST',
      path: '/oauth/token',
      form: { grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret },
      authenticated: false,
    });
    const body = response.body as { access_token?: unknown; expires_in?: unknown } | null;
    if (typeof body?.access_token !== 'string' || body.access_token === '') throw new TrackerAnswerError('POST /oauth/token answered without an access_token');
    const expiresIn = typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in : 300;
    return { value: body.access_token, expiresIn };
  };
}

export function createTracker(client: HttpClient): Tracker {
  const issueOf = (operation: string, body: unknown): Issue => {
    const issue = body as Partial<Issue> | null;
    if (typeof issue?.id !== 'string' || typeof issue.external_id !== 'string') throw new TrackerAnswerError(`${operation} answered without an issue id`);
    return issue as Issue;
  };

  const tracker: Tracker = {
    async findByExternalId(externalId) {
      const response = await client.request({ operation: 'GET /v1/issues', method: 'GET', path: '/v1/issues', query: { external_id: externalId } });
      const issues = (response.body as { issues?: unknown } | null)?.issues;
      if (!Array.isArray(issues)) throw new TrackerAnswerError('GET /v1/issues answered without an issues array');
      const found = issues.find((i: { external_id?: unknown } | null) => i?.external_id === externalId);
      return found === undefined ? undefined : issueOf('GET /v1/issues', found);
    },
    async create(input, idempotencyKey) {
      const response = await client.request({ operation: 'POST /v1/issues', method: 'POST', path: '/v1/issues', json: input, idempotencyKey });
      return issueOf('POST /v1/issues', response.body);
    },
    async update(id, input) {
      const { external_id: _externalId, ...changes } = input;
      const response = await client.request({
        operation: 'PATCH /v1/issues/{issue_id}',
        method: 'PATCH',
        path: `/v1/issues/${encodeURIComponent(id)}`,
        json: changes,
      });
      return issueOf('PATCH /v1/issues/{issue_id}', response.body);
    },
    async upsert(input, idempotencyKey) {
      const existing = await tracker.findByExternalId(input.external_id);
      if (existing) return { action: 'updated', issue: await tracker.update(existing.id, input) };
      try {
        return { action: 'created', issue: await tracker.create(input, idempotencyKey) };
      } catch (error) {
        if (!(error instanceof HttpStatusError) || error.status !== 409) throw error;
        const found = await tracker.findByExternalId(input.external_id);
        if (!found) throw new TrackerAnswerError(`POST /v1/issues answered 409 for ${input.external_id} but no issue has that external_id`);
        return { action: 'updated', issue: await tracker.update(found.id, input) };
      }
    },
  };
  return tracker;
}
