import { describe, expect, it } from 'vitest';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { Exchange } from '../exchange/types.js';
import { ajvDocuments, loadSpec, uriOf } from '../spec/index.js';
import { eventsFromExchanges, eventsFromGithubExamples, eventsFromSpecWebhooks, STRIPE_API_VERSION, stripeEvent, stripeLifecycle } from './events.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => void;
const GITHUB = '../shared/material/webhooks/github';
const ADYEN = '../shared/material/specs/adyen';
const STRIPE_SPEC = '../shared/material/specs/stripe/spec3.2023-09-12.yaml';

function delivery(headers: Record<string, string>, json: unknown, direction: 'inbound' | 'outbound' = 'inbound'): Exchange {
  return {
    seam: 1,
    id: 'x1',
    partner: 'p',
    direction,
    recordedAt: '2024-01-01T00:00:00.000Z',
    durationMs: 1,
    request: { method: 'POST', path: '/webhooks', query: {}, headers: { 'content-type': 'application/json', ...headers }, body: { json } },
    response: { status: 200, headers: {} },
    redactions: [],
  };
}

describe('eventsFromExchanges', () => {
  it('reads a Stripe delivery: event id, type, the data.object id, metadata.seam_version', () => {
    const body = { id: 'evt_1', object: 'event', created: 1700000000, type: 'payment_intent.succeeded', data: { object: { id: 'pi_1', object: 'payment_intent', metadata: { seam_version: '3' } } } };
    expect(eventsFromExchanges([delivery({ 'stripe-signature': 't=1,v1=aa' }, body)])).toEqual([
      { id: 'evt_1', type: 'payment_intent.succeeded', resourceId: 'pi_1', version: 3, payload: body },
    ]);
  });

  it("falls back to the event's created time when the object has no seam_version", () => {
    const body = { id: 'evt_2', type: 'charge.refunded', created: 1700000123, data: { object: { id: 'ch_1', created: 1600000000, metadata: {} } } };
    expect(eventsFromExchanges([delivery({}, body)])[0]).toMatchObject({ resourceId: 'ch_1', version: 1700000123 });
  });

  it('reads a GitHub delivery: the id from X-GitHub-Delivery, the type event.action, the resource updated_at', () => {
    const body = { action: 'opened', issue: { id: 1347, updated_at: '2024-01-02T03:04:05Z' }, repository: { id: 9 } };
    const [event] = eventsFromExchanges([delivery({ 'x-github-event': 'issues', 'x-github-delivery': '72d3162e-cc78-11e3-81ab-4c9367dc0958' }, body)]);
    expect(event).toEqual({ id: '72d3162e-cc78-11e3-81ab-4c9367dc0958', type: 'issues.opened', resourceId: '1347', version: 1704164645, payload: body });
  });

  it('reads a Standard Webhooks delivery: the id from webhook-id, data.id, the ISO timestamp', () => {
    const body = { type: 'contact.created', timestamp: '2022-11-03T20:26:10.344Z', data: { id: '1f81eb52' } };
    expect(eventsFromExchanges([delivery({ 'webhook-id': ['msg_1', 'msg_dup'] as unknown as string }, body)])).toEqual([
      { id: 'msg_1', type: 'contact.created', resourceId: '1f81eb52', version: 1667507170.344, payload: body },
    ]);
  });

  it('skips outbound calls; an event about no identifiable resource is its own resource', () => {
    const events = eventsFromExchanges([delivery({}, { id: 'nope' }, 'outbound'), delivery({}, { id: 'evt_3', type: 'ping', created: 5 })]);
    expect(events).toEqual([{ id: 'evt_3', type: 'ping', resourceId: 'evt_3', version: 5, payload: { id: 'evt_3', type: 'ping', created: 5 } }]);
  });

  it('names the file and pointer when a delivery is no event', () => {
    const stored = (json: unknown) => ({ file: 'recordings/p/s/0001.json', session: 's', exchange: delivery({}, json) });
    expect(() => eventsFromExchanges([stored({ type: 'x', created: 1 })])).toThrow(
      'recordings/p/s/0001.json at /request/body: no event id: none of body id / event_id / eventId, header webhook-id / x-github-delivery / x-shopify-webhook-id',
    );
    expect(() => eventsFromExchanges([stored({ id: 'e', created: 1 })])).toThrow('recordings/p/s/0001.json at /request/body: no event type');
    expect(() => eventsFromExchanges([stored({ id: 'e', type: 't' })])).toThrow('recordings/p/s/0001.json at /request/body: no version');
    const text = { ...delivery({}, null), request: { ...delivery({}, null).request, body: { text: 'a=b' } } };
    expect(() => eventsFromExchanges([text])).toThrow('exchange x1 at /request/body: an inbound delivery without a JSON object body');
  });
});

