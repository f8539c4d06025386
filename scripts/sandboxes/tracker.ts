// A local stand-in for the issue tracker: OAuth2 client-credentials tokens that expire, issues
// found by external_id, idempotent creates keyed by Idempotency-Key (a replay answers the stored
// response), 409 on a duplicate external_id, PATCH updates. Start it from tests with
// `startTrackerSandbox`, or run `node dist/scripts/sandboxes/tracker.js [port]`.
import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { apiError, bearer, runStandalone, serve, type Answer, type Sandbox } from './http.js';

export const TRACKER_SANDBOX_CLIENT = { id: 'ticket-sync-sandbox', secret: 'trk_sandbox_secret_8d21c6f04be97a35' } as const;

const STATES = ['todo', 'in_progress', 'blocked', 'done'];
const PRIORITIES = ['p1', 'p2', 'p3', 'p4'];
const FIELDS = ['title', 'description', 'state', 'priority', 'labels', 'reporter_email', 'assignee'];

export interface Issue {
  id: string;
  external_id: string;
  title: string;
  description: string;
  state: string;
  priority: string;
  labels: string[];
  reporter_email: string;
  assignee?: string;
  created_at: string;
  updated_at: string;
}

export interface TrackerSandboxOptions {
  port?: number;
  clientId?: string;
  clientSecret?: string;
  /** Token lifetime, seconds (default 3600). */
  tokenTtlSeconds?: number;
  now?: () => number;
}

export interface TrackerSandbox extends Sandbox {
  issues(): Issue[];
  /** Tokens issued so far, oldest first (for tests that check no output holds one). */
  tokens(): string[];
  /** `POST /v1/issues` requests that created an issue (replays and refusals excluded). */
  creations(): number;
  /** Every token issued so far stops working (as if they all expired). */
  expireTokens(): void;
  requests: string[];
}

