// Every partner spec in the shared material loads, lists its operations, and resolves real requests
// to them; the 4 MB Stripe spec loads and indexes within the 5 s budget, and a Stripe fixture
// validates (with ajv, through the spec's circular refs) against the response schema it documents.
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { exitCodeFor, InputError } from '../src/errors.js';
import type { LoadedSpec } from '../src/spec/index.js';
import { ajvDocuments, indexOperations, loadSpec, operations, resolveOperation, schemaFor, webhooks } from '../src/spec/index.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SPECS = resolve(ROOT, '../shared/material/specs');

async function specFiles(): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(SPECS, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && /\.(json|ya?ml)$/.test(entry.name)) out.push(join(entry.parentPath, entry.name));
  }
  return out.sort();
}

const files = await specFiles();
// The timed Stripe load runs first; its result is reused below rather than parsed again (~1.5 s).
const loaded_ = new Map<string, LoadedSpec>();
// Stripe's fixtures file sits among the specs but is not one.
const NOT_SPECS = new Set(['stripe/fixtures3.2023-09-12.json']);

// [method, concrete path, operation id, path params] by file-name prefix.
const KNOWN: Record<string, Array<[string, string, string, Record<string, string>]>> = {
  'stripe/spec3': [
    ['GET', '/v1/customers/cus_123', 'GET /v1/customers/{customer}', { customer: 'cus_123' }],
    ['GET', '/v1/customers/search', 'GET /v1/customers/search', {}],
    ['POST', '/v1/customers', 'POST /v1/customers', {}],
    ['POST', '/v1/payment_intents/pi_3Nx/confirm', 'POST /v1/payment_intents/{intent}/confirm', { intent: 'pi_3Nx' }],
    ['DELETE', '/v1/customers/cus_123/', 'DELETE /v1/customers/{customer}', { customer: 'cus_123' }],
  ],
  'twilio/twilio_api_v2010': [
    ['POST', '/2010-04-01/Accounts/AC123/Messages.json', 'POST /2010-04-01/Accounts/{AccountSid}/Messages.json', { AccountSid: 'AC123' }],
    ['GET', '/2010-04-01/Accounts/AC123/Messages/SM456.json', 'GET /2010-04-01/Accounts/{AccountSid}/Messages/{Sid}.json', { AccountSid: 'AC123', Sid: 'SM456' }],
    ['GET', '/2010-04-01/Accounts.json', 'GET /2010-04-01/Accounts.json', {}],
    ['GET', '/2010-04-01/Accounts/AC123.json', 'GET /2010-04-01/Accounts/{Sid}.json', { Sid: 'AC123' }],
  ],
  'box/openapi': [
    ['GET', '/2.0/files/12345', 'GET /files/{file_id}', { file_id: '12345' }],
    ['GET', '/2.0/files/12345/thumbnail.png', 'GET /files/{file_id}/thumbnail.{extension}', { file_id: '12345', extension: 'png' }],
    ['GET', '/2.0/folders/0/items', 'GET /folders/{folder_id}/items', { folder_id: '0' }],
    ['POST', '/api/2.0/files/content', 'POST /files/content', {}], // the upload server's base path
    ['POST', '/oauth2/token', 'POST /oauth2/token', {}], // served from https://api.box.com, no /2.0
  ],
  'adyen/CheckoutService': [
    ['POST', '/v71/payments', 'POST /payments', {}],
    ['POST', '/v71/payments/details', 'POST /payments/details', {}],
    ['POST', '/v71/payments/8815/captures', 'POST /payments/{paymentPspReference}/captures', { paymentPspReference: '8815' }],
    ['GET', '/v71/paymentLinks/PL61C5', 'GET /paymentLinks/{linkId}', { linkId: 'PL61C5' }],
  ],
};

