// sampleFor: exact values for each keyword it covers, and every sample validated with ajv against the
// schema as ajvDocuments converts it (3.0 nullable and boolean exclusive bounds, 3.1 type arrays).
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { ajvDocuments, uriOf } from '../spec/index.js';
import type { LoadedSpec, SpecVersion } from '../spec/index.js';
import { fitsSchema, fromPattern, sampleFromSpec, specResolver } from './sample.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => void;
const FILE = '/virtual/spec.json';

function specOf(schemas: Record<string, unknown>, version: SpecVersion = '3.0'): LoadedSpec {
  const document = { openapi: version === '3.1' ? '3.1.0' : '3.0.3', info: { title: 't', version: '1' }, paths: {}, components: { schemas } };
  return { file: FILE, version, versionString: document.openapi, document, documents: new Map([[FILE, document]]) };
}

/** The sample of components.schemas[name], asserted valid with ajv. */
function sampleOf(spec: LoadedSpec, name: string): unknown {
  const at = { file: FILE, pointer: `/components/schemas/${name}` };
  const value = sampleFromSpec(spec, { $ref: `#/components/schemas/${name}` }, { file: FILE, pointer: '' });
  const ajv = new Ajv2020({ strict: false, allErrors: true, logger: false });
  addFormats(ajv);
  for (const doc of ajvDocuments(spec)) ajv.addSchema(doc);
  const validate = ajv.compile({ $ref: uriOf(at) });
  expect(validate(value), `${name}: ${JSON.stringify(value)} ${JSON.stringify(validate.errors)}`).toBe(true);
  return value;
}

