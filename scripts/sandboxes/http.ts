// The little HTTP plumbing both sandboxes share: start on 127.0.0.1, read a body, answer JSON.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Sandbox {
  url: string;
  close(): Promise<void>;
}

export interface Answer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type Handler = (req: IncomingMessage, url: URL, body: string) => Answer;

export async function serve(handler: Handler, port = 0): Promise<Sandbox> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://sandbox.invalid');
      let answer: Answer;
      try {
        answer = handler(req, url, Buffer.concat(chunks).toString('utf8'));
      } catch (error) {
        answer = { status: 500, body: apiError('internal', error instanceof Error ? error.message : String(error)) };
      }
      send(res, answer);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${bound}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

function send(res: ServerResponse, answer: Answer): void {
  const headers: Record<string, string> = { ...answer.headers };
  let payload = '';
  if (answer.body !== undefined) {
    payload = `${JSON.stringify(answer.body)}\n`;
    headers['content-type'] = 'application/json';
  }
  res.writeHead(answer.status, headers);
  res.end(payload);
}

export function apiError(code: string, message: string, extra: Record<string, unknown> = {}): { error: Record<string, unknown> } {
  return { error: { code, message, ...extra } };
}

export function bearer(req: IncomingMessage): string | undefined {
  const match = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '');
  return match?.[1];
}

/** `node dist/scripts/sandboxes/x.js [port]`: start, print the URL, run until Ctrl-C. */
export async function runStandalone(name: string, start: (port: number) => Promise<Sandbox>, note: string): Promise<void> {
  const port = Number(process.argv[2] ?? 0);
  const sandbox = await start(Number.isInteger(port) ? port : 0);
  process.stdout.write(`${name} sandbox listening on ${sandbox.url}\n${note}\nCtrl-C to stop\n`);
  await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
  await sandbox.close();
}