describe('eventsFromGithubExamples', () => {
  it('validates every example against its schema: all but the two known-invalid upstream examples', async () => {
    const { events, invalid } = await eventsFromGithubExamples(GITHUB);
    expect(events).toHaveLength(271);
    // Upstream's check_run rerequested examples carry `created_at: "2018-04-25 20:42:10"` (a space, not RFC 3339's T).
    expect(invalid.map((e) => [e.file?.slice(e.file.indexOf('api.github.com/')), e.pointer, e.message.slice(e.message.lastIndexOf(': does') + 2)])).toEqual([
      ['api.github.com/check_run/rerequested.payload.json', '/check_run/check_suite/app/created_at', 'does not fit check_run$rerequested: must match format "date-time"'],
      ['api.github.com/check_run/rerequested.with-organization.payload.json', '/check_run/check_suite/app/created_at', 'does not fit check_run$rerequested: must match format "date-time"'],
    ]);
    expect(invalid.every((e) => e.code === 'input')).toBe(true);
    const byId = new Map(events.map((e) => [e.id, e]));
    expect(byId.get('branch_protection_rule/created')).toMatchObject({ type: 'branch_protection_rule.created', resourceId: '21796960', version: 1629389792 });
    expect(byId.get('check_run/completed.1')).toMatchObject({ type: 'check_run.completed', resourceId: '128620228', version: 1 });
    // No action: the event's own schema; about no object of its own: its own resource.
    expect(byId.get('ping/payload')).toMatchObject({ type: 'ping', resourceId: 'ping/payload' });
    // An action without a schema of its own (repository_dispatch's actions are free-form) uses event.schema.json.
    expect(byId.get('repository_dispatch/payload')).toMatchObject({ type: 'repository_dispatch.on-demand-test' });
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
  });
});

describe('eventsFromSpecWebhooks', () => {
  it('Adyen transfer notifications: one valid event per webhook, type and data.id written in, ids from the seed', async () => {
    const spec = await loadSpec(`${ADYEN}/BalancePlatformTransferNotification-v4.json`);
    const events = eventsFromSpecWebhooks(spec, { seed: 7 });
    expect(events.map((e) => [e.type, e.version])).toEqual([
      ['balancePlatform.transfer.created', 1],
      ['balancePlatform.transfer.updated', 1],
    ]);
    expect(events[0]!.id).toMatch(/^evt_[0-9a-f]{24}$/);
    expect(events[0]!.payload).toEqual({
      environment: 'string',
      data: { status: 'adviceAuthorised', category: 'bank', amount: { value: 0, currency: 'str' }, id: events[0]!.resourceId },
      type: 'balancePlatform.transfer.created',
    });
    expect(eventsFromSpecWebhooks(spec, { seed: 7 })).toEqual(events);
    const other = eventsFromSpecWebhooks(spec, { seed: 8 });
    expect(other[0]!.id).not.toBe(events[0]!.id);
    expect(other[0]!.resourceId).not.toBe(events[0]!.resourceId);
  });

  it('Adyen management notifications: where data.id does not fit the schema, the event is its own resource', async () => {
    const spec = await loadSpec(`${ADYEN}/ManagementNotificationService-v3.2026-05-01.json`);
    const events = eventsFromSpecWebhooks(spec, { seed: 1 });
    expect(events.map((e) => e.type)).toEqual([
      'merchant.created',
      'merchant.updated',
      'paymentMethod.created',
      'paymentMethodRequest.removed',
      'paymentMethodRequest.scheduledForRemoval',
      'terminalAssignment.completed',
      'terminalBoarding.triggered',
      'terminalSettings.modified',
    ]);
    expect(events[0]).toMatchObject({ resourceId: events[0]!.id, payload: { type: 'merchant.created', data: { merchantId: 'string' } } });
  });

  it('a spec without webhooks gives no events', async () => {
    const spec = await loadSpec(`${ADYEN}/CheckoutService-v71.2026-05-28.json`);
    expect(eventsFromSpecWebhooks(spec, { seed: 1 })).toEqual([]);
  });
});

