// Done means (issue 4): "`seam validate` is clean on exchanges built from each shared spec's own
// examples and flags seeded violations (wrong type, missing required field, undocumented status,
// extra field where additionalProperties is false) with exact pointers."
//
// Clean, except where a partner's own examples contradict its own schema: those are findings about
// the partner's spec, listed here exactly (and in docs/validate.md), not hidden.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Exchange } from '../src/exchange/types.js';
import { createSpecValidator, loadSpec } from '../src/spec/index.js';
import type { SpecValidator, Violation } from '../src/spec/index.js';
import { exchangesFromExamples, type SpecExchange } from './support/spec-exchanges.js';

const SPECS = resolve('../shared/material/specs');
const STRIPE = `${SPECS}/stripe/spec3.2023-09-12.yaml`;
const TWILIO = `${SPECS}/twilio/twilio_api_v2010.2026-04-14.json`;
const BOX = `${SPECS}/box/openapi.2026-06-29.json`;
const ADYEN = `${SPECS}/adyen/CheckoutService-v71.2026-05-28.json`;

interface Loaded {
  validator: SpecValidator;
  exchanges: SpecExchange[];
}

const loaded = new Map<string, Loaded>();

beforeAll(async () => {
  const fixtures = JSON.parse(await readFile(`${SPECS}/stripe/fixtures3.2023-09-12.json`, 'utf8')) as { resources: Record<string, unknown> };
  for (const file of [STRIPE, TWILIO, BOX, ADYEN]) {
    const spec = await loadSpec(file);
    loaded.set(file, { validator: createSpecValidator(spec), exchanges: exchangesFromExamples(spec, file === STRIPE ? fixtures.resources : undefined) });
  }
});

/** Every violation of the example exchanges, checked against the operation they were built from. */
function findings(file: string): Array<{ label: string; v: Violation }> {
  const { validator, exchanges } = loaded.get(file)!;
  const out: Array<{ label: string; v: Violation }> = [];
  for (const { label, operation, pathParams, exchange } of exchanges) {
    const response = exchange.response as { status: number; headers: Record<string, string>; body?: Exchange['request']['body'] };
    for (const v of [...validator.validateRequest(operation, exchange.request, pathParams), ...validator.validateResponse(operation, response)]) {
      out.push({ label, v });
    }
  }
  return out;
}

const brief = ({ label, v }: { label: string; v: Violation }) => [label, v.part, v.pointer, v.keyword, v.spec?.pointer];

