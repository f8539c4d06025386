// The bi-directional check without a broker: a pact (what the consumer relies on) against the
// partner's OpenAPI (what the partner promises). Pure apart from the spec it is given.
//
// Per interaction:
// - the request must be one the spec accepts: an operation for its method and path, and its
//   parameters and body valid (the spec validator, as `seam validate` checks recordings);
// - the response it expects must be possible: its status documented, its content type offered,
//   every field of the expected body defined by the response schema (`spec-fields.ts`) and every
//   expected value valid there (ajv). A field the spec requires but the pact leaves out is fine: a
//   pact lists only what the consumer relies on.
import type { Location, LoadedSpec, Operation } from '../spec/types.js';
import { indexOperations, resolveOperation, type OperationIndex } from '../spec/resolve.js';
import { operations } from '../spec/operations.js';
import { schemaFor } from '../spec/json-schema.js';
import type { SpecValidator, Violation } from '../spec/validate.js';
import type { PactFile, PactHttpInteraction } from './pact-file.js';
import { undefinedFields } from './spec-fields.js';

export type ProblemKind = 'no-operation' | 'invalid-request' | 'undocumented-status' | 'undefined-field' | 'invalid-response' | 'unoffered-media-type';

export interface Problem {
  kind: ProblemKind;
  part: 'request' | 'response';
  /** One sentence. */
  message: string;
  /** Pact-style field path (`$.data[0].id`) for body problems. */
  field?: string;
  spec?: Location;
}

export interface InteractionCheck {
  description: string;
  method: string;
  path: string;
  status: number;
  /** The spec operation it resolved to, e.g. `GET /v1/customers/{customer}`. */
  operation?: string;
  problems: Problem[];
}

export interface PactSpecCheck {
  file: string;
  consumer: string;
  provider: string;
  interactions: InteractionCheck[];
  skipped: string[];
}

export interface AgainstSpecContext {
  spec: LoadedSpec;
  validator: SpecValidator;
  index?: OperationIndex;
}

export function checkPactAgainstSpec(pact: PactFile, context: AgainstSpecContext): PactSpecCheck {
  const index = context.index ?? indexOperations(operations(context.spec));
  return {
    file: pact.file,
    consumer: pact.consumer,
    provider: pact.provider,
    interactions: pact.interactions.map((i) => checkInteraction(i, { ...context, index })),
    skipped: pact.skipped,
  };
}

function checkInteraction(interaction: PactHttpInteraction, context: Required<AgainstSpecContext>): InteractionCheck {
  const { request, response } = interaction;
  const out: InteractionCheck = { description: interaction.description, method: request.method, path: request.path, status: response.status, problems: [] };
  const match = resolveOperation(context.index, request.method, request.path);
  if (match === undefined) {
    out.problems.push({ kind: 'no-operation', part: 'request', message: `the spec has no operation for ${request.method} ${request.path}` });
    return out;
  }
  const op = match.operation;
  out.operation = op.id;
  for (const v of context.validator.validateRequest(op, { method: request.method, path: request.path, query: request.query, headers: request.headers, body: request.body }, match.params)) {
    out.problems.push(fromViolation('invalid-request', v));
  }
  out.problems.push(...responseProblems(interaction, op, context));
  return out;
}

function responseProblems(interaction: PactHttpInteraction, op: Operation, context: Required<AgainstSpecContext>): Problem[] {
  const { response } = interaction;
  const status = String(response.status);
  const documented = op.responses.find((r) => r.status === status) ?? op.responses.find((r) => r.status === `${status[0]}XX`) ?? op.responses.find((r) => r.status === 'default');
  if (documented === undefined) {
    const listed = op.responses.map((r) => r.status).join(', ');
    return [{ kind: 'undocumented-status', part: 'response', message: `status ${status} is not documented for ${op.id} (documented: ${listed || 'none'})`, spec: { file: op.at.file, pointer: `${op.at.pointer}/responses` } }];
  }
  const problems: Problem[] = [];
  const header = response.headers['content-type'];
  const contentType = Array.isArray(header) ? header[0] : header;
  const body = response.body;
  if (body === undefined) return problems;
  const schema = schemaFor(op, response.status, contentType);
  if (schema === undefined) {
    if (documented.content.length > 0) {
      const offered = documented.content.map((c) => c.mediaType).join(', ');
      problems.push({ kind: 'unoffered-media-type', part: 'response', message: `the pact expects a ${contentType ?? 'typed'} body; the spec's ${documented.status} response offers ${offered}`, spec: documented.at });
    }
    return problems;
  }
  if ('json' in body && schema.at !== undefined) {
    for (const f of undefinedFields(context.spec, schema.node, schema.at, body.json)) {
      problems.push({ kind: 'undefined-field', part: 'response', field: f.path, message: `field ${f.path} is not defined by the spec's ${documented.status} response`, spec: f.spec });
    }
  }
  // Fields the pact leaves out are not its concern; everything else ajv finds is.
  for (const v of context.validator.validateResponse(op, { status: response.status, headers: response.headers, body })) {
    if (v.keyword === 'required' || v.location === 'header') continue;
    if (v.keyword === 'additionalProperties' && problems.some((p) => p.kind === 'undefined-field')) continue; // already named field by field
    problems.push(fromViolation('invalid-response', v));
  }
  return problems;
}

function fromViolation(kind: ProblemKind, v: Violation): Problem {
  const p: Problem = { kind, part: v.part, message: v.message };
  if (v.pointer !== undefined) p.field = pointerToPath(v.pointer);
  if (v.spec !== undefined) p.spec = v.spec;
  return p;
}

/** `/data/0/id` → `$.data[0].id`, the way Pact names fields. */
export function pointerToPath(pointer: string): string {
  if (pointer === '') return '$';
  let out = '$';
  for (const raw of pointer.slice(1).split('/')) {
    const token = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (/^\d+$/.test(token)) out += `[${token}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(token)) out += `.${token}`;
    else out += `['${token.replace(/'/g, "\\'")}']`;
  }
  return out;
}
