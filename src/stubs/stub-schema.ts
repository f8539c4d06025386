// JSON Schema (2020-12) of a stub set as it lives on disk (`Stub[]`, mirroring stubs/types.ts),
// and its checker, compiled once. Bodies reuse the Exchange schema's body, so the two never drift.
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ErrorObject } from 'ajv';
import { InputError } from '../errors.js';
import { exchangeSchema } from '../exchange/schema.js';
import type { Stub } from './types.js';
import { FAULT_KINDS } from './types.js';

const body = exchangeSchema.properties.request.properties.body;

const multiMap = {
  type: 'object',
  additionalProperties: { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] },
} as const;

const valueMatcher = {
  oneOf: [
    { type: 'object', required: ['equals'], properties: { equals: { type: 'string' } }, additionalProperties: false },
    { type: 'object', required: ['matches'], properties: { matches: { type: 'string' } }, additionalProperties: false },
    { type: 'object', required: ['present'], properties: { present: { type: 'boolean' } }, additionalProperties: false },
  ],
} as const;

const matcherMap = { type: 'object', additionalProperties: { $ref: '#/$defs/valueMatcher' } } as const;

const delayMs = { type: 'number', minimum: 0 } as const;

export const stubSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://seam.dev/schemas/stubs.json',
  title: 'Seam stub set',
  type: 'array',
  items: { $ref: '#/$defs/stub' },
  $defs: {
    valueMatcher,
    stub: {
      type: 'object',
      required: ['id', 'request', 'replies'],
      additionalProperties: false,
      properties: {
        id: { type: 'string', minLength: 1 },
        priority: { type: 'integer' },
        request: {
          type: 'object',
          required: ['method', 'path'],
          additionalProperties: false,
          properties: {
            method: { type: 'string', pattern: '^[A-Z][A-Z0-9_-]*$' },
            path: { type: 'string', pattern: '^/' },
            query: matcherMap,
            headers: { ...matcherMap, propertyNames: { pattern: '^[^A-Z]*$' } },
            body: {
              oneOf: [
                { type: 'object', required: ['jsonSubset'], properties: { jsonSubset: true }, additionalProperties: false },
                { type: 'object', required: ['form'], properties: { form: matcherMap }, additionalProperties: false },
                {
                  type: 'object',
                  required: ['text'],
                  properties: { text: { $ref: '#/$defs/valueMatcher' } },
                  additionalProperties: false,
                },
              ],
            },
          },
        },
        replies: {
          type: 'array',
          minItems: 1,
          items: {
            oneOf: [
              {
                type: 'object',
                required: ['status'],
                additionalProperties: false,
                properties: {
                  status: { type: 'integer', minimum: 100, maximum: 999 },
                  headers: { ...multiMap, propertyNames: { pattern: '^[^A-Z]*$' } },
                  dateHeaders: { type: 'object', propertyNames: { pattern: '^[^A-Z]*$' }, additionalProperties: { type: 'integer', minimum: 0 } },
                  body,
                  delayMs,
                  echo: {
                    type: 'array',
                    items: {
                      type: 'object',
                      required: ['from', 'to'],
                      additionalProperties: false,
                      properties: {
                        from: { type: 'string', pattern: '^((path|query|header)\\.[^.].*|body(/.*)?)$' },
                        to: { type: 'string', pattern: '^(/.*)?$' },
                      },
                    },
                  },
                },
              },
              {
                type: 'object',
                required: ['fault'],
                additionalProperties: false,
                properties: { fault: { enum: [...FAULT_KINDS] }, delayMs },
              },
            ],
          },
        },
        operation: { type: 'string' },
        source: { type: 'array', items: { type: 'string' } },
      },
    },
  },
} as const;

let compiled: ReturnType<Ajv2020['compile']> | undefined;

function validator(): ReturnType<Ajv2020['compile']> {
  if (!compiled) compiled = new Ajv2020({ allErrors: false, strict: true, strictTypes: false }).compile(stubSchema);
  return compiled;
}

/** `value` as a stub set, or an InputError naming `file` and the JSON pointer of the first problem. */
export function checkStubs(value: unknown, file: string): Stub[] {
  const validate = validator();
  if (!validate(value)) {
    const error = deepest(validate.errors ?? []);
    throw new InputError(describe(error), { file, pointer: pointerOf(error) });
  }
  const stubs = value as Stub[];
  const seen = new Map<string, number>();
  stubs.forEach((stub, i) => {
    const earlier = seen.get(stub.id);
    if (earlier !== undefined) throw new InputError(`duplicate stub id "${stub.id}" (also at /${earlier}/id)`, { file, pointer: `/${i}/id` });
    seen.set(stub.id, i);
  });
  return stubs;
}

// oneOf failures report every branch; the most specific (deepest) error reads best.
function deepest(errors: ErrorObject[]): ErrorObject | undefined {
  let best: ErrorObject | undefined;
  for (const e of errors) {
    if (e.keyword === 'oneOf' || e.keyword === 'anyOf') continue;
    if (!best || e.instancePath.length > best.instancePath.length) best = e;
  }
  return best ?? errors[0];
}

function pointerOf(error: ErrorObject | undefined): string {
  if (!error) return '';
  if (error.keyword === 'additionalProperties') {
    const extra = (error.params as { additionalProperty: string }).additionalProperty;
    return `${error.instancePath}/${extra.replace(/~/g, '~0').replace(/\//g, '~1')}`;
  }
  return error.instancePath;
}

function describe(error: ErrorObject | undefined): string {
  if (!error) return 'is not a Seam stub set';
  switch (error.keyword) {
    case 'required':
      return `missing required property "${(error.params as { missingProperty: string }).missingProperty}"`;
    case 'additionalProperties':
      return 'is not an allowed property';
    case 'enum':
      return `must be one of ${JSON.stringify((error.params as { allowedValues: unknown }).allowedValues)}`;
    default:
      return error.message ?? 'is invalid';
  }
}
