// A connector shipped as a container image, run through testcontainers with host networking: the
// partner base URLs in the scenario's env are 127.0.0.1 URLs, which the container reaches as the
// host does. Same evidence as processConnector: env in, stdout/stderr (the container's logs), the
// exit code, and the time limit enforced by killing the container.
import type { Connector } from './connector.js';

export interface ContainerConnectorOptions {
  /** A local image, e.g. `seam/ticket-sync:local` (scripts/containers/build-connector-image.sh). */
  image: string;
  /** Replaces the image's CMD (its ENTRYPOINT stays), e.g. `['dist/connectors/ticket-sync/main.js', '--variant', 'no-jitter']`. */
  command?: string[];
  /** Extra env, under the scenario's env. Nothing from the host's env is passed in. */
  env?: Record<string, string>;
}

/** An image as the connector: started, awaited until it exits, killed at the time limit, then removed. */
export function containerConnector(name: string, options: ContainerConnectorOptions): Connector {
  return {
    name,
    async run(context, timeLimitMs) {
      // Loaded only when a container connector runs: importing testcontainers installs a global
      // undici dispatcher, which changes how Node's own fetch reports broken responses process-wide.
      const { GenericContainer, getContainerRuntimeClient } = await import('testcontainers');
      let definition = new GenericContainer(options.image).withNetworkMode('host').withEnvironment({ ...options.env, ...context.env });
      if (options.command !== undefined) definition = definition.withCommand(options.command);
      const started = await definition.start();
      try {
        const client = await getContainerRuntimeClient();
        const container = client.container.getById(started.getId());
        let timedOut = false;
        const timer = setTimeout(() => {
          timedOut = true;
          // timeout 0: SIGKILL at once, as processConnector does; the wait below then returns.
          client.container.stop(container, { timeout: 0 }).catch(() => {});
        }, timeLimitMs);
        let status: { StatusCode: number };
        try {
          status = (await container.wait()) as { StatusCode: number };
        } finally {
          clearTimeout(timer);
        }
        const [stdout, stderr] = await Promise.all([
          container.logs({ follow: false, stdout: true, stderr: false }),
          container.logs({ follow: false, stdout: false, stderr: true }),
        ]);
        return { exitCode: timedOut ? null : status.StatusCode, timedOut, stdout: demuxed(stdout), stderr: demuxed(stderr) };
      } finally {
        await started.stop({ timeout: 0, remove: true });
      }
    },
  };
}

/**
 * The payload of Docker's multiplexed log format (a container without a TTY): frames of an 8-byte
 * header — stream type, three zero bytes, payload length (uint32 big-endian) — then the payload.
 */
function demuxed(buffer: Buffer): string {
  const parts: Buffer[] = [];
  let at = 0;
  while (at + 8 <= buffer.length) {
    const size = buffer.readUInt32BE(at + 4);
    parts.push(buffer.subarray(at + 8, at + 8 + size));
    at += 8 + size;
  }
  return Buffer.concat(parts).toString('utf8');
}
