// scripts/bench/mock-throughput: how fast the mocks answer. Four servers, all serving the same 20
// stubs (scripts/bench/mock-stubs.ts), each in its own process:
//   ceiling   plain Node `http` + a Map of canned bytes (mock-host.ts): what any Node mock could do
//   embedded  Seam's embedded engine, journal on (default limit)          (mock-host.ts)
//   wiremock  the real WireMock 3.13 jar via startWireMockProcess, the stubs written by
//             writeWireMockMappings; its request journal on and unbounded (WireMock's default)
//   prism     @stoplight/prism-cli mock mode on the equivalent OpenAPI spec (examples)
// The same closed-loop load (32 connections, raw-socket client from load.ts) cycles through all 20
// routes, so every request is matched. The ceiling runs throughout; each other server has a phase
// of its own (the only other server up), alternating with the ceiling (ABBA) after a warm-up.
// Per mode: req/s, p50/p90/p99/max, the server process's CPU µs per request (from /proc, so the
// JVM's threads count too), startup (spawn → first successful response), RSS.
// `--soak N`: N requests to embedded as fast as possible, RSS sampled every second.
// Exit 0 whatever the figures; 1 when something broke (a server did not start, replies differ).
import { fork } from 'node:child_process';
import { ask, BenchError } from './ipc.js';
import { alignRows, benchMain, fmtInt } from './cli.js';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { isDeepStrictEqual, parseArgs } from 'node:util';
import { startPrismProcess } from '../../src/engines/prism-process.js';
import { writeWireMockMappings } from '../../src/engines/wiremock-mappings.js';
import { startWireMockProcess } from '../../src/engines/wiremock-process.js';
import type { JournalStats } from '../../src/engines/journal.js';
import { pool, runLoad, summarize, type LatencySummary, type LoadRequest, type LoadResult } from './load.js';
import { benchOpenApi, benchRequests, benchStubs, bodySizes, ROUTE_COUNT } from './mock-stubs.js';

const TARGET_RATIO = 0.8;
const TARGET_P99_RATIO = 2;
const TARGET_SOAK_MIB = 150;

const MODES = ['ceiling', 'embedded', 'wiremock', 'prism'] as const;
type Mode = (typeof MODES)[number];

const HELP = `Usage: npm run bench:mock -- [options]

Saturated throughput of the mock engines on the same 20 stubs: a plain Node http server with
canned bytes (the ceiling), Seam's embedded engine (journal on), WireMock 3.13 (journal on) and
Prism (mock mode), with startup times. Each server has a phase of its own in which it alternates
with the ceiling (ABBA) and is the only other server running; ratios are to that phase's ceiling.

Options:
  --duration <s>      measured seconds per server and phase, split over the rounds (default 10)
  --rounds <n>        rounds; each runs every mode once, order reversed every other round (default 2)
  --warmup <s>        warm-up seconds per mode before measuring (default 1.5)
  --connections <n>   concurrent keep-alive connections (default 32)
  --modes <list>      comma-separated subset of ${MODES.join(',')} (default all)
  --quick             a ~20 s sanity run: --duration 3 --warmup 0.5
  --soak <n>          instead: send n requests to embedded (journal on) as fast as possible and
                      sample its RSS every second (target: under ${TARGET_SOAK_MIB} MiB)
  --soak-wiremock <n> with --soak (or alone): the same against WireMock, sampling the JVM's RSS
  --wiremock-jvm <x>  seam (default): WireMock as Seam starts it (startWireMockProcess, C1-only JIT
                      for a quick start); stock: plain \`java -jar\`, full JIT, same WireMock options
  --json              print a JSON document instead of the table
  -h, --help          this help
`;

interface Options {
  durationMs: number;
  rounds: number;
  warmupMs: number;
  connections: number;
  modes: Mode[];
  soak: number;
  soakWireMock: number;
  wiremockJvm: 'seam' | 'stock';
  json: boolean;
}

