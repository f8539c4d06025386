import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InputError } from '../errors.js';
import { loadConfig, redactionRulesFor } from './config.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'seam-config-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function failure(promise: Promise<unknown>): Promise<InputError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error('expected an InputError');
}

describe('loadConfig', () => {
  it('no config file → {}', async () => {
    expect(await loadConfig({ cwd: dir })).toEqual({});
  });

  it('reads seam.config.json from the directory', async () => {
    await writeFile(join(dir, 'seam.config.json'), JSON.stringify({ redact: { headers: ['x-partner-session'] }, scan: { allow: ['/^demo-/'] } }));
    expect(await loadConfig({ cwd: dir })).toEqual({ redact: { headers: ['x-partner-session'] }, scan: { allow: ['/^demo-/'] } });
  });

  it('reads seam.config.yaml', async () => {
    await writeFile(
      join(dir, 'seam.config.yaml'),
      'partners:\n  stripe:\n    redact:\n      jsonPaths: ["/customers/*/address"]\n      patterns:\n        - id: acct\n          regex: "acct_[A-Za-z0-9]+"\n',
    );
    expect(await loadConfig({ cwd: dir })).toEqual({
      partners: { stripe: { redact: { jsonPaths: ['/customers/*/address'], patterns: [{ id: 'acct', regex: 'acct_[A-Za-z0-9]+' }] } } },
    });
  });

  it('an explicit file that does not exist is an error', async () => {
    const e = await failure(loadConfig({ cwd: dir, file: 'nope.json' }));
    expect(e.file).toBe('nope.json');
    expect(e.message).toContain('not found');
  });

  it('JSON that does not parse names the file and line:col', async () => {
    await writeFile(join(dir, 'seam.config.json'), '{\n  "redact": {\n    "headers": [,]\n  }\n}\n');
    const e = await failure(loadConfig({ cwd: dir }));
    expect(e.file).toBe(join(dir, 'seam.config.json'));
    expect(e.pointer).toMatch(/^3:\d+$/);
  });

  it('YAML that does not parse names the file and line:col', async () => {
    await writeFile(join(dir, 'c.yml'), 'redact:\n  headers: [a, b\n');
    const e = await failure(loadConfig({ cwd: dir, file: 'c.yml' }));
    expect(e.file).toBe('c.yml');
    expect(e.pointer).toMatch(/^\d+:\d+$/);
    expect(e.message).toContain('not valid YAML');
  });

  const invalid: [string, unknown, string, string][] = [
    ['an unknown top-level key', { redaction: {} }, '/redaction', 'not a known setting'],
    ['an unknown rule key', { redact: { headerz: ['a'] } }, '/redact/headerz', 'not a known setting'],
    ['a wrong type', { partners: { stripe: { redact: { headers: [1] } } } }, '/partners/stripe/redact/headers/0', 'must be string'],
    ['a bad partner name', { partners: { 'Bad Name': {} } }, '/partners/Bad Name', 'partner name'],
    ['a pattern without regex', { redact: { patterns: [{ id: 'x' }] } }, '/redact/patterns/0', 'missing required property "regex"'],
    ['a regex that does not compile', { redact: { patterns: [{ id: 'x', regex: '(' }] } }, '/redact/patterns/0/regex', 'regular expression'],
    ['an allow-list regex that does not compile', { scan: { allow: ['ok', '/[/'] } }, '/scan/allow/1', 'regular expression'],
  ];
  for (const [what, value, pointer, message] of invalid) {
    it(`${what} → InputError at ${pointer}`, async () => {
      await writeFile(join(dir, 'seam.config.json'), JSON.stringify(value));
      const e = await failure(loadConfig({ cwd: dir }));
      expect(e.pointer).toBe(pointer);
      expect(e.message).toContain(message);
      expect(e.message).toContain('seam.config.json');
    });
  }
});

describe('redactionRulesFor', () => {
  it('joins the global and the partner lists', () => {
    const config = {
      redact: { headers: ['x-a'], keep: ['k'], patterns: [{ id: 'g', regex: 'g' }] },
      partners: { stripe: { redact: { headers: ['x-b', 'x-a'], patterns: [{ id: 's', regex: 's' }] } } },
    };
    expect(redactionRulesFor(config, 'stripe')).toEqual({
      headers: ['x-a', 'x-b'],
      keep: ['k'],
      patterns: [
        { id: 'g', regex: 'g' },
        { id: 's', regex: 's' },
      ],
    });
    expect(redactionRulesFor(config, 'other')).toEqual({ headers: ['x-a'], keep: ['k'], patterns: [{ id: 'g', regex: 'g' }] });
  });
});
