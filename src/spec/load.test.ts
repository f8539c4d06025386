import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exitCodeFor, InputError } from '../errors.js';
import { deref, loadSpec, operations, webhooks } from './index.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'seam-spec-load-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function put(name: string, text: string): Promise<string> {
  const file = path.join(dir, name);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, text);
  return file;
}

async function loadError(file: string): Promise<InputError> {
  const error = await loadSpec(file).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(InputError);
  expect(exitCodeFor(error)).toBe(2);
  return error as InputError;
}

const info = { title: 't', version: '1' };

describe('loadSpec: parsing and versions', () => {
  it('detects 2.0, 3.0 and 3.1 from JSON and YAML', async () => {
    const a = await loadSpec(await put('v2.yaml', 'swagger: "2.0"\ninfo: {title: t, version: "1"}\npaths: {}\n'));
    const b = await loadSpec(await put('v30.json', JSON.stringify({ openapi: '3.0.3', info, paths: {} })));
    const c = await loadSpec(await put('v31.yaml', 'openapi: 3.1.0\ninfo: {title: t, version: "1"}\n'));
    expect([a.version, b.version, c.version]).toEqual(['2.0', '3.0', '3.1']);
    expect(b.versionString).toBe('3.0.3');
    expect(a.file).toBe(path.join(dir, 'v2.yaml'));
  });

  it('names the file and line:col of a YAML syntax error', async () => {
    const file = await put('bad.yaml', 'openapi: 3.0.0\ninfo:\n  title: [unclosed\n  version: 1\n');
    const error = await loadError(file);
    expect(error.file).toBe(file);
    expect(error.pointer).toMatch(/^\d+:\d+$/);
    expect(error.message).toContain(`${file} at ${error.pointer}: invalid YAML`);
  });

  it('names the file and line:col of a JSON syntax error', async () => {
    const file = await put('bad.json', '{\n  "openapi": "3.0.0",\n  "info" {}\n}\n');
    const error = await loadError(file);
    expect(error.file).toBe(file);
    expect(error.pointer).toBe('3:10');
    expect(error.message).toMatch(/invalid JSON/);
  });

  it('rejects a document that is not OpenAPI 2.0 / 3.0 / 3.1, pointing at /openapi', async () => {
    const v4 = await loadError(await put('v4.json', JSON.stringify({ openapi: '4.0.0', info, paths: {} })));
    expect(v4.pointer).toBe('/openapi');
    expect(v4.message).toContain('unsupported OpenAPI version "4.0.0"');
    const none = await loadError(await put('none.json', JSON.stringify({ resources: {} })));
    expect(none.pointer).toBe('/openapi');
    expect(none.message).toContain('no `openapi` (3.x) or `swagger` (2.0) field');
    const sw = await loadError(await put('sw.json', JSON.stringify({ swagger: '1.2' })));
    expect(sw.pointer).toBe('/swagger');
    const missing = await loadError(path.join(dir, 'does-not-exist.yaml'));
    expect(missing.message).toContain('cannot read the spec (ENOENT)');
  });

  it('loads a 3.1 spec with webhooks and no paths; webhooks are listed apart from operations', async () => {
    const spec = await loadSpec(
      await put(
        'hooks.yaml',
        [
          'openapi: 3.1.0',
          'info: {title: t, version: "1"}',
          'webhooks:',
          '  payment.created:',
          '    post:',
          '      requestBody:',
          '        content:',
          '          application/json:',
          '            schema: {$ref: "#/components/schemas/Event"}',
          '      responses:',
          '        "200": {description: ok}',
          'components:',
          '  schemas:',
          '    Event: {type: object, properties: {type: {type: [string, "null"]}}}',
        ].join('\n'),
      ),
    );
    expect(operations(spec)).toEqual([]);
    const [hook] = webhooks(spec);
    expect(hook).toMatchObject({ id: 'POST payment.created', pathTemplate: 'payment.created', webhook: 'payment.created', method: 'POST' });
    expect(hook?.requestBody?.content[0]?.mediaType).toBe('application/json');
  });
});

