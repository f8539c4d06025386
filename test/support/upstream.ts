// A real HTTP upstream on 127.0.0.1 for end-to-end tests, and a raw client that sees exactly the
// bytes on the wire (no automatic decompression, unlike fetch).
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Upstream {
  url: string;
  port: number;
  server: http.Server;
  close(): Promise<void>;
}

/** Start `handler` on 127.0.0.1 on a free port. `close()` cuts every open connection. */
export async function startUpstream(handler: http.RequestListener): Promise<Upstream> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: 0, backlog: 4096 }, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** A port on 127.0.0.1 that nothing listens on (a partner that is down). */
export async function refusedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 0 }, () => resolve()));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

export interface RawResponse {
  status: number;
  statusMessage: string;
  /** As on the wire: names in their case and order, repeated ones repeated. */
  rawHeaders: string[];
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export interface RawRequestOptions {
  method?: string;
  /** An object, or a flat [name, value, …] array to keep case and order. */
  headers?: http.OutgoingHttpHeaders | string[];
  body?: Buffer | string;
  agent?: http.Agent | false;
}

/** One request with the body as raw bytes. Rejects if the connection breaks. */
export function rawRequest(url: string, options: RawRequestOptions = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: options.method ?? 'GET', headers: options.headers as http.OutgoingHttpHeaders, agent: options.agent }, (res) => {
      readAll(res).then(
        (body) =>
          resolve({ status: res.statusCode ?? 0, statusMessage: res.statusMessage ?? '', rawHeaders: res.rawHeaders, headers: res.headers, body }),
        reject,
      );
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

export function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Raw headers without the hop-by-hop ones a proxy may rewrite (connection, keep-alive). */
export function endToEndHeaders(raw: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    if (name !== 'connection' && name !== 'keep-alive') out.push(raw[i]!, raw[i + 1]!);
  }
  return out;
}