describe('exchanges built from the specs\' own examples', () => {
  it('resolve to the operation they were built from (Box\'s `#fragment` operations excepted)', () => {
    for (const file of [STRIPE, TWILIO, BOX, ADYEN]) {
      const { validator, exchanges } = loaded.get(file)!;
      const wrong = exchanges
        .filter(({ operation, exchange }) => validator.validateExchange(exchange).operation?.id !== operation.id)
        .map(({ operation }) => operation.id);
      expect(wrong, file).toEqual(
        file === BOX
          ? [
              'GET /files/{file_id}#get_shared_link',
              'PUT /files/{file_id}#add_shared_link',
              'PUT /files/{file_id}#update_shared_link',
              'PUT /files/{file_id}#remove_shared_link',
              'GET /folders/{folder_id}#get_shared_link',
              'PUT /folders/{folder_id}#add_shared_link',
              'PUT /folders/{folder_id}#update_shared_link',
              'PUT /folders/{folder_id}#remove_shared_link',
              'GET /web_links/{web_link_id}#get_shared_link',
              'PUT /web_links/{web_link_id}#add_shared_link',
              'PUT /web_links/{web_link_id}#update_shared_link',
              'PUT /web_links/{web_link_id}#remove_shared_link',
            ]
          : [],
      );
    }
  });

  it('Adyen Checkout v71 (3.1): all 146 valid', () => {
    expect(loaded.get(ADYEN)!.exchanges).toHaveLength(146);
    expect(findings(ADYEN)).toEqual([]);
  });

  it('Stripe (3.0, its published fixtures as examples): valid but for the outbound payment fixture', () => {
    expect(loaded.get(STRIPE)!.exchanges).toHaveLength(355);
    const spec = '/components/schemas/outbound_payments_payment_method_details/required';
    expect(findings(STRIPE).map(brief)).toEqual(
      [
        'POST /v1/test_helpers/treasury/outbound_payments/{id}/fail',
        'POST /v1/test_helpers/treasury/outbound_payments/{id}/post',
        'POST /v1/test_helpers/treasury/outbound_payments/{id}/return',
        'POST /v1/treasury/outbound_payments',
        'GET /v1/treasury/outbound_payments/{id}',
        'POST /v1/treasury/outbound_payments/{id}/cancel',
      ].map((op) => [`${op} 200 application/json fixture`, 'response', '/destination_payment_method_details/billing_details', 'required', spec]),
    );
  });

  it('Box (3.0): valid but for the shared-link examples', () => {
    expect(loaded.get(BOX)!.exchanges).toHaveLength(13);
    const row = (op: string, kind: string, pointer: string, keyword: string) => [
      `${op} 200 application/json default`,
      'response',
      pointer,
      keyword,
      `/components/schemas/${kind}/allOf/1/properties/shared_link/allOf/0/${keyword}`,
    ];
    expect(findings(BOX).map(brief)).toEqual([
      row('GET /files/{file_id}#get_shared_link', 'File', '/shared_link/accessed', 'required'),
      row('PUT /files/{file_id}#add_shared_link', 'File', '/shared_link/accessed', 'required'),
      row('PUT /files/{file_id}#update_shared_link', 'File', '/shared_link/accessed', 'required'),
      row('PUT /files/{file_id}#remove_shared_link', 'File', '/shared_link', 'type'),
      row('GET /folders/{folder_id}#get_shared_link', 'Folder', '/shared_link/accessed', 'required'),
      row('PUT /folders/{folder_id}#add_shared_link', 'Folder', '/shared_link/accessed', 'required'),
      row('PUT /folders/{folder_id}#update_shared_link', 'Folder', '/shared_link/accessed', 'required'),
      row('GET /web_links/{web_link_id}#get_shared_link', 'WebLink', '/shared_link/accessed', 'required'),
      row('PUT /web_links/{web_link_id}#add_shared_link', 'WebLink', '/shared_link/accessed', 'required'),
      row('PUT /web_links/{web_link_id}#update_shared_link', 'WebLink', '/shared_link/accessed', 'required'),
      row('PUT /web_links/{web_link_id}#remove_shared_link', 'WebLink', '/shared_link', 'type'),
    ]);
  });

  it('Twilio 2010 (3.0): its examples break its own patterns, enums and types (grouped by field); relative links under `format: uri` pass', () => {
    expect(loaded.get(TWILIO)!.exchanges).toHaveLength(287);
    const counts: Record<string, number> = {};
    for (const { v } of findings(TWILIO)) {
      // list items folded: /calls/0/uri and /messages/0/uri are one finding
      const key = `${v.part} ${v.keyword} ${(v.pointer ?? '').replace(/\/\d+\//g, '/N/').replace(/^\/[a-z_]+\/N\//, '/*/N/')}`;
      counts[key] = (counts[key] ?? 0) + 1;
    }
    expect(counts).toEqual({
      'response enum /*/N/reason_conference_ended': 14,
      'response enum /reason_conference_ended': 2,
      'response minLength /*/N/sms_application_sid': 4,
      'response minLength /*/N/voice_application_sid': 4,
      'response minLength /sms_application_sid': 2,
      'response minLength /voice_application_sid': 2,
      'response pattern /*/N/sms_application_sid': 4,
      'response pattern /*/N/trunk_sid': 1,
      'response pattern /*/N/voice_application_sid': 4,
      'response pattern /sms_application_sid': 2,
      'response pattern /voice_application_sid': 2,
      'response type /*/N/latitude': 1,
      'response type /*/N/longitude': 1,
      'response type /*/N/price': 12,
      'response type /*/N/reason_conference_ended': 14,
      'response type /price': 3,
      'response type /reason_conference_ended': 2,
    });
  });
});

// --- seeded violations ------------------------------------------------------------------------------

function example(file: string, label: string): Exchange {
  const found = loaded.get(file)!.exchanges.find((e) => e.label === label);
  if (!found) throw new Error(`no example exchange ${label}`);
  return structuredClone(found.exchange);
}

function check(file: string, exchange: Exchange): Array<Pick<Violation, 'part' | 'location' | 'name' | 'pointer' | 'keyword'> & { spec?: string }> {
  return loaded.get(file)!.validator.validateExchange(exchange).violations.map((v) => ({
    part: v.part,
    location: v.location,
    ...(v.name !== undefined ? { name: v.name } : {}),
    ...(v.pointer !== undefined ? { pointer: v.pointer } : {}),
    keyword: v.keyword,
    ...(v.spec ? { spec: `${v.spec.file.slice(SPECS.length + 1)}#${v.spec.pointer}` } : {}),
  }));
}

const body = (e: Exchange, side: 'request' | 'response') =>
  ((side === 'request' ? e.request.body : (e.response as { body?: unknown }).body) as { json: Record<string, unknown> }).json;

