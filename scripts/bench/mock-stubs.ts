// The stub set of scripts/bench/mock-throughput: 20 payments-API-like routes (GET by id with a
// path template, lists with query matchers, one POST with a JSON-subset matcher), 0.5–5 KB JSON
// bodies, deterministic. The same data gives the Seam stubs (embedded, WireMock), the canned
// bytes of the plain-Node ceiling, the equivalent OpenAPI spec for Prism (each body as the
// operation's example), and the request mix the load generator cycles through.
import { bodyBytes } from '../../src/exchange/body.js';
import type { LoadRequest } from './load.js';
import type { Stub, ValueMatcher } from '../../src/stubs/types.js';

interface Route {
  id: string;
  method: 'GET' | 'POST';
  /** Path template; a parameter is always the last segment (the ceiling's router relies on it). */
  path: string;
  query?: Record<string, ValueMatcher>;
  /** Concrete query string the load sends (must satisfy `query`). */
  sendQuery?: string;
  auth?: boolean;
  /** POST only: the JSON-subset matcher, and the body the load sends (a superset of it). */
  jsonSubset?: Record<string, unknown>;
  sendBody?: Record<string, unknown>;
  /** Values the template parameter takes in the load, cycled. */
  ids?: string[];
  body: unknown;
}

const AUTH: Record<string, ValueMatcher> = { authorization: { matches: 'Bearer sk_test_[A-Za-z0-9]+' } };
const NAMES = ['Ada Lovelace', 'Grace Hopper', 'Alan Turing', 'Edsger Dijkstra', 'Barbara Liskov', 'Donald Knuth', 'Margaret Hamilton', 'Ken Thompson', 'Frances Allen', 'John Backus', 'Radia Perlman', 'Leslie Lamport'];

function idOf(prefix: string, i: number): string {
  return `${prefix}_${(0x2b3c4d5e + i * 104_729).toString(36).padStart(14, '0')}`;
}

function customer(i: number): Record<string, unknown> {
  const name = NAMES[i % NAMES.length]!;
  const email = `${name.toLowerCase().replace(' ', '.')}@example.com`;
  return {
    id: idOf('cus', i),
    object: 'customer',
    created: 1_700_000_000 + i * 86_400,
    name,
    email,
    phone: `+44 20 7946 0${String(100 + i).padStart(3, '0')}`,
    address: { line1: `${10 + i} High Street`, line2: null, city: 'London', postal_code: `EC${(i % 9) + 1}A 1BB`, country: 'GB' },
    balance: ((i * 1234) % 10_000) - 2_500,
    currency: i % 3 === 0 ? 'eur' : 'gbp',
    default_source: null,
    delinquent: i % 5 === 0,
    description: `Customer for ${email}`,
    invoice_prefix: `INV${(1000 + i).toString(16).toUpperCase()}`,
    invoice_settings: { custom_fields: null, default_payment_method: idOf('pm', i), footer: null },
    livemode: false,
    metadata: { crm_id: `CRM-${4000 + i}`, segment: i % 2 === 0 ? 'smb' : 'enterprise' },
    preferred_locales: ['en-GB'],
    tax_exempt: 'none',
  };
}

function charge(i: number): Record<string, unknown> {
  return {
    id: idOf('ch', i),
    object: 'charge',
    amount: 1000 + i * 250,
    amount_captured: 1000 + i * 250,
    amount_refunded: 0,
    balance_transaction: idOf('txn', i),
    billing_details: { address: { city: 'London', country: 'GB', line1: `${i + 1} Fleet Street`, postal_code: 'EC4Y 1AA' }, email: null, name: NAMES[i % NAMES.length], phone: null },
    captured: true,
    created: 1_700_100_000 + i * 3_600,
    currency: 'gbp',
    customer: idOf('cus', i % 7),
    description: `Order #${10_000 + i}`,
    paid: true,
    payment_intent: idOf('pi', i),
    payment_method_details: { card: { brand: i % 2 === 0 ? 'visa' : 'mastercard', exp_month: (i % 12) + 1, exp_year: 2030, last4: String(4242 + i).slice(-4), network: 'visa' }, type: 'card' },
    receipt_url: `https://pay.example.com/receipts/${idOf('ch', i)}`,
    refunded: false,
    status: 'succeeded',
  };
}

