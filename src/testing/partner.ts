// A partner mock for a scenario: stubs from the partner's recordings (operations named by its spec
// when it has one) or from its spec alone, a fault plan compiled into them, served by any engine.
// What it answered is read back as ObservedRequests on the scenario's clock.
import { InputError } from '../errors.js';
import { startEmbedded } from '../engines/embedded.js';
import { dateHeaderList, httpDate } from '../engines/reply-parts.js';
import type { Engine } from '../engines/engine.js';
import { startMswSet } from '../engines/msw.js';
import { startWireMock } from '../engines/wiremock.js';
import { readRecordings } from '../exchange/store.js';
import type { MultiMap } from '../exchange/types.js';
import { applyFaultPlan, type AppliedPlan } from '../faults/plan.js';
import type { FaultId, FaultPlan } from '../faults/types.js';
import type { ObservedRequest } from '../judge/types.js';
import { loadSpec } from '../spec/load.js';
import { findPartnerSpec } from '../spec/partner-spec.js';
import type { LoadedSpec } from '../spec/types.js';
import { stubsFromExchanges } from '../stubs/from-exchanges.js';
import { stubsFromSpec } from '../stubs/from-spec.js';
import { isFault, type JournalEntry, type Stub } from '../stubs/types.js';

/** `wiremock-container`: WireMock from its official image through testcontainers (a reachable container runtime needed). */
export type EngineChoice = 'embedded' | 'msw' | 'wiremock' | 'wiremock-container';

export interface PartnerSource {
  /** The partner's name: folder under recordings/ and contracts/, and the prefix of its env var (`TRACKER_BASE_URL`). */
  name: string;
  /** Build stubs from the recordings (default) or from the spec alone; or give the stubs. */
  from?: 'recordings' | 'spec';
  stubs?: Stub[];
  /** Recordings root (default `recordings`), one session only if given. */
  recordings?: string;
  session?: string;
  /** The spec file (default contracts/<name>/openapi.json|yaml when it exists). */
  spec?: string;
}

/** Built once per partner and reused by every scenario: loading specs and recordings is the slow part. */
export interface PreparedPartner {
  name: string;
  stubs: Stub[];
  spec?: LoadedSpec;
}

export async function preparePartner(source: PartnerSource): Promise<PreparedPartner> {
  const specFile = findPartnerSpec(source.name, source.spec);
  const spec = specFile !== undefined ? await loadSpec(specFile) : undefined;
  let stubs = source.stubs;
  if (stubs === undefined && source.from === 'spec') {
    if (spec === undefined) throw new InputError(`no spec for ${source.name}: expected contracts/${source.name}/openapi.(json|yaml) or spec: FILE`);
    stubs = stubsFromSpec(spec);
  }
  if (stubs === undefined) {
    const stored = await readRecordings(source.recordings ?? 'recordings', source.name, source.session !== undefined ? { session: source.session } : {});
    if (stored.length === 0) throw new InputError(`no recordings for ${source.name} under ${source.recordings ?? 'recordings'}`);
    stubs = stubsFromExchanges(
      stored.map((s) => s.exchange),
      spec !== undefined ? { spec } : {},
    );
  }
  return { name: source.name, stubs, ...(spec !== undefined ? { spec } : {}) };
}

export interface PartnerMock {
  name: string;
  url: string;
  engine: EngineChoice;
  /** The stubs as served, the plan compiled in. */
  stubs: Stub[];
  /** Tokens the plan's token endpoints will issue: secrets the connector must not print. */
  issued: string[];
  /** What it received, on the scenario clock (`origin`: performance.now() when the scenario started). */
  observed(origin: number): Promise<Omit<ObservedRequest, 'seq'>[]>;
  close(): Promise<void>;
}

/**
 * Starts the partners' mocks with `plan` applied (each partner ignores rules for other partners'
 * operations). On msw they share one server (msw intercepts process-wide), each on its own origin.
 */
export async function startPartners(prepared: readonly PreparedPartner[], plan: FaultPlan, engine: EngineChoice = 'embedded'): Promise<PartnerMock[]> {
  if (engine !== 'msw') {
    const mocks: PartnerMock[] = [];
    try {
      for (const p of prepared) mocks.push(await startPartner(p, plan, engine));
    } catch (error) {
      await Promise.all(mocks.map((m) => m.close()));
      throw error;
    }
    return mocks;
  }
  const applied = prepared.map((p) => applyFaultPlan(p.stubs, plan, p.spec !== undefined ? { spec: p.spec } : {}));
  const perfStart = performance.now();
  const wallStart = Date.now();
  const engines = await startMswSet(applied.map((a, i) => ({ stubs: a.stubs, baseUrl: `http://${prepared[i]!.name}.msw.invalid` })));
  return engines.map((running, i) => partnerMock(prepared[i]!, applied[i]!, running, engine, perfStart, wallStart));
}

