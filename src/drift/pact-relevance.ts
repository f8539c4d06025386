// Which spec-diff findings touch a consumer's pact. An operation-level finding touches the pact
// when one of its interactions resolves (method + path) to that operation in either version. A
// field-level finding touches it when the pact's expected body reaches the changed node: the
// pact's bodies are walked beside the old and new schemas and every schema node they pass through
// is noted — so a change in a shared schema (Stripe's `dispute`) is caught whichever operation the
// diff reported it under.
import type { PactFile } from '../contracts/pact-file.js';
import type { Body } from '../exchange/types.js';
import { indexOperations, resolveOperation } from '../spec/resolve.js';
import { operations } from '../spec/operations.js';
import { schemaFor } from '../spec/json-schema.js';
import type { LoadedSpec, Location, Operation } from '../spec/types.js';
import { schemaView } from './schema-view.js';
import { specCheck } from './spec-checks.js';
import type { DriftFinding } from './types.js';

interface Touched {
  operations: Set<string>;
  /** `file#pointer` of every schema node the pact's bodies pass through, per version. */
  old: Set<string>;
  new: Set<string>;
}

const key = (at: Location) => `${at.file}#${at.pointer}`;
const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The findings with `affects: [consumer]` on those touching the pact, those listed first. */
export function markPactRelevance(findings: DriftFinding[], pact: PactFile, oldSpec: LoadedSpec, newSpec: LoadedSpec): DriftFinding[] {
  const touched: Touched = { operations: new Set(), old: new Set(), new: new Set() };
  traceVersion(pact, oldSpec, touched.old, touched.operations);
  traceVersion(pact, newSpec, touched.new, touched.operations);
  const marked = findings.map((f) => (touches(f, touched) ? { ...f, affects: [...new Set([...(f.affects ?? []), pact.consumer])] } : f));
  const first = (f: DriftFinding) => (f.affects?.includes(pact.consumer) ? 0 : 1);
  return marked.map((f, i) => ({ f, i })).sort((a, b) => first(a.f) - first(b.f) || a.i - b.i).map((x) => x.f);
}

function touches(f: DriftFinding, t: Touched): boolean {
  if (f.field === undefined) return f.operation !== undefined && t.operations.has(f.operation);
  const subject = specCheck(f.check)?.subject ?? 'both';
  return (subject !== 'new' && f.old !== undefined && t.old.has(key(f.old))) || (subject !== 'old' && f.new !== undefined && t.new.has(key(f.new)));
}

function traceVersion(pact: PactFile, spec: LoadedSpec, nodes: Set<string>, ops: Set<string>): void {
  const index = indexOperations(operations(spec));
  for (const interaction of pact.interactions) {
    const match = resolveOperation(index, interaction.request.method, interaction.request.path.split('?')[0] ?? '');
    if (!match) continue;
    ops.add(match.operation.id);
    trace(spec, match.operation, 'request', interaction.request.body, nodes);
    trace(spec, match.operation, interaction.response.status, interaction.response.body, nodes);
  }
}

function trace(spec: LoadedSpec, op: Operation, target: 'request' | number, body: Body | undefined, nodes: Set<string>): void {
  const value = bodyValue(body);
  if (value === undefined) return;
  const schema = schemaFor(op, target);
  if (!schema?.at) return;
  walk(spec, schema.node, schema.at, value, nodes, 0);
}

function bodyValue(body: Body | undefined): unknown {
  if (!body) return undefined;
  if ('json' in body) return body.json;
  if ('form' in body) return body.form;
  return undefined;
}

function walk(spec: LoadedSpec, node: unknown, at: Location, value: unknown, nodes: Set<string>, depth: number): void {
  if (depth > 64) return;
  const view = schemaView(spec, node, at);
  if (!view) return;
  for (const loc of view.locations) nodes.add(key(loc));
  for (const branch of view.branches) walk(spec, branch.node, branch.at, value, nodes, depth + 1);
  if (Array.isArray(value)) {
    if (view.items) for (const item of value) walk(spec, view.items.node, view.items.at, item, nodes, depth + 1);
    return;
  }
  if (!isObj(value)) return;
  for (const [name, v] of Object.entries(value)) {
    const prop = view.properties.get(name) ?? view.additionalProperties;
    if (prop) walk(spec, prop.node, prop.at, v, nodes, depth + 1);
  }
}
