// `seam contract verify` and `seam contract publish` end to end through the built CLI (run
// `npx tsc -p .` first):
// - `--against-spec` on pacts that pact-js itself wrote (generatePact) from exchanges: Stripe
//   (OpenAPI 3.0, open schemas: an undefined field is found by the schema walk) and Adyen (3.1,
//   closed schemas); a field the spec defines passes, one it does not define fails with its path
//   and the spec pointer; an undocumented status and an invalid request are named too;
// - `--provider-base-url`: the real Pact Verifier against a local provider serving the
//   recordings, and the same provider with a field's type changed; `--provider-header` with a
//   `${VAR}` from the environment reaching a provider that insists on it;
// - `publish`: handed to a `pact-broker` found on PATH, and a clear exit 2 when there is none.
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatePact } from '../src/contracts/generate-pact.js';
import { startEmbedded, type EmbeddedEngine } from '../src/engines/embedded.js';
import type { Exchange } from '../src/exchange/types.js';
import { loadSpec } from '../src/spec/index.js';
import { stubsFromExchanges } from '../src/stubs/from-exchanges.js';
import type { Stub } from '../src/stubs/types.js';
import { runSeam as seam } from './support/run-seam.js';

const repo = fileURLToPath(new URL('..', import.meta.url));
const STRIPE = join(repo, '..', 'shared', 'material', 'specs', 'stripe', 'spec3.2023-09-12.yaml');
const ADYEN = join(repo, '..', 'shared', 'material', 'specs', 'adyen', 'CheckoutService-v71.2026-05-28.json');



let seq = 0;
function exchange(partner: string, method: string, path: string, status: number, json: unknown, query: Record<string, string> = {}): Exchange {
  seq += 1;
  return {
    seam: 1,
    id: `s1/${String(seq).padStart(4, '0')}`,
    partner,
    direction: 'outbound',
    recordedAt: `2026-11-22T10:00:${String(seq % 60).padStart(2, '0')}Z`,
    durationMs: 10,
    request: { method, path, query, headers: { authorization: 'Bearer sk_test_secret' } },
    response: { status, headers: { 'content-type': 'application/json' }, body: { json } },
    redactions: [],
  };
}

let work: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'seam-contract-verify-'));
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

async function pactFrom(name: string, provider: string, exchanges: Exchange[], specFile?: string): Promise<string> {
  const dir = join(work, name);
  await mkdir(dir, { recursive: true });
  const spec = specFile !== undefined ? await loadSpec(specFile) : undefined;
  const out = await generatePact({ exchanges: exchanges.map((exchange) => ({ session: 's1', exchange })), consumer: 'shop', provider, dir, ...(spec ? { spec } : {}) });
  return out.file;
}