export async function startTrackerSandbox(options: TrackerSandboxOptions = {}): Promise<TrackerSandbox> {
  const clientId = options.clientId ?? TRACKER_SANDBOX_CLIENT.id;
  const clientSecret = options.clientSecret ?? TRACKER_SANDBOX_CLIENT.secret;
  const ttl = options.tokenTtlSeconds ?? 3600;
  const now = options.now ?? Date.now;
  const tokens = new Map<string, number>();
  const issues = new Map<string, Issue>();
  const byKey = new Map<string, { body: string; answer: Answer }>();
  const requests: string[] = [];
  let created = 0;

  const token = (form: URLSearchParams): Answer => {
    if (form.get('grant_type') !== 'client_credentials') {
      return { status: 400, body: { error: 'unsupported_grant_type', error_description: 'only client_credentials is supported' } };
    }
    if (form.get('client_id') !== clientId || form.get('client_secret') !== clientSecret) {
      return { status: 401, body: { error: 'invalid_client', error_description: 'unknown client or wrong secret' } };
    }
    const value = `trk_at_${randomBytes(18).toString('base64url')}`;
    tokens.set(value, now() + ttl * 1000);
    return { status: 200, body: { access_token: value, token_type: 'Bearer', expires_in: ttl }, headers: { 'cache-control': 'no-store' } };
  };

  const create = (key: string | undefined, text: string): Answer => {
    if (key === undefined || key === '') return { status: 400, body: apiError('idempotency_key_required', 'POST /v1/issues needs an Idempotency-Key header') };
    const seen = byKey.get(key);
    if (seen) {
      if (seen.body !== text) return { status: 422, body: apiError('idempotency_key_reused', 'this Idempotency-Key was used with a different body') };
      return { ...seen.answer, headers: { ...seen.answer.headers, 'idempotent-replayed': 'true' } };
    }
    const parsed = parseJson(text);
    if (parsed === undefined) return { status: 400, body: apiError('invalid_json', 'the body is not JSON') };
    const problems = checkIssue(parsed, true);
    if (problems.length > 0) return { status: 422, body: apiError('validation_failed', 'the issue is invalid', { details: problems }) };
    const input = parsed as Omit<Issue, 'id' | 'created_at' | 'updated_at'>;
    const existing = [...issues.values()].find((i) => i.external_id === input.external_id);
    if (existing) return { status: 409, body: apiError('duplicate_external_id', `an issue for ${input.external_id} exists`, { issue_id: existing.id }) };
    const at = new Date(now()).toISOString();
    const issue: Issue = { id: `TRK-${101 + issues.size}`, ...input, created_at: at, updated_at: at };
    issues.set(issue.id, issue);
    created++;
    const answer: Answer = { status: 201, body: issue, headers: { location: `/v1/issues/${issue.id}` } };
    byKey.set(key, { body: text, answer });
    return answer;
  };

  const update = (id: string, text: string): Answer => {
    const issue = issues.get(id);
    if (!issue) return { status: 404, body: apiError('not_found', `no issue ${id}`) };
    const parsed = parseJson(text);
    if (parsed === undefined) return { status: 400, body: apiError('invalid_json', 'the body is not JSON') };
    const problems = checkIssue(parsed, false);
    if (problems.length > 0) return { status: 422, body: apiError('validation_failed', 'the changes are invalid', { details: problems }) };
    Object.assign(issue, parsed, { updated_at: new Date(now()).toISOString() });
    return { status: 200, body: issue };
  };

  const sandbox = await serve((req, url, body): Answer => {
    requests.push(`${req.method} ${url.pathname}${url.search}`);
    const method = req.method ?? 'GET';
    if (url.pathname === '/oauth/token') {
      if (method !== 'POST') return { status: 405, body: apiError('method_not_allowed', 'use POST'), headers: { allow: 'POST' } };
      return token(new URLSearchParams(body));
    }
    const match = /^\/v1\/issues(?:\/([^/]+))?$/.exec(url.pathname);
    if (!match) return { status: 404, body: apiError('not_found', `no route ${url.pathname}`) };
    const presented = bearer(req);
    const expiry = presented === undefined ? undefined : tokens.get(presented);
    if (expiry === undefined || expiry <= now()) {
      return { status: 401, body: apiError('invalid_token', 'the access token is missing, unknown or expired'), headers: { 'www-authenticate': 'Bearer error="invalid_token"' } };
    }
    const id = match[1];
    if (id === undefined && method === 'GET') {
      const externalId = url.searchParams.get('external_id');
      return { status: 200, body: { issues: [...issues.values()].filter((i) => externalId === null || i.external_id === externalId) } };
    }
    if (id === undefined && method === 'POST') return create(headerValue(req.headers['idempotency-key']), body);
    if (id !== undefined && method === 'PATCH') return update(decodeURIComponent(id), body);
    if (id !== undefined && method === 'GET') {
      const issue = issues.get(decodeURIComponent(id));
      return issue ? { status: 200, body: issue } : { status: 404, body: apiError('not_found', `no issue ${id}`) };
    }
    return { status: 405, body: apiError('method_not_allowed', `${method} is not allowed here`) };
  }, options.port);

  return {
    ...sandbox,
    requests,
    issues: () => [...issues.values()].map((i) => ({ ...i })),
    tokens: () => [...tokens.keys()],
    creations: () => created,
    expireTokens: () => {
      for (const key of tokens.keys()) tokens.set(key, 0);
    },
  };
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The tracker's own checks (a create needs every field; a PATCH any of them but external_id). */
function checkIssue(value: unknown, isCreate: boolean): { field: string; problem: string }[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [{ field: '', problem: 'must be an object' }];
  const v = value as Record<string, unknown>;
  const problems: { field: string; problem: string }[] = [];
  const allowed = isCreate ? ['external_id', ...FIELDS] : FIELDS;
  for (const key of Object.keys(v)) if (!allowed.includes(key)) problems.push({ field: key, problem: 'is not a field you can set' });
  const required = isCreate ? ['external_id', 'title', 'description', 'state', 'priority', 'labels', 'reporter_email'] : [];
  for (const key of required) if (!(key in v)) problems.push({ field: key, problem: 'is required' });
  if (!isCreate && Object.keys(v).length === 0) problems.push({ field: '', problem: 'nothing to change' });
  const str = (key: string, min: number, max: number): void => {
    if (key in v && (typeof v[key] !== 'string' || (v[key] as string).length < min || (v[key] as string).length > max)) {
      problems.push({ field: key, problem: `must be a string of ${min} to ${max} characters` });
    }
  };
  str('external_id', 1, 64);
  str('title', 1, 200);
  str('description', 0, 20000);
  str('assignee', 1, 100);
  if ('state' in v && !STATES.includes(v.state as string)) problems.push({ field: 'state', problem: `must be one of ${STATES.join(', ')}` });
  if ('priority' in v && !PRIORITIES.includes(v.priority as string)) problems.push({ field: 'priority', problem: `must be one of ${PRIORITIES.join(', ')}` });
  if ('labels' in v && (!Array.isArray(v.labels) || v.labels.some((l) => typeof l !== 'string'))) problems.push({ field: 'labels', problem: 'must be an array of strings' });
  if ('reporter_email' in v && (typeof v.reporter_email !== 'string' || !/^[^@\s]+@[^@\s]+$/.test(v.reporter_email))) {
    problems.push({ field: 'reporter_email', problem: 'must be an email address' });
  }
  return problems;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await runStandalone(
    'tracker',
    (port) => startTrackerSandbox({ port }),
    `client credentials: TRACKER_CLIENT_ID=${TRACKER_SANDBOX_CLIENT.id} TRACKER_CLIENT_SECRET=${TRACKER_SANDBOX_CLIENT.secret}`,
  );
}
