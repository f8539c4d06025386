// Where a partner's spec lives: `--spec FILE` when given, else contracts/<partner>/openapi.(json|yaml|yml).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../errors.js';

export const SPEC_NAMES = ['openapi.json', 'openapi.yaml', 'openapi.yml'] as const;

/** `explicit` (which must exist), else the partner's spec under `contractsRoot` when there is one. */
export function findPartnerSpec(partner: string, explicit?: string, contractsRoot = 'contracts'): string | undefined {
  if (explicit !== undefined) {
    if (!existsSync(explicit)) throw new InputError('spec file not found', { file: explicit });
    return explicit;
  }
  return SPEC_NAMES.map((name) => join(contractsRoot, partner, name)).find((f) => existsSync(f));
}

/** Like `findPartnerSpec`, but a partner without a spec is an input error saying where it was looked for. */
export function requirePartnerSpec(partner: string, explicit?: string, contractsRoot = 'contracts'): string {
  const file = findPartnerSpec(partner, explicit, contractsRoot);
  if (file === undefined) throw new InputError(`no spec for ${partner}: expected ${join(contractsRoot, partner)}/openapi.(json|yaml) or --spec FILE`);
  return file;
}