function invoice(i: number): Record<string, unknown> {
  const lines = Array.from({ length: 3 }, (_, l) => ({
    id: idOf('il', i * 10 + l),
    object: 'line_item',
    amount: 1500 + l * 500,
    currency: 'gbp',
    description: `${l + 1} × Seat (Tier ${l + 1})`,
    period: { end: 1_702_000_000, start: 1_699_400_000 },
    price: idOf('price', l),
    quantity: l + 1,
  }));
  return {
    id: idOf('in', i),
    object: 'invoice',
    account_country: 'GB',
    amount_due: 5500,
    amount_paid: i % 2 === 0 ? 5500 : 0,
    amount_remaining: i % 2 === 0 ? 0 : 5500,
    attempt_count: 1,
    billing_reason: 'subscription_cycle',
    collection_method: 'charge_automatically',
    created: 1_700_200_000 + i * 86_400,
    currency: 'gbp',
    customer: idOf('cus', i % 7),
    customer_email: 'ada.lovelace@example.com',
    hosted_invoice_url: `https://invoice.example.com/i/${idOf('in', i)}`,
    lines: { object: 'list', data: lines, has_more: false, url: `/v1/invoices/${idOf('in', i)}/lines` },
    number: `INV-${String(1000 + i).padStart(6, '0')}`,
    status: 'open',
    subscription: idOf('sub', i % 5),
    total: 5500,
  };
}

function product(i: number): Record<string, unknown> {
  return {
    id: idOf('prod', i),
    object: 'product',
    active: true,
    created: 1_690_000_000 + i * 1000,
    description: `Plan ${i + 1}: seats, storage and support for growing teams`,
    images: [],
    metadata: { sku: `SKU-${100 + i}` },
    name: `Team plan ${i + 1}`,
    tax_code: 'txcd_10103001',
    unit_label: 'seat',
    url: null,
  };
}

function subscription(i: number): Record<string, unknown> {
  return {
    id: idOf('sub', i),
    object: 'subscription',
    billing_cycle_anchor: 1_699_400_000,
    cancel_at_period_end: false,
    collection_method: 'charge_automatically',
    created: 1_699_400_000 - i * 86_400,
    currency: 'gbp',
    current_period_end: 1_702_000_000,
    current_period_start: 1_699_400_000,
    customer: idOf('cus', i),
    default_payment_method: idOf('pm', i),
    items: {
      object: 'list',
      data: [{ id: idOf('si', i), object: 'subscription_item', price: { id: idOf('price', i % 3), currency: 'gbp', unit_amount: 1500, recurring: { interval: 'month', interval_count: 1 } }, quantity: (i % 4) + 1 }],
      has_more: false,
    },
    latest_invoice: idOf('in', i),
    metadata: {},
    status: 'active',
  };
}

function event(i: number): Record<string, unknown> {
  return {
    id: idOf('evt', i),
    object: 'event',
    api_version: '2023-10-16',
    created: 1_700_300_000 + i * 60,
    data: { object: { id: idOf('in', i), object: 'invoice', amount_paid: 5500, currency: 'gbp', customer: idOf('cus', i % 7), status: 'paid' } },
    livemode: false,
    pending_webhooks: 0,
    request: { id: `req_${(9_000_000 + i).toString(36)}`, idempotency_key: null },
    type: 'invoice.paid',
  };
}

/** A list page of `make(i)` objects: as many as fit in `maxBytes` (at least one). */
function list(url: string, maxBytes: number, make: (i: number) => unknown): unknown {
  const data: unknown[] = [make(0)];
  const page = { object: 'list', data, has_more: true, url };
  for (;;) {
    data.push(make(data.length));
    if (JSON.stringify(page).length > maxBytes) {
      data.pop();
      return page;
    }
  }
}

/** Free-form metadata entries (as partners allow) until the object is at least `minBytes` long. */
function padded(object: Record<string, unknown>, minBytes = 520): Record<string, unknown> {
  const metadata: Record<string, string> = { ...((object.metadata as Record<string, string> | undefined) ?? {}) };
  const out = { ...object, metadata };
  for (let k = 0; JSON.stringify(out).length < minBytes; k += 1) metadata[`note_${k}`] = `Imported from the legacy billing system, batch ${2023 + (k % 3)}-${String(k + 1).padStart(2, '0')}`;
  return out;
}

