// scripts/bench/record-overhead: what `seam record` costs, measured against going direct.
//
// Three processes, as in real use: the upstream (plain Node http, ~5 KB JSON), the recording proxy
// (recording into a temp dir with the default redactor), and this one, which generates the load.
// Direct and proxy runs alternate in one run (ABBA order per round pair, after a warm-up), so that
// machine noise — other work on the box, CPU frequency, GC — lands on both equally.
//
// Two measurements, one per target. Throughput: closed loop, 32 connections, saturated. Added
// latency: open loop at a fixed rate below saturation (latency from each request's scheduled send
// time), because at saturation the closed-loop latency is only queueing (32 ÷ throughput) and
// says nothing about what the proxy adds to one request.
// Exit 0 whatever the figures (a benchmark reports; targets are printed as met / not met);
// exit 1 only when something broke (a child failed to start, the proxy changed the bytes, ...).
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { atomicCreateFile } from '../../src/io/atomic-write.js';
import type { RecordSummary } from '../../src/record/proxy.js';
import { ask as askChild, BenchError } from './ipc.js';
import { alignRows, benchMain, fmtInt } from './cli.js';
import { pool, runLoad, summarize, type LatencySummary, type LoadRequest, type LoadResult } from './load.js';

const TARGET_RATIO = 0.5;
const TARGET_ADDED_MEDIAN_MS = 1;
/**
 * Requests per second for the added-latency measurement: well below what the direct path does on
 * the 2-core VM (12–38k), and below what the recordings file system takes even at its slowest
 * (650+ atomic creations/s measured), so a recorder that is not the bottleneck sustains it.
 */
const DEFAULT_RATE = 500;

const HELP = `Usage: npm run bench:record -- [options]

Throughput and latency through the recording proxy vs direct to the same upstream,
alternating direct and proxy runs in one run: saturated throughput (closed loop), and
added latency at a fixed request rate below saturation (open loop).

Options:
  --duration <s>      saturated runs: seconds per run, per mode per round (default 4)
  --rounds <n>        saturated runs: rounds; each runs direct and proxy once (default 4)
  --rate <n>          fixed-rate runs: requests per second in total, spread over the
                      connections, 0 to skip (default ${DEFAULT_RATE})
  --rate-duration <s> fixed-rate runs: seconds per run (default 3)
  --rate-rounds <n>   fixed-rate runs: rounds (default 4)
  --warmup <s>        warm-up seconds per mode before measuring (default 1.5)
  --connections <n>   concurrent keep-alive connections (default 32)
  --unloaded <s>      seconds per mode for the 1-connection latency check, 0 to skip (default 1.5)
  --body-bytes <n>    approximate JSON response size (default 5120)
  --passthrough       also measure a bare Node pass-through proxy (nothing recorded) as a third
                      mode, to separate the cost of the hop from the cost of recording
  --engine <name>     load generator client: raw (default, cheapest) or http (Node's http.Agent)
  --profile <dir>     run the recorder under node --cpu-prof, writing the profile into <dir>
  --keep              keep the recordings temp dir and print its path
  --json              print a JSON document instead of the table
  -h, --help          this help
`;

interface Options {
  durationMs: number;
  rounds: number;
  /** 0: no fixed-rate runs. */
  rate: number;
  rateDurationMs: number;
  rateRounds: number;
  warmupMs: number;
  connections: number;
  unloadedMs: number;
  bodyBytes: number;
  profileDir: string | undefined;
  engine: 'raw' | 'http';
  passthrough: boolean;
  keep: boolean;
  json: boolean;
}

