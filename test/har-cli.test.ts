// HAR import/export end to end: the real CLI (built dist/, spawned) on the shared HAR fixtures.
// Run `npx tsc -p .` first.
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isJsonMediaType, mediaType } from '../src/exchange/body.js';
import type { Har, HarContent, HarEntry, HarPostData } from '../src/exchange/har.js';
import { exchangesToHar, harToExchanges, parseHar, serializeHar } from '../src/exchange/har.js';
import { isPlaceholder } from '../src/record/redaction/index.js';
import { runSeam as seam, type SeamRun as Run } from './support/run-seam.js';

const repo = fileURLToPath(new URL('..', import.meta.url));
const material = join(repo, '..', 'shared', 'material', 'har');
const archives = join(material, 'mswjs-source', 'archives');
const validatorFixtures = join(material, 'har-validator', 'fixtures');

const archiveFiles = [
  'empty.har',
  'request-order.har',
  'request-parameters.har',
  'response-binary.har',
  'response-cloning.har',
  'response-compressed.har',
  'response-cookies.har',
  'response-error.har',
  'response-json.har',
  'response-status-101.har',
  'response-status-304.har',
  'response-stream.har',
  'response-text.har',
  'response-timing.har',
].map((name) => join(archives, name));
const roundTripFiles = [...archiveFiles, join(validatorFixtures, 'har', 'valid.json')];



// --- what "the same entries" means -----------------------------------------------------------

function headerMultiset(headers: { name: string; value: string }[]): string[] {
  return headers
    .filter((h) => !h.name.startsWith(':'))
    .map((h) => `${h.name.toLowerCase()}: ${h.value}`)
    .sort();
}

function contentBytes(content: HarContent | HarPostData | undefined): Buffer {
  if (content?.text === undefined) return Buffer.alloc(0);
  return content.encoding === 'base64' ? Buffer.from(content.text, 'base64') : Buffer.from(content.text, 'utf8');
}

function expectSameBody(actual: Buffer, expected: Buffer, mimeType: string | undefined, where: string): void {
  if (isJsonMediaType(mediaType(mimeType)) && expected.length > 0) {
    expect(JSON.parse(actual.toString('utf8')), where).toEqual(JSON.parse(expected.toString('utf8')));
  } else {
    expect(actual.equals(expected), `${where}: ${actual.length} bytes vs ${expected.length}`).toBe(true);
  }
}

// Import redacts (the CLI always does): a value may differ from the original only where the
// exported one carries a placeholder. With `exact`, nothing may differ at all.
function expectSameHeaders(actual: { name: string; value: string }[], expected: { name: string; value: string }[], exact: boolean, where: string): void {
  if (exact) {
    expect(headerMultiset(actual), where).toEqual(headerMultiset(expected));
    return;
  }
  const names = (hs: { name: string }[]) => hs.filter((h) => !h.name.startsWith(':')).map((h) => h.name.toLowerCase()).sort();
  expect(names(actual), where).toEqual(names(expected));
  const remaining = headerMultiset(expected);
  for (const line of headerMultiset(actual)) {
    const i = remaining.indexOf(line);
    if (i >= 0) remaining.splice(i, 1);
    else expect(isPlaceholder(line), `${where}: "${line}" is neither original nor redacted`).toBe(true);
  }
}

function expectSameEntries(exported: HarEntry[], original: HarEntry[], options: { exact: boolean }): void {
  expect(exported.map((e) => `${e.request.method} ${e.request.url} → ${e.response.status}`)).toEqual(
    original.map((e) => `${e.request.method} ${e.request.url} → ${e.response.status}`),
  );
  original.forEach((o, i) => {
    const x = exported[i]!;
    const at = `entry ${i}`;
    expectSameHeaders(x.request.headers, o.request.headers, options.exact, `${at} request headers`);
    expectSameHeaders(x.response.headers, o.response.headers, options.exact, `${at} response headers`);
    expectSameBody(contentBytes(x.request.postData), contentBytes(o.request.postData), o.request.postData?.mimeType, `${at} request body`);
    expectSameBody(contentBytes(x.response.content), contentBytes(o.response.content), o.response.content.mimeType, `${at} response body`);
    expect(x.startedDateTime, `${at} startedDateTime`).toBe(o.startedDateTime);
    expect(x.time, `${at} time`).toBe(o.time);
    expect([x.timings.send, x.timings.wait, x.timings.receive], `${at} timings`).toEqual([o.timings.send, o.timings.wait, o.timings.receive]);
  });
}

async function readHar(file: string): Promise<Har> {
  return JSON.parse(await readFile(file, 'utf8')) as Har;
}