const IDS = (prefix: string): string[] => [0, 1, 2, 3].map((i) => idOf(prefix, 100 + i));

const ROUTES: Route[] = [
  { id: 'customers-retrieve', method: 'GET', path: '/v1/customers/{customer}', ids: IDS('cus'), auth: true, body: customer(1) },
  { id: 'customers-list', method: 'GET', path: '/v1/customers', query: { limit: { matches: '[0-9]+' } }, sendQuery: 'limit=10', auth: true, body: list('/v1/customers', 5000, customer) },
  {
    id: 'customers-create',
    method: 'POST',
    path: '/v1/customers',
    auth: true,
    jsonSubset: { email: 'grace.hopper@example.com', metadata: { segment: 'enterprise' } },
    sendBody: { email: 'grace.hopper@example.com', name: 'Grace Hopper', description: 'Created by the bench', metadata: { crm_id: 'CRM-4001', segment: 'enterprise' } },
    body: customer(2),
  },
  { id: 'charges-retrieve', method: 'GET', path: '/v1/charges/{charge}', ids: IDS('ch'), auth: true, body: charge(3) },
  { id: 'charges-list', method: 'GET', path: '/v1/charges', query: { customer: { matches: 'cus_[a-z0-9]+' }, limit: { matches: '[0-9]+' } }, sendQuery: `customer=${idOf('cus', 1)}&limit=3`, auth: true, body: list('/v1/charges', 3000, charge) },
  { id: 'invoices-retrieve', method: 'GET', path: '/v1/invoices/{invoice}', ids: IDS('in'), auth: true, body: invoice(4) },
  { id: 'invoices-list', method: 'GET', path: '/v1/invoices', query: { status: { equals: 'open' }, customer: { matches: 'cus_[a-z0-9]+' } }, sendQuery: `status=open&customer=${idOf('cus', 2)}`, auth: true, body: list('/v1/invoices', 4500, invoice) },
  { id: 'products-retrieve', method: 'GET', path: '/v1/products/{product}', ids: IDS('prod'), body: padded(product(5)) },
  { id: 'products-list', method: 'GET', path: '/v1/products', query: { active: { equals: 'true' } }, sendQuery: 'active=true&limit=8', body: list('/v1/products', 3000, product) },
  {
    id: 'prices-retrieve',
    method: 'GET',
    path: '/v1/prices/{price}',
    ids: IDS('price'),
    body: padded({ id: idOf('price', 1), object: 'price', active: true, billing_scheme: 'per_unit', created: 1_690_000_500, currency: 'gbp', lookup_key: 'team_monthly', nickname: 'Team monthly', product: idOf('prod', 1), recurring: { interval: 'month', interval_count: 1, usage_type: 'licensed' }, tax_behavior: 'exclusive', type: 'recurring', unit_amount: 1500 }),
  },
  { id: 'subscriptions-retrieve', method: 'GET', path: '/v1/subscriptions/{subscription}', ids: IDS('sub'), auth: true, body: subscription(6) },
  { id: 'subscriptions-list', method: 'GET', path: '/v1/subscriptions', query: { status: { equals: 'active' } }, sendQuery: 'status=active&limit=20', auth: true, body: list('/v1/subscriptions', 5000, subscription) },
  {
    id: 'payment-intents-retrieve',
    method: 'GET',
    path: '/v1/payment_intents/{intent}',
    ids: IDS('pi'),
    auth: true,
    body: { id: idOf('pi', 7), object: 'payment_intent', amount: 4200, amount_received: 4200, capture_method: 'automatic', client_secret: `${idOf('pi', 7)}_secret_bench`, confirmation_method: 'automatic', created: 1_700_400_000, currency: 'gbp', customer: idOf('cus', 1), latest_charge: charge(7), payment_method: idOf('pm', 7), payment_method_types: ['card'], status: 'succeeded' },
  },
  {
    id: 'refunds-retrieve',
    method: 'GET',
    path: '/v1/refunds/{refund}',
    ids: IDS('re'),
    auth: true,
    body: padded({ id: idOf('re', 8), object: 'refund', amount: 1000, balance_transaction: idOf('txn', 80), charge: idOf('ch', 8), created: 1_700_500_000, currency: 'gbp', metadata: {}, payment_intent: idOf('pi', 8), reason: 'requested_by_customer', receipt_number: null, status: 'succeeded' }),
  },
  { id: 'events-list', method: 'GET', path: '/v1/events', query: { type: { equals: 'invoice.paid' }, limit: { matches: '[0-9]+' } }, sendQuery: 'type=invoice.paid&limit=10', auth: true, body: list('/v1/events', 4000, event) },
  {
    id: 'balance-retrieve',
    method: 'GET',
    path: '/v1/balance',
    auth: true,
    body: padded({ object: 'balance', available: [{ amount: 2_533_100, currency: 'gbp', source_types: { card: 2_533_100 } }, { amount: 120_000, currency: 'eur', source_types: { card: 120_000 } }], livemode: false, pending: [{ amount: 48_200, currency: 'gbp', source_types: { card: 48_200 } }, { amount: 0, currency: 'eur', source_types: { card: 0 } }] }),
  },
  {
    id: 'account-retrieve',
    method: 'GET',
    path: '/v1/account',
    auth: true,
    body: {
      id: 'acct_1Nbench000000000',
      object: 'account',
      business_profile: { mcc: '5734', name: 'Seam Bench Ltd', support_email: 'support@example.com', support_phone: '+442079460000', url: 'https://bench.example.com' },
      business_type: 'company',
      capabilities: { card_payments: 'active', transfers: 'active', bacs_debit_payments: 'active' },
      charges_enabled: true,
      country: 'GB',
      created: 1_600_000_000,
      default_currency: 'gbp',
      details_submitted: true,
      email: 'finance@example.com',
      payouts_enabled: true,
      settings: { dashboard: { display_name: 'Seam Bench', timezone: 'Europe/London' }, payouts: { schedule: { delay_days: 7, interval: 'daily' }, statement_descriptor: 'SEAM BENCH' } },
      type: 'standard',
    },
  },
  {
    id: 'payouts-list',
    method: 'GET',
    path: '/v1/payouts',
    query: { limit: { matches: '[0-9]+' } },
    sendQuery: 'limit=5',
    auth: true,
    body: list('/v1/payouts', 2000, (i) => ({ id: idOf('po', i), object: 'payout', amount: 100_000 + i * 1000, arrival_date: 1_700_600_000 + i * 86_400, currency: 'gbp', destination: idOf('ba', 1), method: 'standard', status: 'paid', type: 'bank_account' })),
  },
  {
    id: 'disputes-retrieve',
    method: 'GET',
    path: '/v1/disputes/{dispute}',
    ids: IDS('dp'),
    auth: true,
    body: { id: idOf('dp', 9), object: 'dispute', amount: 2500, charge: idOf('ch', 9), created: 1_700_700_000, currency: 'gbp', evidence: { customer_email_address: 'ken.thompson@example.com', customer_name: 'Ken Thompson', product_description: 'Team plan 2, 3 seats', refund_policy: null, shipping_address: null, uncategorized_text: 'Customer used the service for the whole period.' }, evidence_details: { due_by: 1_701_500_000, has_evidence: true, past_due: false, submission_count: 1 }, is_charge_refundable: false, reason: 'product_not_received', status: 'under_review' },
  },
  {
    id: 'coupons-retrieve',
    method: 'GET',
    path: '/v1/coupons/{coupon}',
    ids: ['SUMMER25', 'WELCOME10', 'LOYAL15', 'SPRING5'],
    body: padded({ id: 'SUMMER25', object: 'coupon', amount_off: null, created: 1_690_500_000, currency: null, duration: 'repeating', duration_in_months: 3, max_redemptions: 100, metadata: {}, name: 'Summer 25% off', percent_off: 25, redeem_by: 1_700_000_000, times_redeemed: 12, valid: true }),
  },
];

