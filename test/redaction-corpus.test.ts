// The redaction corpus: 40+ seeded secrets and personal data across headers, query, JSON, form and
// text bodies, requests and responses. Unredacted, `seam scan` (the real CLI) finds every one where
// it was put; redacted by one redactor and written by SessionWriter, none of them is left anywhere
// in the files, each got one placeholder wherever it appeared, and `seam scan` is clean.
import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SessionWriter } from '../src/exchange/store.js';
import type { Exchange } from '../src/exchange/types.js';
import { createRedactor } from '../src/record/redaction/index.js';
import { corpusExchanges, secretCorpus, SEEDS, storedForms, type SeedName } from './support/secret-corpus.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SEAM = join(ROOT, 'bin', 'seam.js');

function seam(args: string[], cwd: string): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [SEAM, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) out.push(join(entry.parentPath, entry.name));
  }
  return out.sort();
}

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'seam-corpus-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('the secret corpus', () => {
  const corpus = secretCorpus();
  const expected = corpus.flatMap((c) => c.expected);

  it('seeds at least 30 distinct values, each placed somewhere', () => {
    const values = Object.values(SEEDS);
    expect(new Set(values).size).toBe(values.length);
    expect(values.length).toBeGreaterThanOrEqual(30);
    const placed = new Set(expected.map((e) => e.seed));
    expect(Object.keys(SEEDS).filter((k) => !placed.has(k as SeedName))).toEqual([]);
  });

  it('unredacted: seam scan finds every seeded value where it was put (exit 1)', async () => {
    const writer = await SessionWriter.open(join(tmp, 'raw'), 'acme', 'unredacted');
    const files: string[] = [];
    for (const e of corpusExchanges('acme')) files.push((await writer.write(e)).file);

    const r = seam(['scan', join(tmp, 'raw')], tmp);
    expect(r.code).toBe(1);
    const lines = new Set(r.stdout.trim().split('\n'));
    const missing = corpus.flatMap((c, i) => c.expected.map((e) => `${files[i]}:${e.at} ${e.rule}`)).filter((l) => !lines.has(l));
    expect(missing).toEqual([]);
    expect(r.stderr).toMatch(/^seam scan: \d+ findings in 7 files \(7 scanned\)/);
  });

  it('redacted: no seeded value is left in any file, each has one placeholder, and scan is clean', async () => {
    const redactor = createRedactor();
    const root = join(tmp, 'recordings');
    const writer = await SessionWriter.open(root, 'acme', 'redacted');
    const written: Exchange[] = [];
    for (const e of corpusExchanges('acme')) written.push((await writer.write(redactor.redact(e))).exchange);

    // 1. grep every file, raw bytes, for every stored form of every seeded value
    const files = await filesUnder(root);
    expect(files).toHaveLength(7);
    const leaks: string[] = [];
    for (const file of files) {
      const bytes = await readFile(file, 'utf8');
      for (const [name, value] of Object.entries(SEEDS)) {
        for (const form of storedForms(value)) if (bytes.includes(form)) leaks.push(`${name} in ${file}`);
      }
    }
    expect(leaks).toEqual([]);

    // 2. every expected place has a redaction, and a seed seen in several places shares one placeholder
    const placeholdersBySeed = new Map<SeedName, Set<string>[]>();
    corpus.forEach((c, i) => {
      for (const e of c.expected) {
        const here = new Set(written[i]!.redactions.filter((r) => r.at === e.at && r.rule === e.rule).map((r) => r.placeholder));
        expect(here.size, `${e.seed} at ${e.at}`).toBeGreaterThan(0);
        placeholdersBySeed.set(e.seed, [...(placeholdersBySeed.get(e.seed) ?? []), here]);
      }
    });
    const repeated = [...placeholdersBySeed].filter(([, sets]) => sets.length > 1);
    expect(repeated.map(([seed]) => seed).sort()).toEqual(['accessToken', 'apiKeyParam', 'customerEmail', 'googleKey', 'sessionCookie', 'webhookEmail']);
    for (const [seed, sets] of repeated) {
      const common = [...sets[0]!].filter((p) => sets.every((s) => s.has(p)));
      expect(common.length, `${seed} has one placeholder everywhere`).toBeGreaterThan(0);
    }
    // shapes survive
    const all = written.flatMap((e) => e.redactions.map((r) => r.placeholder));
    expect(all).toContain('sk_test_REDACTED_1');
    expect(all).toContain('AIza_REDACTED_1');
    expect(all).toContain('redacted-1@example.invalid');
    expect(written[0]!.request.headers.authorization).toBe('Basic REDACTED_1');

    // 3. seam scan on the redacted recordings is clean
    const r = seam(['scan', root], tmp);
    expect(r.stdout).toContain('clean');
    expect(r.code).toBe(0);
  });
});