function parseOptions(argv: string[]): Options | undefined {
  const { values } = parseArgs({
    args: argv,
    options: {
      duration: { type: 'string' },
      rounds: { type: 'string' },
      rate: { type: 'string' },
      'rate-duration': { type: 'string' },
      'rate-rounds': { type: 'string' },
      warmup: { type: 'string' },
      connections: { type: 'string' },
      unloaded: { type: 'string' },
      'body-bytes': { type: 'string' },
      profile: { type: 'string' },
      engine: { type: 'string' },
      passthrough: { type: 'boolean' },
      keep: { type: 'boolean' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help === true) return undefined;
  const num = (name: string, raw: string | undefined, fallback: number, min: number): number => {
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || value < min) throw new BenchError(`--${name} must be a number >= ${min}, got "${raw}"`);
    return value;
  };
  const engine = values.engine ?? 'raw';
  if (engine !== 'raw' && engine !== 'http') throw new BenchError(`--engine must be raw or http, got "${engine}"`);
  return {
    engine,
    passthrough: values.passthrough === true,
    durationMs: num('duration', values.duration, 4, 0.1) * 1000,
    rounds: Math.floor(num('rounds', values.rounds, 4, 1)),
    rate: num('rate', values.rate, DEFAULT_RATE, 0),
    rateDurationMs: num('rate-duration', values['rate-duration'], 3, 0.1) * 1000,
    rateRounds: Math.floor(num('rate-rounds', values['rate-rounds'], 4, 1)),
    warmupMs: num('warmup', values.warmup, 1.5, 0) * 1000,
    connections: Math.floor(num('connections', values.connections, 32, 1)),
    unloadedMs: num('unloaded', values.unloaded, 1.5, 0) * 1000,
    bodyBytes: Math.floor(num('body-bytes', values['body-bytes'], 5120, 2)),
    profileDir: values.profile,
    keep: values.keep === true,
    json: values.json === true,
  };
}

// ---- child processes ------------------------------------------------------------------------

interface Child {
  process: ChildProcess;
  /** Sends `message` and resolves with the first reply of type `replyType`. */
  ask<T>(message: { type: string }, replyType: string, timeoutMs?: number): Promise<T>;
}

function startChild(script: string, env: Record<string, string>, execArgv: string[], label: string): Promise<{ child: Child; ready: Record<string, unknown> }> {
  const proc = fork(new URL(script, import.meta.url), [], {
    env: { ...process.env, ...env },
    execArgv,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ask = <T>(message: { type: string }, replyType: string, timeoutMs = 60_000): Promise<T> =>
    askChild<T>(proc, message.type === '' ? undefined : message, replyType, label, timeoutMs);
  const child: Child = { process: proc, ask };
  return ask<Record<string, unknown>>({ type: '' }, 'ready', 15_000).then((ready) => ({ child, ready }));
}

async function cpuMicros(child: Child): Promise<number> {
  const reply = await child.ask<{ usage: NodeJS.CpuUsage }>({ type: 'cpu' }, 'cpu', 10_000);
  return reply.usage.user + reply.usage.system;
}

/** Stops a child we started: a polite IPC message first, then SIGKILL by PID. */
async function stopChild(child: Child | undefined, message?: { type: string }, replyType?: string): Promise<unknown> {
  if (child === undefined || child.process.exitCode !== null || child.process.signalCode !== null) return undefined;
  let reply: unknown;
  try {
    if (message !== undefined && replyType !== undefined) reply = await child.ask(message, replyType, 30_000);
    else child.process.send({ type: 'stop' });
  } catch {
    // fall through to the kill
  }
  const exited = new Promise<void>((resolve) => {
    if (child.process.exitCode !== null || child.process.signalCode !== null) resolve();
    else child.process.once('exit', () => resolve());
  });
  const timer = setTimeout(() => {
    if (child.process.pid !== undefined) process.kill(child.process.pid, 'SIGKILL');
  }, 5_000);
  await exited;
  clearTimeout(timer);
  return reply;
}

// ---- measurement ----------------------------------------------------------------------------

type Mode = 'direct' | 'proxy' | 'passthrough';

interface Run {
  mode: Mode;
  round: number;
  result: LoadResult;
  /** CPU microseconds per successful request, by process ('recorder' = the proxy of this mode). */
  cpuPerRequest: { generator: number; upstream: number; recorder: number };
  /** Proxy runs: how long the recorder took to finish writing after the last response (ms). */
  drainMs?: number;
}

interface ModeFigures {
  requests: number;
  errors: number;
  rps: number;
  latency: LatencySummary;
  cpuPerRequest: { generator: number; upstream: number; recorder: number };
  roundsRps: number[];
}

/** One mode's fixed-rate (open-loop) runs pooled. Latencies count from the scheduled send times. */
interface RateFigures {
  targetRps: number;
  /** Responses per second over all rounds together. */
  achievedRps: number;
  requests: number;
  errors: number;
  /** Scheduled requests never sent (the system had fallen too far behind). */
  missed: number;
  /** Some round fell short of the target rate: the latencies are then mostly queueing. */
  saturated: boolean;
  latency: LatencySummary;
  /** Scheduled → actual send: the generator's timer lateness plus waiting for an idle connection. */
  sendLag: LatencySummary;
  maxQueued: number;
  cpuPerRequest: { generator: number; upstream: number; recorder: number };
  roundsP50: number[];
}

interface Report {
  node: string;
  cpus: number;
  options: {
    durationS: number;
    rounds: number;
    rate: number;
    rateDurationS: number;
    rateRounds: number;
    warmupS: number;
    connections: number;
    bodyBytes: number;
    unloadedS: number;
    engine: 'raw' | 'http';
  };
  responseBytes: number;
  /** Saturated (closed-loop) runs. */
  direct: ModeFigures;
  proxy: ModeFigures;
  passthrough?: ModeFigures & { ratio: number; addedMedianMs: number };
  /** Throughput target, on the saturated runs. */
  ratio: { throughput: number; roundsMin: number; roundsMax: number; target: number; met: boolean };
  /** Fixed-rate (open-loop) runs; absent with --rate 0. */
  fixedRate?: {
    targetRps: number;
    direct: RateFigures;
    proxy: RateFigures;
    passthrough?: RateFigures;
    addedP50Ms: number;
    addedP90Ms: number;
    addedP99Ms: number;
  };
  /**
   * Latency target, on the fixed-rate runs: proxy p50 − direct p50. Not met when the proxy could
   * not sustain the rate; `valid` is false when direct could not either (lower --rate).
   */
  addedMedianMs?: { value: number; target: number; met: boolean; rateRps: number; valid: boolean };
  /** Proxy − direct latency in the saturated runs: queueing, shown for reference only. */
  saturatedAdded: { p50Ms: number; p99Ms: number };
  unloaded?: { direct: LatencySummary; proxy: LatencySummary; addedMedianMs: number };
  /** How fast the recordings file system takes atomic file creations alone (no proxy): a ceiling on recording. */
  filesystem: { dir: string; filesPerSecond: number; cpuMicrosPerFile: number; fileBytes: number };
  recorder: { exchangesSent: number; files: number; errors: number; firstError?: string; maxDrainMs: number; summary: RecordSummary | undefined };
  /** Peak resident memory (MiB) of the recorder and, as the baseline, of the plain Node upstream. */
  memory: { recorderPeakMiB: number | undefined; upstreamPeakMiB: number | undefined };
  rounds: { round: number; mode: Mode; rps: number; p50: number; p99: number; errors: number; drainMs?: number }[];
  rateRounds: { round: number; mode: Mode; achievedRps: number; p50: number; p99: number; sendLagP99: number; missed: number; saturated: boolean; errors: number; drainMs?: number }[];
}

function rateFigures(runs: Run[], targetRps: number): RateFigures {
  const requests = runs.reduce((n, r) => n + r.result.requests, 0);
  const errors = runs.reduce((n, r) => n + r.result.errors, 0);
  const elapsed = runs.reduce((n, r) => n + r.result.elapsedMs, 0);
  const weighted = (key: 'generator' | 'upstream' | 'recorder'): number =>
    requests === 0 ? 0 : runs.reduce((n, r) => n + r.cpuPerRequest[key] * r.result.requests, 0) / requests;
  return {
    targetRps,
    achievedRps: elapsed > 0 ? ((requests + errors) * 1000) / elapsed : 0,
    requests,
    errors,
    missed: runs.reduce((n, r) => n + (r.result.openLoop?.missed ?? 0), 0),
    saturated: runs.some((r) => r.result.openLoop?.saturated === true),
    latency: summarize(pool(runs.map((r) => r.result.samples))),
    sendLag: summarize(pool(runs.map((r) => r.result.openLoop?.sendLagSamples ?? new Float64Array(0)))),
    maxQueued: Math.max(0, ...runs.map((r) => r.result.openLoop?.maxQueued ?? 0)),
    cpuPerRequest: { generator: weighted('generator'), upstream: weighted('upstream'), recorder: weighted('recorder') },
    roundsP50: runs.map((r) => r.result.latency.p50),
  };
}

function figures(runs: Run[]): ModeFigures {
  const requests = runs.reduce((n, r) => n + r.result.requests, 0);
  const elapsed = runs.reduce((n, r) => n + r.result.elapsedMs, 0);
  const weighted = (key: 'generator' | 'upstream' | 'recorder'): number =>
    requests === 0 ? 0 : runs.reduce((n, r) => n + r.cpuPerRequest[key] * r.result.requests, 0) / requests;
  return {
    requests,
    errors: runs.reduce((n, r) => n + r.result.errors, 0),
    rps: elapsed > 0 ? (requests * 1000) / elapsed : 0,
    latency: summarize(pool(runs.map((r) => r.result.samples))),
    cpuPerRequest: { generator: weighted('generator'), upstream: weighted('upstream'), recorder: weighted('recorder') },
    roundsRps: runs.map((r) => r.result.rps),
  };
}

/** One GET, its status and bytes: to check the proxy hands the client exactly the upstream's bytes. */
async function fetchOnce(url: string, request: LoadRequest): Promise<{ status: number; body: Buffer }> {
  const response = await fetch(new URL(request.path, url), { headers: request.headers as Record<string, string> });
  return { status: response.status, body: Buffer.from(await response.arrayBuffer()) };
}

async function countFiles(dir: string): Promise<number> {
  try {
    return (await readdir(dir)).filter((name) => name.endsWith('.json') && !name.startsWith('.')).length;
  } catch {
    return 0;
  }
}

/** Atomic creations of exchange-sized files, 8 at a time, into `dir`: what the disk alone allows. */
async function calibrateFilesystem(dir: string, fileBytes: number, count = 400): Promise<Report['filesystem']> {
  const data = `${'x'.repeat(fileBytes - 1)}\n`;
  let next = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < count) {
        const n = next++;
        await atomicCreateFile(join(dir, `${String(n).padStart(4, '0')}-get-calibrate.json`), data);
      }
    }),
  );
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  await rm(dir, { recursive: true, force: true });
  return { dir: tmpdir(), filesPerSecond: (count * 1000) / ms, cpuMicrosPerFile: (cpu.user + cpu.system) / count, fileBytes };
}

