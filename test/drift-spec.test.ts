// `seam drift spec` on the shared partner spec pairs (the known changes, with their severities),
// against itself and a reformatted copy (nothing), with a pact, and as a CLI (exit codes, formats).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffSpecs } from '../src/drift/spec-diff.js';
import type { DriftFinding } from '../src/drift/types.js';
import { loadSpec } from '../src/spec/load.js';
import type { LoadedSpec } from '../src/spec/types.js';
import { runSeam } from './support/run-seam.js';

const SPECS = resolve('../shared/material/specs');
const PAIRS = {
  stripe: ['stripe/spec3.2023-03-01.yaml', 'stripe/spec3.2023-09-12.yaml'],
  twilio: ['twilio/twilio_api_v2010.2025-08-28.json', 'twilio/twilio_api_v2010.2026-04-14.json'],
  box: ['box/openapi.2025-12-02.json', 'box/openapi.2026-06-29.json'],
  adyen: ['adyen/CheckoutService-v71.2025-10-22.json', 'adyen/CheckoutService-v71.2026-05-28.json'],
} as const;
type Partner = keyof typeof PAIRS;

const loaded = new Map<string, Promise<LoadedSpec>>();
const load = (file: string) => {
  if (!loaded.has(file)) loaded.set(file, loadSpec(file));
  return loaded.get(file)!;
};
const pair = async (partner: Partner) => diffSpecs(await load(join(SPECS, PAIRS[partner][0])), await load(join(SPECS, PAIRS[partner][1])));
const pick = (findings: DriftFinding[], check: string, field?: string) =>
  findings.filter((f) => f.check === check && (field === undefined || f.field === field)).map((f) => [f.severity, f.operation, f.message]);
const counts = (findings: DriftFinding[]) => {
  const out: Record<string, number> = {};
  for (const f of findings) out[f.severity] = (out[f.severity] ?? 0) + 1;
  return out;
};

