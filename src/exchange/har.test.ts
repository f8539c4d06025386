import { describe, expect, it } from 'vitest';
import { InputError } from '../errors.js';
import { bodyBytes } from './body.js';
import type { Har, HarEntry, HarRequest, HarResponse } from './har.js';
import { exchangesToHar, harToExchanges, jsonErrorOffset, parseHar, serializeHar } from './har.js';
import type { UnnamedExchange } from './store.js';
import type { ExchangeResponse } from './types.js';

function request(over: Partial<HarRequest> = {}): HarRequest {
  return {
    method: 'GET',
    url: 'https://api.example.com/v1/items',
    httpVersion: 'HTTP/1.1',
    cookies: [],
    headers: [],
    queryString: [],
    headersSize: -1,
    bodySize: 0,
    ...over,
  };
}

function response(over: Partial<HarResponse> = {}): HarResponse {
  return {
    status: 200,
    statusText: 'OK',
    httpVersion: 'HTTP/1.1',
    cookies: [],
    headers: [],
    content: { size: 0, mimeType: 'x-unknown' },
    redirectURL: '',
    headersSize: -1,
    bodySize: 0,
    ...over,
  };
}

function entry(over: Partial<HarEntry> = {}): HarEntry {
  return {
    startedDateTime: '2024-05-01T10:00:00.000Z',
    time: 12.5,
    request: request(),
    response: response(),
    cache: {},
    timings: { send: 1, wait: 10, receive: 1.5 },
    ...over,
  };
}

function har(...entries: HarEntry[]): Har {
  return { log: { version: '1.2', creator: { name: 'test', version: '1' }, entries } };
}

function importOne(e: HarEntry): UnnamedExchange {
  const [exchange] = harToExchanges(parseHar(JSON.stringify(har(e)), 'x.har'), { partner: 'acme' });
  return exchange!;
}

function ok(e: UnnamedExchange): ExchangeResponse {
  if ('error' in e.response) throw new Error('expected a response');
  return e.response;
}

function inputError(fn: () => unknown): InputError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return error as InputError;
  }
  throw new Error('expected an InputError');
}

describe('parseHar', () => {
  it('names the file and line:col of a JSON syntax error', () => {
    const error = inputError(() => parseHar('{\n  "log": tru\n}', 'broken.har'));
    expect(error.file).toBe('broken.har');
    expect(error.pointer).toBe('2:10');
    expect(error.message).toMatch(/^broken\.har at 2:10: not valid JSON/);
  });

  it('names the place of errors V8 gives no position for, and of truncated files', () => {
    expect(inputError(() => parseHar('<html>', 'page.har')).pointer).toBe('1:1');
    expect(inputError(() => parseHar('{"log": {"entries": [1,2,]}}', 'a.har')).pointer).toBe('1:26');
    expect(inputError(() => parseHar('{"log":\n', 'a.har')).pointer).toBe('2:1');
    expect(jsonErrorOffset('{"a": [1, 2], "b": "x"}')).toBe(-1);
    expect(jsonErrorOffset('{"a": "\\q"}')).toBe(8);
  });

  it('accepts a byte-order mark', () => {
    expect(parseHar(`\ufeff${JSON.stringify(har())}`, 'bom.har').log.entries).toEqual([]);
  });

  it('names the JSON pointer of the first schema problem', () => {
    const doc = har(entry({ request: request({ headers: [{ name: 'A', value: 'b' }, { name: 'C', value: 7 as unknown as string }] }) }));
    const error = inputError(() => parseHar(JSON.stringify(doc), 'bad.har'));
    expect(error.pointer).toBe('/log/entries/0/request/headers/1/value');
    expect(error.message).toBe('bad.har at /log/entries/0/request/headers/1/value: must be string');
  });

  it('reports a missing property at the object that lacks it, and a non-object document at /', () => {
    const doc = har(entry());
    delete (doc.log.entries[0] as Partial<HarEntry>).timings;
    const error = inputError(() => parseHar(JSON.stringify(doc), 'bad.har'));
    expect(error.pointer).toBe('/log/entries/0');
    expect(error.message).toContain('missing required property "timings"');
    expect(inputError(() => parseHar('[]', 'list.har')).pointer).toBe('/');
  });

  it('accepts what Chrome writes for failed requests: content {} and a bracketed IPv6 server address', () => {
    const doc = har(entry({ serverIPAddress: '[::1]', response: response({ status: 0, statusText: '', content: {} }) }));
    expect(() => parseHar(JSON.stringify(doc), 'chrome.har')).not.toThrow();
  });
});

