// HTTP edge: `POST /webhooks/stripe` (raw body, never parsed before it is verified), `GET /state`,
// `GET /healthz`. Bodies are capped so a client cannot make the receiver buffer without bound.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from './logger.js';
import type { Reply } from './parts.js';
import type { Receiver } from './receiver.js';

export const WEBHOOK_PATH = '/webhooks/stripe';
/** Stripe events are a few KB; 1 MiB leaves room for large objects. */
export const MAX_BODY_BYTES = 1024 * 1024;

class BodyTooLarge extends Error {}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new BodyTooLarge());
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

function send(response: ServerResponse, reply: Reply): void {
  const body = JSON.stringify(reply.body);
  response.writeHead(reply.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...reply.headers });
  response.end(body);
}

export function createReceiverServer(receiver: Receiver, log: Logger): Server {
  return createServer((request, response) => {
    void route(request, response).catch((error: unknown) => {
      log.error('request.failed', { method: request.method, path: request.url, error: String(error) });
      if (!response.headersSent) send(response, { status: 500, body: { error: 'internal' } });
      else response.destroy();
    });
  });

  async function route(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = (request.url ?? '/').split('?')[0];
    if (path === WEBHOOK_PATH) {
      if (request.method !== 'POST') return send(response, { status: 405, body: { error: 'method-not-allowed' }, headers: { allow: 'POST' } });
      let raw: Buffer;
      try {
        raw = await readBody(request);
      } catch (error) {
        if (error instanceof BodyTooLarge) {
          log.warn('delivery.rejected', { reason: 'body-too-large', limit: MAX_BODY_BYTES });
          return send(response, { status: 413, body: { error: 'body-too-large' }, headers: { connection: 'close' } });
        }
        throw error;
      }
      const header = request.headers['stripe-signature'];
      return send(response, await receiver.receive(raw, Array.isArray(header) ? header.join(',') : header));
    }
    if (request.method !== 'GET') return send(response, { status: 405, body: { error: 'method-not-allowed' }, headers: { allow: 'GET' } });
    if (path === '/state') return send(response, { status: 200, body: { ...receiver.state() } });
    if (path === '/healthz') return send(response, { status: 200, body: { status: 'ok' } });
    send(response, { status: 404, body: { error: 'not-found' } });
  }
}