async function bench(options: Options, log: (line: string) => void): Promise<Report> {
  const root = await mkdtemp(join(tmpdir(), 'seam-bench-record-'));
  // A recorded exchange of the ~5 KB page is about 2.7x its size on disk (pretty-printed, headers, redactions).
  const filesystem = await calibrateFilesystem(join(root, 'calibrate'), Math.round(options.bodyBytes * 2.7));
  log(`file system under ${filesystem.dir}: ${fmtInt(filesystem.filesPerSecond)} atomic file creations/s, ${fmtInt(filesystem.cpuMicrosPerFile)} µs CPU each`);
  let upstream: Child | undefined;
  let recorder: Child | undefined;
  let passthrough: Child | undefined;
  const onSignal = (): void => {
    for (const child of [upstream, recorder, passthrough]) if (child?.process.pid !== undefined) child.process.kill('SIGKILL');
    void rm(root, { recursive: true, force: true }).finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const up = await startChild('./upstream-server.js', { SEAM_BENCH_BODY_BYTES: String(options.bodyBytes) }, [], 'upstream');
    upstream = up.child;
    const upstreamUrl = `http://127.0.0.1:${String(up.ready.port)}`;
    const profileArgs = options.profileDir !== undefined ? ['--cpu-prof', `--cpu-prof-dir=${options.profileDir}`] : [];
    const rec = await startChild('./recorder-host.js', { SEAM_BENCH_TARGET: upstreamUrl, SEAM_BENCH_ROOT: root }, profileArgs, 'recorder');
    recorder = rec.child;
    const proxyUrl = String(rec.ready.url);
    const urls: Partial<Record<Mode, string>> = { direct: upstreamUrl, proxy: proxyUrl };
    const hops: Partial<Record<Mode, Child>> = { proxy: rec.child };
    log(`upstream ${upstreamUrl} (pid ${upstream.process.pid}), recorder ${proxyUrl} (pid ${recorder.process.pid}), recording into ${root}`);
    if (options.passthrough) {
      const pass = await startChild('./recorder-host.js', { SEAM_BENCH_TARGET: upstreamUrl, SEAM_BENCH_ROOT: root, SEAM_BENCH_PASSTHROUGH: '1' }, [], 'passthrough');
      passthrough = pass.child;
      urls.passthrough = String(pass.ready.url);
      hops.passthrough = pass.child;
      log(`pass-through proxy ${urls.passthrough} (pid ${passthrough.process.pid})`);
    }
    const modes: Mode[] = options.passthrough ? ['direct', 'proxy', 'passthrough'] : ['direct', 'proxy'];

    // What a connector sends: a list call with a bearer token (so header redaction has work too).
    const request: LoadRequest = {
      method: 'GET',
      path: '/v1/customers?limit=14&starting_after=cus_000000bench',
      headers: { accept: 'application/json', authorization: 'Bearer sk_test_4eC39HqLyjWDarjtT1zdp7dc', 'user-agent': 'seam-bench/1' },
    };

    let exchangesSent = 0;
    const direct = await fetchOnce(upstreamUrl, request);
    const proxied = await fetchOnce(proxyUrl, request);
    exchangesSent += 1;
    if (direct.status !== 200 || proxied.status !== 200 || !direct.body.equals(proxied.body)) {
      throw new BenchError(`the proxy does not pass the upstream's response through unchanged (direct ${direct.status}, ${direct.body.length} B; proxy ${proxied.status}, ${proxied.body.length} B)`);
    }
    if (urls.passthrough !== undefined) {
      const passed = await fetchOnce(urls.passthrough, request);
      if (passed.status !== 200 || !direct.body.equals(passed.body)) throw new BenchError('the pass-through proxy changed the response');
    }

    let maxDrainMs = 0;
    const measure = async (mode: Mode, durationMs: number, connections: number, round: number, rate?: number): Promise<Run> => {
      const hop = hops[mode];
      const [up0, hop0] = await Promise.all([cpuMicros(up.child), hop === undefined ? 0 : cpuMicros(hop)]);
      const result = await runLoad({ url: urls[mode]!, connections, durationMs, request, expectStatus: 200, engine: options.engine, rate });
      let drainMs: number | undefined;
      if (mode === 'proxy') {
        exchangesSent += result.requests + result.errors;
        // The recorder may still be redacting and writing; let it finish before the next run,
        // and charge that CPU to this run.
        const t0 = performance.now();
        await rec.child.ask({ type: 'settle' }, 'settled', 120_000);
        drainMs = performance.now() - t0;
        maxDrainMs = Math.max(maxDrainMs, drainMs);
      }
      const [up1, hop1] = await Promise.all([cpuMicros(up.child), hop === undefined ? 0 : cpuMicros(hop)]);
      const per = (micros: number): number => (result.requests === 0 ? 0 : micros / result.requests);
      return {
        mode,
        round,
        result,
        cpuPerRequest: { generator: per(result.cpuMicros), upstream: per(up1 - up0), recorder: per(hop1 - hop0) },
        drainMs,
      };
    };

    if (options.warmupMs > 0) {
      log(`warm-up ${options.warmupMs / 1000} s per mode`);
      for (const mode of modes) await measure(mode, options.warmupMs, options.connections, 0);
    }

    // Fixed rate first, on a recordings dir that is not yet full of the saturated runs' files.
    const rateRuns: Run[] = [];
    if (options.rate > 0) {
      log(`fixed rate ${fmtInt(options.rate)} req/s over ${options.connections} connections, latency from the scheduled send time`);
      for (let round = 1; round <= options.rateRounds; round += 1) {
        const order = round % 2 === 1 ? modes : [...modes].reverse();
        for (const mode of order) {
          const run = await measure(mode, options.rateDurationMs, options.connections, round, options.rate);
          rateRuns.push(run);
          const open = run.result.openLoop;
          log(
            `rate round ${round}/${options.rateRounds} ${mode.padEnd(11)} ${fmtInt(open?.achievedRps ?? 0).padStart(6)}/${fmtInt(options.rate)} req/s  ` +
              `p50 ${fmtMs(run.result.latency.p50)}  p99 ${fmtMs(run.result.latency.p99)}  send lag p99 ${fmtMs(open?.sendLag.p99 ?? Number.NaN)}` +
              (open?.saturated === true ? `  SATURATED (${fmtInt(open.missed)} missed)` : '') +
              (run.result.errors > 0 ? `  ${run.result.errors} errors` : '') +
              (run.drainMs !== undefined ? `  drain ${fmtMs(run.drainMs)}` : ''),
          );
        }
      }
    }

    const runs: Run[] = [];
    for (let round = 1; round <= options.rounds; round += 1) {
      // ABBA: alternate which mode goes first, so a drift over time does not favour either.
      const order = round % 2 === 1 ? modes : [...modes].reverse();
      for (const mode of order) {
        const run = await measure(mode, options.durationMs, options.connections, round);
        runs.push(run);
        log(
          `round ${round}/${options.rounds} ${mode.padEnd(11)} ${fmtInt(run.result.rps).padStart(7)} req/s  p50 ${fmtMs(run.result.latency.p50)}  p99 ${fmtMs(run.result.latency.p99)}` +
            (run.result.errors > 0 ? `  ${run.result.errors} errors` : '') +
            (run.drainMs !== undefined ? `  drain ${fmtMs(run.drainMs)}` : ''),
        );
      }
    }

    let unloaded: Report['unloaded'];
    if (options.unloadedMs > 0) {
      // One connection: the latency a single request pays for the extra hop, without queueing.
      const u: Run[] = [];
      for (const mode of ['direct', 'proxy', 'proxy', 'direct'] as Mode[]) u.push(await measure(mode, options.unloadedMs / 2, 1, 0));
      const d = summarize(pool(u.filter((r) => r.mode === 'direct').map((r) => r.result.samples)));
      const p = summarize(pool(u.filter((r) => r.mode === 'proxy').map((r) => r.result.samples)));
      unloaded = { direct: d, proxy: p, addedMedianMs: p.p50 - d.p50 };
      log(`unloaded (1 connection): direct p50 ${fmtMs(d.p50)}, proxy p50 ${fmtMs(p.p50)}`);
    }

    const upstreamPeak = await upstream!.ask<{ maxRssKiB?: number }>({ type: 'cpu' }, 'cpu', 10_000).then((r) => r.maxRssKiB, () => undefined);
    const stopped = (await stopChild(rec.child, { type: 'stop' }, 'stopped')) as
      | { summary?: RecordSummary; errors?: number; firstError?: string; maxRssKiB?: number }
      | undefined;
    recorder = undefined;
    await stopChild(passthrough, { type: 'stop' }, 'stopped');
    passthrough = undefined;
    const files = await countFiles(join(root, 'bench', 'overhead'));

    const d = figures(runs.filter((r) => r.mode === 'direct'));
    const p = figures(runs.filter((r) => r.mode === 'proxy'));
    const roundRatios = Array.from({ length: options.rounds }, (_, i) => (p.roundsRps[i] ?? 0) / (d.roundsRps[i] ?? 1));
    const throughput = d.rps > 0 ? p.rps / d.rps : 0;
    const passRuns = runs.filter((r) => r.mode === 'passthrough');
    const pt = passRuns.length > 0 ? figures(passRuns) : undefined;
    let fixedRate: Report['fixedRate'];
    let addedMedianMs: Report['addedMedianMs'];
    if (rateRuns.length > 0) {
      const rd = rateFigures(rateRuns.filter((r) => r.mode === 'direct'), options.rate);
      const rp = rateFigures(rateRuns.filter((r) => r.mode === 'proxy'), options.rate);
      const rptRuns = rateRuns.filter((r) => r.mode === 'passthrough');
      fixedRate = {
        targetRps: options.rate,
        direct: rd,
        proxy: rp,
        ...(rptRuns.length > 0 ? { passthrough: rateFigures(rptRuns, options.rate) } : {}),
        addedP50Ms: rp.latency.p50 - rd.latency.p50,
        addedP90Ms: rp.latency.p90 - rd.latency.p90,
        addedP99Ms: rp.latency.p99 - rd.latency.p99,
      };
      const value = fixedRate.addedP50Ms;
      const valid = !rd.saturated;
      addedMedianMs = { value, target: TARGET_ADDED_MEDIAN_MS, met: valid && !rp.saturated && value <= TARGET_ADDED_MEDIAN_MS, rateRps: options.rate, valid };
    }
    return {
      node: process.version,
      cpus: availableParallelism(),
      options: {
        durationS: options.durationMs / 1000,
        rounds: options.rounds,
        rate: options.rate,
        rateDurationS: options.rateDurationMs / 1000,
        rateRounds: options.rateRounds,
        warmupS: options.warmupMs / 1000,
        connections: options.connections,
        bodyBytes: options.bodyBytes,
        unloadedS: options.unloadedMs / 1000,
        engine: options.engine,
      },
      responseBytes: direct.body.length,
      direct: d,
      proxy: p,
      ...(pt !== undefined ? { passthrough: { ...pt, ratio: d.rps > 0 ? pt.rps / d.rps : 0, addedMedianMs: pt.latency.p50 - d.latency.p50 } } : {}),
      ratio: { throughput, roundsMin: Math.min(...roundRatios), roundsMax: Math.max(...roundRatios), target: TARGET_RATIO, met: throughput >= TARGET_RATIO },
      fixedRate,
      addedMedianMs,
      saturatedAdded: { p50Ms: p.latency.p50 - d.latency.p50, p99Ms: p.latency.p99 - d.latency.p99 },
      unloaded,
      filesystem,
      recorder: { exchangesSent, files, errors: stopped?.errors ?? 0, firstError: stopped?.firstError, maxDrainMs, summary: stopped?.summary },
      memory: {
        recorderPeakMiB: stopped?.maxRssKiB !== undefined ? stopped.maxRssKiB / 1024 : undefined,
        upstreamPeakMiB: upstreamPeak !== undefined ? upstreamPeak / 1024 : undefined,
      },
      rounds: runs.map((r) => ({ round: r.round, mode: r.mode, rps: r.result.rps, p50: r.result.latency.p50, p99: r.result.latency.p99, errors: r.result.errors, drainMs: r.drainMs })),
      rateRounds: rateRuns.map((r) => ({
        round: r.round,
        mode: r.mode,
        achievedRps: r.result.openLoop?.achievedRps ?? 0,
        p50: r.result.latency.p50,
        p99: r.result.latency.p99,
        sendLagP99: r.result.openLoop?.sendLag.p99 ?? Number.NaN,
        missed: r.result.openLoop?.missed ?? 0,
        saturated: r.result.openLoop?.saturated ?? false,
        errors: r.result.errors,
        drainMs: r.drainMs,
      })),
    };
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await stopChild(recorder, { type: 'stop' }, 'stopped');
    await stopChild(passthrough, { type: 'stop' }, 'stopped');
    await stopChild(upstream);
    if (options.keep) log(`recordings kept in ${root}`);
    else await rm(root, { recursive: true, force: true });
  }
}

