// One Node server kind for scripts/bench/mock-throughput, in its own process (forked with an IPC
// channel) so the load generator never shares its event loop:
// - `ceiling` (SEAM_MOCK_KIND=ceiling): plain Node `http` and a Map from method + path to canned
//   bytes — the least routing a hand-written server needs for these 20 routes: split off the
//   query, look the path up, else look up its prefix for the `/{id}` routes, drain any request
//   body, write the bytes. No matching of queries, headers or bodies, no journal.
// - `embedded` (SEAM_MOCK_KIND=embedded): Seam's embedded engine with the bench stubs, journal on
//   at its default limit (SEAM_MOCK_JOURNAL_LIMIT overrides it).
// Replies 'ready' { port, listenMs }, answers 'stats' { rssKiB, maxRssKiB, journal }, exits on 'stop'.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { startEmbedded, type EmbeddedEngine } from '../../src/engines/embedded.js';
import { benchStubs, cannedRoutes, type CannedRoute } from './mock-stubs.js';

const kind = process.env.SEAM_MOCK_KIND;
if (process.send === undefined || (kind !== 'ceiling' && kind !== 'embedded')) {
  process.stderr.write('mock-host: run by mock-throughput.js (needs an IPC channel and SEAM_MOCK_KIND=ceiling|embedded)\n');
  process.exit(2);
}

const NOT_FOUND = Buffer.from('{"error":"not found"}');

async function startCeiling(): Promise<{ port: number; close(): Promise<void> }> {
  const exact = new Map<string, CannedRoute>();
  const byPrefix = new Map<string, CannedRoute>();
  for (const route of cannedRoutes()) (route.templated ? byPrefix : exact).set(`${route.method} ${route.key}`, route);
  const send = (res: ServerResponse, route: CannedRoute | undefined): void => {
    if (route === undefined) {
      res.writeHead(404, ['content-type', 'application/json', 'content-length', String(NOT_FOUND.length)]);
      res.end(NOT_FOUND);
      return;
    }
    res.writeHead(route.status, route.headers);
    res.end(route.body);
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = req.url!;
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    const method = req.method!;
    const route = exact.get(`${method} ${path}`) ?? byPrefix.get(`${method} ${path.slice(0, path.lastIndexOf('/'))}`);
    const h = req.headers;
    if (h['transfer-encoding'] === undefined && (h['content-length'] === undefined || h['content-length'] === '0')) {
      send(res, route);
      return;
    }
    req.resume();
    req.on('end', () => send(res, route));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const t0 = performance.now();
let engine: EmbeddedEngine | undefined;
let hosted: { port: number; close(): Promise<void> };
if (kind === 'embedded') {
  const limit = process.env.SEAM_MOCK_JOURNAL_LIMIT;
  engine = await startEmbedded({ stubs: benchStubs(), ...(limit !== undefined ? { journalLimit: Number(limit) } : {}) });
  hosted = { port: engine.port, close: () => engine!.close() };
} else {
  hosted = await startCeiling();
}
const listenMs = performance.now() - t0;

process.on('message', (message: { type?: string }) => {
  if (message.type === 'stats') {
    process.send?.({ type: 'stats', rssKiB: Math.round(process.memoryUsage.rss() / 1024), maxRssKiB: process.resourceUsage().maxRSS, journal: engine?.stats() });
  } else if (message.type === 'stop') {
    void hosted.close().finally(() => process.send?.({ type: 'stopped' }, () => process.exit(0)));
  }
});
process.on('disconnect', () => process.exit(0));
process.send({ type: 'ready', port: hosted.port, listenMs, embeddedStartupMs: engine?.startupMs });