export const ROUTE_COUNT = ROUTES.length;

/** The Seam stubs: one per route, each with one 200 JSON reply. */
export function benchStubs(): Stub[] {
  return ROUTES.map((r) => ({
    id: r.id,
    request: {
      method: r.method,
      path: r.path,
      ...(r.query !== undefined ? { query: r.query } : {}),
      ...(r.auth === true ? { headers: AUTH } : {}),
      ...(r.jsonSubset !== undefined ? { body: { jsonSubset: r.jsonSubset } } : {}),
    },
    replies: [{ status: 200, headers: { 'content-type': 'application/json' }, body: { json: r.body } }],
  }));
}

/** What the plain-Node ceiling needs: the canned reply of each route, keyed as its router looks it up. */
export interface CannedRoute {
  method: string;
  /** A literal path, or the literal prefix before a trailing `{param}` segment. */
  key: string;
  templated: boolean;
  status: number;
  /** Flat [name, value, …], as Node's writeHead takes them. */
  headers: string[];
  body: Buffer;
}

export function cannedRoutes(): CannedRoute[] {
  return ROUTES.map((r) => {
    const body = bodyBytes({ json: r.body });
    const templated = r.path.endsWith('}');
    return {
      method: r.method,
      key: templated ? r.path.slice(0, r.path.lastIndexOf('/')) : r.path,
      templated,
      status: 200,
      headers: ['content-type', 'application/json', 'x-seam-stub', r.id, 'content-length', String(body.length)],
      body,
    };
  });
}

