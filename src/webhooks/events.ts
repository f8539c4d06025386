// Where webhook events come from: recorded inbound deliveries, the GitHub payload examples
// (validated against their schemas), a spec's OpenAPI 3.1 `webhooks` (sampled), and Stripe event
// envelopes built here (a payment_intent lifecycle). Each becomes a `WebhookEvent`: an id, a type,
// the resource it is about and a version that orders that resource's states.
//
// Reading id / type / resource / version from a delivery, first match wins:
// - id: body `id`, `event_id`, `eventId`; else the `webhook-id`, `x-github-delivery` or
//   `x-shopify-webhook-id` header.
// - type: body `type`, `event_type`, `event` (a string); else `x-github-event` (`.action` appended
//   when the body has one, as GitHub's docs name them: `issues.opened`) or `x-shopify-topic`.
// - resource: Stripe `data.object`, else `data`, else `object` (an object with an id); for GitHub
//   the object named after the event (`check_run`, `issues` → `issue`, `issue_comment` → `comment`).
//   Its `id` is the resourceId; an event about no identifiable resource is its own resource.
// - version: the resource's `metadata.seam_version` (set by Seam's fixtures), else its
//   `updated`/`updated_at`/`updatedAt`, else the event's `created`/`created_at`/`createdAt`/
//   `timestamp`, else the resource's `created…` — numbers as given (Stripe: unix seconds),
//   date-time strings as unix seconds.
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { InputError } from '../errors.js';
import type { StoredExchange } from '../exchange/store.js';
import type { Exchange, MultiMap } from '../exchange/types.js';
import { createSpecValidator, schemaFor, webhooks, type LoadedSpec, type Operation, type SpecValidator } from '../spec/index.js';
import { sampleFromSpec } from '../stubs/sample.js';
import type { WebhookEvent } from './types.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => void;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

// ---- recorded deliveries ----

/** Events from recorded exchanges: the inbound deliveries with a JSON body (outbound calls are skipped). */
export function eventsFromExchanges(exchanges: ReadonlyArray<Exchange | StoredExchange>): WebhookEvent[] {
  const out: WebhookEvent[] = [];
  for (const item of exchanges) {
    const { exchange, file } = 'exchange' in item ? item : { exchange: item, file: `exchange ${item.id}` };
    if (exchange.direction !== 'inbound') continue;
    const body = exchange.request.body;
    if (body === undefined || !('json' in body) || !isObj(body.json)) {
      throw new InputError('an inbound delivery without a JSON object body is no event Seam can replay', { file, pointer: '/request/body' });
    }
    out.push(describeEvent(body.json, firstValues(exchange.request.headers), file));
  }
  return out;
}

function firstValues(headers: MultiMap): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined) out[name.toLowerCase()] = first;
  }
  return out;
}

function describeEvent(body: Obj, headers: Record<string, string>, file: string): WebhookEvent {
  const id = firstString(body.id, body.event_id, body.eventId, headers['webhook-id'], headers['x-github-delivery'], headers['x-shopify-webhook-id']);
  if (id === undefined) throw new InputError('no event id: none of body id / event_id / eventId, header webhook-id / x-github-delivery / x-shopify-webhook-id', { file, pointer: '/request/body' });
  const githubEvent = headers['x-github-event'];
  const type = firstString(body.type, body.event_type, body.event, githubEvent !== undefined ? githubType(githubEvent, body) : undefined, headers['x-shopify-topic']);
  if (type === undefined) throw new InputError('no event type: none of body type / event_type / event, header x-github-event / x-shopify-topic', { file, pointer: '/request/body' });
  const resource = githubEvent !== undefined ? githubResource(githubEvent, body) : resourceOf(body);
  const resourceId = idOf(resource) ?? id;
  const version = versionOf(body, resource);
  if (version === undefined) {
    throw new InputError('no version: none of metadata.seam_version, updated / updated_at / updatedAt, created / created_at / createdAt / timestamp', { file, pointer: '/request/body' });
  }
  return { id, type, resourceId, version, payload: body };
}

function firstString(...values: unknown[]): string | undefined {
  return values.find((v): v is string => typeof v === 'string' && v !== '');
}

function githubType(event: string, body: Obj): string {
  return typeof body.action === 'string' ? `${event}.${body.action}` : event;
}

function resourceOf(body: Obj): Obj | undefined {
  const data = body.data;
  if (isObj(data) && isObj(data.object) && idOf(data.object) !== undefined) return data.object;
  if (isObj(data) && idOf(data) !== undefined) return data;
  return isObj(body.object) && idOf(body.object) !== undefined ? body.object : undefined;
}

function githubResource(event: string, body: Obj): Obj | undefined {
  const names = [event, event.replace(/s$/, ''), event.slice(event.lastIndexOf('_') + 1)];
  for (const name of names) {
    const value = body[name];
    if (isObj(value) && idOf(value) !== undefined) return value;
  }
  return undefined;
}

function idOf(value: Obj | undefined): string | undefined {
  const id = value?.id;
  return typeof id === 'string' && id !== '' ? id : typeof id === 'number' ? String(id) : undefined;
}