describe('harToExchanges', () => {
  it('lower-cases headers, keeps repeats in order and drops HTTP/2 pseudo-headers', () => {
    const e = importOne(
      entry({
        request: request({
          headers: [
            { name: ':authority', value: 'api.example.com' },
            { name: 'Accept', value: 'application/json' },
            { name: 'X-Trace', value: 'one' },
            { name: 'x-trace', value: 'two' },
            { name: 'Cookie', value: 'a=1; b=2' },
          ],
          cookies: [
            { name: 'a', value: '1' },
            { name: 'b', value: '2' },
          ],
        }),
        response: response({
          headers: [
            { name: 'Set-Cookie', value: 'a=1' },
            { name: 'Set-Cookie', value: 'b=2' },
          ],
        }),
      }),
    );
    expect(e.request.headers).toEqual({ accept: 'application/json', 'x-trace': ['one', 'two'], cookie: 'a=1; b=2' });
    expect(ok(e).headers).toEqual({ 'set-cookie': ['a=1', 'b=2'] });
  });

  it('splits the URL into origin, path as sent and query; the URL wins over queryString', () => {
    const e = importOne(
      entry({
        request: request({
          url: 'https://user:secret@API.example.com:443/v1/a%20b/c?x=1&x=2&q=hello%20world#frag',
          queryString: [{ name: 'stale', value: 'yes' }],
        }),
      }),
    );
    expect(e.request.origin).toBe('https://api.example.com');
    expect(e.request.path).toBe('/v1/a%20b/c');
    expect(e.request.query).toEqual({ x: ['1', '2'], q: 'hello world' });
    expect(JSON.stringify(e)).not.toContain('secret');
  });

  it('falls back to queryString when the URL has no query', () => {
    const e = importOne(entry({ request: request({ url: 'http://localhost:8080', queryString: [{ name: 'page', value: '2' }] }) }));
    expect(e.request).toMatchObject({ origin: 'http://localhost:8080', path: '/', query: { page: '2' } });
  });

  it('types request bodies: JSON text, form params, base64', () => {
    const json = importOne(entry({ request: request({ method: 'post', postData: { mimeType: 'application/json', text: '{"amount":500}' } }) }));
    expect(json.request.method).toBe('POST');
    expect(json.request.body).toEqual({ json: { amount: 500 } });

    const form = importOne(
      entry({
        request: request({
          method: 'POST',
          postData: {
            mimeType: 'application/x-www-form-urlencoded',
            params: [
              { name: 'tag', value: 'a' },
              { name: 'tag', value: 'b' },
              { name: 'empty' },
            ],
          },
        }),
      }),
    );
    expect(form.request.body).toEqual({ form: { tag: ['a', 'b'], empty: '' } });

    const binary = importOne(entry({ request: request({ method: 'PUT', postData: { mimeType: 'application/octet-stream', text: 'AAEC/w==', encoding: 'base64' } }) }));
    expect(binary.request.body).toEqual({ base64: 'AAEC/w==', contentType: 'application/octet-stream' });
  });

  it('decodes base64 content and keeps content-encoding as a header over the decoded text', () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0xff, 0x00]);
    const image = importOne(entry({ response: response({ content: { size: 10, mimeType: 'image/png', text: png.toString('base64'), encoding: 'base64' } }) }));
    expect(bodyBytes(ok(image).body).equals(png)).toBe(true);
    expect(ok(image).body).toEqual({ base64: png.toString('base64'), contentType: 'image/png' });

    const gzipped = importOne(
      entry({
        response: response({
          headers: [
            { name: 'Content-Type', value: 'application/json; charset=utf-8' },
            { name: 'Content-Encoding', value: 'gzip' },
          ],
          content: { size: 11, compression: -20, mimeType: 'application/json', text: '{"ok":true}' },
        }),
      }),
    );
    expect(ok(gzipped).body).toEqual({ json: { ok: true } });
    expect(ok(gzipped).headers['content-encoding']).toBe('gzip');
  });

  it('turns status 0 into a failure, using _error when present', () => {
    const aborted = importOne(entry({ response: response({ status: 0, statusText: '', content: {}, _error: 'net::ERR_CONNECTION_REFUSED' }) }));
    expect(aborted.response).toEqual({ error: { code: 'HAR_STATUS_0', message: 'net::ERR_CONNECTION_REFUSED' } });
    const silent = importOne(entry({ response: response({ status: 0, statusText: '', content: {}, _error: null }) }));
    expect(silent.response).toMatchObject({ error: { code: 'HAR_STATUS_0' } });
  });

  it('keeps 101 without a body, 204 without a body and a 304 body as recorded', () => {
    expect(importOne(entry({ response: response({ status: 101, statusText: 'Switching Protocols', content: {} }) })).response).toEqual({
      status: 101,
      statusText: 'Switching Protocols',
      headers: {},
    });
    expect(importOne(entry({ response: response({ status: 204, statusText: 'No Content', content: { size: 0, mimeType: '', text: '' } }) })).response).toEqual({
      status: 204,
      statusText: 'No Content',
      headers: {},
    });
    const notModified = importOne(entry({ response: response({ status: 304, statusText: '', content: { size: 2, mimeType: 'text/plain', text: 'hi' } }) }));
    expect(notModified.response).toEqual({ status: 304, headers: {}, body: { text: 'hi' } });
  });

  it('keeps the start time, duration and the standard timings', () => {
    const e = importOne(entry({ timings: { blocked: 0.5, dns: -1, connect: 3, ssl: 2, send: 0.1, wait: 8, receive: 0.9, _queued: 4 } as HarEntry['timings'] }));
    expect(e.recordedAt).toBe('2024-05-01T10:00:00.000Z');
    expect(e.durationMs).toBe(12.5);
    expect(e.timings).toEqual({ blocked: 0.5, dns: -1, connect: 3, ssl: 2, send: 0.1, wait: 8, receive: 0.9 });
  });

  it('applies the injected redaction to every exchange', () => {
    const doc = har(entry(), entry({ request: request({ url: 'https://api.example.com/v1/other' }) }));
    const seen: string[] = [];
    const out = harToExchanges(doc, {
      partner: 'acme',
      redact: (e) => {
        seen.push(e.request.path);
        return { ...e, request: { ...e.request, headers: { authorization: 'REDACTED' } }, redactions: [{ at: '/request/headers/authorization', rule: 'header', placeholder: 'REDACTED' }] };
      },
    });
    expect(seen).toEqual(['/v1/items', '/v1/other']);
    expect(out.map((e) => e.redactions.length)).toEqual([1, 1]);
    expect(out[1]!.request.headers).toEqual({ authorization: 'REDACTED' });
  });

  it('refuses what an exchange cannot hold, naming the entry field', () => {
    const ftp = inputError(() => harToExchanges(har(entry(), entry({ request: request({ url: 'ftp://files.example.com/a' }) })), { partner: 'acme', file: 'f.har' }));
    expect(ftp.message).toBe('f.har at /log/entries/1/request/url: is not an absolute http or https URL');
    const status = inputError(() => harToExchanges(har(entry({ response: response({ status: 42 }) })), { partner: 'acme', file: 'f.har' }));
    expect(status.pointer).toBe('/log/entries/0/response/status');
    const method = inputError(() => harToExchanges(har(entry({ request: request({ method: 'GET /x' }) })), { partner: 'acme' }));
    expect(method.pointer).toBe('/log/entries/0/request/method');
    const timing = inputError(() => harToExchanges(har(entry({ timings: { send: -5, wait: 1, receive: 1 } })), { partner: 'acme', file: 'f.har' }));
    expect(timing.message).toBe('f.har at /log/entries/0: cannot be stored as an exchange: /timings/send must be >= -1');
  });
});