/** The same document with every object's keys in reverse order and `enum`/`required` lists reversed. */
function reorder(value: unknown, key = ''): unknown {
  if (Array.isArray(value)) {
    const items = value.map((v) => reorder(v));
    return key === 'enum' || key === 'required' ? items.reverse() : items;
  }
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).reverse().map(([k, v]) => [k, reorder(v, k)]));
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'seam-drift-spec-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('drift spec on the shared pairs', () => {
  it('Stripe: charge_refunded left dispute.status, deleted left invoice.status, required lists changed', async () => {
    const findings = await pair('stripe');
    expect(pick(findings, 'response-enum-value-removed')).toEqual([
      ['info', 'GET /v1/charges/{charge}/dispute', 'enum value "charge_refunded" removed (the 200 response, schema dispute)'],
      ['info', 'POST /v1/invoices', 'enum value "deleted" removed (the 200 response, schema invoice)'],
    ]);
    expect(findings.find((f) => f.message.includes('"deleted"'))?.old?.pointer).toBe('/components/schemas/invoice/properties/status');
    // Properties now always present in responses (added as required): payout.reconciliation_status, product.features.
    expect(pick(findings, 'response-property-added', '$.reconciliation_status')).toEqual([['info', 'POST /v1/payouts', 'property added, always present (the 200 response, schema payout)']]);
    expect(pick(findings, 'response-property-added', '$.features')).toEqual([['info', 'POST /v1/products', 'property added, always present (the 200 response, schema product)']]);
    // …and the other way: no longer required (and nullable) in checkout.session and identity verification objects.
    expect(pick(findings, 'response-property-became-optional').map((f) => f[0])).toEqual(['warning', 'warning', 'warning', 'warning', 'warning']);
    expect(pick(findings, 'request-enum-value-removed')).toEqual([
      ['breaking', 'POST /v1/webhook_endpoints', 'enum value "invoiceitem.updated" removed (the request body)'],
      ['breaking', 'POST /v1/webhook_endpoints/{webhook_endpoint}', 'enum value "invoiceitem.updated" removed (the request body)'],
    ]);
    expect(counts(findings)).toEqual({ breaking: 10, warning: 62, info: 301 });
  }, 60_000);

  it('Twilio: the usage category enums are gone and category is a free (nullable) string', async () => {
    const findings = await pair('twilio');
    const records = 'GET /2010-04-01/Accounts/{AccountSid}/Usage/Records.json';
    expect(findings.filter((f) => f.operation === records).map((f) => [f.severity, f.check, f.field ?? '', f.message])).toEqual([
      ['info', 'request-enum-removed', '', 'the enum of 643 values was removed: any value now (query parameter Category)'],
      ['warning', 'response-enum-removed', '$.usage_records[*].category', 'the enum of 643 values was removed: any value now (the 200 response, schema api.v2010.account.usage.usage_record)'],
      ['warning', 'response-property-became-nullable', '$.usage_records[*].category', 'may now be null (the 200 response, schema api.v2010.account.usage.usage_record)'],
    ]);
    expect(pick(findings, 'response-enum-removed')).toHaveLength(10);
    expect(pick(findings, 'request-enum-removed')).toHaveLength(11);
    expect(counts(findings)).toEqual({ warning: 20, info: 24 });
  }, 60_000);

  it('Box: the 403 of the metadata instance read is no longer documented', async () => {
    const findings = await pair('box');
    expect(pick(findings, 'response-status-removed')).toEqual([
      ['warning', 'GET /files/{file_id}/metadata/{scope}/{template_key}', 'the 403 response is no longer documented'],
    ]);
    expect(findings.find((f) => f.check === 'response-status-removed')?.old?.pointer).toBe('/paths/~1files~1{file_id}~1metadata~1{scope}~1{template_key}/get/responses/403');
    expect(counts(findings)).toEqual({ breaking: 3, warning: 4, info: 67 });
  }, 60_000);

  it('Adyen checkout v71: payment method types withdrawn from requests, new result codes in responses', async () => {
    const findings = await pair('adyen');
    expect(pick(findings, 'request-enum-value-removed')).toEqual([
      ['breaking', 'POST /payments', 'enum values "alma", "moneybookers", "neteller" removed (the request body, schema PaymentDetails)'],
    ]);
    expect(pick(findings, 'response-enum-value-added', '$.payments[*].resultCode')).toEqual([
      ['warning', 'GET /sessions/{sessionId}', 'enum values "Pending", "Received" added (the 200 response, schema Payment)'],
    ]);
    expect(counts(findings)).toEqual({ breaking: 1, warning: 5, info: 85 });
  }, 60_000);

  for (const partner of Object.keys(PAIRS) as Partner[]) {
    it(`${partner}: nothing between the new spec and itself, or a reformatted, reordered JSON copy`, async () => {
      const spec = await load(join(SPECS, PAIRS[partner][1]));
      expect(diffSpecs(spec, spec)).toEqual([]);
      const copy = join(dir, `${partner}-copy.json`);
      await writeFile(copy, JSON.stringify(reorder(spec.document), null, 1));
      expect(diffSpecs(spec, await loadSpec(copy))).toEqual([]);
    }, 60_000);
  }
});

