// A concrete request's operation together with its path template as the request spells it: the
// spec's template with the server's base path in front when the request carried it
// (`/v71/paymentLinks/{linkId}` for Adyen's `/paymentLinks/{linkId}` under `…/v71`). Stubs and
// pacts are keyed by what the client actually sends.
import { extractParams } from '../stubs/path-template.js';
import { operations } from './operations.js';
import { indexOperations, resolveOperation } from './resolve.js';
import type { LoadedSpec, Operation } from './types.js';

export interface RequestOperation {
  operation: Operation;
  /** The path template with the base path as sent, e.g. `/v71/paymentLinks/{linkId}`. */
  template: string;
}

/** Resolves concrete requests against `spec` (operations indexed once). */
export function requestResolver(spec: LoadedSpec): (method: string, path: string) => RequestOperation | undefined {
  const index = indexOperations(operations(spec));
  return (method, path) => {
    const operation = resolveOperation(index, method, path)?.operation;
    if (operation === undefined) return undefined;
    const template = [...operation.basePaths, ''].map((base) => base + operation.pathTemplate).find((t) => extractParams(t, path) !== undefined);
    return template === undefined ? undefined : { operation, template };
  };
}
