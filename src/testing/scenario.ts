// One scenario: partner mocks with a fault plan, the connector run against them, the evidence
// gathered on one clock, and the judge's verdicts. The result is what `seam gate` reports.
import type { FaultPlan } from '../faults/types.js';
import { judge } from '../judge/index.js';
import { OUTBOUND_RULE_IDS, type ConnectorPolicy, type Evidence, type Expectations, type ObservedRequest, type RuleId, type Verdict } from '../judge/types.js';
import type { ScenarioResult } from '../report/types.js';
import type { Connector } from './connector.js';
import { startPartners, type EngineChoice, type PartnerMock, type PreparedPartner } from './partner.js';

export interface ScenarioOptions {
  suite: string;
  name: string;
  connector: Connector;
  partners: PreparedPartner[];
  plan: FaultPlan;
  policy: ConnectorPolicy;
  expectations?: Expectations;
  /** Env for the connector beyond the partners' `<NAME>_BASE_URL`s (credentials, tuning). */
  env?: Record<string, string>;
  /** Which env values are secrets the connector must never print (default: names with SECRET, KEY, TOKEN or PASSWORD). */
  secretEnv?: string[];
  engine?: EngineChoice;
  /** The harness stops the connector after this long (default 20 s). */
  timeLimitMs?: number;
  /** Rules to judge (default all). */
  rules?: readonly RuleId[];
}

export interface ScenarioRun {
  evidence: Evidence;
  verdicts: Verdict[];
  result: ScenarioResult;
}

const SECRET_NAME = /SECRET|KEY|TOKEN|PASSWORD/i;

export function envName(partner: string): string {
  return `${partner.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}_BASE_URL`;
}

export async function runScenario(options: ScenarioOptions): Promise<ScenarioRun> {
  const engine = options.engine ?? 'embedded';
  const origin = performance.now();
  const mocks: PartnerMock[] = [];
  try {
    mocks.push(...(await startPartners(options.partners, options.plan, engine)));
    const env: Record<string, string> = { ...options.env };
    const partners: Record<string, string> = {};
    for (const m of mocks) {
      env[envName(m.name)] = m.url;
      partners[m.name] = m.url;
    }
    const startedAt = performance.now() - origin;
    const run = await options.connector.run({ partners, env, log: () => {}, signal: new AbortController().signal }, options.timeLimitMs ?? 20_000);
    const endedAt = performance.now() - origin;
    // Requests still arriving as the connector is killed are part of the evidence; give them a beat.
    await new Promise((resolve) => setTimeout(resolve, 20));
    const observed = (await Promise.all(mocks.map((m) => m.observed(origin)))).flat().sort((a, b) => a.at - b.at);
    const requests: ObservedRequest[] = observed.map((r, i) => ({ ...r, seq: i + 1 }));
    const secretNames = options.secretEnv ?? Object.keys(options.env ?? {}).filter((k) => SECRET_NAME.test(k));
    const secrets = [
      ...secretNames.flatMap((name) => {
        const value = options.env?.[name];
        return value !== undefined && value !== '' ? [{ name, value }] : [];
      }),
      ...mocks.flatMap((m) => m.issued.map((value, i) => ({ name: `${m.name} access token ${i + 1}`, value }))),
      ...handedOut(requests),
    ];
    const evidence: Evidence = {
      // Wall-clock time at scenario time 0, to place HTTP-dates (Retry-After) on the scenario clock.
      epochMs: Math.round(Date.now() - (performance.now() - origin)),
      requests,
      connector: {
        exitCode: run.exitCode,
        timedOut: run.timedOut,
        startedAt: round(startedAt),
        endedAt: round(endedAt),
        stdout: run.stdout,
        stderr: run.stderr,
        ...(run.error !== undefined ? { error: run.error } : {}),
      },
      secrets,
      policy: options.policy,
      expectations: options.expectations ?? {},
    };
    const verdicts = judge(evidence, options.rules ?? OUTBOUND_RULE_IDS);
    const result: ScenarioResult = {
      suite: options.suite,
      name: options.name,
      connector: options.connector.name,
      engine,
      plan: options.plan,
      verdicts,
      requests,
      outcome: evidence.connector,
      durationMs: round(performance.now() - origin),
    };
    return { evidence, verdicts, result };
  } finally {
    await Promise.all(mocks.map((m) => m.close()));
  }
}

const CREDENTIAL_FIELDS = ['access_token', 'refresh_token', 'id_token'];

/** Credentials the mocks handed the connector (an OAuth token endpoint's answers): secrets too. */
function handedOut(requests: readonly ObservedRequest[]): { name: string; value: string }[] {
  const out = new Map<string, string>();
  for (const r of requests) {
    const body = 'status' in r.response && !('miss' in r.response) ? r.response.body : undefined;
    if (body === undefined || !('json' in body) || body.json === null || typeof body.json !== 'object') continue;
    for (const field of CREDENTIAL_FIELDS) {
      const value = (body.json as Record<string, unknown>)[field];
      if (typeof value === 'string' && value.length >= 8 && !out.has(value)) out.set(value, `${r.partner} ${field} (${r.operation ?? r.path})`);
    }
  }
  return [...out].map(([value, name]) => ({ name, value }));
}

/** A plan with no faults: the happy path. */
export function noFaults(seed = 1): FaultPlan {
  return { seed, rules: [] };
}

const round = (ms: number): number => Math.round(ms * 10) / 10;
