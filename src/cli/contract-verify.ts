// `seam contract verify <pacts…>`: either the real Pact Verifier against a running provider
// (`--provider-base-url`, the nightly use against a sandbox), or every interaction against the
// partner's OpenAPI (`--against-spec`, no provider needed). One line per interaction; exit 1 on
// any failure or incompatibility.
import { isAbsolute, relative } from 'node:path';
import { UsageError, VerdictFailed } from '../errors.js';
import { checkPactAgainstSpec, type PactSpecCheck } from '../contracts/against-spec.js';
import { readPactFile, type PactFile } from '../contracts/pact-file.js';
import { verifyProviderIsolated } from '../contracts/verify-provider.js';
import { loadSpec } from '../spec/load.js';
import { requirePartnerSpec } from '../spec/partner-spec.js';
import { createSpecValidator } from '../spec/validate.js';
import type { LoadedSpec } from '../spec/types.js';
import { colour, printJson } from './output.js';

export interface ContractVerifyOptions {
  providerBaseUrl?: string;
  /** `Name: value`; `${VAR}` in the value is read from the environment, so secrets stay out of argv. */
  providerHeader?: string[];
  providerStatesSetupUrl?: string;
  againstSpec?: boolean;
  spec?: string;
  json?: boolean;
}

export async function run(files: string[], options: ContractVerifyOptions): Promise<void> {
  const live = options.providerBaseUrl !== undefined;
  if (live === (options.againstSpec === true)) throw new UsageError('give exactly one of --provider-base-url URL and --against-spec');
  if (!live && options.providerStatesSetupUrl !== undefined) throw new UsageError('--provider-states-setup-url goes with --provider-base-url');
  if (live && options.spec !== undefined) throw new UsageError('--spec goes with --against-spec');
  if (!live && options.providerHeader !== undefined) throw new UsageError('--provider-header goes with --provider-base-url');
  // Read every pact first: a broken file is an exit 2 before any verification runs.
  const pacts = await Promise.all(files.map((f) => readPactFile(f)));
  if (live) await againstProvider(pacts, options.providerBaseUrl!, options);
  else await againstSpec(pacts, options);
}

async function againstProvider(pacts: PactFile[], providerBaseUrl: string, options: ContractVerifyOptions): Promise<void> {
  let url: URL;
  try {
    url = new URL(providerBaseUrl);
  } catch {
    throw new UsageError(`--provider-base-url "${providerBaseUrl}" is not a URL`);
  }
  // The Verifier's own report goes to stderr (or nowhere with --json): stdout is the verdict.
  const result = await verifyProviderIsolated(
    {
      pactFiles: pacts.map((p) => p.file),
      providerBaseUrl: url.href.replace(/\/$/, ''),
      ...(options.providerStatesSetupUrl !== undefined ? { providerStatesSetupUrl: options.providerStatesSetupUrl } : {}),
      providerHeaders: (options.providerHeader ?? []).map(expandHeader),
    },
    options.json === true ? undefined : process.stderr,
  );
  if (options.json === true) printJson({ providerBaseUrl, ok: result.ok, interactions: result.interactions });
  else {
    for (const i of result.interactions) {
      process.stdout.write(`${i.ok ? colour.green('✓') : colour.red('✗')} ${i.description}\n`);
      for (const m of i.mismatches) process.stdout.write(`    ${m.path !== undefined ? `${m.path}: ` : ''}${m.message}\n`);
    }
  }
  const failed = result.interactions.filter((i) => !i.ok).length;
  const summary = `${result.interactions.length} interaction${result.interactions.length === 1 ? '' : 's'} verified against ${providerBaseUrl}, ${failed} failed`;
  if (!result.ok) throw new VerdictFailed(summary);
  if (options.json !== true) process.stderr.write(`${summary}\n`);
}

async function againstSpec(pacts: PactFile[], options: ContractVerifyOptions): Promise<void> {
  const specs = new Map<string, Promise<{ spec: LoadedSpec; validator: ReturnType<typeof createSpecValidator> }>>();
  const checks: PactSpecCheck[] = [];
  for (const pact of pacts) {
    const file = requirePartnerSpec(pact.provider, options.spec);
    let loaded = specs.get(file);
    if (loaded === undefined) {
      loaded = loadSpec(file).then((spec) => ({ spec, validator: createSpecValidator(spec) }));
      specs.set(file, loaded);
    }
    checks.push(checkPactAgainstSpec(pact, await loaded));
  }
  const bad = checks.flatMap((c) => c.interactions).filter((i) => i.problems.length > 0).length;
  const total = checks.reduce((n, c) => n + c.interactions.length, 0);
  if (options.json === true) printJson({ pacts: checks.map((c) => ({ ...c, file: shown(c.file) })) });
  else {
    for (const check of checks) {
      if (checks.length > 1) process.stdout.write(`${colour.bold(shown(check.file))}\n`);
      for (const i of check.interactions) {
        const what = `${i.description}  ${colour.dim(`${i.method} ${i.path} → ${i.status}${i.operation !== undefined && i.operation !== `${i.method} ${i.path}` ? ` (${i.operation})` : ''}`)}`;
        process.stdout.write(`${i.problems.length === 0 ? colour.green('✓') : colour.red('✗')} ${what}\n`);
        for (const p of i.problems) {
          const where = p.spec !== undefined ? colour.dim(`  (spec: ${shown(p.spec.file)}#${p.spec.pointer})`) : '';
          process.stdout.write(`    ${p.part} ${p.kind}: ${p.message}${where}\n`);
        }
      }
      for (const s of check.skipped) process.stdout.write(`- ${s}  ${colour.dim('(not HTTP: not checked)')}\n`);
    }
  }
  const summary = `${total} interaction${total === 1 ? '' : 's'} checked against the spec, ${bad} incompatible`;
  if (bad > 0) throw new VerdictFailed(summary);
  if (options.json !== true) process.stderr.write(`${summary}\n`);
}

/** `Authorization: Bearer ${STRIPE_KEY}` → the value with the variable read from the environment. */
export function expandHeader(header: string): string {
  const colon = header.indexOf(':');
  if (colon <= 0) throw new UsageError(`--provider-header "${header}" is not "Name: value"`);
  return header.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => {
    const value = process.env[name];
    if (value === undefined) throw new UsageError(`--provider-header names \${${name}}, which is not set in the environment`);
    return value;
  });
}

/** A file as the user would type it: relative to the working directory when inside it. */
function shown(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? file : rel;
}
