// seam.config.json | seam.config.yaml: per-partner redaction rules and the scan allow-list.
// Checked once at load (JSON Schema + every regex compiled), so a typo is an exit 2 naming the
// file and the JSON pointer, never a rule silently ignored.
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { parseDocument } from 'yaml';
import { InputError } from '../errors.js';
import type { RedactionRules } from '../record/redaction/index.js';
import { compileAllowEntry } from '../record/redaction/detectors.js';

export interface SeamConfig {
  /** Applied to every partner. */
  redact?: RedactionRules;
  partners?: Record<string, { redact?: RedactionRules; drift?: DriftSettings }>;
  scan?: { allow?: string[] };
}

/** A partner the nightly drift job checks (`seam drift nightly`). */
export interface DriftSettings {
  /** The live or sandbox base URL to replay recorded requests against. */
  baseUrl: string;
  /** Requests per second at most (default 5). */
  rate?: number;
  /** Replay writes too (sandboxes only). */
  allowWrites?: boolean;
  /** A newer spec to diff the one under contracts/<partner>/ against (e.g. fetched by the job before it runs). */
  nextSpec?: string;
}

export const CONFIG_FILE_NAMES = ['seam.config.json', 'seam.config.yaml', 'seam.config.yml'] as const;

const names = { type: 'array', items: { type: 'string', minLength: 1 } } as const;

const rulesSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    headers: names,
    params: names,
    jsonKeys: names,
    jsonPaths: { type: 'array', items: { type: 'string', pattern: '^(/.*)?$' } },
    patterns: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'regex'],
        additionalProperties: false,
        properties: {
          id: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]*$' },
          regex: { type: 'string', minLength: 1 },
          flags: { type: 'string', pattern: '^[imsu]*$' },
        },
      },
    },
    keep: names,
    keepValues: { type: 'array', items: { type: 'string' } },
  },
} as const;

export const configSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://seam.dev/schemas/config.json',
  title: 'Seam configuration',
  type: 'object',
  additionalProperties: false,
  properties: {
    $schema: { type: 'string' },
    redact: rulesSchema,
    partners: {
      type: 'object',
      propertyNames: { pattern: '^[a-z0-9][a-z0-9._-]*$' },
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        properties: {
          redact: rulesSchema,
          drift: {
            type: 'object',
            additionalProperties: false,
            required: ['baseUrl'],
            properties: {
              baseUrl: { type: 'string', pattern: '^https?://' },
              rate: { type: 'number', exclusiveMinimum: 0 },
              allowWrites: { type: 'boolean' },
              nextSpec: { type: 'string', minLength: 1 },
            },
          },
        },
      },
    },
    scan: {
      type: 'object',
      additionalProperties: false,
      properties: { allow: { type: 'array', items: { type: 'string', minLength: 1 } } },
    },
  },
} as const;

let validate: ValidateFunction | undefined;

function validator(): ValidateFunction {
  validate ??= new Ajv2020({ allErrors: false, strict: true }).compile(configSchema);
  return validate;
}

