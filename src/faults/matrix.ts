// The resilience matrix: one scenario per (operation × applicable fault), so a new connector gets
// the whole catalogue against every route it uses with one call. Each scenario's plan has one rule
// targeting the operation (all its stubs get the fault). Order: operations by path, then method;
// faults in catalogue order.
import type { LoadedSpec } from '../spec/index.js';
import type { Stub } from '../stubs/types.js';
import { applicableFaults, operationName } from './catalogue.js';
import { FAULT_IDS, type CallSelector, type FaultId, type FaultPlan, type FaultRule } from './types.js';

export interface FaultMatrixOptions {
  /** Wrong-body faults are derived from it; without one they are left out. */
  spec?: LoadedSpec | undefined;
  /** Only these faults (default: the whole catalogue). */
  faults?: readonly FaultId[];
  /** Which calls get the fault (default `{ first: 1 }`). */
  when?: CallSelector;
  /** The plans' seed (default 1). */
  seed?: number;
  /** The token endpoint (operation or stub id); `unauthorized` scenarios need one. */
  tokenTarget?: string;
  /** Operations (or stub ids) to leave out. */
  exclude?: readonly string[];
}

export interface FaultScenario {
  /** `<operation> × <fault>`, e.g. `GET /api/v2/tickets × rate-limit`. */
  name: string;
  operation: string;
  fault: FaultId;
  plan: FaultPlan;
}

export const DEFAULT_MATRIX_SEED = 1;

export function faultMatrix(stubs: readonly Stub[], options: FaultMatrixOptions = {}): FaultScenario[] {
  const exclude = new Set(options.exclude ?? []);
  const wanted = new Set(options.faults ?? FAULT_IDS);
  const when = options.when ?? { first: 1 };
  const seed = options.seed ?? DEFAULT_MATRIX_SEED;
  const byOperation = new Map<string, Stub[]>();
  for (const stub of stubs) {
    const operation = operationName(stub);
    if (exclude.has(operation) || exclude.has(stub.id)) continue;
    byOperation.set(operation, [...(byOperation.get(operation) ?? []), stub]);
  }
  const scenarios: FaultScenario[] = [];
  for (const [operation, group] of [...byOperation].sort(([a], [b]) => compareOperations(a, b))) {
    const applicable = new Set(group.flatMap((stub) => applicableFaults(stub, { spec: options.spec, tokenTarget: options.tokenTarget })));
    for (const fault of FAULT_IDS) {
      if (!applicable.has(fault) || !wanted.has(fault)) continue;
      const rule: FaultRule = { target: operation, fault, when, ...(fault === 'unauthorized' && options.tokenTarget !== undefined ? { tokenTarget: options.tokenTarget } : {}) };
      scenarios.push({ name: `${operation} × ${fault}`, operation, fault, plan: { seed, rules: [rule] } });
    }
  }
  return scenarios;
}

/** `GET /a/b` vs `POST /a`: by path, then method. */
function compareOperations(a: string, b: string): number {
  const [ma = '', pa = ''] = split(a);
  const [mb = '', pb = ''] = split(b);
  return pa < pb ? -1 : pa > pb ? 1 : ma < mb ? -1 : ma > mb ? 1 : 0;
}

function split(operation: string): [string, string] {
  const space = operation.indexOf(' ');
  return space === -1 ? ['', operation] : [operation.slice(0, space), operation.slice(space + 1)];
}