// --- fixtures that must fail ----------------------------------------------------------------

interface InvalidCase {
  name: string;
  har: unknown;
  pointer: string;
}

async function invalidCases(): Promise<InvalidCase[]> {
  const read = async (kind: string, which: string) => JSON.parse(await readFile(join(validatorFixtures, kind, `${which}.json`), 'utf8')) as Record<string, unknown>;
  const [hars, requests, responses, validRequest, validResponse] = await Promise.all([
    read('har', 'invalid'),
    read('request', 'invalid'),
    read('response', 'invalid'),
    read('request', 'valid'),
    read('response', 'valid'),
  ]);
  // The request/response fixtures are fragments: put each where it sits in a whole HAR.
  const wrap = (request: unknown, response: unknown) => ({
    log: {
      version: '1.2',
      creator: { name: 'test', version: '1' },
      entries: [{ startedDateTime: '2015-02-10T07:33:17.146Z', time: 1, request, response, cache: {}, timings: { send: 0, wait: 1, receive: 0 } }],
    },
  });
  const expected: Record<string, string> = {
    'har/creator': '/log/creator/version',
    'har/date': '/log/pages/0/startedDateTime',
    'har/version': '/log/version',
    'request/headers': '/log/entries/0/request/headers',
    'request/malformed': '/log/entries/0/request/headers/0',
    'request/url': '/log/entries/0/request/url',
    'response/bodySize': '/log/entries/0/response/bodySize',
    'response/headers': '/log/entries/0/response/headers',
    'response/malformed': '/log/entries/0/response/headers/0',
  };
  const cases: InvalidCase[] = [
    ...Object.entries(hars).map(([k, v]) => ({ name: `har/${k}`, har: v })),
    ...Object.entries(requests).map(([k, v]) => ({ name: `request/${k}`, har: wrap(v, validResponse) })),
    ...Object.entries(responses).map(([k, v]) => ({ name: `response/${k}`, har: wrap(validRequest, v) })),
  ].map((c) => ({ ...c, pointer: expected[c.name]! }));
  // Every fixture case has an expectation (a new case upstream must be looked at, not skipped).
  expect(cases.map((c) => c.name).sort()).toEqual(Object.keys(expected).sort());
  return cases;
}

// ---------------------------------------------------------------------------------------------

let work: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'seam-har-'));
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('HAR fixtures round-trip through the library', () => {
  it.each(roundTripFiles.map((f) => [basename(f), f]))('%s', async (_name, file) => {
    const text = await readFile(file, 'utf8');
    const exchanges = harToExchanges(parseHar(text, file), { partner: 'fixtures', file });
    const exported = parseHar(serializeHar(exchangesToHar(exchanges)), 'exported.har');
    expectSameEntries(exported.log.entries, (JSON.parse(text) as Har).log.entries, { exact: true });
  });
});

describe('HAR fixtures round-trip through the CLI (import har each file, then export har)', () => {
  const imports = new Map<string, Run>();
  let exported: Run;
  let exportedHar: Har;
  const recordings = () => join(work, 'round-trip');
  const sessionOf = (file: string) => basename(file).replace(/\.(har|json)$/, '');

  beforeAll(async () => {
    // One spawn per file (concurrently), then one export of the whole partner: sessions come out
    // in name order, each session's entries in sequence order.
    await Promise.all(
      roundTripFiles.map(async (file) => {
        imports.set(file, await seam(['import', 'har', file, '--partner', 'fixtures', '--recordings', recordings(), '--json'], work));
      }),
    );
    const out = join(work, 'round-trip.har');
    exported = await seam(['export', 'har', '--partner', 'fixtures', '--recordings', recordings(), '-o', out], work);
    exportedHar = parseHar(await readFile(out, 'utf8'), out);
  });

  it('exports a valid HAR 1.2 file with -o (nothing on stdout)', () => {
    expect(exported.code).toBe(0);
    expect(exported.stdout).toBe('');
    expect(exportedHar.log.creator.name).toBe('seam');
  });

  it.each(roundTripFiles.map((f) => [basename(f), f]))('%s', async (_name, file) => {
    const imported = imports.get(file)!;
    expect(imported.stderr).toBe('');
    expect(imported.code).toBe(0);
    const report = JSON.parse(imported.stdout) as { session: string; files: string[] };
    expect(report.session).toBe(sessionOf(file));
    const original = await readHar(file);
    expect(report.files).toHaveLength(original.log.entries.length);

    const counts = new Map<string, number>();
    for (const f of roundTripFiles) counts.set(sessionOf(f), (await readHar(f)).log.entries.length);
    const sessions = [...counts.keys()].sort();
    let offset = 0;
    for (const s of sessions) {
      if (s === report.session) break;
      offset += counts.get(s)!;
    }
    const mine = exportedHar.log.entries.slice(offset, offset + original.log.entries.length);
    expectSameEntries(mine, original.log.entries, { exact: false });
  });
});

