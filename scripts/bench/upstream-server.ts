// A fake partner for benchmarks: plain Node `http` on 127.0.0.1 serving a realistic ~5 KB JSON
// page of customers. Meant to run in its own process (forked with an IPC channel) so that the
// load generator, the proxy and the upstream never share an event loop.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const FIRST = ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Donald', 'Margaret', 'Ken', 'Frances', 'John', 'Radia', 'Leslie', 'Hedy', 'Niklaus'];
const LAST = ['Lovelace', 'Hopper', 'Turing', 'Dijkstra', 'Liskov', 'Knuth', 'Hamilton', 'Thompson', 'Allen', 'Backus', 'Perlman', 'Lamport', 'Lamarr', 'Wirth'];
const CITY = ['London', 'Arlington', 'Wilmslow', 'Rotterdam', 'Los Angeles', 'Milwaukee', 'Paoli', 'New Orleans', 'Lowell', 'Philadelphia', 'Portsmouth', 'New York', 'Vienna', 'Winterthur'];

/** A page of customer-like objects, deterministic, with the personal data a real partner returns (emails, phones). */
export function customersPage(count: number): unknown {
  const data = [];
  for (let i = 0; i < count; i += 1) {
    const first = FIRST[i % FIRST.length] ?? 'Ada';
    const last = LAST[i % LAST.length] ?? 'Lovelace';
    data.push({
      id: `cus_${(0x1f2e3d4c + i * 7919).toString(36).padStart(14, '0')}`,
      object: 'customer',
      created: 1_700_000_000 + i * 86_400,
      name: `${first} ${last}`,
      email: `${first.toLowerCase()}.${last.toLowerCase()}@example.com`,
      phone: `+44 20 7946 0${String(100 + i).padStart(3, '0')}`,
      address: { line1: `${10 + i} High Street`, line2: null, city: CITY[i % CITY.length] ?? 'London', postal_code: `EC${i + 1}A 1BB`, country: 'GB' },
      balance: (i * 1234) % 10_000 - 2_500,
      currency: i % 3 === 0 ? 'eur' : 'gbp',
      delinquent: i % 5 === 0,
      livemode: false,
      tax_exempt: 'none',
      metadata: { crm_id: `CRM-${4000 + i}`, segment: i % 2 === 0 ? 'smb' : 'enterprise' },
    });
  }
  return { object: 'list', url: '/v1/customers', has_more: true, data };
}

/** The response body, sized to about `targetBytes` by choosing the number of customers. */
export function customersBody(targetBytes = 5 * 1024): Buffer {
  let count = 1;
  let body = Buffer.from(JSON.stringify(customersPage(count)));
  while (body.length < targetBytes) {
    count += 1;
    body = Buffer.from(JSON.stringify(customersPage(count)));
  }
  return body;
}

/** Starts the upstream: every request gets 200 and the same JSON body (precomputed, so the upstream stays cheap). */
export async function startUpstream(port = 0, bodyBytes = 5 * 1024): Promise<{ server: Server; port: number; bodyLength: number }> {
  const body = customersBody(bodyBytes);
  const headers = { 'content-type': 'application/json; charset=utf-8', 'content-length': String(body.length), 'request-id': 'req_bench' };
  const server = createServer((req, res) => {
    // Drain any request body before answering, as a real server would.
    req.resume();
    req.on('end', () => {
      res.writeHead(200, headers);
      res.end(body);
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return { server, port: (server.address() as AddressInfo).port, bodyLength: body.length };
}

// As a forked child: start, report the port over IPC, answer CPU-usage queries, exit on 'stop'.
if (process.send !== undefined && process.argv[1] !== undefined && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  const bodyBytes = Number(process.env.SEAM_BENCH_BODY_BYTES ?? 5 * 1024);
  const { server, port, bodyLength } = await startUpstream(0, bodyBytes);
  process.on('message', (message: { type?: string }) => {
    if (message.type === 'cpu') process.send?.({ type: 'cpu', usage: process.cpuUsage(), maxRssKiB: process.resourceUsage().maxRSS });
    if (message.type === 'stop') {
      server.closeAllConnections();
      server.close(() => process.exit(0));
    }
  });
  process.on('disconnect', () => process.exit(0));
  process.send({ type: 'ready', port, bodyLength });
}
