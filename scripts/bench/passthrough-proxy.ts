// A bare Node reverse proxy (http.createServer → http.request with a keep-alive Agent, piped both
// ways, nothing recorded): the floor any Node proxy hop costs. record-overhead --passthrough runs
// it as a third mode, so the report separates the cost of the hop from the cost of recording.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export async function startPassthrough(target: string): Promise<{ server: http.Server; url: string }> {
  const upstream = new URL(target);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 2048, maxFreeSockets: 256, scheduling: 'lifo' });
  const server = http.createServer((req, res) => {
    const headers: Record<string, string | string[] | undefined> = { ...req.headers, host: upstream.host };
    delete headers.connection;
    const upReq = http.request({ hostname: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers, agent }, (upRes) => {
      res.writeHead(upRes.statusCode ?? 502, upRes.headers);
      upRes.pipe(res);
    });
    upReq.on('error', () => {
      if (!res.headersSent) res.writeHead(502).end();
      else res.destroy();
    });
    req.pipe(upReq);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}
