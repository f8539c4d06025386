// Matcher inference on samples whose ids, timestamps and cursors vary: the exact trees.
import { describe, expect, it } from 'vitest';
import { inferMatchers, inferParams, REGEX, restrictTo } from './infer-matchers.js';
import type { Json } from './infer-matchers.js';

describe('inferMatchers', () => {
  it('types what varies, recognises ids, timestamps, emails and URLs, keeps the rest literal', () => {
    const samples: Json[] = [
      { id: 'cus_Z1x2C3v4', object: 'customer', created: '2026-11-22T07:59:00Z', balance: 350, rate: 0.5, name: 'Alan', live: false, next: 'eyJwIjozfQ' },
      { id: 'cus_A1b2C3d4', object: 'customer', created: '2026-11-20T09:59:58+01:00', balance: 1200, rate: 1.25, name: 'Ada', live: true, next: 'eyJwIjoxfQ' },
    ];
    expect(inferMatchers(samples)).toEqual({
      match: 'object',
      fields: {
        id: { match: 'regex', regex: '^cus_[A-Za-z0-9]+$', example: 'cus_Z1x2C3v4' },
        object: { match: 'literal', value: 'customer' },
        created: { match: 'datetime', format: "yyyy-MM-dd'T'HH:mm:ssXXX", example: '2026-11-22T07:59:00Z' },
        balance: { match: 'integer', example: 350 },
        rate: { match: 'decimal', example: 0.5 },
        name: { match: 'type', example: 'Alan' },
        live: { match: 'type', example: false },
        next: { match: 'type', example: 'eyJwIjozfQ' },
      },
    });
  });

  it('gives shaped strings their matcher even when they never vary', () => {
    const one: Json[] = [
      {
        uuid: '0b5c8f3e-9a4d-4c1e-8f2a-1d2e3f4a5b6c',
        sid: 'AC0123456789abcdef0123456789abcdef',
        email: 'ada@example.com',
        url: 'https://pay.example.com/r/1',
        day: '2026-11-22',
        at: '2026-11-22 07:59:00.123456',
        big: '1234567',
        small: '12',
      },
    ];
    expect(inferMatchers(one)).toEqual({
      match: 'object',
      fields: {
        uuid: { match: 'regex', regex: REGEX.uuid, example: '0b5c8f3e-9a4d-4c1e-8f2a-1d2e3f4a5b6c' },
        sid: { match: 'regex', regex: '^AC[0-9a-fA-F]{32}$', example: 'AC0123456789abcdef0123456789abcdef' },
        email: { match: 'regex', regex: REGEX.email, example: 'ada@example.com' },
        url: { match: 'regex', regex: REGEX.url, example: 'https://pay.example.com/r/1' },
        day: { match: 'date', format: 'yyyy-MM-dd', example: '2026-11-22' },
        at: { match: 'datetime', format: 'yyyy-MM-dd HH:mm:ss.SSSSSS', example: '2026-11-22 07:59:00.123456' },
        big: { match: 'regex', regex: REGEX.digits, example: '1234567' },
        small: { match: 'literal', value: '12' },
      },
    });
  });

  it('widens to a family when shapes differ: timestamps with different precision, ids with different prefixes', () => {
    expect(inferMatchers(['2026-11-22T07:59:00.5Z', '2026-11-22T07:59:00.123Z'])).toEqual({ match: 'regex', regex: REGEX.isoDateTime, example: '2026-11-22T07:59:00.5Z' });
    expect(inferMatchers(['card_1Abc', 'src_9Xyz'])).toEqual({ match: 'regex', regex: REGEX.prefixedId, example: 'card_1Abc' });
    expect(inferMatchers(['cus_1Abc', 'hello'])).toEqual({ match: 'type', example: 'cus_1Abc' });
    expect(inferMatchers([1, 2.5])).toEqual({ match: 'number', example: 1 });
  });

  it('leaves out fields missing from some samples, sometimes null, or of changing type; keeps always-null ones', () => {
    const samples: Json[] = [
      { a: 1, phone: '+44', note: null, gone: null, mixed: 'x' },
      { a: 1, note: 'n/a', gone: null, mixed: 2 },
    ];
    expect(inferMatchers(samples)).toEqual({
      match: 'object',
      fields: { a: { match: 'literal', value: 1 }, gone: { match: 'literal', value: null } },
    });
  });

  it('makes arrays eachLike with the smallest observed length and an item merged from every item', () => {
    const page = (ids: string[]): Json => ({ data: ids.map((id, i) => ({ id, object: 'customer', n: i })) });
    expect(inferMatchers([page(['cus_1Ab', 'cus_2Bc']), page(['cus_3Cd', 'cus_4De', 'cus_5Ef'])])).toEqual({
      match: 'object',
      fields: {
        data: {
          match: 'eachLike',
          min: 2,
          item: {
            match: 'object',
            fields: {
              id: { match: 'regex', regex: '^cus_[A-Za-z0-9]+$', example: 'cus_1Ab' },
              object: { match: 'literal', value: 'customer' },
              n: { match: 'integer', example: 0 },
            },
          },
        },
      },
    });
    expect(inferMatchers([[], ['a']])).toEqual({ match: 'eachLike', min: 0, item: { match: 'literal', value: 'a' } });
    expect(inferMatchers([[], []])).toEqual({ match: 'literal', value: [] });
  });
});

describe('inferParams', () => {
  it('matches a cursor that varies, keeps a constant limit, drops a parameter some samples lack', () => {
    expect(inferParams([{ limit: '10', starting_after: 'cus_1A', page: 'eyJwIjoxfQ', expand: ['data.a', 'data.b'] }, { limit: '10', page: 'eyJwIjoyfQ', expand: ['data.a', 'data.b'] }])).toEqual({
      expand: { match: 'eachLike', min: 2, item: { match: 'type', example: 'data.a' } },
      limit: { match: 'literal', value: '10' },
      page: { match: 'type', example: 'eyJwIjoxfQ' },
    });
  });
});

describe('restrictTo', () => {
  it('drops what the tree leaves out, through objects and array items', () => {
    const samples: Json[] = [{ a: 1, extra: true, items: [{ id: 'x_1A', tmp: 1 }] }, { a: 2, items: [{ id: 'x_2B' }] }];
    expect(restrictTo(samples[0]!, inferMatchers(samples))).toEqual({ a: 1, items: [{ id: 'x_1A' }] });
  });
});
