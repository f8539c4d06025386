// WireMock 3 from its official image, started through testcontainers: host networking (no
// container network, no port mapping), listening on 127.0.0.1 on a port picked here, the engine's
// root dir bind-mounted read-only at /home/wiremock — so it serves the same mapping files as the
// jar does, and sees them change on disk. Stopped (and removed) through testcontainers.
import { createServer } from 'node:net';
import { GenericContainer, Wait, type StartedTestContainer } from 'testcontainers';
import { SeamError } from '../errors.js';
import { WIREMOCK_VERSION } from './wiremock-process.js';

export const WIREMOCK_IMAGE = `wiremock/wiremock:${WIREMOCK_VERSION}`;
const CONTAINER_ROOT = '/home/wiremock';

export interface WireMockContainerOptions {
  /** Bind-mounted read-only at /home/wiremock. */
  rootDir: string;
  /** 0 or absent: a free port. */
  port?: number;
  startTimeoutMs?: number;
  /** Extra WireMock options, as for the jar. */
  args?: string[];
  image?: string;
}

export interface WireMockContainer {
  readonly containerId: string;
  readonly url: string;
  /** ms from asking testcontainers for the container to an answering admin API. */
  readonly startMs: number;
  /** Stops and removes the container. Idempotent. */
  stop(graceMs?: number): Promise<void>;
}

export async function startWireMockContainer(options: WireMockContainerOptions): Promise<WireMockContainer> {
  const started = performance.now();
  const port = options.port !== undefined && options.port !== 0 ? options.port : await freePort();
  const url = `http://127.0.0.1:${port}`;
  const timeoutMs = options.startTimeoutMs ?? 60_000;
  let container: StartedTestContainer;
  try {
    container = await new GenericContainer(options.image ?? WIREMOCK_IMAGE)
      .withNetworkMode('host')
      .withBindMounts([{ source: options.rootDir, target: CONTAINER_ROOT, mode: 'ro' }])
      .withCommand([
        '--port',
        String(port),
        '--bind-address',
        '127.0.0.1',
        '--disable-banner',
        // As for the jar: serve bytes as stubbed (no gzip re-framing).
        '--disable-gzip',
        '--root-dir',
        CONTAINER_ROOT,
        ...(options.args ?? []),
      ])
      // WireMock prints `port: N` once Jetty listens; a container that exits first fails the wait.
      .withWaitStrategy(Wait.forLogMessage(/^port:\s+\d+/m))
      .withStartupTimeout(timeoutMs)
      .start();
  } catch (error) {
    throw new SeamError('internal', `WireMock container (${options.image ?? WIREMOCK_IMAGE}) did not start on ${url}: ${(error as Error).message}`);
  }
  let stopped: Promise<void> | undefined;
  const stop = (graceMs = 2000): Promise<void> =>
    (stopped ??= container.stop({ timeout: graceMs, remove: true }).then(
      () => {},
      () => {},
    ));
  try {
    await untilAnswers(`${url}/__admin/mappings`, started + timeoutMs);
  } catch (error) {
    await stop();
    throw error;
  }
  return { containerId: container.getId(), url, startMs: performance.now() - started, stop };
}

/** A port free on 127.0.0.1 right now (host networking: the container binds it itself). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

async function untilAnswers(url: string, deadline: number): Promise<void> {
  let last = '';
  while (performance.now() < deadline) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
      await response.arrayBuffer();
      if (response.ok) return;
      last = `answered ${response.status}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new SeamError('internal', `WireMock container at ${url} did not answer in time (${last})`);
}