function exchange(over: Partial<UnnamedExchange> = {}): UnnamedExchange {
  return {
    seam: 1,
    partner: 'acme',
    direction: 'outbound',
    recordedAt: '2024-05-01T10:00:00.000Z',
    durationMs: 20,
    request: { method: 'GET', origin: 'https://api.example.com', path: '/v1/items', query: {}, headers: {} },
    response: { status: 200, statusText: 'OK', headers: {} },
    redactions: [],
    ...over,
  };
}

describe('exchangesToHar', () => {
  it('writes a HAR 1.2 document that parses and validates, the same bytes every time', () => {
    const list = [exchange(), exchange({ response: { error: { code: 'ECONNRESET', message: 'socket hang up' } } })];
    const text = serializeHar(exchangesToHar(list, { creator: { name: 'seam', version: '9.9.9' } }));
    expect(text.endsWith('}\n')).toBe(true);
    expect(serializeHar(exchangesToHar(list, { creator: { name: 'seam', version: '9.9.9' } }))).toBe(text);
    const back = parseHar(text, 'out.har');
    expect(back.log.version).toBe('1.2');
    expect(back.log.creator).toEqual({ name: 'seam', version: '9.9.9' });
    expect(back.log.entries).toHaveLength(2);
  });

  it('builds the URL from origin, path and query (default origin http://localhost)', () => {
    const [withQuery, noOrigin] = exchangesToHar([
      exchange({ request: { method: 'GET', origin: 'https://api.example.com', path: '/v1/a%20b', query: { ids: ['1', '2'], q: 'x y&z', at: '2024-01-01T00:00:00Z' }, headers: {} } }),
      exchange({ request: { method: 'GET', path: '/health', query: {}, headers: {} } }),
    ]).log.entries;
    expect(withQuery!.request.url).toBe('https://api.example.com/v1/a%20b?ids=1&ids=2&q=x%20y%26z&at=2024-01-01T00:00:00Z');
    expect(withQuery!.request.queryString).toEqual([
      { name: 'ids', value: '1' },
      { name: 'ids', value: '2' },
      { name: 'q', value: 'x y&z' },
      { name: 'at', value: '2024-01-01T00:00:00Z' },
    ]);
    expect(noOrigin!.request.url).toBe('http://localhost/health');
  });

  it('expands repeated headers and derives cookies from cookie and set-cookie', () => {
    const [e] = exchangesToHar([
      exchange({
        request: { method: 'GET', origin: 'https://api.example.com', path: '/', query: {}, headers: { cookie: 'sid=abc; theme=dark', 'x-a': ['1', '2'] } },
        response: {
          status: 200,
          headers: { 'set-cookie': ['sid=def; Path=/; Domain=example.com; Expires=Wed, 21 Oct 2026 07:28:00 GMT; HttpOnly; Secure', 'lang=en'] },
        },
      }),
    ]).log.entries;
    expect(e!.request.headers).toEqual([
      { name: 'cookie', value: 'sid=abc; theme=dark' },
      { name: 'x-a', value: '1' },
      { name: 'x-a', value: '2' },
    ]);
    expect(e!.request.cookies).toEqual([
      { name: 'sid', value: 'abc' },
      { name: 'theme', value: 'dark' },
    ]);
    expect(e!.response.cookies).toEqual([
      { name: 'sid', value: 'def', path: '/', domain: 'example.com', expires: '2026-10-21T07:28:00.000Z', httpOnly: true, secure: true },
      { name: 'lang', value: 'en' },
    ]);
    expect(e!.response.statusText).toBe('');
  });

  it('writes bodies: form as params and text, JSON as text, binary as base64', () => {
    const [form, binary] = exchangesToHar([
      exchange({
        request: { method: 'POST', path: '/pay', query: {}, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: { form: { a: '1', b: ['x', 'y z'] } } },
        response: { status: 201, headers: { 'content-type': 'application/json' }, body: { json: { id: 'ch_1', amount: 5 } } },
      }),
      exchange({
        response: { status: 200, headers: { 'content-encoding': 'gzip' }, body: { base64: 'AAEC/w==', contentType: 'image/png' } },
      }),
    ]).log.entries;
    expect(form!.request.postData).toEqual({
      mimeType: 'application/x-www-form-urlencoded',
      params: [
        { name: 'a', value: '1' },
        { name: 'b', value: 'x' },
        { name: 'b', value: 'y z' },
      ],
      text: 'a=1&b=x&b=y+z',
    });
    expect(form!.request.bodySize).toBe(13);
    expect(form!.response.content).toEqual({ size: 24, mimeType: 'application/json', text: '{"id":"ch_1","amount":5}' });
    expect(form!.response.bodySize).toBe(24);
    expect(binary!.response.content).toEqual({ size: 4, mimeType: 'image/png', text: 'AAEC/w==', encoding: 'base64' });
    // Size on the wire is unknown once decoded.
    expect(binary!.response.bodySize).toBe(-1);
  });

  it('writes failures as status 0 with _error, and timings from the exchange or its duration', () => {
    const [failed, timed] = exchangesToHar([
      exchange({ durationMs: 30_000, response: { error: { code: 'ETIMEDOUT', message: 'partner did not answer in 30000 ms' } } }),
      exchange({ timings: { dns: 1, connect: 2, send: 0.5, wait: 15, receive: 1.5 } }),
    ]).log.entries;
    expect(failed!.response).toMatchObject({ status: 0, headers: [], _error: 'partner did not answer in 30000 ms', _errorCode: 'ETIMEDOUT' });
    expect(failed!.timings).toEqual({ send: 0, wait: 30_000, receive: 0 });
    expect(timed!.timings).toEqual({ dns: 1, connect: 2, send: 0.5, wait: 15, receive: 1.5 });
    // And back: the failure keeps its code and message.
    const [again] = harToExchanges(exchangesToHar([exchange({ response: { error: { code: 'ETIMEDOUT', message: 'late' } } })]), { partner: 'acme' });
    expect(again!.response).toEqual({ error: { code: 'ETIMEDOUT', message: 'late' } });
  });

  it('round-trips an exchange through HAR unchanged (inbound direction included)', () => {
    const original = exchange({
      direction: 'inbound',
      timings: { send: 1, wait: 2, receive: 3 },
      request: {
        method: 'POST',
        origin: 'http://127.0.0.1:9000',
        path: '/hooks/stripe',
        query: { v: '2' },
        headers: { 'content-type': 'application/json', 'stripe-signature': 't=1,v1=abc' },
        body: { json: { id: 'evt_1', type: 'charge.succeeded' } },
      },
      response: { status: 200, statusText: 'OK', headers: { 'content-type': 'text/plain' }, body: { text: 'ok' } },
    });
    const [back] = harToExchanges(parseHar(serializeHar(exchangesToHar([original])), 'x.har'), { partner: 'acme' });
    expect(back).toEqual(original);
  });
});