function versionOf(body: Obj, resource: Obj | undefined): number | undefined {
  const metadata = resource?.metadata;
  const candidates = [
    isObj(metadata) ? metadata.seam_version : undefined,
    resource?.updated,
    resource?.updated_at,
    resource?.updatedAt,
    body.created,
    body.created_at,
    body.createdAt,
    body.timestamp,
    resource?.created,
    resource?.created_at,
    resource?.createdAt,
  ];
  for (const value of candidates) {
    const n = asVersion(value);
    if (n !== undefined) return n;
  }
  return undefined;
}

function asVersion(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value !== 'string') return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value);
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms / 1000;
}

// ---- GitHub payload examples ----

export interface GithubExamples {
  /** One event per example that fits its schema, in folder then file name order. */
  events: WebhookEvent[];
  /** Examples that do not fit their schema (upstream's examples and schemas disagree here and there): file and pointer each. */
  invalid: InputError[];
}

/**
 * Events from the octokit/webhooks layout under `dir`: `payload-examples/api.github.com/<event>/*.json`,
 * each validated against `payload-schemas/api.github.com/<event>/<action>.schema.json` (or
 * `event.schema.json` for events without that action's schema), draft-07 with ajv. The event id is
 * the example's path (`check_run/completed.with-organization`): GitHub puts its delivery id in a
 * header, not in the payload.
 */
export async function eventsFromGithubExamples(dir: string): Promise<GithubExamples> {
  const schemasDir = join(dir, 'payload-schemas', 'api.github.com');
  const examplesDir = join(dir, 'payload-examples', 'api.github.com');
  const ajv = new Ajv({ strict: false, allErrors: false, logger: false });
  addFormats(ajv);
  // The schemas use `uri-template` (RFC 6570), which ajv-formats does not know; it is not checked.
  ajv.addFormat('uri-template', true);
  for (const event of await sortedDir(schemasDir)) {
    for (const name of await sortedDir(join(schemasDir, event))) {
      ajv.addSchema(await readJson(join(schemasDir, event, name)) as Obj);
    }
  }
  const result: GithubExamples = { events: [], invalid: [] };
  for (const event of await sortedDir(examplesDir)) {
    for (const name of await sortedDir(join(examplesDir, event))) {
      if (!name.endsWith('.json')) continue;
      const file = join(examplesDir, event, name);
      const payload = await readJson(file);
      if (!isObj(payload)) throw new InputError('a payload example is not a JSON object', { file, pointer: '' });
      const action = typeof payload.action === 'string' ? payload.action : undefined;
      const candidates = action !== undefined ? [`${event}$${action}`, `${event}$event`] : [`${event}$event`];
      const found = candidates.find((id) => ajv.getSchema(id) !== undefined);
      if (found === undefined) {
        result.invalid.push(new InputError(`no schema for ${event}${action !== undefined ? ` action ${action}` : ''}`, { file, pointer: '' }));
        continue;
      }
      const validate = ajv.getSchema(found)!;
      if (!validate(payload)) {
        const error = validate.errors?.[0];
        result.invalid.push(new InputError(`does not fit ${found}: ${error?.message ?? 'invalid'}`, { file, pointer: error?.instancePath ?? '' }));
        continue;
      }
      const id = relative(examplesDir, file).replace(/\\/g, '/').replace(/(\.payload)?\.json$/, '');
      const resource = githubResource(event, payload);
      result.events.push({
        id,
        type: githubType(event, payload),
        resourceId: idOf(resource) ?? id,
        version: versionOf(payload, resource) ?? 1,
        payload,
      });
    }
  }
  return result;
}

async function sortedDir(dir: string): Promise<string[]> {
  return (await readdir(dir)).sort();
}

async function readJson(file: string): Promise<unknown> {
  const text = await readFile(file, 'utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new InputError(`not JSON: ${(error as Error).message}`, { file }, { cause: error });
  }
}

// ---- a spec's webhooks ----

/**
 * One schema-valid event per OpenAPI 3.1 webhook of `spec`: the sampler's payload for its JSON
 * request body, with a `type` (the webhook's name) and a `data.id` (the resource) written in where
 * the schema allows them. Ids derive from `seed`, so a seed reproduces the events. Each payload is
 * checked with the spec validator; one the sampler cannot make valid is an InputError at the webhook.
 */
