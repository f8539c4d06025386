// Spec-only mocks for the Stripe, Twilio, Box and Adyen (3.1) specs in shared material: stubs are
// generated from each spec alone; documented operations (with path parameters) are answered — in
// process through matchStub, and over real HTTP by the embedded engine — with bodies that ajv
// validates against the operation's response schema. Broad check: every JSON response schema of
// every operation gets a sample that validates, and every stub a plain request can reach serves a
// valid body.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbedded, type EmbeddedEngine } from '../src/engines/embedded.js';
import type { Body, MultiMap } from '../src/exchange/types.js';
import type { LoadedSpec, Operation } from '../src/spec/index.js';
import { ajvDocuments, loadSpec, operations, schemaFor, uriOf } from '../src/spec/index.js';
import { applyEcho, compileEcho } from '../src/stubs/echo.js';
import { stubsFromSpec } from '../src/stubs/from-spec.js';
import { matchStub } from '../src/stubs/match.js';
import { sampleFromSpec } from '../src/stubs/sample.js';
import { STUB_HEADER, type ResponseReply, type Stub } from '../src/stubs/types.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => void;
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SPECS = resolve(ROOT, '../shared/material/specs');

interface Call {
  method: string;
  path: string;
  operation: string;
  headers?: Record<string, string>;
  body?: { form: Record<string, string> } | { json: unknown };
  status: number;
  /** Response fields the echo step must fill from the request. */
  echoed?: Record<string, string>;
}

const AC = `AC${'a'.repeat(32)}`;
const SM = `SM${'b'.repeat(32)}`;

const CASES: Array<{ name: string; file: string; calls: Call[] }> = [
  {
    name: 'Stripe',
    file: 'stripe/spec3.2023-09-12.yaml',
    calls: [
      { method: 'GET', path: '/v1/customers/cus_123', operation: 'GET /v1/customers/{customer}', status: 200, echoed: { id: 'cus_123' } },
      { method: 'GET', path: '/v1/customers', operation: 'GET /v1/customers', status: 200 },
      { method: 'POST', path: '/v1/customers', operation: 'POST /v1/customers', body: { form: { email: 'a@example.com' } }, status: 200 },
      { method: 'GET', path: '/v1/charges/ch_1', operation: 'GET /v1/charges/{charge}', status: 200, echoed: { id: 'ch_1' } },
      // Prism's convention: the documented `default` (error) response on request.
      { method: 'GET', path: '/v1/customers/cus_123', operation: 'GET /v1/customers/{customer}', headers: { prefer: 'code=default' }, status: 500 },
    ],
  },
  {
    name: 'Twilio',
    file: 'twilio/twilio_api_v2010.2026-04-14.json',
    calls: [
      {
        method: 'GET',
        path: `/2010-04-01/Accounts/${AC}/Messages/${SM}.json`,
        operation: 'GET /2010-04-01/Accounts/{AccountSid}/Messages/{Sid}.json',
        status: 200,
        echoed: { account_sid: AC, sid: SM },
      },
      { method: 'GET', path: '/2010-04-01/Accounts.json', operation: 'GET /2010-04-01/Accounts.json', status: 200 },
      {
        method: 'POST',
        path: `/2010-04-01/Accounts/${AC}/Messages.json`,
        operation: 'POST /2010-04-01/Accounts/{AccountSid}/Messages.json',
        body: { form: { To: '+15550001111', Body: 'hi' } },
        status: 201,
        echoed: { account_sid: AC },
      },
    ],
  },
  {
    name: 'Box',
    file: 'box/openapi.2026-06-29.json',
    calls: [
      { method: 'GET', path: '/2.0/files/12345', operation: 'GET /files/{file_id}', status: 200, echoed: { id: '12345' } },
      { method: 'GET', path: '/2.0/folders/0/items', operation: 'GET /folders/{folder_id}/items', status: 200 },
      { method: 'GET', path: '/2.0/users/me', operation: 'GET /users/me', status: 200 },
      { method: 'GET', path: '/2.0/files/12345', operation: 'GET /files/{file_id}', headers: { prefer: 'code=404' }, status: 404 },
    ],
  },
  {
    name: 'Adyen Checkout (3.1)',
    file: 'adyen/CheckoutService-v71.2026-05-28.json',
    calls: [
      { method: 'POST', path: '/v71/payments', operation: 'POST /payments', body: { json: { amount: { currency: 'EUR', value: 1000 } } }, status: 200 },
      { method: 'GET', path: '/v71/paymentLinks/PL61C5', operation: 'GET /paymentLinks/{linkId}', status: 200, echoed: { id: 'PL61C5' } },
      {
        method: 'POST',
        path: '/v71/payments/8815/captures',
        operation: 'POST /payments/{paymentPspReference}/captures',
        body: { json: { amount: { currency: 'EUR', value: 1000 } } },
        status: 201,
        echoed: { paymentPspReference: '8815' },
      },
    ],
  },
];