describe('seeded violations, Stripe (3.0)', () => {
  const stripe = 'stripe/spec3.2023-09-12.yaml';

  it('wrong type and missing required field in a referenced component of the response', () => {
    const e = example(STRIPE, 'GET /v1/customers/{customer} 200 application/json fixture');
    body(e, 'response').balance = '100';
    delete body(e, 'response').livemode;
    expect(check(STRIPE, e)).toEqual([
      { part: 'response', location: 'body', pointer: '/livemode', keyword: 'required', spec: `${stripe}#/components/schemas/customer/required` },
      { part: 'response', location: 'body', pointer: '/balance', keyword: 'type', spec: `${stripe}#/components/schemas/customer/properties/balance/type` },
    ]);
  });

  it('extra form field where additionalProperties is false, and a form value of the wrong type', () => {
    const e = example(STRIPE, 'POST /v1/customers 200 application/json fixture');
    e.request.headers['content-type'] = 'application/x-www-form-urlencoded';
    e.request.body = { form: { name: 'Jenny', balance: 'lots', 'metadata[plan]': 'pro', 'invoice_settings[footer]': 'x', colour: 'red' } };
    const schema = `${stripe}#/paths/~1v1~1customers/post/requestBody/content/application~1x-www-form-urlencoded/schema`;
    expect(check(STRIPE, e)).toEqual([
      { part: 'request', location: 'body', pointer: '/colour', keyword: 'additionalProperties', spec: `${schema}/additionalProperties` },
      { part: 'request', location: 'body', pointer: '/balance', keyword: 'type', spec: `${schema}/properties/balance/type` },
    ]);
  });

  it('a missing required query parameter, and a deepObject query value of the wrong type', () => {
    // failed exchanges are checked on the request only
    const failed = { error: { code: 'ECONNRESET', message: 'socket hang up' } };
    const e: Exchange = { ...example(STRIPE, 'POST /v1/customers 200 application/json fixture'), response: failed };
    e.request = { method: 'GET', path: '/v1/customers/search', query: { 'expand[]': ['data.default_source'], limit: '3' }, headers: {} };
    const list: Exchange = { ...e, request: { method: 'GET', path: '/v1/customers', query: { 'created[gte]': 'yesterday', 'created[lt]': '1700000000' }, headers: {} } };
    expect([...check(STRIPE, e), ...check(STRIPE, list)]).toEqual([
      { part: 'request', location: 'query', name: 'query', keyword: 'missing-parameter', spec: `${stripe}#/paths/~1v1~1customers~1search/get/parameters/3` },
      { part: 'request', location: 'query', name: 'created', keyword: 'type', spec: `${stripe}#/paths/~1v1~1customers/get/parameters/0/schema/anyOf/0/properties/gte/type` },
    ]);
  });
});

describe('seeded violations, Twilio (3.0)', () => {
  it('an undocumented status', () => {
    const e = example(TWILIO, 'GET /2010-04-01/Accounts/{Sid}.json 200 application/json fetch');
    (e.response as { status: number }).status = 418;
    expect(check(TWILIO, e)).toEqual([
      { part: 'response', location: 'status', keyword: 'undocumented-status', spec: 'twilio/twilio_api_v2010.2026-04-14.json#/paths/~12010-04-01~1Accounts~1{Sid}.json/get/responses' },
    ]);
  });
});

describe('seeded violations, Adyen Checkout (3.1)', () => {
  const adyen = 'adyen/CheckoutService-v71.2026-05-28.json';

  it('wrong type, missing required field and extra field (additionalProperties: false) in a referenced component', () => {
    const e = example(ADYEN, 'POST /payments 200 application/json card-direct');
    const amount = body(e, 'request').amount as Record<string, unknown>;
    amount.value = '1000';
    delete amount.currency;
    amount.colour = 'red';
    expect(check(ADYEN, e)).toEqual([
      { part: 'request', location: 'body', pointer: '/amount/currency', keyword: 'required', spec: `${adyen}#/components/schemas/Amount/required` },
      { part: 'request', location: 'body', pointer: '/amount/colour', keyword: 'additionalProperties', spec: `${adyen}#/components/schemas/Amount/additionalProperties` },
      { part: 'request', location: 'body', pointer: '/amount/value', keyword: 'type', spec: `${adyen}#/components/schemas/Amount/properties/value/type` },
    ]);
  });

  it('an undocumented status and a missing required query parameter', () => {
    const session = example(ADYEN, 'POST /sessions 201 application/json 00.success');
    (session.response as { status: number }).status = 200;
    const stored: Exchange = {
      ...structuredClone(session),
      request: { method: 'DELETE', path: '/v71/storedPaymentMethods/8415718415172204', query: { merchantAccount: 'TestMerchant' }, headers: {} },
      response: { status: 204, headers: {} },
    };
    expect([...check(ADYEN, session), ...check(ADYEN, stored)]).toEqual([
      { part: 'response', location: 'status', keyword: 'undocumented-status', spec: `${adyen}#/paths/~1sessions/post/responses` },
      { part: 'request', location: 'query', name: 'shopperReference', keyword: 'missing-parameter', spec: `${adyen}#/paths/~1storedPaymentMethods~1{storedPaymentMethodId}/delete/parameters/1` },
    ]);
  });
});
