// JSON Schema (2020-12) of an Exchange file, and its validator, compiled once.
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ErrorObject } from 'ajv';
import type { Exchange } from './types.js';

const multiMap = {
  type: 'object',
  additionalProperties: {
    anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
  },
} as const;

const body = {
  oneOf: [
    { type: 'object', required: ['json'], properties: { json: true }, additionalProperties: false },
    { type: 'object', required: ['text'], properties: { text: { type: 'string' } }, additionalProperties: false },
    { type: 'object', required: ['form'], properties: { form: multiMap }, additionalProperties: false },
    {
      type: 'object',
      required: ['base64', 'contentType'],
      properties: { base64: { type: 'string', contentEncoding: 'base64' }, contentType: { type: 'string' } },
      additionalProperties: false,
    },
    {
      type: 'object',
      required: ['omitted'],
      properties: {
        omitted: {
          type: 'object',
          required: ['bytes', 'sha256', 'contentType'],
          properties: {
            bytes: { type: 'integer', minimum: 0 },
            sha256: { type: 'string', pattern: '^[0-9a-f]{64}$' },
            contentType: { type: 'string' },
          },
          additionalProperties: false,
        },
      },
      additionalProperties: false,
    },
  ],
} as const;

const lowerCaseHeaders = { ...multiMap, propertyNames: { pattern: '^[^A-Z]*$' } } as const;

export const exchangeSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://seam.dev/schemas/exchange.json',
  title: 'Seam Exchange',
  type: 'object',
  required: ['seam', 'id', 'partner', 'direction', 'recordedAt', 'durationMs', 'request', 'response', 'redactions'],
  additionalProperties: false,
  properties: {
    seam: { const: 1 },
    id: { type: 'string', minLength: 1 },
    partner: { type: 'string', pattern: '^[a-z0-9][a-z0-9._-]*$' },
    direction: { enum: ['outbound', 'inbound'] },
    recordedAt: { type: 'string', format: 'date-time' },
    durationMs: { type: 'number', minimum: 0 },
    timings: {
      type: 'object',
      required: ['send', 'wait', 'receive'],
      additionalProperties: false,
      properties: Object.fromEntries(
        ['blocked', 'dns', 'connect', 'ssl', 'send', 'wait', 'receive'].map((k) => [k, { type: 'number', minimum: -1 }]),
      ),
    },
    request: {
      type: 'object',
      required: ['method', 'path', 'query', 'headers'],
      additionalProperties: false,
      properties: {
        method: { type: 'string', pattern: '^[A-Z][A-Z0-9_-]*$' },
        origin: { type: 'string' },
        path: { type: 'string', pattern: '^(/|\\*)' },
        query: multiMap,
        headers: lowerCaseHeaders,
        body,
      },
    },
    response: {
      oneOf: [
        {
          type: 'object',
          required: ['status', 'headers'],
          additionalProperties: false,
          properties: {
            status: { type: 'integer', minimum: 100, maximum: 999 },
            statusText: { type: 'string' },
            headers: lowerCaseHeaders,
            body,
          },
        },
        {
          type: 'object',
          required: ['error'],
          additionalProperties: false,
          properties: {
            error: {
              type: 'object',
              required: ['code', 'message'],
              additionalProperties: false,
              properties: { code: { type: 'string' }, message: { type: 'string' } },
            },
          },
        },
      ],
    },
    operation: { type: 'string' },
    tags: { type: 'array', items: { type: 'string' } },
    redactions: {
      type: 'array',
      items: {
        type: 'object',
        required: ['at', 'rule', 'placeholder'],
        additionalProperties: false,
        properties: {
          at: { type: 'string', pattern: '^(/.*)?$' },
          rule: { type: 'string' },
          placeholder: { type: 'string' },
        },
      },
    },
  },
} as const;

let compiled: ReturnType<Ajv2020['compile']> | undefined;

function validator(): ReturnType<Ajv2020['compile']> {
  if (!compiled) {
    // date-time is checked by a small format of our own, to keep ajv-formats out of the hot path.
    const ajv = new Ajv2020({ allErrors: false, strict: true, strictTypes: false });
    ajv.addFormat('date-time', { type: 'string', validate: (s: string) => !Number.isNaN(Date.parse(s)) && /T/.test(s) });
    compiled = ajv.compile(exchangeSchema);
  }
  return compiled;
}

export interface SchemaProblem {
  pointer: string;
  message: string;
}

/** The first problem that makes `value` not an Exchange, or undefined when it is one. */
export function exchangeProblem(value: unknown): SchemaProblem | undefined {
  const validate = validator();
  if (validate(value)) return undefined;
  return describe(deepest(validate.errors ?? []));
}

export function isExchange(value: unknown): value is Exchange {
  return validator()(value) === true;
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

function describe(error: ErrorObject | undefined): SchemaProblem {
  if (!error) return { pointer: '', message: 'is not a Seam exchange' };
  let pointer = error.instancePath;
  let message = error.message ?? 'is invalid';
  if (error.keyword === 'required') {
    const missing = (error.params as { missingProperty: string }).missingProperty;
    message = `missing required property "${missing}"`;
  } else if (error.keyword === 'additionalProperties') {
    const extra = (error.params as { additionalProperty: string }).additionalProperty;
    pointer = `${pointer}/${extra.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    message = 'is not an allowed property';
  } else if (error.keyword === 'enum' || error.keyword === 'const') {
    message = `${message} (${JSON.stringify((error.params as { allowedValues?: unknown; allowedValue?: unknown }).allowedValues ?? (error.params as { allowedValue?: unknown }).allowedValue)})`;
  }
  return { pointer, message };
}
