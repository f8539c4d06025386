// The HAR 1.2 JSON Schema and its validator, compiled once.
//
// Re-expressed from the har-schema package (ahmadnassri/har-schema lib/*.json at
// c01b2e49edc33cd2cd22c980c57681be57bbb1f6, ISC licence: "Copyright (c) 2015, Ahmad Nassri
// <ahmad@ahmadnassri.com>. Permission to use, copy, modify, and/or distribute this software for
// any purpose with or without fee is hereby granted, provided that the above copyright notice and
// this permission notice appear in all copies."), the schema har-validator uses. One schema with
// `definitions` instead of eighteen files; draft-06 keywords only, so the default (draft-07) Ajv
// reads it unchanged. Deliberate differences, each because real HAR writers need it:
//   - content.size and content.mimeType are optional: Chrome DevTools writes `content: {}` for
//     failed (status 0) requests and protocol upgrades (101).
//   - serverIPAddress may be bracketed (`[::1]`), as Chrome writes IPv6 addresses.
//   - postData.params is an array of {name, value?, fileName?, contentType?} (the original put the
//     object keywords on the array itself, where they check nothing).
//   - the non-standard keywords `optional`, `min` and `unique` are left out (no validator reads them).
import { isIP } from 'node:net';
import { Ajv } from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';

// The har-schema date pattern (deliberately unanchored at the end, as in the original).
const DATE = '^(\\d{4})(-)?(\\d\\d)(-)?(\\d\\d)(T)?(\\d\\d)(:)?(\\d\\d)(:)?(\\d\\d)(\\.\\d+)?(Z|([+-])(\\d\\d)(:)?(\\d\\d))?';
const DATE_WITH_ZONE = '^(\\d{4})(-)?(\\d\\d)(-)?(\\d\\d)(T)?(\\d\\d)(:)?(\\d\\d)(:)?(\\d\\d)(\\.\\d+)?(Z|([+-])(\\d\\d)(:)?(\\d\\d))';

const str = { type: 'string' } as const;
const comment = { comment: str } as const;
const nameValue = {
  type: 'object',
  required: ['name', 'value'],
  properties: { name: str, value: str, ...comment },
} as const;
const cacheEntry = {
  type: 'object',
  required: ['lastAccess', 'eTag', 'hitCount'],
  properties: {
    expires: { type: 'string', pattern: DATE },
    lastAccess: { type: 'string', pattern: DATE },
    eTag: str,
    hitCount: { type: 'integer' },
    ...comment,
  },
} as const;
const nameVersion = {
  type: 'object',
  required: ['name', 'version'],
  properties: { name: str, version: str, ...comment },
} as const;
const timing = { type: 'number' } as const;

export const harSchema = {
  $id: 'https://seam.dev/schemas/har-1.2.json',
  title: 'HAR 1.2',
  type: 'object',
  required: ['log'],
  properties: { log: { $ref: '#/definitions/log' } },
  definitions: {
    log: {
      type: 'object',
      required: ['version', 'creator', 'entries'],
      properties: {
        version: str,
        creator: { $ref: '#/definitions/creator' },
        browser: { $ref: '#/definitions/browser' },
        pages: { type: 'array', items: { $ref: '#/definitions/page' } },
        entries: { type: 'array', items: { $ref: '#/definitions/entry' } },
        ...comment,
      },
    },
    creator: nameVersion,
    browser: nameVersion,
    page: {
      type: 'object',
      required: ['startedDateTime', 'id', 'title', 'pageTimings'],
      properties: {
        startedDateTime: { type: 'string', format: 'date-time', pattern: DATE_WITH_ZONE },
        id: str,
        title: str,
        pageTimings: { $ref: '#/definitions/pageTimings' },
        ...comment,
      },
    },
    pageTimings: {
      type: 'object',
      properties: { onContentLoad: timing, onLoad: timing, ...comment },
    },
    entry: {
      type: 'object',
      required: ['startedDateTime', 'time', 'request', 'response', 'cache', 'timings'],
      properties: {
        pageref: str,
        startedDateTime: { type: 'string', format: 'date-time', pattern: DATE_WITH_ZONE },
        time: { type: 'number' },
        request: { $ref: '#/definitions/request' },
        response: { $ref: '#/definitions/response' },
        cache: { $ref: '#/definitions/cache' },
        timings: { $ref: '#/definitions/timings' },
        serverIPAddress: { type: 'string', format: 'ip-address' },
        connection: str,
        ...comment,
      },
    },
    request: {
      type: 'object',
      required: ['method', 'url', 'httpVersion', 'cookies', 'headers', 'queryString', 'headersSize', 'bodySize'],
      properties: {
        method: str,
        url: { type: 'string', format: 'uri' },
        httpVersion: str,
        cookies: { type: 'array', items: { $ref: '#/definitions/cookie' } },
        headers: { type: 'array', items: { $ref: '#/definitions/header' } },
        queryString: { type: 'array', items: { $ref: '#/definitions/query' } },
        postData: { $ref: '#/definitions/postData' },
        headersSize: { type: 'integer' },
        bodySize: { type: 'integer' },
        ...comment,
      },
    },
    response: {
      type: 'object',
      required: ['status', 'statusText', 'httpVersion', 'cookies', 'headers', 'content', 'redirectURL', 'headersSize', 'bodySize'],
      properties: {
        status: { type: 'integer' },
        statusText: str,
        httpVersion: str,
        cookies: { type: 'array', items: { $ref: '#/definitions/cookie' } },
        headers: { type: 'array', items: { $ref: '#/definitions/header' } },
        content: { $ref: '#/definitions/content' },
        redirectURL: str,
        headersSize: { type: 'integer' },
        bodySize: { type: 'integer' },
        ...comment,
      },
    },
    cookie: {
      type: 'object',
      required: ['name', 'value'],
      properties: {
        name: str,
        value: str,
        path: str,
        domain: str,
        expires: { type: ['string', 'null'], format: 'date-time' },
        httpOnly: { type: 'boolean' },
        secure: { type: 'boolean' },
        ...comment,
      },
    },
    header: nameValue,
    query: nameValue,
    postData: {
      type: 'object',
      required: ['mimeType'],
      properties: {
        mimeType: str,
        text: str,
        params: {
          type: 'array',
          items: {
            type: 'object',
            required: ['name'],
            properties: { name: str, value: str, fileName: str, contentType: str, ...comment },
          },
        },
        ...comment,
      },
    },
    content: {
      type: 'object',
      properties: {
        size: { type: 'integer' },
        compression: { type: 'integer' },
        mimeType: str,
        text: str,
        encoding: str,
        ...comment,
      },
    },
    cache: {
      type: 'object',
      properties: {
        beforeRequest: { oneOf: [{ type: 'null' }, { $ref: '#/definitions/beforeRequest' }] },
        afterRequest: { oneOf: [{ type: 'null' }, { $ref: '#/definitions/afterRequest' }] },
        ...comment,
      },
    },
    beforeRequest: cacheEntry,
    afterRequest: cacheEntry,
    timings: {
      type: 'object',
      required: ['send', 'wait', 'receive'],
      properties: {
        dns: timing,
        connect: timing,
        blocked: timing,
        send: timing,
        wait: timing,
        receive: timing,
        ssl: timing,
        ...comment,
      },
    },
  },
} as const;