describe('what the fixtures exercise survives import', () => {
  it('keeps compressed, binary, stream, 101, 304, status 0, cookies and timings as the recordings say', async () => {
    const load = async (name: string) => harToExchanges(parseHar(await readFile(join(archives, name), 'utf8'), name), { partner: 'p' });
    const [compressed] = await load('response-compressed.har');
    expect(compressed!.response).toMatchObject({ status: 200, headers: { 'content-encoding': 'gzip' }, body: { json: { id: 'abc-123', firstName: 'John' } } });
    const [binary] = await load('response-binary.har');
    expect(binary!.response).toMatchObject({ body: { contentType: 'image/jpg' } });
    const [stream] = await load('response-stream.har');
    expect(stream!.response).toMatchObject({ body: { base64: Buffer.from('this is a chunked response').toString('base64') } });
    const [upgrade] = await load('response-status-101.har');
    expect(upgrade!.response).toMatchObject({ status: 101 });
    expect('body' in upgrade!.response).toBe(false);
    const [notModified] = await load('response-status-304.har');
    expect(notModified!.response).toMatchObject({ status: 304, body: { text: 'hello world' } });
    const [failed] = await load('response-error.har');
    expect(failed!.response).toEqual({ error: { code: 'HAR_STATUS_0', message: expect.stringContaining('status 0') } });
    const [cookies] = await load('response-cookies.har');
    expect(cookies!.response).toMatchObject({ headers: { 'set-cookie': 'secret-token=abc-123; Path=/' } });
    const timing = await load('response-timing.har');
    expect(timing.map((e) => e.timings?.wait)).toEqual([5.358999999898442, 509.84600000003655]);
    const ordered = await load('request-order.har');
    expect(ordered.map((e) => 'body' in e.response && e.response.body)).toEqual([{ text: 'one' }, { text: 'two' }]);
  });
});

