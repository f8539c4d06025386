import { mkdtemp, readdir, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InputError, UsageError } from '../errors.js';
import {
  checkName,
  exchangeFileName,
  listExchangeFiles,
  readExchangeFile,
  readRecordings,
  SessionWriter,
  sessionNameFor,
  slugFor,
  type UnnamedExchange,
} from './store.js';

function sample(method: string, path: string, n = 0): UnnamedExchange {
  return {
    seam: 1,
    partner: 'stripe',
    direction: 'outbound',
    recordedAt: '2026-11-22T10:00:00.000Z',
    durationMs: 12.5,
    request: { method, path, query: { limit: '10' }, headers: { accept: 'application/json' } },
    response: { status: 200, headers: { 'content-type': 'application/json' }, body: { json: { id: `cus_${n}`, n } } },
    redactions: [],
  };
}

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'seam-store-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('names', () => {
  it('accepts lower-case names and refuses traversal, separators and upper case', () => {
    expect(checkName('partner', 'stripe')).toBe('stripe');
    expect(checkName('session', '2026-11-22_a.b')).toBe('2026-11-22_a.b');
    for (const bad of ['..', '../etc', 'a/b', 'a\\b', 'Stripe', '', '.hidden', 'a..b', 'x'.repeat(65)]) {
      expect(() => checkName('partner', bad)).toThrow(UsageError);
    }
  });

  it('makes file names safe and bounded whatever the URL', () => {
    expect(exchangeFileName(1, 'GET', '/v1/customers/cus_123')).toBe('0001-get-v1-customers-cus-123.json');
    expect(exchangeFileName(12345, 'POST', '/')).toBe('12345-post-root.json');
    expect(exchangeFileName(2, 'GET', '/../../etc/passwd')).toBe('0002-get-etc-passwd.json');
    expect(exchangeFileName(3, 'M-SEARCH', '/%2e%2e%2f%00x')).toBe('0003-msearch-x.json');
    const long = exchangeFileName(4, 'GET', `/${'segment/'.repeat(100)}`);
    expect(long.length).toBeLessThanOrEqual(4 + 1 + 3 + 1 + 64 + 5);
    expect(long).toMatch(/^0004-get-[a-z0-9-]+-[0-9a-f]{8}\.json$/);
    // two long paths differing only at the end get different names
    expect(slugFor(`/${'a/'.repeat(80)}x`)).not.toBe(slugFor(`/${'a/'.repeat(80)}y`));
  });

  it('names a session after its start time', () => {
    expect(sessionNameFor(new Date('2026-11-22T19:53:01.123Z'))).toBe('20261122-195301');
  });
});