export function eventsFromSpecWebhooks(spec: LoadedSpec, options: { seed: number | string }): WebhookEvent[] {
  const validator = createSpecValidator(spec);
  return webhooks(spec).map((hook) => {
    const name = hook.webhook ?? hook.pathTemplate;
    const schema = schemaFor(hook, 'request', 'application/json');
    if (!schema) throw new InputError(`webhook ${name} has no JSON request body`, hook.at);
    const id = `evt_${seeded(options.seed, name).slice(0, 24)}`;
    const resourceId = `res_${seeded(options.seed, `${name}/resource`).slice(0, 24)}`;
    let payload = sampleFromSpec(spec, schema.node, schema.at);
    const problems = bodyProblems(validator, hook, payload);
    if (problems.length > 0) throw new InputError(`the sample for webhook ${name} is not valid: ${problems.join('; ')}`, schema.at ?? hook.at);
    // Write in what makes the event recognisable, one field at a time, each only if still valid.
    const type = name.replace(/^\//, '');
    for (const enrich of [(p: Obj) => ({ ...p, type }), (p: Obj) => (isObj(p.data) ? { ...p, data: { ...p.data, id: resourceId } } : p)]) {
      if (!isObj(payload)) break;
      const next = enrich(payload);
      if (bodyProblems(validator, hook, next).length === 0) payload = next;
    }
    const written = isObj(payload) && isObj(payload.data) && payload.data.id === resourceId;
    return { id, type, resourceId: written ? resourceId : id, version: 1, payload };
  });
}

function bodyProblems(validator: SpecValidator, hook: Operation, payload: unknown): string[] {
  const violations = validator.validateRequest(hook, { method: hook.method, path: '/', query: {}, headers: { 'content-type': 'application/json' }, body: { json: payload } }, {});
  return violations.filter((v) => v.location === 'body').map((v) => `${v.pointer ?? ''} ${v.message}`.trim());
}

function seeded(seed: number | string, name: string): string {
  return createHash('sha256').update(`${seed}:${name}`).digest('hex');
}

// ---- Stripe ----

export const STRIPE_API_VERSION = '2023-09-12';

export interface StripeEventInput {
  id: string;
  type: string;
  /** A Stripe API object with an `id` (payment_intent, charge, …). */
  object: Obj & { id: string };
  version: number;
  /** Unix seconds. */
  created: number;
}

/**
 * A Stripe event envelope around `object`, its `metadata.seam_version` set to `version` — as a
 * string: Stripe metadata values are strings (the spec says so, and a number fails its schema).
 */
export function stripeEvent({ id, type, object, version, created }: StripeEventInput): WebhookEvent {
  const metadata = isObj(object.metadata) ? object.metadata : {};
  const payload = {
    id,
    object: 'event',
    api_version: STRIPE_API_VERSION,
    created,
    data: { object: { ...object, metadata: { ...metadata, seam_version: String(version) } } },
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
  };
  return { id, type, resourceId: object.id, version, payload };
}

/**
 * A payment_intent's webhook life: `payment_intent.created` → `.processing` → `.succeeded`, or
 * `.payment_failed` (back to requires_payment_method with a card decline) — which one, the amount
 * and the times follow from `seed`. Versions 1..n; objects shaped as the Stripe spec's
 * `payment_intent` (2023-09-12), like the spec's own fixture.
 */
export function stripeLifecycle(resourceId: string, seed: number | string): WebhookEvent[] {
  const digest = seeded(seed, resourceId);
  const succeeds = parseInt(digest.slice(0, 2), 16) % 2 === 0;
  const amount = 100 * (1 + (parseInt(digest.slice(2, 6), 16) % 500));
  const created = 1_700_000_000 + (parseInt(digest.slice(6, 12), 16) % 10_000_000);
  const paymentMethod = `pm_${digest.slice(12, 36)}`;
  const base: Obj & { id: string } = {
    id: resourceId,
    object: 'payment_intent',
    amount,
    amount_capturable: 0,
    amount_details: { tip: {} },
    amount_received: 0,
    application: null,
    application_fee_amount: null,
    automatic_payment_methods: null,
    canceled_at: null,
    cancellation_reason: null,
    capture_method: 'automatic',
    client_secret: `${resourceId}_secret_${digest.slice(36, 60)}`,
    confirmation_method: 'automatic',
    created,
    currency: 'usd',
    customer: null,
    description: null,
    invoice: null,
    last_payment_error: null,
    latest_charge: null,
    livemode: false,
    metadata: {},
    next_action: null,
    on_behalf_of: null,
    payment_method: null,
    payment_method_options: {},
    payment_method_types: ['card'],
    processing: null,
    receipt_email: null,
    review: null,
    setup_future_usage: null,
    shipping: null,
    statement_descriptor: null,
    statement_descriptor_suffix: null,
    status: 'requires_payment_method',
    transfer_data: null,
    transfer_group: null,
  };
  const states: Array<[string, Obj]> = [
    ['payment_intent.created', {}],
    ['payment_intent.processing', { status: 'processing', payment_method: paymentMethod }],
    succeeds
      ? ['payment_intent.succeeded', { status: 'succeeded', payment_method: paymentMethod, amount_received: amount, latest_charge: `ch_${digest.slice(0, 24)}` }]
      : [
          'payment_intent.payment_failed',
          {
            status: 'requires_payment_method',
            latest_charge: `ch_${digest.slice(0, 24)}`,
            last_payment_error: {
              type: 'card_error',
              code: 'card_declined',
              decline_code: 'generic_decline',
              message: 'Your card was declined.',
              charge: `ch_${digest.slice(0, 24)}`,
            },
          },
        ],
  ];
  return states.map(([type, change], index) =>
    stripeEvent({
      id: `evt_${seeded(seed, `${resourceId}/${index}`).slice(0, 24)}`,
      type,
      object: { ...base, ...change },
      version: index + 1,
      created: created + index * 2,
    }),
  );
}