describe.concurrent('invalid HAR input', () => {
  it('every invalid har-validator fixture exits 2 naming the file and the JSON pointer', async () => {
    const cases = await invalidCases();
    await Promise.all(
      cases.map(async (c) => {
        const file = join(work, `invalid-${c.name.replace('/', '-')}.har`);
        await writeFile(file, JSON.stringify(c.har, null, 2));
        const result = await seam(['import', 'har', file, '--partner', 'p', '--recordings', join(work, 'invalid-recordings')], work);
        expect(result.code, c.name).toBe(2);
        expect(result.stderr, c.name).toContain(`${file} at ${c.pointer}: `);
        expect(result.stdout, c.name).toBe('');
      }),
    );
    await expect(readdir(join(work, 'invalid-recordings'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('a file that is not JSON exits 2 naming the file and the line:col', async () => {
    const file = join(work, 'page.har');
    await writeFile(file, '<!doctype html>\n<html></html>\n');
    const result = await seam(['import', 'har', file, '--partner', 'p', '--recordings', join(work, 'nojson')], work);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${file} at 1:1: not valid JSON`);
  });

  it('a missing file exits 2 naming it', async () => {
    const file = join(work, 'nope.har');
    const result = await seam(['import', 'har', file, '--partner', 'p', '--recordings', join(work, 'missing')], work);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${file}: cannot read`);
  });

  it('a failed import leaves an existing session exactly as it was', async () => {
    const recordings = join(work, 'existing');
    const first = await seam(['import', 'har', join(archives, 'request-order.har'), '--partner', 'acme', '--session', 'shared', '--recordings', recordings], work);
    expect(first.code).toBe(0);
    const dir = join(recordings, 'acme', 'shared');
    const snapshot = async () => {
      const names = (await readdir(dir)).sort();
      return Promise.all(names.map(async (n) => [n, await readFile(join(dir, n), 'utf8')]));
    };
    const before = await snapshot();
    expect(before).toHaveLength(2);

    // Entry 0 is fine, entry 1 breaks the schema: nothing of entry 0 may be written.
    const good = await readHar(join(archives, 'response-json.har'));
    const schemaBad = structuredClone(good);
    schemaBad.log.entries.push({ ...structuredClone(good.log.entries[0]!), time: 'slow' as unknown as number });
    // Valid HAR, but entry 1 is not HTTP: caught while converting, still before any write.
    const notHttp = structuredClone(good);
    notHttp.log.entries.push(structuredClone(good.log.entries[0]!));
    notHttp.log.entries[1]!.request.url = 'ftp://files.example.com/report.csv';

    for (const [name, doc, pointer] of [
      ['schema-bad.har', schemaBad, '/log/entries/1/time'],
      ['not-http.har', notHttp, '/log/entries/1/request/url'],
    ] as const) {
      const file = join(work, name);
      await writeFile(file, JSON.stringify(doc));
      const result = await seam(['import', 'har', file, '--partner', 'acme', '--session', 'shared', '--recordings', recordings], work);
      expect(result.code, name).toBe(2);
      expect(result.stderr, name).toContain(`${file} at ${pointer}: `);
      expect(await snapshot(), name).toEqual(before);
    }
  });
});

describe.concurrent('seam import har / export har', () => {
  it('--json prints the written files; the default session is the sanitised file name', async () => {
    const recordings = join(work, 'json-out');
    const file = join(work, 'My Checkout Flow.HAR');
    await writeFile(file, await readFile(join(archives, 'response-timing.har')));
    const result = await seam(['import', 'har', file, '--partner', 'acme', '--recordings', recordings, '--json'], work);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as { partner: string; session: string; files: string[] };
    expect(report.partner).toBe('acme');
    expect(report.session).toBe('my-checkout-flow');
    expect(report.files.map((f) => basename(f))).toEqual(['0001-get-timing-instant.json', '0002-get-timing-delayed.json']);
    const stored = JSON.parse(await readFile(report.files[1]!, 'utf8')) as { id: string; durationMs: number; request: { origin: string } };
    expect(stored.id).toBe('my-checkout-flow/0002-get-timing-delayed');
    expect(stored.durationMs).toBe(511.02700000002284);
    expect(stored.request.origin).toBe('http://127.0.0.1:49925');
  });

  it('exports every session of a partner in store order, to stdout, the same bytes each time', async () => {
    const recordings = join(work, 'multi');
    for (const [name, session] of [
      ['response-text.har', 'b-second'],
      ['request-order.har', 'a-first'],
    ] as const) {
      const result = await seam(['import', 'har', join(archives, name), '--partner', 'acme', '--session', session, '--recordings', recordings], work);
      expect(result.code).toBe(0);
    }
    const one = await seam(['export', 'har', '--partner', 'acme', '--recordings', recordings], work);
    const two = await seam(['export', 'har', '--partner', 'acme', '--recordings', recordings], work);
    expect(one.code).toBe(0);
    expect(one.stdout).toBe(two.stdout);
    expect(one.stdout.endsWith('\n')).toBe(true);
    const har = JSON.parse(one.stdout) as Har;
    expect(har.log.version).toBe('1.2');
    expect(har.log.creator).toEqual({ name: 'seam', version: expect.stringMatching(/^\d+\.\d+\.\d+/) });
    expect(har.log.entries.map((e) => `${e.request.url} ${e.response.content.text}`)).toEqual([
      'http://127.0.0.1:51345/resource one',
      'http://127.0.0.1:51345/resource two',
      'http://127.0.0.1:60906/text hello world',
    ]);
  });

  it('redacts on import: the cookie secret never reaches the disk, and the exchange says where', async () => {
    const recordings = join(work, 'redacted');
    const result = await seam(['import', 'har', join(archives, 'response-cookies.har'), '--partner', 'acme', '--recordings', recordings, '--json'], work);
    expect(result.code).toBe(0);
    const [file] = (JSON.parse(result.stdout) as { files: string[] }).files;
    const text = await readFile(file!, 'utf8');
    expect(text).not.toContain('abc-123');
    const stored = JSON.parse(text) as { response: { headers: Record<string, string> }; redactions: { at: string }[] };
    expect(stored.response.headers['set-cookie']).toMatch(/^secret-token=\S*REDACTED\S*; Path=\/$/);
    expect(stored.redactions.map((r) => r.at)).toContain('/response/headers/set-cookie');
  });

  it('-o naming a folder exits 2 naming it, not an internal error', async () => {
    const recordings = join(work, 'to-folder');
    expect((await seam(['import', 'har', join(archives, 'response-text.har'), '--partner', 'acme', '--recordings', recordings], work)).code).toBe(0);
    const result = await seam(['export', 'har', '--partner', 'acme', '--recordings', recordings, '-o', work], work);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`seam: ${work}: cannot write: EISDIR`);
    expect(result.stderr).not.toContain('internal error');
  });

  it('refuses a partner name that is not a safe folder name (exit 2)', async () => {
    const result = await seam(['export', 'har', '--partner', '../etc', '--recordings', join(work, 'x')], work);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('partner name "../etc" is not allowed');
  });
});
