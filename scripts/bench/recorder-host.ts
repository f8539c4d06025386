// The recording proxy in its own process, as `seam record` runs it: forked by record-overhead.ts
// with an IPC channel. It records into SEAM_BENCH_ROOT with the default redactor, so the measured
// cost includes decoding, redaction and the atomic file write of every exchange.
// With SEAM_BENCH_PASSTHROUGH=1 it runs the bare pass-through proxy instead (nothing recorded).
import { startRecorder, type RecordSummary } from '../../src/record/proxy.js';
import { createRedactor } from '../../src/record/redaction/index.js';
import { startPassthrough } from './passthrough-proxy.js';

const target = process.env.SEAM_BENCH_TARGET;
const recordingsRoot = process.env.SEAM_BENCH_ROOT;
if (process.send === undefined || target === undefined || recordingsRoot === undefined) {
  process.stderr.write('recorder-host: run by record-overhead.js (needs an IPC channel, SEAM_BENCH_TARGET and SEAM_BENCH_ROOT)\n');
  process.exit(2);
}

interface Hosted {
  url: string;
  settled(): Promise<RecordSummary | undefined>;
  close(): Promise<RecordSummary | undefined>;
}

let errors = 0;
let firstError: string | undefined;

async function host(): Promise<Hosted> {
  if (process.env.SEAM_BENCH_PASSTHROUGH === '1') {
    const { server, url } = await startPassthrough(target!);
    return {
      url,
      settled: async () => undefined,
      close: () =>
        new Promise((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve(undefined));
        }),
    };
  }
  const recorder = await startRecorder({
    partner: 'bench',
    session: 'overhead',
    recordingsRoot: recordingsRoot!,
    target: target!,
    direction: 'outbound',
    host: '127.0.0.1',
    port: 0,
    redactor: createRedactor(),
    onError: (error: Error) => {
      errors += 1;
      firstError ??= error.message;
    },
  });
  return {
    url: recorder.url,
    settled: async () => {
      await recorder.settled();
      return recorder.summary();
    },
    close: () => recorder.close(),
  };
}

const hosted = await host();
process.on('message', (message: { type?: string }) => {
  void (async () => {
    if (message.type === 'cpu') {
      process.send?.({ type: 'cpu', usage: process.cpuUsage() });
    } else if (message.type === 'settle') {
      // Exchanges still being redacted or written when the client got its response.
      const summary = await hosted.settled();
      process.send?.({ type: 'settled', summary, errors, firstError });
    } else if (message.type === 'stop') {
      const summary = await hosted.close();
      // Peak resident memory over the whole run (KiB on Linux): the recorder's memory cost.
      process.send?.({ type: 'stopped', summary, errors, firstError, maxRssKiB: process.resourceUsage().maxRSS }, () => process.exit(0));
    }
  })().catch((error: unknown) => {
    process.stderr.write(`recorder-host: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  });
});
process.on('disconnect', () => process.exit(0));
process.send({ type: 'ready', url: hosted.url });