/** Starts one partner's mock with `plan` applied (rules for other partners' operations are ignored). */
export async function startPartner(prepared: PreparedPartner, plan: FaultPlan, engine: EngineChoice = 'embedded'): Promise<PartnerMock> {
  if (engine === 'msw') return (await startPartners([prepared], plan, engine))[0]!;
  const applied = applyFaultPlan(prepared.stubs, plan, prepared.spec !== undefined ? { spec: prepared.spec } : {});
  // The engine's journal clock: `at` is ms since the engine started, which is read here in
  // performance.now() terms (embedded, msw) or wall-clock terms (WireMock's loggedDate).
  const perfStart = performance.now();
  const wallStart = Date.now();
  const running: Engine =
    engine === 'embedded' ? await startEmbedded({ stubs: applied.stubs }) : await startWireMock({ stubs: applied.stubs, runtime: engine === 'wiremock-container' ? 'container' : 'java' });
  return partnerMock(prepared, applied, running, engine, perfStart, wallStart);
}

function partnerMock(prepared: PreparedPartner, applied: AppliedPlan, running: Engine, engine: EngineChoice, perfStart: number, wallStart: number): PartnerMock {
  const byId = new Map(applied.stubs.map((s) => [s.id, s]));
  const wallToPerf = perfStart - wallStart; // WireMock entries: performance time ≈ wall time + this
  return {
    name: prepared.name,
    url: running.url,
    engine,
    stubs: applied.stubs,
    issued: applied.issued,
    async observed(origin) {
      const entries = await running.journal();
      const offset = running.name === 'wiremock' ? wallStart + wallToPerf - origin : perfStart - origin;
      // Scenario clock → wall clock, for the HTTP-dates the engines rendered when they answered.
      const wallAt = (at: number): number => wallStart + (at + origin - perfStart);
      return entries.map((e) => observe(prepared.name, e, byId, applied.faultAt, offset, wallAt));
    },
    close: () => running.close(),
  };
}

function observe(
  partner: string,
  e: JournalEntry,
  stubs: Map<string, Stub>,
  faultAt: (stubId: string, replyIndex: number) => FaultId | undefined,
  offset: number,
  wallAt: (at: number) => number,
): Omit<ObservedRequest, 'seq'> {
  const at = round(e.at + offset);
  const stub = e.stubId !== null ? stubs.get(e.stubId) : undefined;
  const out: Omit<ObservedRequest, 'seq'> = {
    partner,
    at,
    method: e.method,
    path: e.path,
    query: e.query,
    headers: e.headers,
    ...(e.body !== undefined ? { body: e.body } : {}),
    stubId: e.stubId,
    ...(stub !== undefined ? { operation: stub.operation ?? `${stub.request.method} ${stub.request.path}` } : {}),
    response: { miss: true, status: 404, at },
  };
  if (stub === undefined || e.replyIndex === undefined) return out;
  const reply = stub.replies[Math.min(e.replyIndex, stub.replies.length - 1)]!;
  const answeredAt = round(at + (reply.delayMs ?? 0));
  if (isFault(reply)) out.response = reply.fault === 'hang' ? { fault: 'hang' } : { fault: reply.fault, at: answeredAt };
  else {
    // The headers as served: the stub's, its HTTP-dates rendered at the moment of answering, and
    // the `date` every engine sends (so a reader can place an HTTP-date on the scenario clock).
    const headers: MultiMap = {};
    for (const [k, v] of Object.entries(reply.headers ?? {})) headers[k.toLowerCase()] = v;
    const wall = wallAt(answeredAt);
    headers.date = httpDate(0, wall);
    for (const [name, seconds] of dateHeaderList(reply.dateHeaders) ?? []) headers[name] = httpDate(seconds, wall);
    out.response = { status: reply.status, headers, at: answeredAt, ...(reply.body !== undefined ? { body: reply.body } : {}) };
  }
  const injected = faultAt(stub.id, e.replyIndex);
  if (injected !== undefined) out.injected = injected;
  return out;
}

const round = (ms: number): number => Math.round(ms * 10) / 10;
