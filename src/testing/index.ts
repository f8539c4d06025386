// `seam/testing`: the API suites are written in. Importing it registers the judge's matchers.
import './matchers.js';

export { MATCHER_RULES } from './matchers.js';
export { inProcessConnector, processConnector } from './connector.js';
export type { Connector, ConnectorContext, ConnectorRun, ProcessConnectorOptions } from './connector.js';
export { containerConnector, type ContainerConnectorOptions } from './container-connector.js';
export { preparePartner, startPartner, startPartners } from './partner.js';
export type { EngineChoice, PartnerMock, PartnerSource, PreparedPartner } from './partner.js';
export { envName, noFaults, runScenario } from './scenario.js';
export type { ScenarioOptions, ScenarioRun } from './scenario.js';
export { attach, SEAM_META } from './meta.js';
export { faultMatrix } from '../faults/matrix.js';
export type { CallSelector, FaultId, FaultPlan, FaultRule } from '../faults/types.js';
export { FAULT_IDS } from '../faults/types.js';
export type { ConnectorPolicy, Evidence, Expectations, ObservedRequest, RuleId, Verdict } from '../judge/types.js';
export { RULE_IDS } from '../judge/types.js';
export { processReceiver } from './receiver.js';
export type { ProcessReceiverOptions, Receiver, RunningReceiver } from './receiver.js';
export { runWebhookScenario } from './webhook-scenario.js';
export type { WebhookScenarioOptions, WebhookScenarioRun } from './webhook-scenario.js';
export { getScheme } from '../webhooks/schemes/index.js';
export { planDeliveries } from '../webhooks/planner.js';
export type { DeliveryPlan } from '../webhooks/planner.js';
export { retrySchedule } from '../webhooks/retry-schedules.js';
export type { RetrySchedule } from '../webhooks/retry-schedules.js';
export { eventsFromExchanges, stripeEvent, stripeLifecycle } from '../webhooks/events.js';
export type { DeliveryRecord, PlannedDelivery, SchemeId, WebhookEvent } from '../webhooks/types.js';
export { WEBHOOK_RULE_IDS, OUTBOUND_RULE_IDS } from '../judge/types.js';