// RFC 3339 date-time (what ajv-formats' "date-time" checks), kept local to avoid its CJS interop.
const DATE_TIME = /^\d{4}-\d\d-\d\d[Tt ]\d\d:\d\d:\d\d(\.\d+)?([Zz]|[+-]\d\d(:?\d\d)?)$/;
// An absolute URI: a scheme, then anything without spaces or controls.
const URI = /^[A-Za-z][A-Za-z0-9+.-]*:[^\s\u0000-\u001f]*$/;

let compiled: ValidateFunction | undefined;

function validator(): ValidateFunction {
  if (!compiled) {
    const ajv = new Ajv({ allErrors: false, strict: true, strictTypes: false });
    ajv.addFormat('date-time', { type: 'string', validate: (s: string) => DATE_TIME.test(s) && !Number.isNaN(Date.parse(s)) });
    ajv.addFormat('uri', { type: 'string', validate: (s: string) => URI.test(s) });
    ajv.addFormat('ip-address', { type: 'string', validate: (s: string) => isIP(s.replace(/^\[(.*)\]$/, '$1')) !== 0 });
    compiled = ajv.compile(harSchema);
  }
  return compiled;
}

export interface HarProblem {
  /** JSON pointer to the offending value ('' = the document). */
  pointer: string;
  message: string;
}

/** The first problem that makes `value` not a HAR 1.2 document, or undefined when it is one. */
export function harProblem(value: unknown): HarProblem | undefined {
  const validate = validator();
  if (validate(value)) return undefined;
  return describe(deepest(validate.errors ?? []));
}

// With allErrors off ajv stops at the first failing keyword; a oneOf (cache) also lists its
// branches' errors, of which the deepest says most.
function deepest(errors: ErrorObject[]): ErrorObject | undefined {
  let best: ErrorObject | undefined;
  for (const e of errors) {
    if (e.keyword === 'oneOf' || e.keyword === 'anyOf') continue;
    if (!best || e.instancePath.length > best.instancePath.length) best = e;
  }
  return best ?? errors[0];
}

function describe(error: ErrorObject | undefined): HarProblem {
  if (!error) return { pointer: '', message: 'is not a HAR 1.2 document' };
  const pointer = error.instancePath;
  switch (error.keyword) {
    case 'required':
      return { pointer, message: `missing required property "${(error.params as { missingProperty: string }).missingProperty}"` };
    case 'type':
      return { pointer, message: `must be ${(error.params as { type: string | string[] }).type.toString().replace(',', ' or ')}` };
    case 'format':
      return { pointer, message: `is not a valid ${(error.params as { format: string }).format}` };
    case 'pattern':
      return { pointer, message: 'is not a HAR date-time (e.g. 2024-01-31T12:00:00.000Z)' };
    default:
      return { pointer, message: error.message ?? 'is invalid' };
  }
}