describe('Stripe events', () => {
  it('stripeEvent wraps an object in the event envelope and stamps metadata.seam_version (a string, as Stripe metadata is)', () => {
    const event = stripeEvent({ id: 'evt_1', type: 'charge.refunded', object: { id: 'ch_1', object: 'charge', metadata: { order: '42' } }, version: 4, created: 1700000000 });
    expect(event).toEqual({
      id: 'evt_1',
      type: 'charge.refunded',
      resourceId: 'ch_1',
      version: 4,
      payload: {
        id: 'evt_1',
        object: 'event',
        api_version: STRIPE_API_VERSION,
        created: 1700000000,
        data: { object: { id: 'ch_1', object: 'charge', metadata: { order: '42', seam_version: '4' } } },
        livemode: false,
        pending_webhooks: 1,
        request: { id: null, idempotency_key: null },
        type: 'charge.refunded',
      },
    });
  });

  it('stripeLifecycle: created → processing → succeeded or payment_failed, versions 1..3, reproducible from the seed', () => {
    const summary = (seed: number) => stripeLifecycle('pi_1', seed).map((e) => [e.type, e.version, e.resourceId, (e.payload as { data: { object: { status: string } } }).data.object.status]);
    expect(summary(1)).toEqual([
      ['payment_intent.created', 1, 'pi_1', 'requires_payment_method'],
      ['payment_intent.processing', 2, 'pi_1', 'processing'],
      ['payment_intent.succeeded', 3, 'pi_1', 'succeeded'],
    ]);
    expect(summary(2)).toEqual([
      ['payment_intent.created', 1, 'pi_1', 'requires_payment_method'],
      ['payment_intent.processing', 2, 'pi_1', 'processing'],
      ['payment_intent.payment_failed', 3, 'pi_1', 'requires_payment_method'],
    ]);
    expect(stripeLifecycle('pi_1', 1).map((e) => e.id)).toEqual(['evt_978342a3d5ac5f5b68fe2652', 'evt_533cac3fa62b0ac8054d7e03', 'evt_79dedf0cdf0bdaa8788cda11']);
    expect(stripeLifecycle('pi_1', 1)).toEqual(stripeLifecycle('pi_1', 1));
    const created = stripeLifecycle('pi_1', 1).map((e) => (e.payload as { created: number }).created);
    expect(created[1]! - created[0]!).toBe(2);
    expect(created[2]! - created[1]!).toBe(2);
  });

  it("every lifecycle object fits the Stripe spec's payment_intent schema and every envelope its event schema", async () => {
    const spec = await loadSpec(STRIPE_SPEC);
    const ajv = new Ajv2020({ strict: false, allErrors: true, logger: false });
    addFormats(ajv);
    for (const doc of ajvDocuments(spec)) ajv.addSchema(doc);
    const validateIntent = ajv.compile({ $ref: uriOf({ file: spec.file, pointer: '/components/schemas/payment_intent' }) });
    const validateEvent = ajv.compile({ $ref: uriOf({ file: spec.file, pointer: '/components/schemas/event' }) });
    const events = [...stripeLifecycle('pi_1', 1), ...stripeLifecycle('pi_1', 2)];
    expect(new Set(events.map((e) => e.type)).size).toBe(4);
    for (const event of events) {
      const payload = event.payload as { data: { object: unknown } };
      expect(validateEvent(payload) ? [] : validateEvent.errors, `${event.type} envelope`).toEqual([]);
      expect(validateIntent(payload.data.object) ? [] : validateIntent.errors, `${event.type} object`).toEqual([]);
    }
    // The check can fail: a status outside the spec's enum does not fit.
    expect(validateIntent({ ...(events[0]!.payload as { data: { object: object } }).data.object, status: 'paid' })).toBe(false);
  });
});
