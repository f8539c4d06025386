import { describe, expect, it } from 'vitest';
import { bodyBytes, typeBody } from './body.js';

describe('typeBody', () => {
  it('stores JSON as JSON, forms as forms, text as text, the rest as base64', () => {
    expect(typeBody(Buffer.from('{"a":1,"b":[true]}'), 'application/json; charset=utf-8')).toEqual({ json: { a: 1, b: [true] } });
    expect(typeBody(Buffer.from('{"a":1}'), 'application/vnd.api+json')).toEqual({ json: { a: 1 } });
    expect(typeBody(Buffer.from('a=1&b=2&a=3'), 'application/x-www-form-urlencoded')).toEqual({ form: { a: ['1', '3'], b: '2' } });
    expect(typeBody(Buffer.from('hello'), 'text/plain')).toEqual({ text: 'hello' });
    expect(typeBody(Buffer.from('<a/>'), 'application/soap+xml')).toEqual({ text: '<a/>' });
    expect(typeBody(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0xff]), 'image/png')).toEqual({ base64: 'iVBOR/8=', contentType: 'image/png' });
    expect(typeBody(Buffer.alloc(0), 'application/json')).toBeUndefined();
  });

  it('keeps what would not survive the round trip as text', () => {
    expect(typeBody(Buffer.from('{not json'), 'application/json')).toEqual({ text: '{not json' });
    // a 64-bit id would be rounded by JSON.parse
    expect(typeBody(Buffer.from('{"id":12345678901234567890}'), 'application/json')).toEqual({ text: '{"id":12345678901234567890}' });
    expect(typeBody(Buffer.from('a=%zz&b=x+y%21'), 'application/x-www-form-urlencoded')).toEqual({ form: { a: '%zz', b: 'x y!' } });
  });

  it('records size and digest instead of a body above the cap', () => {
    expect(typeBody(Buffer.from('abcdef'), 'text/plain', { maxBytes: 5 })).toEqual({
      omitted: { bytes: 6, sha256: 'bef57ec7f53a6d40beb640a780a639c83bc29ac8a9816f1fc6c5c6dcd93c4721', contentType: 'text/plain' },
    });
  });

  it('turns a stored body back into bytes', () => {
    expect(bodyBytes({ form: { a: ['1', '3'], b: 'x y' } }).toString()).toBe('a=1&a=3&b=x+y');
    expect(bodyBytes({ base64: 'iVBOR/8=', contentType: 'image/png' })).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0xff]));
    expect(bodyBytes(undefined).length).toBe(0);
  });
});
