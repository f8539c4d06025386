import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { DecodeError, decodeContent, parseContentEncoding, storedBody } from './codecs.js';

const TEXT = Buffer.from('{"hello":"world","n":[1,2,3]}');

describe('parseContentEncoding', () => {
  it('lists codings in the order applied, lower-cased, identity dropped', () => {
    expect(parseContentEncoding('gzip, BR')).toEqual(['gzip', 'br']);
    expect(parseContentEncoding(['gzip', 'identity'])).toEqual(['gzip']);
    expect(parseContentEncoding(undefined)).toEqual([]);
    expect(parseContentEncoding(' , identity')).toEqual([]);
  });
});

describe('decodeContent', () => {
  it.each([
    ['gzip', gzipSync(TEXT)],
    ['x-gzip', gzipSync(TEXT)],
    ['br', brotliCompressSync(TEXT)],
    ['deflate', deflateSync(TEXT)],
    ['deflate', deflateRawSync(TEXT)], // raw deflate sent as "deflate"
    ['gzip, br', brotliCompressSync(gzipSync(TEXT))],
    ['deflate, gzip', gzipSync(deflateSync(TEXT))],
    ['identity', TEXT],
  ])('%s', async (coding, bytes) => {
    expect((await decodeContent(bytes, coding)).equals(TEXT)).toBe(true);
  });

  it('decodes concatenated gzip members', async () => {
    const two = Buffer.concat([gzipSync('ab'), gzipSync('cd')]);
    expect((await decodeContent(two, 'gzip')).toString()).toBe('abcd');
  });

  it('rejects an unknown coding, corrupt data and a truncated stream with DecodeError', async () => {
    await expect(decodeContent(TEXT, 'zstd')).rejects.toThrow(new DecodeError('unsupported content-encoding "zstd"'));
    await expect(decodeContent(Buffer.from('nope'), 'gzip')).rejects.toBeInstanceOf(DecodeError);
    const gz = gzipSync(TEXT);
    await expect(decodeContent(gz.subarray(0, gz.length - 8), 'gzip')).rejects.toBeInstanceOf(DecodeError);
  });

  it('refuses to inflate beyond maxOutputBytes', async () => {
    const bomb = gzipSync(Buffer.alloc(1_000_000));
    await expect(decodeContent(bomb, 'gzip', { maxOutputBytes: 1000 })).rejects.toBeInstanceOf(DecodeError);
  });
});

describe('storedBody', () => {
  it('types the decoded body', async () => {
    expect(await storedBody(gzipSync(TEXT), { contentType: 'application/json', contentEncoding: 'gzip' })).toEqual({
      json: { hello: 'world', n: [1, 2, 3] },
    });
    expect(await storedBody(Buffer.from('a=1&a=2'), { contentType: 'application/x-www-form-urlencoded', contentEncoding: undefined })).toEqual({
      form: { a: ['1', '2'] },
    });
  });

  it('keeps an undecodable body as base64 of the raw bytes', async () => {
    const raw = Buffer.from('plain text that claims to be brotli');
    expect(await storedBody(raw, { contentType: 'text/plain', contentEncoding: 'br' })).toEqual({
      base64: raw.toString('base64'),
      contentType: 'text/plain',
    });
    expect(await storedBody(raw, { contentType: undefined, contentEncoding: 'compress' })).toEqual({
      base64: raw.toString('base64'),
      contentType: 'application/octet-stream',
    });
  });

  it('a body decoding beyond the cap is omitted, described by its bytes as they travelled', async () => {
    const raw = gzipSync(Buffer.alloc(100_000, 'a'));
    const body = await storedBody(raw, { contentType: 'text/plain', contentEncoding: 'gzip', maxBytes: 10_000 });
    expect(body).toEqual({ omitted: { bytes: raw.length, sha256: expect.stringMatching(/^[0-9a-f]{64}$/), contentType: 'text/plain' } });
  });

  it('an empty body is no body', async () => {
    expect(await storedBody(Buffer.alloc(0), { contentType: 'application/json', contentEncoding: 'gzip' })).toBeUndefined();
  });
});