function parseOptions(argv: string[]): Options | undefined {
  const { values } = parseArgs({
    args: argv,
    options: {
      duration: { type: 'string' },
      rounds: { type: 'string' },
      warmup: { type: 'string' },
      connections: { type: 'string' },
      modes: { type: 'string' },
      quick: { type: 'boolean' },
      soak: { type: 'string' },
      'soak-wiremock': { type: 'string' },
      'wiremock-jvm': { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help === true) return undefined;
  const num = (name: string, raw: string | undefined, fallback: number, min: number): number => {
    if (raw === undefined) return fallback;
    const value = Number(raw.replace(/_/g, ''));
    if (!Number.isFinite(value) || value < min) throw new BenchError(`--${name} must be a number >= ${min}, got "${raw}"`);
    return value;
  };
  const quick = values.quick === true;
  const modes = (values.modes ?? MODES.join(',')).split(',').map((m) => m.trim());
  for (const m of modes) if (!(MODES as readonly string[]).includes(m)) throw new BenchError(`--modes: unknown mode "${m}" (known: ${MODES.join(', ')})`);
  return {
    durationMs: num('duration', values.duration, quick ? 3 : 10, 0.2) * 1000,
    rounds: Math.floor(num('rounds', values.rounds, 2, 1)),
    warmupMs: num('warmup', values.warmup, quick ? 0.5 : 1.5, 0) * 1000,
    connections: Math.floor(num('connections', values.connections, 32, 1)),
    modes: MODES.filter((m) => modes.includes(m)),
    soak: Math.floor(num('soak', values.soak, 0, 0)),
    soakWireMock: Math.floor(num('soak-wiremock', values['soak-wiremock'], 0, 0)),
    wiremockJvm: wiremockJvm(values['wiremock-jvm']),
    json: values.json === true,
  };
}

function wiremockJvm(raw: string | undefined): 'seam' | 'stock' {
  if (raw === undefined || raw === 'seam') return 'seam';
  if (raw === 'stock') return 'stock';
  throw new BenchError(`--wiremock-jvm must be seam or stock, got "${raw}"`);
}

// ---- processes: every child registered by PID, killed on any exit ---------------------------

const livePids = new Set<number>();
process.on('exit', () => {
  for (const pid of livePids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {}
  }
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));

const CLK_TCK = 100; // Linux USER_HZ: /proc/<pid>/stat counts CPU time in 1/100 s

/** User + system CPU of a process, all its threads, µs (10 ms resolution). */
function procCpuMicros(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state); utime and stime are fields 14 and 15.
  return ((Number(fields[11]) + Number(fields[12])) * 1e6) / CLK_TCK;
}

/** VmRSS and VmHWM (peak) of a process, KiB. */
function procRss(pid: number): { rssKiB: number; hwmKiB: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? Number.NaN);
  return { rssKiB: kib('VmRSS'), hwmKiB: kib('VmHWM') };
}

interface Server {
  mode: Mode;
  url: string;
  pid: number;
  /** Spawn → first successful response to a stubbed route, ms. */
  startupMs: number;
  /** Embedded: startEmbedded → listening, inside its process (the "< 100 ms" of the issue). */
  listenMs?: number;
  journal?(): Promise<JournalStats | undefined>;
  stop(): Promise<void>;
}

/** One request with Node's http client (no agent), status and body. */
function httpOnce(url: string, spec: LoadRequest, timeoutMs = 10_000): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const target = new URL(spec.path, url);
    const req = httpRequest(
      { host: target.hostname, port: target.port, path: `${target.pathname}${target.search}`, method: spec.method ?? 'GET', headers: spec.headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no response within ${timeoutMs} ms`)));
    req.end(spec.body);
  });
}

/** Polls until `spec` gets a 200 (the server serves its stubs), returning when it did. */
async function firstSuccess(url: string, spec: LoadRequest, deadlineMs: number): Promise<number> {
  const deadline = performance.now() + deadlineMs;
  for (;;) {
    try {
      const r = await httpOnce(url, spec, 2000);
      if (r.status === 200) return performance.now();
    } catch {
      // not listening yet
    }
    if (performance.now() > deadline) throw new BenchError(`${url} did not answer ${spec.method ?? 'GET'} ${spec.path} with 200 within ${deadlineMs} ms`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function startNodeHost(mode: 'ceiling' | 'embedded', probe: LoadRequest): Promise<Server> {
  const t0 = performance.now();
  const child = fork(new URL('./mock-host.js', import.meta.url), [], { env: { ...process.env, SEAM_MOCK_KIND: mode }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv: process.env.SEAM_BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.SEAM_BENCH_PROFILE}`] : [] });
  if (child.pid === undefined) throw new BenchError(`${mode}: fork failed`);
  const pid = child.pid;
  livePids.add(pid);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exited.then(() => livePids.delete(pid));
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    try {
      child.send({ type: 'stop' });
    } catch {}
    const timer = setTimeout(() => {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {}
    }, 3000);
    await exited;
    clearTimeout(timer);
  };
  try {
    const ready = await ask<{ port: number; listenMs: number; embeddedStartupMs?: number }>(child, undefined, 'ready', mode);
    const url = `http://127.0.0.1:${ready.port}`;
    const t1 = await firstSuccess(url, probe, 10_000);
    return {
      mode,
      url,
      pid,
      startupMs: t1 - t0,
      listenMs: ready.embeddedStartupMs,
      journal: async () => (await ask<{ journal?: JournalStats }>(child, { type: 'stats' }, 'stats', mode)).journal,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** A started child server as a bench Server: startup to the first successful probe, stopped by PID. */
async function asServer(mode: Mode, proc: { pid: number; url: string; stop(graceMs?: number): Promise<void> }, t0: number, probe: LoadRequest): Promise<Server> {
  livePids.add(proc.pid);
  const stop = async (graceMs: number): Promise<void> => {
    await proc.stop(graceMs);
    livePids.delete(proc.pid);
  };
  try {
    const t1 = await firstSuccess(proc.url, probe, 30_000);
    return { mode, url: proc.url, pid: proc.pid, startupMs: t1 - t0, stop: () => stop(3000) };
  } catch (error) {
    await stop(500);
    throw error;
  }
}

async function startWireMockServer(root: string, probe: LoadRequest, jvm: 'seam' | 'stock'): Promise<Server> {
  const rootDir = join(root, 'wiremock');
  await writeWireMockMappings(benchStubs(), rootDir);
  const t0 = performance.now();
  // No --max-request-journal-entries: WireMock's own default, a journal without a limit.
  // `stock`: plain `java -jar` (full tiered JIT), to show what Seam's quick-start JVM flags cost.
  const proc = await startWireMockProcess({ rootDir, startTimeoutMs: 60_000, ...(jvm === 'stock' ? { jvmArgs: [] } : {}) });
  return asServer('wiremock', proc, t0, probe);
}

async function startPrismServer(root: string, probe: LoadRequest): Promise<Server> {
  const spec = join(root, 'openapi.json');
  await writeFile(spec, JSON.stringify(benchOpenApi(), null, 2));
  const t0 = performance.now();
  // Prism itself (startPrismProcess), not startPrism: that engine adds a journaling Node front
  // in the caller's process, which here is the load generator's.
  const proc = await startPrismProcess({ args: ['mock', spec], startTimeoutMs: 60_000 });
  return asServer('prism', proc, t0, probe);
}

/** Every route (every id variant) answers 200 and the expected body: bytes, or parsed JSON for Prism (its own formatting). */
async function verify(server: Server): Promise<void> {
  const { cycle } = benchRequests();
  for (const variants of cycle) {
    for (const v of variants) {
      const r = await httpOnce(server.url, v.request);
      const what = `${server.mode}: ${v.request.method ?? 'GET'} ${v.request.path}`;
      if (r.status !== 200) throw new BenchError(`${what} answered ${r.status}, expected 200: ${r.body.toString('utf8').slice(0, 300)}`);
      const same = server.mode === 'prism' ? isDeepStrictEqual(JSON.parse(r.body.toString('utf8')), JSON.parse(v.body.toString('utf8'))) : r.body.equals(v.body);
      if (!same) throw new BenchError(`${what} answered a different body (${r.body.length} B, expected ${v.body.length} B)`);
    }
  }
}

// ---- measurement ----------------------------------------------------------------------------

interface Run {
  mode: Mode;
  /** The phase it ran in: the mode measured against the ceiling then. */
  phase: Mode;
  /** 0 for a warm-up. */
  round: number;
  result: LoadResult;
  serverCpuPerRequest: number;
}

interface ModeFigures {
  requests: number;
  errors: number;
  rps: number;
  latency: LatencySummary;
  /** Server process CPU µs per successful request (user + system, all threads). */
  serverCpuMicros: number;
  generatorCpuMicros: number;
  startupMs: number;
  listenMs?: number;
  rssMiB: number;
  peakRssMiB: number;
  roundsRps: number[];
}

interface Report {
  node: string;
  cpus: number;
  loadAverage: number[];
  options: { durationS: number; rounds: number; warmupS: number; connections: number; modes: Mode[]; wiremockJvm: 'seam' | 'stock' };
  stubs: number;
  bodyBytes: { min: number; max: number; mean: number };
  modes: Partial<Record<Mode, ModeFigures>>;
  ratios: {
    embeddedToCeiling?: { value: number; roundsMin: number; roundsMax: number; byCpu: number; target: number; met: boolean };
    embeddedP99ToCeiling?: { value: number; target: number; met: boolean };
    embeddedToWireMock?: { value: number; byCpu: number };
    wiremockToCeiling?: number;
    prismToCeiling?: number;
  };
  embeddedJournal?: JournalStats;
  rounds: { phase: Mode; round: number; mode: Mode; rps: number; p50: number; p99: number; errors: number; serverCpuMicros: number }[];
}

function figures(server: Server, runs: Run[]): ModeFigures {
  const requests = runs.reduce((n, r) => n + r.result.requests, 0);
  const elapsed = runs.reduce((n, r) => n + r.result.elapsedMs, 0);
  const weighted = (f: (r: Run) => number): number => (requests === 0 ? 0 : runs.reduce((n, r) => n + f(r) * r.result.requests, 0) / requests);
  const mem = procRss(server.pid);
  return {
    requests,
    errors: runs.reduce((n, r) => n + r.result.errors, 0),
    rps: elapsed > 0 ? (requests * 1000) / elapsed : 0,
    latency: summarize(pool(runs.map((r) => r.result.samples))),
    serverCpuMicros: weighted((r) => r.serverCpuPerRequest),
    generatorCpuMicros: weighted((r) => (r.result.requests === 0 ? 0 : r.result.cpuMicros / r.result.requests)),
    startupMs: server.startupMs,
    ...(server.listenMs !== undefined ? { listenMs: server.listenMs } : {}),
    rssMiB: mem.rssKiB / 1024,
    peakRssMiB: mem.hwmKiB / 1024,
    roundsRps: runs.map((r) => r.result.rps),
  };
}

async function startServer(mode: Mode, root: string, probe: LoadRequest, log: (line: string) => void, jvm: 'seam' | 'stock'): Promise<Server> {
  const server =
    mode === 'ceiling' || mode === 'embedded' ? await startNodeHost(mode, probe) : mode === 'wiremock' ? await startWireMockServer(root, probe, jvm) : await startPrismServer(root, probe);
  log(`${mode.padEnd(8)} ${server.url} (pid ${server.pid}) first 200 after ${fmtMs(server.startupMs)}${server.listenMs !== undefined ? ` (startEmbedded → listening ${fmtMs(server.listenMs)})` : ''}`);
  return server;
}

/**
 * Phases: the ceiling runs throughout; every other mode gets a phase of its own in which it is the
 * only other server up, alternating with the ceiling (ABBA), and is stopped before the next phase.
 * An idle JVM or Prism is not idle on a 2-core machine (JIT, GC and timer threads), so running all
 * four side by side charged their background work to whichever server was being measured. Each
 * ratio is taken against the ceiling runs of its own phase.
 */
async function bench(options: Options, log: (line: string) => void): Promise<Report> {
  const root = await mkdtemp(join(tmpdir(), 'seam-bench-mock-'));
  const live: Server[] = [];
  const stopServer = async (server: Server): Promise<void> => {
    await server.stop();
    live.splice(live.indexOf(server), 1);
  };
  try {
    const { cycle, requestAt } = benchRequests();
    const probe = cycle[0]![0]!.request;
    const measure = async (server: Server, phase: Mode, durationMs: number, round: number): Promise<Run> => {
      const cpu0 = procCpuMicros(server.pid);
      const result = await runLoad({ url: server.url, connections: options.connections, durationMs, request: requestAt, expectStatus: 200 });
      const cpu1 = procCpuMicros(server.pid);
      return { mode: server.mode, phase, round, result, serverCpuPerRequest: result.requests === 0 ? 0 : (cpu1 - cpu0) / result.requests };
    };
    const withCeiling = options.modes.includes('ceiling');
    const ceiling = withCeiling ? await startServer('ceiling', root, probe, log, options.wiremockJvm) : undefined;
    if (ceiling !== undefined) {
      live.push(ceiling);
      await verify(ceiling);
    }
    const others = options.modes.filter((m) => m !== 'ceiling');
    const phases: Mode[] = others.length > 0 ? others : ['ceiling'];
    const runs: Run[] = [];
    const modes: Report['modes'] = {};
    let embeddedJournal: JournalStats | undefined;
    const runMs = options.durationMs / options.rounds;
    for (const phase of phases) {
      const servers: Server[] = ceiling !== undefined ? [ceiling] : [];
      let server: Server | undefined;
      if (phase !== 'ceiling') {
        server = await startServer(phase, root, probe, log, options.wiremockJvm);
        live.push(server);
        await verify(server);
        servers.push(server);
      }
      log(`phase ${phase}: ${servers.map((s) => s.mode).join(' vs ')}, every route answers 200 with the expected body`);
      if (options.warmupMs > 0) for (const s of servers) await measure(s, phase, options.warmupMs, 0);
      for (let round = 1; round <= options.rounds; round += 1) {
        // ABBA: the order reverses every other round, so drift over time favours neither server.
        const order = round % 2 === 1 ? servers : [...servers].reverse();
        for (const s of order) {
          const run = await measure(s, phase, runMs, round);
          runs.push(run);
          log(
            `${phase.padEnd(8)} round ${round}/${options.rounds} ${s.mode.padEnd(8)} ${fmtInt(run.result.rps).padStart(7)} req/s  p50 ${fmtMs(run.result.latency.p50)}  p99 ${fmtMs(run.result.latency.p99)}  ` +
              `server CPU ${run.serverCpuPerRequest.toFixed(0)} µs/req${run.result.errors > 0 ? `  ${run.result.errors} errors` : ''}`,
          );
        }
      }
      if (server !== undefined) {
        modes[server.mode] = figures(server, runs.filter((r) => r.mode === server.mode));
        if (server.mode === 'embedded' && server.journal !== undefined) embeddedJournal = await server.journal();
        await stopServer(server);
      }
    }
    if (ceiling !== undefined) modes.ceiling = figures(ceiling, runs.filter((r) => r.mode === 'ceiling'));

    // A mode's ratio to the ceiling: its req/s over the ceiling's in the same phase and rounds.
    const inPhase = (phase: Mode, mode: Mode): Run[] => runs.filter((r) => r.phase === phase && r.mode === mode && r.round > 0);
    const rate = (rs: Run[]): number => {
      const ms = rs.reduce((n, r) => n + r.result.elapsedMs, 0);
      return ms > 0 ? (rs.reduce((n, r) => n + r.result.requests, 0) * 1000) / ms : 0;
    };
    const cpu = (rs: Run[]): number => {
      const n = rs.reduce((k, r) => k + r.result.requests, 0);
      return n === 0 ? 0 : rs.reduce((k, r) => k + r.serverCpuPerRequest * r.result.requests, 0) / n;
    };
    const toCeiling = (mode: Mode): number | undefined => (ceiling === undefined || modes[mode] === undefined ? undefined : rate(inPhase(mode, mode)) / rate(inPhase(mode, 'ceiling')));
    const ratios: Report['ratios'] = {};
    const e = toCeiling('embedded');
    if (e !== undefined) {
      const perRound = Array.from({ length: options.rounds }, (_, i) => rate(inPhase('embedded', 'embedded').filter((r) => r.round === i + 1)) / rate(inPhase('embedded', 'ceiling').filter((r) => r.round === i + 1)));
      const p99 = summarize(pool(inPhase('embedded', 'embedded').map((r) => r.result.samples))).p99 / summarize(pool(inPhase('embedded', 'ceiling').map((r) => r.result.samples))).p99;
      ratios.embeddedToCeiling = {
        value: e,
        roundsMin: Math.min(...perRound),
        roundsMax: Math.max(...perRound),
        byCpu: cpu(inPhase('embedded', 'ceiling')) / cpu(inPhase('embedded', 'embedded')),
        target: TARGET_RATIO,
        met: e >= TARGET_RATIO,
      };
      ratios.embeddedP99ToCeiling = { value: p99, target: TARGET_P99_RATIO, met: p99 <= TARGET_P99_RATIO };
    }
    const w = toCeiling('wiremock');
    if (w !== undefined) ratios.wiremockToCeiling = w;
    const p = toCeiling('prism');
    if (p !== undefined) ratios.prismToCeiling = p;
    // Across phases, through the ceiling: (embedded ÷ its ceiling) ÷ (WireMock ÷ its ceiling).
    if (e !== undefined && w !== undefined) ratios.embeddedToWireMock = { value: e / w, byCpu: modes.wiremock!.serverCpuMicros / modes.embedded!.serverCpuMicros };
    return {
      node: process.version,
      cpus: availableParallelism(),
      loadAverage: loadAverage(),
      options: { durationS: options.durationMs / 1000, rounds: options.rounds, warmupS: options.warmupMs / 1000, connections: options.connections, modes: options.modes, wiremockJvm: options.wiremockJvm },
      stubs: ROUTE_COUNT,
      bodyBytes: bodySizes(),
      modes,
      ratios,
      ...(embeddedJournal !== undefined ? { embeddedJournal } : {}),
      rounds: runs
        .filter((r) => r.round > 0)
        .map((r) => ({ phase: r.phase, round: r.round, mode: r.mode, rps: r.result.rps, p50: r.result.latency.p50, p99: r.result.latency.p99, errors: r.result.errors, serverCpuMicros: r.serverCpuPerRequest })),
    };
  } finally {
    await Promise.all(live.map((s) => s.stop()));
    await rm(root, { recursive: true, force: true });
  }
}

// ---- soak -----------------------------------------------------------------------------------

interface SoakFigures {
  mode: 'embedded' | 'wiremock';
  requests: number;
  errors: number;
  elapsedS: number;
  rps: number;
  /** RSS right after startup, the highest sampled (every second) and at the end, MiB. */
  startRssMiB: number;
  maxRssMiB: number;
  endRssMiB: number;
  /** The kernel's peak (VmHWM), MiB. */
  peakRssMiB: number;
  /** (end − start) RSS ÷ requests, bytes: what each request left behind. */
  bytesPerRequest: number;
  samples: { s: number; requests: number; rssMiB: number }[];
  journal?: JournalStats;
  targetMiB?: number;
  met?: boolean;
}

async function soak(mode: 'embedded' | 'wiremock', n: number, options: Options, log: (line: string) => void): Promise<SoakFigures> {
  const root = await mkdtemp(join(tmpdir(), 'seam-bench-soak-'));
  const servers: Server[] = [];
  try {
    const { cycle, requestAt } = benchRequests();
    const server = await startServer(mode, root, cycle[0]![0]!.request, log, options.wiremockJvm);
    servers.push(server);
    await verify(server);
    const start = procRss(server.pid).rssKiB;
    const samples: SoakFigures['samples'] = [];
    let requests = 0;
    let errors = 0;
    let maxKiB = start;
    const t0 = performance.now();
    const sample = (): void => {
      const rss = procRss(server.pid).rssKiB;
      maxKiB = Math.max(maxKiB, rss);
      samples.push({ s: Math.round((performance.now() - t0) / 100) / 10, requests, rssMiB: rss / 1024 });
    };
    const timer = setInterval(sample, 1000);
    let lastLog = t0;
    try {
      let rps = 0;
      while (requests < n) {
        // Chunks of up to 2 s (the last one sized to land near n); the counters run across them.
        const remaining = n - requests;
        const durationMs = rps > 0 ? Math.min(2000, Math.max(50, (remaining / rps) * 1000)) : 1000;
        const r = await runLoad({ url: server.url, connections: options.connections, durationMs, request: (i) => requestAt(requests + i), expectStatus: 200 });
        requests += r.requests;
        errors += r.errors;
        rps = r.rps;
        if (r.requests === 0) throw new BenchError(`${mode} soak: no request succeeded in ${durationMs} ms (${r.errors} errors)`);
        if (performance.now() - lastLog > 10_000) {
          lastLog = performance.now();
          log(`soak ${mode}: ${fmtInt(requests)} / ${fmtInt(n)} requests, RSS ${(procRss(server.pid).rssKiB / 1024).toFixed(0)} MiB`);
        }
      }
    } finally {
      clearInterval(timer);
    }
    const elapsedMs = performance.now() - t0;
    sample();
    const end = procRss(server.pid);
    const journal = server.journal !== undefined ? await server.journal() : undefined;
    const figures: SoakFigures = {
      mode,
      requests,
      errors,
      elapsedS: elapsedMs / 1000,
      rps: (requests * 1000) / elapsedMs,
      startRssMiB: start / 1024,
      maxRssMiB: maxKiB / 1024,
      endRssMiB: end.rssKiB / 1024,
      peakRssMiB: end.hwmKiB / 1024,
      bytesPerRequest: ((end.rssKiB - start) * 1024) / requests,
      samples,
      ...(journal !== undefined ? { journal } : {}),
      ...(mode === 'embedded' ? { targetMiB: TARGET_SOAK_MIB, met: end.hwmKiB / 1024 < TARGET_SOAK_MIB } : {}),
    };
    return figures;
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    await rm(root, { recursive: true, force: true });
  }
}

// ---- output ---------------------------------------------------------------------------------

function loadAverage(): number[] {
  try {
    return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).map(Number);
  } catch {
    return [];
  }
}


function fmtMs(n: number): string {
  return `${n.toFixed(n >= 100 ? 0 : 2)} ms`;
}


function table(report: Report): string {
  const o = report.options;
  const b = report.bodyBytes;
  const lines: string[] = [];
  const verdict = (met: boolean): string => (met ? 'met' : 'NOT MET');
  lines.push(
    `seam mock throughput — ${report.stubs} stubs (JSON ${fmtInt(b.min)}–${fmtInt(b.max)} B, mean ${fmtInt(b.mean)}), ${o.connections} connections, closed loop, ` +
      `${o.durationS} s per mode in ${o.rounds} alternating rounds (${report.node}, ${report.cpus} CPUs, load ${report.loadAverage.join(' ')})`,
  );
  lines.push('');
  const head = ['', 'req/s', 'p50', 'p90', 'p99', 'max', 'errors', 'server CPU µs/req', 'gen µs/req', 'startup', 'RSS (peak)'];
  const rows = [head];
  for (const mode of MODES) {
    const f = report.modes[mode];
    if (f === undefined) continue;
    rows.push([
      mode,
      fmtInt(f.rps),
      fmtMs(f.latency.p50),
      fmtMs(f.latency.p90),
      fmtMs(f.latency.p99),
      fmtMs(f.latency.max),
      String(f.errors),
      f.serverCpuMicros.toFixed(0),
      f.generatorCpuMicros.toFixed(0),
      fmtMs(f.startupMs),
      `${f.rssMiB.toFixed(0)} (${f.peakRssMiB.toFixed(0)}) MiB`,
    ]);
  }
  lines.push(...alignRows(rows));
  lines.push('');
  const r = report.ratios;
  if (r.embeddedToCeiling !== undefined) {
    const x = r.embeddedToCeiling;
    lines.push(`embedded ÷ ceiling, req/s:  ${x.value.toFixed(2)}x (rounds ${x.roundsMin.toFixed(2)}–${x.roundsMax.toFixed(2)}; by server CPU per request ${x.byCpu.toFixed(2)}x)   target ≥ ${x.target}x: ${verdict(x.met)}`);
  }
  if (r.embeddedP99ToCeiling !== undefined) lines.push(`embedded p99 ÷ ceiling p99:  ${r.embeddedP99ToCeiling.value.toFixed(2)}x   target ≤ ${r.embeddedP99ToCeiling.target}x: ${verdict(r.embeddedP99ToCeiling.met)}`);
  if (r.embeddedToWireMock !== undefined) lines.push(`embedded ÷ WireMock, req/s:  ${r.embeddedToWireMock.value.toFixed(2)}x (by server CPU per request ${r.embeddedToWireMock.byCpu.toFixed(2)}x)`);
  if (r.wiremockToCeiling !== undefined) lines.push(`WireMock ÷ ceiling:  ${r.wiremockToCeiling.toFixed(2)}x (${o.wiremockJvm === 'stock' ? 'stock JVM' : "Seam's quick-start JVM flags"})`);
  if (r.prismToCeiling !== undefined) lines.push(`Prism ÷ ceiling:  ${r.prismToCeiling.toFixed(3)}x`);
  const e = report.modes.embedded;
  if (e?.listenMs !== undefined) lines.push(`embedded: startEmbedded → listening ${fmtMs(e.listenMs)} (startup above is fork → first 200, Node's own boot included)`);
  const j = report.embeddedJournal;
  if (j !== undefined) lines.push(`embedded journal: ${fmtInt(j.total)} requests journaled (${fmtInt(j.matched)} matched, ${fmtInt(j.missed)} missed), newest ${fmtInt(j.limit)} kept, ${fmtInt(j.dropped)} dropped`);
  return lines.join('\n');
}

function soakTable(s: SoakFigures): string {
  const lines = [
    `soak ${s.mode}: ${fmtInt(s.requests)} requests in ${s.elapsedS.toFixed(1)} s (${fmtInt(s.rps)} req/s, ${s.errors} errors)`,
    `  RSS: ${s.startRssMiB.toFixed(0)} MiB after start, max ${s.maxRssMiB.toFixed(0)} MiB sampled every second, ${s.endRssMiB.toFixed(0)} MiB at the end, kernel peak ${s.peakRssMiB.toFixed(0)} MiB; ` +
      `${fmtInt(s.bytesPerRequest)} B retained per request`,
  ];
  if (s.journal !== undefined) lines.push(`  journal: ${fmtInt(s.journal.total)} journaled, newest ${fmtInt(s.journal.limit)} kept, ${fmtInt(s.journal.dropped)} dropped`);
  if (s.targetMiB !== undefined) lines.push(`  target: peak under ~${s.targetMiB} MiB: ${s.met === true ? 'met' : 'NOT MET'}`);
  return lines.join('\n');
}

benchMain('mock-throughput', HELP, parseOptions, async (options, log) => {
  if (options.soak > 0 || options.soakWireMock > 0) {
    const out: SoakFigures[] = [];
    if (options.soak > 0) out.push(await soak('embedded', options.soak, options, log));
    if (options.soakWireMock > 0) out.push(await soak('wiremock', options.soakWireMock, options, log));
    process.stdout.write(options.json ? `${JSON.stringify({ node: process.version, cpus: availableParallelism(), soak: out }, null, 2)}\n` : `${out.map(soakTable).join('\n')}\n`);
    return;
  }
  const report = await bench(options, log);
  process.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : `${table(report)}\n`);
});
