// The contracts stage: Pact files generated from recordings (with inferred matchers) and verified
// against a running provider.
export { inferMatchers, inferParams, inferStrings, restrictTo } from './infer-matchers.js';
export type { Json, MatcherNode } from './infer-matchers.js';
export { planInteractions } from './plan-interactions.js';
export type { InteractionPlan, Plan, ProviderState, Recording } from './plan-interactions.js';
export { generatePact, pactFileName } from './generate-pact.js';
export type { GeneratedPact, GeneratePactOptions } from './generate-pact.js';
export { verifyProvider } from './verify-provider.js';
export type { InteractionVerification, Mismatch, ProviderVerification, VerifyProviderOptions } from './verify-provider.js';