describe('SessionWriter', () => {
  it('writes deterministic, schema-valid files named <NNNN>-<method>-<slug>.json', async () => {
    const writer = await SessionWriter.open(root, 'stripe', 's1');
    const { file, exchange } = await writer.write(sample('GET', '/v1/customers'));
    expect(file).toBe(join(root, 'stripe', 's1', '0001-get-v1-customers.json'));
    expect(exchange.id).toBe('s1/0001-get-v1-customers');
    const text = await readFile(file, 'utf8');
    expect(text.endsWith('}\n')).toBe(true);
    expect(text.split('\n')[1]).toBe('  "seam": 1,');
    // field order is fixed, whatever order the caller built the object in
    expect(Object.keys(JSON.parse(text))).toEqual(['seam', 'id', 'partner', 'direction', 'recordedAt', 'durationMs', 'request', 'response', 'redactions']);
    expect(await readExchangeFile(file)).toEqual(exchange);
  });

  it('sorts header and query maps but keeps a JSON body in the partner\'s order', async () => {
    const writer = await SessionWriter.open(root, 'stripe', 's1');
    const ex = sample('GET', '/x');
    ex.request.headers = { 'x-b': '1', accept: '*/*', 'x-a': ['2', '3'] };
    ex.response = { status: 200, headers: {}, body: { json: { zeta: 1, alpha: 2 } } };
    const { file } = await writer.write(ex);
    const parsed = JSON.parse(await readFile(file, 'utf8'));
    expect(Object.keys(parsed.request.headers)).toEqual(['accept', 'x-a', 'x-b']);
    expect(Object.keys(parsed.response.body.json)).toEqual(['zeta', 'alpha']);
  });

  it('never clobbers: 500 concurrent writes from two writers on one session give 500 files', async () => {
    const a = await SessionWriter.open(root, 'stripe', 'busy');
    const b = await SessionWriter.open(root, 'stripe', 'busy'); // a second "process" that starts at the same number
    await Promise.all(Array.from({ length: 500 }, (_, i) => (i % 2 ? a : b).write(sample('POST', `/v1/charges/${i}`, i))));
    const files = await listExchangeFiles(root, 'stripe', 'busy');
    expect(files).toHaveLength(500);
    const ns = new Set<number>();
    for (const f of files) {
      const ex = await readExchangeFile(f);
      ns.add((ex.response as { body: { json: { n: number } } }).body.json.n);
    }
    expect(ns.size).toBe(500);
    expect((await readdir(join(root, 'stripe', 'busy'))).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('continues numbering after the files already in a session', async () => {
    const first = await SessionWriter.open(root, 'stripe', 's2');
    await first.write(sample('GET', '/a'));
    await first.write(sample('GET', '/b'));
    const again = await SessionWriter.open(root, 'stripe', 's2');
    const { file } = await again.write(sample('GET', '/c'));
    expect(file.endsWith('0003-get-c.json')).toBe(true);
  });

  it('a recordings root that is a file is an input error naming the folder, not a crash', async () => {
    const notAFolder = join(root, 'recordings');
    await writeFile(notAFolder, 'a file where the recordings root should be');
    const opening = SessionWriter.open(notAFolder, 'stripe', 's3');
    await expect(opening).rejects.toBeInstanceOf(InputError);
    await expect(opening).rejects.toThrow(`${join(notAFolder, 'stripe', 's3')}: cannot use as a session folder: ENOTDIR`);
  });
});

describe('reading', () => {
  it('reads sessions in order and skips temp and dot files', async () => {
    const w = await SessionWriter.open(root, 'stripe', 'b-session');
    await w.write(sample('GET', '/one'));
    const w2 = await SessionWriter.open(root, 'stripe', 'a-session');
    await w2.write(sample('GET', '/two'));
    await writeFile(join(root, 'stripe', 'a-session', '.0002-get-x.json.123-abcd.tmp'), '{"partial":');
    await writeFile(join(root, 'stripe', 'a-session', 'notes.txt'), 'hello');
    const all = await readRecordings(root, 'stripe');
    expect(all.map((s) => s.exchange.id)).toEqual(['a-session/0001-get-two', 'b-session/0001-get-one']);
    expect(await readRecordings(root, 'nobody')).toEqual([]);
  });

  it('names the file and the JSON pointer of a bad exchange', async () => {
    const dir = join(root, 'stripe', 'bad');
    await mkdir(dir, { recursive: true });
    const good = JSON.parse(JSON.stringify({ ...sample('GET', '/x'), id: 'bad/0001' }));
    good.request.headers = { Accept: 'x' };
    await writeFile(join(dir, '0001-get-x.json'), JSON.stringify(good));
    const error = await readExchangeFile(join(dir, '0001-get-x.json')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).file).toBe(join(dir, '0001-get-x.json'));
    expect((error as InputError).pointer).toBe('/request/headers');
    await writeFile(join(dir, '0002-get-y.json'), '{ nope');
    await expect(readExchangeFile(join(dir, '0002-get-y.json'))).rejects.toThrow(/0002-get-y\.json: not valid JSON/);
    const missing = { ...good, request: { ...good.request, headers: {} } };
    delete missing.response.status;
    await writeFile(join(dir, '0003-get-z.json'), JSON.stringify(missing));
    await expect(readExchangeFile(join(dir, '0003-get-z.json'))).rejects.toThrow(/at \/response: missing required property "status"|at \/response/);
  });
});