function escape(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

function describe(error: ErrorObject): { pointer: string; message: string } {
  let pointer = error.instancePath;
  let message = error.message ?? 'is invalid';
  const propertyName = (error as ErrorObject & { propertyName?: string }).propertyName;
  if (error.keyword === 'additionalProperties') {
    const extra = (error.params as { additionalProperty: string }).additionalProperty;
    pointer = `${pointer}/${escape(extra)}`;
    message = 'is not a known setting';
  } else if (propertyName !== undefined) {
    pointer = `${pointer}/${escape(propertyName)}`;
    message = 'is not a valid partner name (lower-case letters, digits, ".", "_", "-")';
  } else if (error.keyword === 'required') {
    message = `missing required property "${(error.params as { missingProperty: string }).missingProperty}"`;
  }
  return { pointer: pointer || '/', message };
}

function lineCol(text: string, position: number): string {
  const before = text.slice(0, position);
  const line = before.split('\n').length;
  const col = position - before.lastIndexOf('\n');
  return `${line}:${col}`;
}

// Where a parse error is, as line:col (JSON.parse says so only on some Node versions; the YAML
// parser, a JSON superset, finds the same spot otherwise).
function errorPlace(text: string, message: string): string | undefined {
  const lc = /line (\d+) column (\d+)/.exec(message);
  if (lc) return `${lc[1]}:${lc[2]}`;
  const pos = /position (\d+)/.exec(message);
  if (pos) return lineCol(text, Number(pos[1]));
  const at = parseDocument(text, { prettyErrors: false }).errors[0]?.pos[0];
  return at === undefined ? undefined : lineCol(text, at);
}

function parse(text: string, file: string): unknown {
  if (/\.json$/i.test(file)) {
    try {
      return JSON.parse(text);
    } catch (error) {
      const message = (error as Error).message.split('\n')[0]!;
      const place = errorPlace(text, message);
      throw new InputError(`not valid JSON (${message})`, { file, ...(place ? { pointer: place } : {}) });
    }
  }
  const doc = parseDocument(text, { prettyErrors: false });
  const error = doc.errors[0];
  if (error) {
    throw new InputError(`not valid YAML (${error.message.split('\n')[0]})`, { file, pointer: lineCol(text, error.pos[0]) });
  }
  return doc.toJS();
}

function checkRules(rules: RedactionRules | undefined, base: string, file: string): void {
  rules?.patterns?.forEach((p, i) => {
    try {
      new RegExp(p.regex, p.flags ?? '');
    } catch (error) {
      throw new InputError(`not a valid regular expression (${(error as Error).message})`, { file, pointer: `${base}/patterns/${i}/regex` });
    }
  });
}

/** Check a parsed config; InputError names `file` and the JSON pointer of the first problem. */
export function checkConfig(value: unknown, file: string): SeamConfig {
  // An empty YAML file is an empty config.
  if (value === null || value === undefined) return {};
  const check = validator();
  if (!check(value)) {
    const { pointer, message } = describe(check.errors![0]!);
    throw new InputError(message, { file, pointer });
  }
  const config = value as SeamConfig;
  checkRules(config.redact, '/redact', file);
  for (const [partner, entry] of Object.entries(config.partners ?? {})) checkRules(entry.redact, `/partners/${escape(partner)}/redact`, file);
  config.scan?.allow?.forEach((entry, i) => {
    try {
      compileAllowEntry(entry);
    } catch (error) {
      throw new InputError(`not a valid regular expression (${(error as Error).message})`, { file, pointer: `/scan/allow/${i}` });
    }
  });
  return config;
}

/** Load the config from `file`, or seam.config.{json,yaml,yml} in `cwd`; none → {}. Bad config → InputError. */
export async function loadConfig(options: { file?: string; cwd?: string } = {}): Promise<SeamConfig> {
  const cwd = options.cwd ?? '.';
  const candidates = options.file !== undefined ? [options.file] : CONFIG_FILE_NAMES.map((n) => (options.cwd === undefined ? n : join(cwd, n)));
  for (const file of candidates) {
    let text: string;
    try {
      text = await readFile(options.file !== undefined ? resolve(cwd, file) : file, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (options.file === undefined && code === 'ENOENT') continue;
      throw new InputError(code === 'ENOENT' ? 'config file not found' : `cannot read config (${(error as Error).message})`, { file });
    }
    return checkConfig(parse(text, file), file);
  }
  return {};
}

/** The global rules merged with the partner's own: lists are joined, never replaced. */
export function redactionRulesFor(config: SeamConfig, partner: string): RedactionRules {
  const global = config.redact ?? {};
  const own = config.partners?.[partner]?.redact ?? {};
  const out: RedactionRules = {};
  for (const key of ['headers', 'params', 'jsonKeys', 'jsonPaths', 'keep', 'keepValues'] as const) {
    const list = [...(global[key] ?? []), ...(own[key] ?? [])];
    if (list.length > 0) out[key] = [...new Set(list)];
  }
  const patterns = [...(global.patterns ?? []), ...(own.patterns ?? [])];
  if (patterns.length > 0) out.patterns = patterns;
  return out;
}