/** One load request per route and id, in the order the load cycles through them. */
export interface BenchRequest {
  route: string;
  request: LoadRequest;
  /** The body every engine must answer with (compact JSON). */
  body: Buffer;
}

const HEADERS = { accept: 'application/json', authorization: 'Bearer sk_test_4eC39HqLyjWDarjtT1zdp7dc', 'user-agent': 'seam-bench/1' };

/**
 * The request mix: every route once per cycle (so matching walks the whole stub set), the
 * templated ones taking their ids in turn across cycles. `requestAt(n)` is the n-th request.
 */
export function benchRequests(): { cycle: BenchRequest[][]; requestAt(n: number): LoadRequest } {
  const cycle = ROUTES.map((r) =>
    (r.ids ?? ['']).map((id): BenchRequest => {
      const path = r.ids === undefined ? r.path : r.path.replace(/\{[^}]+\}$/, id);
      const target = r.sendQuery === undefined ? path : `${path}?${r.sendQuery}`;
      const request: LoadRequest =
        r.sendBody === undefined
          ? { method: r.method, path: target, headers: HEADERS }
          : { method: r.method, path: target, headers: { ...HEADERS, 'content-type': 'application/json' }, body: JSON.stringify(r.sendBody) };
      return { route: r.id, request, body: bodyBytes({ json: r.body }) };
    }),
  );
  const n = cycle.length;
  return {
    cycle,
    requestAt: (i) => {
      const variants = cycle[i % n]!;
      return variants[Math.floor(i / n) % variants.length]!.request;
    },
  };
}

/** The same 20 operations as an OpenAPI 3.0 document, each 200 response carrying its body as the example. */
export function benchOpenApi(): unknown {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of ROUTES) {
    const parameters: unknown[] = [];
    const param = /\{([^}]+)\}$/.exec(r.path)?.[1];
    if (param !== undefined) parameters.push({ name: param, in: 'path', required: true, schema: { type: 'string' } });
    for (const name of new URLSearchParams(r.sendQuery ?? '').keys()) parameters.push({ name, in: 'query', required: r.query?.[name] !== undefined, schema: { type: 'string' } });
    const operation: Record<string, unknown> = {
      operationId: r.id,
      ...(parameters.length > 0 ? { parameters } : {}),
      ...(r.sendBody !== undefined ? { requestBody: { required: true, content: { 'application/json': { schema: { type: 'object' } } } } } : {}),
      responses: { '200': { description: 'OK', content: { 'application/json': { schema: { type: 'object' }, example: r.body } } } },
    };
    (paths[r.path] ??= {})[r.method.toLowerCase()] = operation;
  }
  return { openapi: '3.0.3', info: { title: 'Seam mock-throughput bench', version: '1' }, servers: [{ url: 'http://127.0.0.1' }], paths };
}

/** Body sizes, for the report. */
export function bodySizes(): { min: number; max: number; mean: number } {
  const sizes = ROUTES.map((r) => bodyBytes({ json: r.body }).length);
  return { min: Math.min(...sizes), max: Math.max(...sizes), mean: sizes.reduce((a, b) => a + b, 0) / sizes.length };
}