describe('loadSpec: $refs', () => {
  it('loads circular internal refs and follows them lazily with deref', async () => {
    const spec = await loadSpec(
      await put(
        'circular.json',
        JSON.stringify({
          openapi: '3.0.0',
          info,
          paths: {},
          components: {
            schemas: {
              Customer: { type: 'object', properties: { sub: { $ref: '#/components/schemas/Subscription' } } },
              Subscription: { type: 'object', properties: { customer: { $ref: '#/components/schemas/Customer' } } },
              'a/b': { type: 'string' },
              Alias: { $ref: '#/components/schemas/a~1b' },
            },
          },
        }),
      ),
    );
    const start = { file: spec.file, pointer: '/x' };
    const sub = deref(spec, { $ref: '#/components/schemas/Subscription' }, start);
    expect(sub.at.pointer).toBe('/components/schemas/Subscription');
    const back = deref(spec, (sub.value as { properties: { customer: unknown } }).properties.customer, sub.at);
    expect(back.value).toBe((spec.document.components as { schemas: { Customer: unknown } }).schemas.Customer);
    // A chain of refs is followed to the end; `~1` is `/`.
    expect(deref(spec, { $ref: '#/components/schemas/Alias' }, start)).toEqual({
      value: { type: 'string' },
      at: { file: spec.file, pointer: '/components/schemas/a~1b' },
    });
  });

  it('reads external refs relative to the file that holds them, and chains of them', async () => {
    await put('ext/schemas/pet.yaml', 'Pet:\n  type: object\n  properties:\n    owner: {$ref: "../people.yaml#/Person"}\n');
    await put('ext/people.yaml', 'Person: {type: object, properties: {name: {type: string}}}\n');
    const file = await put(
      'ext/api.yaml',
      [
        'openapi: 3.0.0',
        'info: {title: t, version: "1"}',
        'paths:',
        '  /pets/{id}:',
        '    get:',
        '      responses:',
        '        "200":',
        '          description: ok',
        '          content:',
        '            application/json:',
        '              schema: {$ref: "schemas/pet.yaml#/Pet"}',
      ].join('\n'),
    );
    const spec = await loadSpec(file);
    expect([...spec.documents.keys()].sort()).toEqual(
      [file, path.join(dir, 'ext/schemas/pet.yaml'), path.join(dir, 'ext/people.yaml')].sort(),
    );
    const [op] = operations(spec);
    const media = op?.responses[0]?.content[0];
    const pet = deref(spec, media?.schema, media!.schemaAt!);
    expect(pet.at).toEqual({ file: path.join(dir, 'ext/schemas/pet.yaml'), pointer: '/Pet' });
    const owner = deref(spec, (pet.value as { properties: { owner: unknown } }).properties.owner, pet.at);
    expect(owner.value).toEqual({ type: 'object', properties: { name: { type: 'string' } } });
  });

  it('an external ref that cannot be read is an InputError naming the ref and where it stands', async () => {
    const file = await put(
      'missing-ext.json',
      JSON.stringify({
        openapi: '3.0.0',
        info,
        paths: {},
        components: { schemas: { X: { $ref: 'nowhere/other.yaml#/components/schemas/X' } } },
      }),
    );
    const error = await loadError(file);
    expect(error.file).toBe(file);
    expect(error.pointer).toBe('/components/schemas/X');
    expect(error.message).toContain('$ref "nowhere/other.yaml#/components/schemas/X" cannot be read (ENOENT');
    expect(error.message).toContain(path.join(dir, 'nowhere/other.yaml'));
  });

  it('a remote ref is an error naming it, without touching the network', async () => {
    const file = await put(
      'remote.json',
      JSON.stringify({ openapi: '3.1.0', info, components: { schemas: { X: { $ref: 'https://example.test/s.json#/X' } } } }),
    );
    const error = await loadError(file);
    expect(error.pointer).toBe('/components/schemas/X');
    expect(error.message).toContain('$ref "https://example.test/s.json#/X" is remote');
  });

  it('a ref to nothing is an error naming it, in an external document too', async () => {
    await put('dangling/other.yaml', 'A: {$ref: "#/Missing"}\n');
    const file = await put(
      'dangling/api.json',
      JSON.stringify({ openapi: '3.0.0', info, paths: {}, components: { schemas: { A: { $ref: 'other.yaml#/A' } } } }),
    );
    const error = await loadError(file);
    expect(error.file).toBe(path.join(dir, 'dangling/other.yaml'));
    expect(error.pointer).toBe('/A');
    expect(error.message).toContain('$ref "#/Missing" points at nothing');
  });

  it('a loop of refs (A → B → A) is an error from deref, not a hang', async () => {
    const spec = await loadSpec(
      await put(
        'loop.json',
        JSON.stringify({ openapi: '3.0.0', info, paths: {}, components: { schemas: { A: { $ref: '#/components/schemas/B' }, B: { $ref: '#/components/schemas/A' } } } }),
      ),
    );
    expect(() => deref(spec, { $ref: '#/components/schemas/A' }, { file: spec.file, pointer: '' })).toThrow(/is a loop of refs/);
  });

  it('does not take a `$ref` inside an example for a reference', async () => {
    const spec = await loadSpec(
      await put(
        'example-ref.json',
        JSON.stringify({
          openapi: '3.0.0',
          info,
          paths: {},
          components: { schemas: { A: { type: 'object', example: { $ref: 'not/a/file.json' } } } },
        }),
      ),
    );
    expect(spec.documents.size).toBe(1);
  });
});