// ---- output ---------------------------------------------------------------------------------


function fmtMs(n: number): string {
  return `${n.toFixed(2)} ms`;
}

function signed(ms: number): string {
  return `${ms >= 0 ? '+' : ''}${fmtMs(ms)}`;
}


function table(report: Report): string {
  const o = report.options;
  const lines: string[] = [];
  const verdict = (met: boolean): string => (met ? 'met' : 'NOT MET');
  lines.push(`seam record overhead — ${fmtInt(report.responseBytes)}-byte JSON responses, ${o.connections} connections, direct and proxy alternating; ${o.engine} client (${report.node}, ${report.cpus} CPUs)`);

  const fr = report.fixedRate;
  if (fr !== undefined) {
    lines.push('');
    lines.push(`Fixed rate (open loop): ${fmtInt(fr.targetRps)} req/s, ${o.rateRounds} rounds × ${o.rateDurationS} s per mode; latency from each request's scheduled send time`);
    const head = ['', 'achieved req/s', 'p50', 'p90', 'p99', 'max', 'missed', 'errors', 'send lag p50', 'p99', 'CPU µs/req recorder'];
    const row = (name: string, f: RateFigures): string[] => [
      name,
      `${fmtInt(f.achievedRps)}${f.saturated ? ' SATURATED' : ''}`,
      fmtMs(f.latency.p50),
      fmtMs(f.latency.p90),
      fmtMs(f.latency.p99),
      fmtMs(f.latency.max),
      fmtInt(f.missed),
      String(f.errors),
      fmtMs(f.sendLag.p50),
      fmtMs(f.sendLag.p99),
      f.cpuPerRequest.recorder > 0 ? f.cpuPerRequest.recorder.toFixed(0) : '–',
    ];
    const rows = [head, row('direct', fr.direct), row('proxy', fr.proxy)];
    if (fr.passthrough !== undefined) rows.push(row('passthrough', fr.passthrough));
    lines.push(...alignRows(rows));
  }

  lines.push('');
  lines.push(`Saturated (closed loop): ${o.connections} connections each with one request in flight, ${o.rounds} rounds × ${o.durationS} s per mode`);
  const head = ['', 'req/s', 'p50', 'p90', 'p99', 'max', 'errors', 'CPU µs/req gen', 'upstream', 'recorder'];
  const row = (name: string, f: ModeFigures): string[] => [
    name,
    fmtInt(f.rps),
    fmtMs(f.latency.p50),
    fmtMs(f.latency.p90),
    fmtMs(f.latency.p99),
    fmtMs(f.latency.max),
    String(f.errors),
    f.cpuPerRequest.generator.toFixed(0),
    f.cpuPerRequest.upstream.toFixed(0),
    f.cpuPerRequest.recorder > 0 ? f.cpuPerRequest.recorder.toFixed(0) : '–',
  ];
  const rows = [head, row('direct', report.direct), row('proxy', report.proxy)];
  if (report.passthrough !== undefined) rows.push(row('passthrough', report.passthrough));
  lines.push(...alignRows(rows));

  lines.push('');
  const r = report.ratio;
  lines.push(`throughput (saturated), proxy ÷ direct:  ${r.throughput.toFixed(2)}x  (rounds ${r.roundsMin.toFixed(2)}–${r.roundsMax.toFixed(2)})   target ≥ ${r.target}x: ${verdict(r.met)}`);
  const a = report.addedMedianMs;
  if (a === undefined || fr === undefined) {
    lines.push(`added median latency:  not measured (--rate 0)   target ≤ ${TARGET_ADDED_MEDIAN_MS} ms: NOT MET`);
  } else {
    lines.push(
      `added latency at ${fmtInt(a.rateRps)} req/s:  p50 ${signed(a.value)}   target ≤ ${a.target} ms: ${verdict(a.met)}   (p90 ${signed(fr.addedP90Ms)}, p99 ${signed(fr.addedP99Ms)})`,
    );
    if (!a.valid) lines.push(`  direct did not sustain ${fmtInt(a.rateRps)} req/s either: the machine is overloaded or the rate too high; rerun with a lower --rate`);
    else if (fr.proxy.saturated) lines.push(`  the proxy did not sustain ${fmtInt(a.rateRps)} req/s (achieved ${fmtInt(fr.proxy.achievedRps)}, ${fmtInt(fr.proxy.missed)} missed): its latencies are queueing`);
    if (fr.passthrough !== undefined) lines.push(`  bare pass-through proxy at the same rate: p50 ${signed(fr.passthrough.latency.p50 - fr.direct.latency.p50)}, p99 ${signed(fr.passthrough.latency.p99 - fr.direct.latency.p99)}`);
  }
  const sa = report.saturatedAdded;
  lines.push(`added latency when saturated:  p50 ${signed(sa.p50Ms)}, p99 ${signed(sa.p99Ms)}   (queueing, ≈ ${o.connections} ÷ throughput; not what the target measures)`);
  if (report.unloaded !== undefined) {
    const u = report.unloaded;
    lines.push(`1 connection, back-to-back:  direct p50 ${fmtMs(u.direct.p50)}, proxy p50 ${fmtMs(u.proxy.p50)}: ${signed(u.addedMedianMs)} per request`);
  }
  if (report.passthrough !== undefined) {
    const pt = report.passthrough;
    lines.push(`bare pass-through proxy:  ${pt.ratio.toFixed(2)}x direct throughput, ${signed(pt.addedMedianMs)} median when saturated (the hop alone, nothing recorded)`);
  }
  const fs = report.filesystem;
  lines.push(`file system (${fs.dir}):  ${fmtInt(fs.filesPerSecond)} atomic creations/s of ${fmtInt(fs.fileBytes)}-byte files with no proxy at all, ${fmtInt(fs.cpuMicrosPerFile)} µs CPU each`);
  const rec = report.recorder;
  lines.push(
    `recorder: ${fmtInt(rec.files)} exchange files for ${fmtInt(rec.exchangesSent)} proxied requests` +
      `${rec.summary !== undefined ? ` (summary: ${fmtInt(rec.summary.count)} exchanges, ${fmtInt(rec.summary.redactions.total)} redactions, ${rec.summary.failedWrites} failed writes)` : ''}, ${rec.errors} errors` +
      `${rec.firstError !== undefined ? ` (first: ${rec.firstError})` : ''}; longest write-behind drain after a run ${fmtMs(rec.maxDrainMs)}`,
  );
  const mem = report.memory;
  if (mem.recorderPeakMiB !== undefined) {
    lines.push(
      `memory: recorder peak RSS ${mem.recorderPeakMiB.toFixed(0)} MiB` +
        `${mem.upstreamPeakMiB !== undefined ? ` (plain Node upstream: ${mem.upstreamPeakMiB.toFixed(0)} MiB)` : ''}`,
    );
  }
  return lines.join('\n');
}

benchMain('record-overhead', HELP, parseOptions, async (options, log) => {
  const report = await bench(options, log);
  process.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : `${table(report)}\n`);
});