type Validate = ReturnType<Ajv2020['compile']>;

/** An ajv over the spec's documents, with compiled validators kept by schema (the broad check asks twice). */
function newValidator(spec: LoadedSpec): (schema: unknown) => Validate {
  const ajv = new Ajv2020({ strict: false, allErrors: true, logger: false });
  addFormats(ajv);
  for (const doc of ajvDocuments(spec)) ajv.addSchema(doc);
  const compiled = new Map<string, Validate>();
  return (schema) => {
    const key = JSON.stringify(schema);
    let validate = compiled.get(key);
    if (validate === undefined) compiled.set(key, (validate = ajv.compile(schema as object)));
    return validate;
  };
}

const essence = (type: string | undefined) => (type ?? '').split(';')[0]!.trim().toLowerCase();

/** The JSON body the engine serves for this reply and request (the echo step applied). */
function served(reply: ResponseReply, params: Record<string, string>, call: Call): unknown {
  const json = reply.body !== undefined && 'json' in reply.body ? reply.body.json : undefined;
  if (reply.echo === undefined) return json;
  return applyEcho(json, compileEcho(reply.echo), { params, query: {}, headers: call.headers ?? {}, body: call.body as Body | undefined });
}

const figures: string[] = [];
afterAll(() => {
  // The figures the lead reports (sample pass rate, Stripe start time).
  console.log(figures.join('\n'));
});