describe('seam contract verify --against-spec', () => {
  it('Stripe (3.0): passes fields the spec defines, names one it does not, an undocumented status and a bad query', async () => {
    const customer = { id: 'cus_123', object: 'customer', email: 'ada@example.com', balance: 0, metadata: { plan: 'pro' }, livemode: false };
    const good = await pactFrom('stripe-good', 'stripe', [exchange('stripe', 'GET', '/v1/customers/cus_123', 200, customer)], STRIPE);
    const bad = await pactFrom(
      'stripe-bad',
      'stripe',
      [
        exchange('stripe', 'GET', '/v1/customers/cus_123', 200, { ...customer, loyalty_tier: 'gold' }),
        exchange('stripe', 'GET', '/v1/customers/cus_9', 418, { error: { message: 'teapot' } }),
        exchange('stripe', 'GET', '/v1/customers', 200, { object: 'list', data: [], has_more: false, url: '/v1/customers' }, { limit: 'many' }),
      ],
      STRIPE,
    );

    const ok = await seam(['contract', 'verify', good, '--against-spec', '--spec', STRIPE], work);
    expect(ok.stderr).toContain('1 interaction checked against the spec, 0 incompatible');
    expect(ok.stdout).toBe('✓ GET /v1/customers/{customer} → 200 (GetCustomersCustomer)  GET /v1/customers/cus_123 → 200 (GET /v1/customers/{customer})\n');
    expect(ok.code).toBe(0);

    const ko = await seam(['contract', 'verify', bad, '--against-spec', '--spec', STRIPE], work);
    const lines = ko.stdout.trimEnd().split('\n');
    expect(lines).toContain('✗ GET /v1/customers/{customer} → 200 (GetCustomersCustomer)  GET /v1/customers/cus_123 → 200 (GET /v1/customers/{customer})');
    expect(lines).toContain(`    response undefined-field: field $.loyalty_tier is not defined by the spec's 200 response  (spec: ${relativeToWork(STRIPE)}#/components/schemas/customer)`);
    // Stripe documents a `default` response, so a 418 is possible under the spec.
    expect(lines).toContain('✓ GET /v1/customers/{customer} → 418 (GetCustomersCustomer)  GET /v1/customers/cus_9 → 418 (GET /v1/customers/{customer})');
    expect(lines).toContain(
      `    request invalid-request: query parameter limit is a string, the spec wants integer  (spec: ${relativeToWork(STRIPE)}#/paths/~1v1~1customers/get/parameters/4/schema/type)`,
    );
    expect(ko.stderr).toContain('3 interactions checked against the spec, 2 incompatible');
    expect(ko.code).toBe(1);

    const json = await seam(['contract', 'verify', bad, '--against-spec', '--spec', STRIPE, '--json'], work);
    const report = JSON.parse(json.stdout);
    expect(report.pacts[0].interactions.map((i: { description: string; problems: { kind: string }[] }) => [i.description, i.problems.map((p) => p.kind)])).toEqual([
      ['GET /v1/customers → 200 (GetCustomers)', ['invalid-request']],
      ['GET /v1/customers/{customer} → 200 (GetCustomersCustomer)', ['undefined-field']],
      ['GET /v1/customers/{customer} → 418 (GetCustomersCustomer)', []],
    ]);
    expect(json.code).toBe(1);
  }, 60_000);

  it('Adyen (3.1, closed schemas): a defined field passes, an undefined one is named once with its schema', async () => {
    const link = { id: 'PL61C53A8B97E6915A', status: 'active', url: 'https://test.adyen.link/PL61C53A8B97E6915A', amount: { currency: 'EUR', value: 4200 }, reference: 'order-1', merchantAccount: 'Shop' };
    const good = await pactFrom('adyen-good', 'adyen', [exchange('adyen', 'GET', '/v71/paymentLinks/PL61C53A8B97E6915A', 200, link)], ADYEN);
    const bad = await pactFrom(
      'adyen-bad',
      'adyen',
      [
        exchange('adyen', 'GET', '/v71/paymentLinks/PL61C53A8B97E6915A', 200, { ...link, amount: { ...link.amount, tip: 5 } }),
        exchange('adyen', 'GET', '/v71/paymentLinks/PL00000000000000000', 404, { status: 404, errorCode: '000', message: 'not found' }),
      ],
      ADYEN,
    );
    const ok = await seam(['contract', 'verify', good, '--against-spec', '--spec', ADYEN], work);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toBe('✓ GET /v71/paymentLinks/{linkId} → 200 (get-paymentLinks-linkId)  GET /v71/paymentLinks/PL61C53A8B97E6915A → 200 (GET /paymentLinks/{linkId})\n');
    const ko = await seam(['contract', 'verify', bad, '--against-spec', '--spec', ADYEN], work);
    expect(ko.code).toBe(1);
    expect(ko.stdout.trimEnd().split('\n')).toEqual([
      '✗ GET /v71/paymentLinks/{linkId} → 200 (get-paymentLinks-linkId)  GET /v71/paymentLinks/PL61C53A8B97E6915A → 200 (GET /paymentLinks/{linkId})',
      `    response undefined-field: field $.amount.tip is not defined by the spec's 200 response  (spec: ${relativeToWork(ADYEN)}#/components/schemas/Amount)`,
      '✗ GET /v71/paymentLinks/{linkId} → 404 (get-paymentLinks-linkId)  GET /v71/paymentLinks/PL00000000000000000 → 404 (GET /paymentLinks/{linkId})',
      `    response undocumented-status: status 404 is not documented for GET /paymentLinks/{linkId} (documented: 200, 400, 401, 403, 422, 500)  (spec: ${relativeToWork(ADYEN)}#/paths/~1paymentLinks~1{linkId}/get/responses)`,
    ]);
  }, 60_000);

  it('exit 2 for a file that is not a pact, naming it and the place', async () => {
    const file = join(work, 'not-a-pact.json');
    await writeFile(file, JSON.stringify({ consumer: { name: 'shop' }, provider: { name: 'stripe' }, interactions: [{ description: 'x', request: { method: 'GET' }, response: { status: 200 } }] }));
    const r = await seam(['contract', 'verify', file, '--against-spec', '--spec', STRIPE], work);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${file} at /interactions/0/request/path: the request has no path`);
  });
});

/** The CLI prints spec files relative to its working directory. */
function relativeToWork(file: string): string {
  const rel = relative(work, file);
  return rel.startsWith('..') ? file : rel;
}

describe('seam contract verify --provider-base-url (the real Pact Verifier)', () => {
  const recorded = [
    exchange('acme', 'GET', '/v1/customers/cus_NffrFeUfNV2Hib', 200, { id: 'cus_NffrFeUfNV2Hib', name: 'Ada', balance: 350 }),
    exchange('acme', 'GET', '/v1/customers/cus_PqR7sT2uVwX9yZ', 200, { id: 'cus_PqR7sT2uVwX9yZ', name: 'Grace', balance: 10 }),
  ];
  let pact: string;
  const providers: EmbeddedEngine[] = [];
  const provider = async (stubs: Stub[]): Promise<string> => {
    const engine = await startEmbedded({ stubs });
    providers.push(engine);
    return engine.url;
  };

  beforeAll(async () => {
    pact = await pactFrom('acme', 'acme', recorded);
  });

  afterAll(async () => {
    await Promise.all(providers.map((p) => p.close()));
  });

  it('passes against a provider serving the recordings, fails naming the field when its type changes', async () => {
    const stubs = stubsFromExchanges(recorded);
    const ok = await seam(['contract', 'verify', pact, '--provider-base-url', await provider(stubs)], work);
    expect(ok.stdout).toContain('✓ GET /v1/customers/{customer} → 200\n');
    expect(ok.code).toBe(0);

    const changed = structuredClone(stubs);
    for (const s of changed) for (const r of s.replies) if ('body' in r && r.body !== undefined && 'json' in r.body) (r.body.json as Record<string, unknown>).balance = '350';
    const ko = await seam(['contract', 'verify', pact, '--provider-base-url', await provider(changed)], work);
    expect(ko.code).toBe(1);
    expect(ko.stdout).toContain('✗ GET /v1/customers/{customer} → 200\n');
    expect(ko.stdout).toMatch(/\n {4}\$\.balance: .*integer/);
    expect(ko.stderr).toContain('1 interaction verified against');
  }, 60_000);

  it('--provider-header sends a credential read from the environment', async () => {
    const guarded: Stub[] = stubsFromExchanges(recorded).map((s) => ({ ...s, request: { ...s.request, headers: { authorization: { equals: 'Bearer sandbox-key-42' } } } }));
    const url = await provider(guarded);
    const without = await seam(['contract', 'verify', pact, '--provider-base-url', url], work);
    expect(without.code).toBe(1);
    const withKey = await seam(['contract', 'verify', pact, '--provider-base-url', url, '--provider-header', 'Authorization: Bearer ${SANDBOX_KEY}'], work, { SANDBOX_KEY: 'sandbox-key-42' });
    expect(withKey.stdout).toContain('✓ GET /v1/customers/{customer} → 200\n');
    expect(withKey.code).toBe(0);
    const unset = await seam(['contract', 'verify', pact, '--provider-base-url', url, '--provider-header', 'Authorization: Bearer ${NOT_SET_ANYWHERE}'], work);
    expect(unset.code).toBe(2);
    expect(unset.stderr).toContain('--provider-header names ${NOT_SET_ANYWHERE}, which is not set in the environment');
  }, 60_000);

  it('exactly one of --provider-base-url and --against-spec', async () => {
    const r = await seam(['contract', 'verify', pact], work);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('give exactly one of --provider-base-url URL and --against-spec');
  });
});

describe('seam contract publish', () => {
  it('hands the pacts to pact-broker on PATH, and exits 2 when there is none', async () => {
    const pact = await pactFrom('publish', 'acme', [exchange('acme', 'GET', '/v1/things/t_1', 200, { id: 't_1' })]);
    const bin = join(work, 'bin');
    await mkdir(bin, { recursive: true });
    const argsFile = join(work, 'broker-args.json');
    await writeFile(join(bin, 'pact-broker'), `#!/bin/sh\nnode -e 'require("fs").writeFileSync(process.argv[1], JSON.stringify(process.argv.slice(2)))' ${argsFile} "$@"\n`);
    await chmod(join(bin, 'pact-broker'), 0o755);
    const args = ['contract', 'publish', pact, '--broker-url', 'http://127.0.0.1:9292', '--consumer-app-version', 'abc123', '--branch', 'main', '--tag', 'prod'];
    const ok = await seam(args, work, { PATH: `${bin}:${process.env.PATH}` });
    expect(ok.code).toBe(0);
    expect(JSON.parse(await readFile(argsFile, 'utf8'))).toEqual(['publish', pact, '--broker-base-url', 'http://127.0.0.1:9292', '--consumer-app-version', 'abc123', '--branch', 'main', '--tag', 'prod']);
    const missing = await seam(args, work, { PATH: '/nonexistent' });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('the pact-broker CLI is not on PATH');
  }, 30_000);
});
