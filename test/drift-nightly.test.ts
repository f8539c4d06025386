// `seam drift nightly` (what scripts/nightly-drift.sh runs) through the built CLI: every partner
// with drift.baseUrl in seam.config is replayed; the reports land under --out with a summary;
// exit 0 when the partner only changed ids, 1 when it removed a field, 2 when nothing is configured.
import { createServer, type Server } from 'node:http';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serializeExchange } from '../src/exchange/canonical.js';
import { exchangeFileName } from '../src/exchange/store.js';
import type { Exchange } from '../src/exchange/types.js';
import { runSeam } from './support/run-seam.js';

let work: string;
let server: Server;
let removeField = false;
let served = 0;

function exchange(seq: number, id: string): Exchange {
  return {
    seam: 1,
    id: `s1/${exchangeFileName(seq, 'GET', `/v1/things/${id}`).replace(/\.json$/, '')}`,
    partner: 'acme',
    direction: 'outbound',
    recordedAt: `2026-11-2${seq}T10:00:00.000Z`,
    durationMs: 3,
    request: { method: 'GET', path: `/v1/things/${id}`, query: {}, headers: {} },
    response: { status: 200, headers: { 'content-type': 'application/json' }, body: { json: { id, object: 'thing', name: `Thing ${seq}`, created: 1_700_000_000 + seq } } },
    redactions: [],
  };
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'seam-drift-nightly-'));
  const session = join(work, 'recordings', 'acme', 's1');
  await mkdir(session, { recursive: true });
  for (const [seq, id] of [[1, 'th_9f8e7d6c5b4a'], [2, 'th_1a2b3c4d5e6f']] as const) {
    await writeFile(join(session, exchangeFileName(seq, 'GET', `/v1/things/${id}`)), serializeExchange(exchange(seq, id)));
  }
  server = createServer((req, res) => {
    served += 1;
    const id = req.url!.split('/').pop()!;
    const body: Record<string, unknown> = { id, object: 'thing', name: 'Thing renamed', created: 1_800_000_000 };
    if (removeField) delete body.name;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  await writeFile(join(work, 'seam.config.json'), JSON.stringify({ partners: { acme: { drift: { baseUrl: url, rate: 50 } } } }));
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await rm(work, { recursive: true, force: true });
});

describe('seam drift nightly', () => {
  it('replays every configured partner, keeps the reports, and fails only on a breaking change', async () => {
    const ok = await runSeam(['drift', 'nightly', '--out', 'out'], work);
    expect(ok.stderr).toContain('acme live: ok');
    expect(ok.code).toBe(0);
    expect(served).toBe(2);
    expect(JSON.parse(await readFile(join(work, 'out', 'acme-live.json'), 'utf8'))).toMatchObject({ findings: [] });
    expect(await readFile(join(work, 'out', 'summary.md'), 'utf8')).toContain('| acme | live | ok | `acme-live.json` |');

    removeField = true;
    const broken = await runSeam(['drift', 'nightly', '--out', 'out'], work);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain('acme live: findings at or above breaking');
    const report = JSON.parse(await readFile(join(work, 'out', 'acme-live.json'), 'utf8')) as { findings: { check: string; severity: string; field?: string }[] };
    expect(report.findings).toContainEqual(expect.objectContaining({ check: 'live-field-removed', severity: 'breaking', field: '$.name' }));
  }, 60_000);

  it('exits 2 when no partner is configured', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'seam-drift-none-'));
    try {
      const r = await runSeam(['drift', 'nightly'], empty);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('no partner has drift.baseUrl in seam.config');
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });
});
