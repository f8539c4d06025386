// `seam scan` through the real CLI: what it reports, how it prints, what it skips, exit codes.
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { serializeExchange } from '../src/exchange/canonical.js';
import type { Exchange } from '../src/exchange/types.js';

const SEAM = join(resolve(dirname(fileURLToPath(import.meta.url)), '..'), 'bin', 'seam.js');

function seam(args: string[], cwd: string): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [SEAM, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

async function put(dir: string, file: string, content: string | Buffer): Promise<void> {
  await mkdir(dirname(join(dir, file)), { recursive: true });
  await writeFile(join(dir, file), content);
}

function exchange(json: unknown): Exchange {
  return {
    seam: 1,
    id: 's/0001-get-x',
    partner: 'acme',
    direction: 'outbound',
    recordedAt: '2026-01-01T00:00:00.000Z',
    durationMs: 1,
    request: { method: 'GET', path: '/x', query: {}, headers: { authorization: 'Bearer REDACTED_1' } },
    response: { status: 200, headers: {}, body: { json } },
    redactions: [{ at: '/request/headers/authorization', rule: 'secret-header', placeholder: 'REDACTED_1' }],
  };
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'seam-scan-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('seam scan', () => {
  it('with none of the default folders present: clean, exit 0', () => {
    const r = seam(['scan'], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('clean: no secrets or personal data in 0 files\n');
  });

  it('a path that does not exist is an input error (exit 2)', () => {
    const r = seam(['scan', 'nope'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('nope: no such file or folder');
  });

  it('a path that cannot be read (a symlink loop) is an input error naming it (exit 2), not a crash', async () => {
    await symlink('loop', join(dir, 'loop'));
    const r = seam(['scan', 'loop'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('seam: loop: cannot read: ELOOP');
  });

  it('reports file:pointer for JSON and file:line for text, sorted, exit 1 with a count', async () => {
    await put(
      dir,
      'mocks/acme/wiremock/mappings/get-customer.json',
      JSON.stringify({
        request: { method: 'GET', url: '/v1/customer', headers: { Authorization: { equalTo: 'opaque-token-value' } } },
        response: { status: 200, jsonBody: { email: 'bob@corp-mail.test', token_type: 'Bearer' }, headers: { 'X-Api-Key': 'k-123' } },
      }),
    );
    await put(dir, 'contracts/acme/openapi.yaml', 'openapi: 3.1.0\ninfo:\n  title: Acme\n  contact:\n    email: api-owner@acme-corp.test\ncomponents:\n  securitySchemes:\n    key:\n      type: apiKey\n      name: x-api-key\n      in: header\n');
    await put(dir, 'recordings/acme/s/0001-get-x.json', serializeExchange(exchange({ ok: true, note: 'card 4111-1111-1111-1111' })));
    const r = seam(['scan'], dir);
    expect(r.code).toBe(1);
    expect(r.stdout.trim().split('\n')).toEqual([
      'contracts/acme/openapi.yaml:5 email',
      'mocks/acme/wiremock/mappings/get-customer.json:/request/headers/Authorization/equalTo secret-header',
      'mocks/acme/wiremock/mappings/get-customer.json:/response/headers/X-Api-Key secret-header',
      'mocks/acme/wiremock/mappings/get-customer.json:/response/jsonBody/email email',
      'recordings/acme/s/0001-get-x.json:/response/body/json/note card-number',
    ]);
    expect(r.stderr).toBe('seam scan: 5 findings in 3 files (3 scanned)\n');
  });

  it('--json prints the findings as data', async () => {
    await put(dir, 'notes.txt', 'first line\nsecond has AKIAQYLPMN5HHHFPZAM2 in it\n');
    const r = seam(['scan', 'notes.txt', '--json'], dir);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toEqual({ findings: [{ file: 'notes.txt', line: 2, rule: 'aws-access-key' }], files: 1, skipped: [] });
  });

  it('in a HAR file, { name, value } pairs are judged by the name', async () => {
    const har = {
      log: {
        version: '1.2',
        entries: [
          {
            request: {
              headers: [
                { name: 'Accept', value: 'application/json' },
                { name: 'X-Api-Key', value: 'opaque' },
              ],
              queryString: [{ name: 'client_secret', value: 'cs1' }],
            },
          },
        ],
      },
    };
    await put(dir, 'export.har', JSON.stringify(har));
    const r = seam(['scan', 'export.har'], dir);
    expect(r.stdout.trim().split('\n')).toEqual([
      'export.har:/log/entries/0/request/headers/1/value secret-header',
      'export.har:/log/entries/0/request/queryString/0/value secret-json-key',
    ]);
    expect(r.code).toBe(1);
  });

  it('placeholders are never findings; harmless look-alikes neither', async () => {
    await put(
      dir,
      'recordings/acme/s/0001-get-x.json',
      serializeExchange(
        exchange({
          email: 'redacted-1@example.invalid',
          key: 'sk_test_REDACTED_2',
          jwt: 'eyJREDACTED.REDACTED_3.REDACTED',
          card: 'CARD_REDACTED_1',
          at: '2024-01-15T10:30:00Z',
          id: '550e8400-e29b-41d4-a716-446655440000',
          order: '4242424242424241',
          token_type: 'Bearer',
          expires_in: 3600,
        }),
      ),
    );
    const r = seam(['scan', 'recordings'], dir);
    expect(r.stdout).toBe('clean: no secrets or personal data in 1 file\n');
    expect(r.code).toBe(0);
  });

  it('skips node_modules, dot-folders and binary files', async () => {
    await put(dir, 'mocks/node_modules/x/a.txt', 'a@corp-mail.test');
    await put(dir, 'mocks/.cache/a.txt', 'a@corp-mail.test');
    await put(dir, 'mocks/blob.dat', Buffer.from([0, 1, 2, 0x61, 0x40, 0x62, 0x2e, 0x63, 0x6f, 0x6d]));
    await put(dir, 'mocks/logo.png', 'a@corp-mail.test');
    const r = seam(['scan', 'mocks', '--json'], dir);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      findings: [],
      files: 0,
      skipped: [
        { file: 'mocks/blob.dat', reason: 'binary' },
        { file: 'mocks/logo.png', reason: 'binary' },
      ],
    });
  });

  it('honours the allow-list (exact values and /regex/) from seam.config.json', async () => {
    await put(dir, 'mocks/a.txt', 'support@acme-corp.test\nnoreply-42@acme-corp.test\nreal.person@acme-corp.test\n');
    await put(dir, 'seam.config.json', JSON.stringify({ scan: { allow: ['support@acme-corp.test', '/^noreply-\\d+@/'] } }));
    const r = seam(['scan', 'mocks'], dir);
    expect(r.stdout).toBe('mocks/a.txt:3 email\n');
    expect(r.code).toBe(1);
  });

  it("applies the partner's rules from --config to its recordings", async () => {
    await put(dir, 'recordings/acme/s/0001-get-x.json', serializeExchange(exchange({ dob: '1990-01-01', account: { number: 'A-77' } })));
    await put(dir, 'conf/seam.yaml', 'partners:\n  acme:\n    redact:\n      jsonKeys: [dob]\n      jsonPaths: ["/account/number"]\n');
    const r = seam(['scan', 'recordings', '--config', 'conf/seam.yaml'], dir);
    expect(r.stdout.trim().split('\n')).toEqual([
      'recordings/acme/s/0001-get-x.json:/response/body/json/account/number config-json-path',
      'recordings/acme/s/0001-get-x.json:/response/body/json/dob config-json-key',
    ]);
    expect(r.code).toBe(1);
  });

  it('a bad config is exit 2 naming the file and the JSON pointer', async () => {
    await put(dir, 'seam.config.json', JSON.stringify({ redact: { headers: 'authorization' } }));
    const r = seam(['scan'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('seam: seam.config.json at /redact/headers: must be array\n');

    await put(dir, 'other.yaml', 'scan:\n  allowed: []\n');
    const r2 = seam(['scan', '--config', 'other.yaml'], dir);
    expect(r2.code).toBe(2);
    expect(r2.stderr).toBe('seam: other.yaml at /scan/allowed: is not a known setting\n');
  });
});