describe('seam drift spec (CLI)', () => {
  const OLD = {
    openapi: '3.0.3',
    info: { title: 'Shop', version: '1' },
    servers: [{ url: 'https://api.shop.test/v1' }],
    paths: {
      '/orders/{id}': {
        get: {
          responses: {
            '200': { description: 'ok', content: { 'application/json': { schema: { type: 'object', properties: { id: { type: 'string' }, status: { type: 'string', enum: ['open', 'paid'] } } } } } },
          },
        },
      },
      '/carts': { get: { responses: { '200': { description: 'ok' } } } },
    },
  };
  const warningOnly = structuredClone(OLD);
  (warningOnly.paths['/orders/{id}'].get.responses['200'].content['application/json'].schema.properties.status.enum as string[]).push('lost');
  const breaking = structuredClone(warningOnly);
  delete (breaking.paths as Record<string, unknown>)['/carts'];
  const pact = {
    consumer: { name: 'shop-web' },
    provider: { name: 'shop' },
    metadata: { pactSpecification: { version: '4.0' } },
    interactions: [
      {
        type: 'Synchronous/HTTP',
        description: 'an order',
        request: { method: 'GET', path: '/v1/orders/ord_1' },
        response: { status: 200, body: { content: { id: 'ord_1', status: 'open' }, contentType: 'application/json' } },
      },
    ],
  };

  beforeAll(async () => {
    await writeFile(join(dir, 'old.json'), JSON.stringify(OLD));
    await writeFile(join(dir, 'warning.json'), JSON.stringify(warningOnly));
    await writeFile(join(dir, 'breaking.json'), JSON.stringify(breaking));
    await writeFile(join(dir, 'pact.json'), JSON.stringify(pact));
    await writeFile(join(dir, 'broken.json'), '{"openapi": "3.0.3", "paths": {');
  });

  it('exits 0 below --fail-on and prints one line per finding', async () => {
    const run = await runSeam(['drift', 'spec', 'old.json', 'warning.json'], dir);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(
      'WARNING response-enum-value-added GET /orders/{id}  $.status  enum value "lost" added (the 200 response)  (old: old.json#/paths/~1orders~1{id}/get/responses/200/content/application~1json/schema/properties/status → new: warning.json#/paths/~1orders~1{id}/get/responses/200/content/application~1json/schema/properties/status)\n' +
        'seam drift spec old.json → warning.json: 0 breaking, 1 warning, 0 info\n',
    );
  });

  it('exits 1 at or above --fail-on', async () => {
    const warn = await runSeam(['drift', 'spec', 'old.json', 'warning.json', '--fail-on', 'warning'], dir);
    expect(warn.code).toBe(1);
    expect(warn.stderr).toContain('seam drift spec: 1 finding at or above warning (0 breaking, 1 warning, 0 info)');
    const broke = await runSeam(['drift', 'spec', 'old.json', 'breaking.json'], dir);
    expect(broke.code).toBe(1);
    expect(broke.stdout.split('\n')[0]).toBe('BREAKING operation-removed GET /carts  GET /carts was removed  (old: old.json#/paths/~1carts/get → new: —)');
  });

  it('marks what touches the pact (JSON out) and lists it first', async () => {
    const run = await runSeam(['drift', 'spec', 'old.json', 'breaking.json', '--consumer-pact', 'pact.json', '--json'], dir);
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout);
    expect(report.counts).toEqual({ breaking: 1, warning: 1, info: 0 });
    expect(report.findings.map((f: DriftFinding) => [f.check, f.affects ?? []])).toEqual([
      ['response-enum-value-added', ['shop-web']],
      ['operation-removed', []],
    ]);
  });

  it('prints Markdown', async () => {
    const run = await runSeam(['drift', 'spec', 'old.json', 'breaking.json', '--markdown', '--consumer-pact', 'pact.json'], dir);
    expect(run.stdout).toContain('| breaking | 1 |\n| warning | 1 |\n| info | 0 |');
    expect(run.stdout).toContain('## warning (1)\n\n| check | operation | field | what | affects | where |');
    expect(run.stdout).toContain('| `response-enum-value-added` | `GET /orders/{id}` | `$.status` | enum value "lost" added (the 200 response) | shop-web |');
  });

  it('exits 2 naming an unreadable or invalid spec', async () => {
    const missing = await runSeam(['drift', 'spec', 'old.json', 'nope.json'], dir);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`${join(dir, 'nope.json')}: cannot read the spec (ENOENT)`);
    const broken = await runSeam(['drift', 'spec', 'broken.json', 'old.json'], dir);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toContain(join(dir, 'broken.json'));
  });
});