describe('sampleFor', () => {
  it('covers types, formats and bounds with fixed values', () => {
    const spec = specOf({
      Scalars: {
        type: 'object',
        required: ['s', 'i', 'n', 'b', 'when', 'day', 'mail', 'uid', 'link', 'unix', 'short', 'long', 'min', 'exMin', 'mult', 'neg'],
        properties: {
          s: { type: 'string' },
          i: { type: 'integer' },
          n: { type: 'number' },
          b: { type: 'boolean' },
          when: { type: 'string', format: 'date-time' },
          day: { type: 'string', format: 'date' },
          mail: { type: 'string', format: 'email' },
          uid: { type: 'string', format: 'uuid' },
          link: { type: 'string', format: 'uri' },
          unix: { type: 'integer', format: 'unix-time' },
          short: { type: 'string', maxLength: 3 },
          long: { type: 'string', minLength: 10 },
          min: { type: 'integer', minimum: 5 },
          exMin: { type: 'integer', minimum: 5, exclusiveMinimum: true },
          mult: { type: 'number', minimum: 1, multipleOf: 0.5 },
          neg: { type: 'integer', maximum: -3 },
          optional: { type: 'string' },
        },
      },
    });
    expect(sampleOf(spec, 'Scalars')).toEqual({
      s: 'string',
      i: 0,
      n: 0,
      b: false,
      when: '2024-01-01T00:00:00Z',
      day: '2024-01-01',
      mail: 'user@example.com',
      uid: '3fa85f64-5717-4562-b3fc-2c963f66afa6',
      link: 'https://example.com',
      unix: 1704067200,
      short: 'str',
      long: 'stringxxxx',
      min: 5,
      exMin: 6,
      mult: 1,
      neg: -3,
    });
  });

  it('uses enum, const, fitting examples and defaults, and skips an example that does not fit', () => {
    const spec = specOf(
      {
        Values: {
          type: 'object',
          required: ['e', 'c', 'ex', 'bad', 'd', 'many'],
          properties: {
            e: { type: 'string', enum: ['active', 'inactive'] },
            c: { const: 'fixed' },
            ex: { type: 'string', example: 'cus_123' },
            bad: { type: 'integer', examples: ['not a number'] },
            d: { type: 'integer', default: 7 },
            many: { type: ['string', 'null'], examples: ['first', 'second'] },
          },
        },
      },
      '3.1',
    );
    expect(sampleOf(spec, 'Values')).toEqual({ e: 'active', c: 'fixed', ex: 'cus_123', bad: 0, d: 7, many: 'first' });
  });

  it('satisfies common patterns and reports a pattern it cannot satisfy through fitsSchema', () => {
    const spec = specOf({
      Patterns: {
        type: 'object',
        required: ['sid', 'ccy', 'alt', 'phone', 'hex'],
        properties: {
          sid: { type: 'string', pattern: '^AC[0-9a-fA-F]{32}$' },
          ccy: { type: 'string', pattern: '^[A-Z]{3}$' },
          alt: { type: 'string', pattern: '^(live|test)_[a-z]+$' },
          phone: { type: 'string', pattern: '^\\+?[1-9]\\d{1,14}$' },
          hex: { type: 'string', pattern: '^#(?:[0-9a-f]{3}){1,2}$', minLength: 7 },
        },
      },
    });
    expect(sampleOf(spec, 'Patterns')).toEqual({
      sid: `AC${'0'.repeat(32)}`,
      ccy: 'AAA',
      alt: 'live_a',
      phone: '10',
      hex: '#000000',
    });
    expect(fromPattern('^[^a]x{2,}$')).toBe('xxx');
    // A back-reference is beyond the generator: the fallback string does not fit, and fitsSchema says so.
    const hard = { type: 'string', pattern: '^(a)\\1b$' };
    const resolve = specResolver(spec);
    expect(fitsSchema(sampleFromSpec(spec, hard), hard, resolve)).toBe(false);
  });

  it('merges allOf, picks the oneOf branch that fits only itself, and sets the discriminator', () => {
    const spec = specOf({
      Base: { type: 'object', required: ['id'], properties: { id: { type: 'string' }, kind: { type: 'string' } } },
      Merged: { allOf: [{ $ref: '#/components/schemas/Base' }, { type: 'object', required: ['name'], properties: { name: { type: 'string', minLength: 2 } } }] },
      Card: { type: 'object', required: ['type', 'last4'], properties: { type: { type: 'string' }, last4: { type: 'string' } } },
      Bank: { type: 'object', required: ['type'], properties: { type: { type: 'string' }, iban: { type: 'string' } } },
      Method: {
        oneOf: [{ $ref: '#/components/schemas/Bank' }, { $ref: '#/components/schemas/Card' }],
        discriminator: { propertyName: 'type', mapping: { bank_account: '#/components/schemas/Bank', card: '#/components/schemas/Card' } },
      },
      Either: { oneOf: [{ type: 'object' }, { type: 'object', properties: { x: { type: 'integer' } } }] },
      Pick: { oneOf: [{ type: 'integer' }, { type: 'number', maximum: 0, example: -0.5 }] },
      AnyOf: { anyOf: [{ type: 'integer', minimum: 3 }, { type: 'string' }] },
    });
    expect(sampleOf(spec, 'Merged')).toEqual({ id: 'string', name: 'string' });
    // Bank's sample {type} also fits Card? No (Card needs last4) — so the first branch, with its mapping key.
    expect(sampleOf(spec, 'Method')).toEqual({ type: 'bank_account' });
    // Pick: the integer branch's 0 also fits the second branch, so the second branch's -0.5 is taken.
    expect(sampleOf(spec, 'Pick')).toBe(-0.5);
    // Either: {} fits both branches and so does the second branch's sample — no sample is valid
    // against the oneOf; the sampler falls back to the first branch's (the limit, documented).
    const either = sampleFromSpec(spec, { $ref: '#/components/schemas/Either' });
    expect(either).toEqual({});
    expect(fitsSchema(either, { $ref: '#/components/schemas/Either' }, specResolver(spec))).toBe(false);
    expect(sampleOf(spec, 'AnyOf')).toBe(3);
  });

  it('stops recursion: null where nullable, minItems items, a scalar branch of anyOf', () => {
    const spec = specOf({
      Customer: {
        type: 'object',
        required: ['id', 'parent', 'children', 'default_source'],
        properties: {
          id: { type: 'string' },
          parent: { nullable: true, allOf: [{ $ref: '#/components/schemas/Customer' }] },
          children: { type: 'array', items: { $ref: '#/components/schemas/Customer' } },
          default_source: { anyOf: [{ $ref: '#/components/schemas/Customer' }, { type: 'string', maxLength: 5000 }] },
        },
      },
    });
    const value = sampleOf(spec, 'Customer') as Record<string, unknown>;
    expect(value.id).toBe('string');
    expect(JSON.stringify(value).length).toBeLessThan(20_000);
    // Deterministic: the same schema gives the same value.
    expect(sampleFromSpec(spec, { $ref: '#/components/schemas/Customer' })).toEqual(value);
  });

  it('handles 3.1 type arrays, additionalProperties with minProperties, and 3.1 $ref siblings', () => {
    const spec = specOf(
      {
        Meta: { type: 'object', minProperties: 2, additionalProperties: { type: 'string', maxLength: 4 } },
        Named: { type: 'object', required: ['n'], properties: { n: { type: ['null', 'integer'], minimum: 2 } } },
        Sib: { $ref: '#/components/schemas/Named', required: ['m'], properties: { m: { type: 'string', format: 'email' } } },
        Tuple: { type: 'array', prefixItems: [{ type: 'integer' }, { type: 'string' }], minItems: 2, items: false },
      },
      '3.1',
    );
    expect(sampleOf(spec, 'Meta')).toEqual({ key1: 'stri', key2: 'stri' });
    expect(sampleOf(spec, 'Named')).toEqual({ n: 2 });
    expect(sampleOf(spec, 'Sib')).toEqual({ n: 2, m: 'user@example.com' });
    expect(sampleOf(spec, 'Tuple')).toEqual([0, 'string']);
  });
});
