// What the ticket-sync suite files share: the connector (or a seeded variant of it, SEAM_VARIANT),
// the engine (SEAM_ENGINE), the two recorded partners, and a scenario's fixed parts.
import { preparePartner, processConnector, type EngineChoice, type FaultPlan, type ScenarioOptions } from 'seam/testing';
import { CREATED_ISSUES, TICKET_SYNC_ENV, TICKET_SYNC_POLICY, ticketSyncCommand } from './config.js';

const variant = process.env.SEAM_VARIANT;
const engine = (process.env.SEAM_ENGINE ?? 'embedded') as EngineChoice;
const connector = processConnector(variant !== undefined ? `ticket-sync:${variant}` : 'ticket-sync', { command: ticketSyncCommand(variant) });

export const helpdesk = await preparePartner({ name: 'helpdesk' });
export const tracker = await preparePartner({ name: 'tracker' });

export function scenario(name: string, plan: FaultPlan, extra: Partial<ScenarioOptions> = {}): ScenarioOptions {
  return {
    suite: 'ticket-sync',
    name,
    connector,
    partners: [helpdesk, tracker],
    plan,
    policy: TICKET_SYNC_POLICY,
    expectations: { creations: CREATED_ISSUES },
    env: TICKET_SYNC_ENV,
    engine,
    timeLimitMs: 20_000,
    ...extra,
  };
}

/**
 * A resilience-matrix scenario: creations not counted, and a longer time limit. A fault on the
 * create operation hits the first call of each recorded create, so a Retry-After is waited once per
 * issue created (about 16 s for 2 s HTTP-dates): 20 s left too little room on a loaded CI machine.
 */
export function matrixScenario(name: string, plan: FaultPlan): ScenarioOptions {
  return scenario(name, plan, { expectations: {}, timeLimitMs: 45_000 });
}