describe.each(CASES)('$name spec-only mock', ({ name, file, calls }) => {
  let spec: LoadedSpec;
  let stubs: Stub[];
  let compile: (schema: unknown) => Validate;
  let ops: Map<string, Operation>;
  let engine: EmbeddedEngine;

  beforeAll(async () => {
    spec = await loadSpec(resolve(SPECS, file));
    ops = new Map(operations(spec).map((op) => [op.id, op]));
    compile = newValidator(spec);
    const t0 = performance.now();
    stubs = stubsFromSpec(spec);
    const generated = performance.now();
    engine = await startEmbedded({ stubs });
    const listening = performance.now();
    figures.push(
      `${name}: ${stubs.length} stubs for ${ops.size} operations; stubsFromSpec ${Math.round(generated - t0)} ms, ` +
        `embedded start ${Math.round(listening - generated)} ms (engine startupMs ${engine.startupMs.toFixed(1)})`,
    );
  }, 60_000);

  afterAll(async () => {
    await engine?.close();
  });

  function validator(operation: string, status: number, contentType: string | undefined) {
    const op = ops.get(operation);
    expect(op, operation).toBeDefined();
    const schema = schemaFor(op!, status, contentType);
    expect(schema, `${operation} ${status} schema`).toBeDefined();
    return compile(schema!.jsonSchema);
  }

  it.each(calls)('$method $path ($status) matches its stub and answers a schema-valid body', (call) => {
    const headers: MultiMap = { ...(call.headers ?? {}) };
    const result = matchStub(stubs, { method: call.method, path: call.path, query: {}, headers, body: call.body as Body | undefined });
    if ('miss' in result) throw new Error(`no stub: ${JSON.stringify(result.near)}`);
    expect(result.stub.operation).toBe(call.operation);
    expect(result.stub.source?.[0]).toMatch(/^spec:/);
    const reply = result.stub.replies[0] as ResponseReply;
    expect(reply.status).toBe(call.status);
    const contentType = reply.headers?.['content-type'] as string | undefined;
    expect(essence(contentType)).toBe('application/json');
    const body = served(reply, result.params, call);
    const validate = validator(call.operation, call.status, contentType);
    expect(validate(body), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    for (const [field, value] of Object.entries(call.echoed ?? {})) expect((body as Record<string, unknown>)[field]).toBe(value);
  });

  it.each(calls)('over HTTP: $method $path ($status)', async (call) => {
    const init: RequestInit = { method: call.method, headers: { ...(call.headers ?? {}) } };
    if (call.body !== undefined) {
      const h = init.headers as Record<string, string>;
      if ('form' in call.body) {
        h['content-type'] = 'application/x-www-form-urlencoded';
        init.body = new URLSearchParams(call.body.form).toString();
      } else {
        h['content-type'] = 'application/json';
        init.body = JSON.stringify(call.body.json);
      }
    }
    const response = await fetch(`${engine.url}${call.path}`, init);
    expect(response.status).toBe(call.status);
    expect(response.headers.get(STUB_HEADER)).toMatch(/^(get|post)-/);
    expect(essence(response.headers.get('content-type') ?? undefined)).toBe('application/json');
    const body: unknown = await response.json();
    const validate = validator(call.operation, call.status, response.headers.get('content-type') ?? undefined);
    expect(validate(body), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    for (const [field, value] of Object.entries(call.echoed ?? {})) expect((body as Record<string, unknown>)[field]).toBe(value);
  });

  it('every JSON response schema gets a sample that validates, and every plain-request stub a valid body', () => {
    let total = 0;
    const failures: string[] = [];
    for (const op of ops.values()) {
      for (const response of op.responses) {
        for (const media of response.content) {
          if (!/^application\/(.+\+)?json$/.test(essence(media.mediaType)) || media.schema === undefined) continue;
          total++;
          const value = sampleFromSpec(spec, media.schema, media.schemaAt ?? response.at);
          const validate = compile(media.schemaAt ? { $ref: uriOf(media.schemaAt) } : media.schema);
          if (!validate(value)) failures.push(`${op.id} ${response.status} ${media.mediaType}: ${JSON.stringify(validate.errors?.[0])}`);
        }
      }
    }
    // Stubs a request without `prefer: …example=` reaches (those serve the spec's examples as written).
    let plain = 0;
    for (const stub of stubs) {
      const reply = stub.replies[0] as ResponseReply;
      if (/example=/.test(JSON.stringify(stub.request.headers ?? {})) || reply.body === undefined || !('json' in reply.body)) continue;
      const op = ops.get(stub.operation!)!;
      const documented = op.responses.find((r) => stub.id.includes(`-${r.status.toLowerCase()}-`))!;
      const schema = schemaFor(op, documented.status, reply.headers?.['content-type'] as string);
      if (schema === undefined) continue;
      plain++;
      const validate = compile(schema.jsonSchema);
      if (!validate(reply.body.json)) failures.push(`stub ${stub.id}: ${JSON.stringify(validate.errors?.[0])}`);
    }
    figures.push(`${name}: samples valid ${total - failures.filter((f) => !f.startsWith('stub ')).length}/${total}; plain-request stub bodies ${plain}`);
    expect(failures).toEqual([]);
    expect(total).toBeGreaterThan(50);
  }, 60_000);
});