describe('Stripe (4 MB, circular refs)', () => {
  const file = join(SPECS, 'stripe/spec3.2023-09-12.yaml');

  it('loads and indexes in under 5 s, then validates a fixture against a response schema', async () => {
    const started = performance.now();
    const spec = await loadSpec(file);
    const loaded = performance.now();
    loaded_.set(file, spec);
    const index = indexOperations(operations(spec));
    const indexed = performance.now();
    console.log(`stripe spec: load ${(loaded - started).toFixed(0)} ms, operations + index ${(indexed - loaded).toFixed(0)} ms, ${index.size} operations`);
    expect(indexed - started).toBeLessThan(5000);

    const op = resolveOperation(index, 'GET', '/v1/customers/cus_NffrFeUfNV2Hib')!.operation;
    const schema = schemaFor(op, 200, 'application/json');
    expect(schema?.node).toMatchObject({ anyOf: [{ $ref: '#/components/schemas/customer' }, { $ref: '#/components/schemas/deleted_customer' }] });
    const ajv = new Ajv2020({ strict: false, allErrors: true, logger: false });
    for (const doc of ajvDocuments(spec)) ajv.addSchema(doc);
    const validate = ajv.compile(schema!.jsonSchema as object);
    const fixtures = JSON.parse(await readFile(join(SPECS, 'stripe/fixtures3.2023-09-12.json'), 'utf8')) as {
      resources: { customer: Record<string, unknown> };
    };
    expect(validate(fixtures.resources.customer), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    expect(validate({ ...fixtures.resources.customer, balance: 'lots' })).toBe(false);
    expect(validate.errors).toContainEqual(expect.objectContaining({ instancePath: '/balance', message: 'must be integer' }));
  });
});

describe('every spec in the shared material', () => {
  it('finds the material (json and yaml, four partners)', () => {
    const names = files.map((f) => relative(SPECS, f));
    expect(names.filter((n) => n.endsWith('.yaml')).length).toBeGreaterThanOrEqual(2);
    expect(new Set(names.map((n) => n.split('/')[0]))).toEqual(new Set(['adyen', 'box', 'stripe', 'twilio']));
  });

  for (const file of files) {
    const name = relative(SPECS, file);
    if (NOT_SPECS.has(name)) {
      it(`${name}: is refused as not an OpenAPI document (exit 2, /openapi)`, async () => {
        const error = await loadSpec(file).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(InputError);
        expect(exitCodeFor(error)).toBe(2);
        expect((error as InputError).pointer).toBe('/openapi');
      });
      continue;
    }
    it(`${name}: loads, lists operations, resolves known requests`, async () => {
      const spec = loaded_.get(file) ?? (await loadSpec(file));
      expect(['2.0', '3.0', '3.1']).toContain(spec.version);
      const ops = operations(spec);
      const hooks = webhooks(spec);
      // Adyen's notification specs are 3.1 webhooks only; everything else has paths.
      expect(ops.length + hooks.length).toBeGreaterThan(0);
      if (/Notification|Webhooks/.test(name)) {
        expect(spec.version).toBe('3.1');
        expect(hooks.length).toBeGreaterThan(0);
        expect(hooks.every((h) => h.webhook !== undefined && h.responses.length > 0)).toBe(true);
        expect(hooks.every((h) => h.id === `${h.method} ${h.webhook}` && h.requestBody !== undefined)).toBe(true);
      } else {
        expect(ops.length).toBeGreaterThan(20);
      }
      expect(new Set(ops.map((o) => o.id)).size).toBe(ops.length);
      const index = indexOperations(ops);
      // Every operation resolves from its own template with sample values filled in.
      for (const op of ops) {
        const concrete = op.basePaths[0] + op.pathTemplate.replace(/\{[^}]+\}/g, 'x1');
        expect(resolveOperation(index, op.method, concrete)?.operation.method).toBe(op.method);
      }
      const known = Object.entries(KNOWN).find(([prefix]) => name.startsWith(prefix))?.[1] ?? [];
      if (/stripe|twilio|box|Checkout/.test(name)) expect(known.length).toBeGreaterThan(0);
      for (const [method, path, id, params] of known) {
        expect(resolveOperation(index, method, path), `${method} ${path}`).toMatchObject({ operation: { id }, params });
      }
      expect(resolveOperation(index, 'GET', '/definitely/not/an/operation/anywhere')).toBeUndefined();
    });
  }
});

