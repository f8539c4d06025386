// A Pact V4 file written by pact-js itself: each planned interaction (plan-interactions.ts) is built
// with the PactV4 API and executed by replaying its representative recorded request against
// Pact's own mock server, so the file is the real library's output.
//
// pact-js merges into an existing pact file in its dir, so it writes into a fresh temp dir; the
// file is then rewritten with sorted keys and the interactions in plan order (deterministic: a
// re-run gives the same bytes; pact-js puts no timestamps in it, only library versions) and moved
// into place atomically, so stale interactions never linger.
import './pact-env.js';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MatchersV3, PactV4 } from '@pact-foundation/pact';
import type { TemplateQuery } from '@pact-foundation/pact';
import { InputError } from '../errors.js';
import { stableStringify } from '../exchange/canonical.js';
import { atomicWriteFile } from '../io/atomic-write.js';
import type { LoadedSpec } from '../spec/index.js';
import { requestResolver } from '../spec/request-template.js';
import { toPactMatchers } from './pact-matchers.js';
import type { InteractionPlan, Plan, Recording, ResolvedTemplate } from './plan-interactions.js';
import { planInteractions } from './plan-interactions.js';

export interface GeneratePactOptions {
  /** Recorded exchanges with their sessions (e.g. from `readRecordings`). */
  exchanges: readonly Recording[];
  consumer: string;
  provider: string;
  /** Names interactions after the spec's operations (templates, operationIds). */
  spec?: LoadedSpec;
  /** The pacts folder: the file is `<dir>/<consumer>-<provider>.json`. */
  dir: string;
}

export interface GeneratedPact {
  file: string;
  interactions: { description: string; exchanges: number }[];
  /** Recordings that fed the interactions. */
  exchanges: number;
  skipped: Plan['skipped'];
}

export function pactFileName(consumer: string, provider: string): string {
  return `${consumer}-${provider}.json`;
}

export async function generatePact(options: GeneratePactOptions): Promise<GeneratedPact> {
  const plan = planInteractions(options.exchanges, options.spec !== undefined ? { resolve: resolverFor(options.spec) } : {});
  if (plan.interactions.length === 0) {
    throw new InputError(
      `no recorded exchange with a response to build a pact from (${plan.skipped.failed} network failures, ${plan.skipped.inbound} inbound deliveries skipped)`,
    );
  }
  const name = pactFileName(options.consumer, options.provider);
  const scratch = await mkdtemp(join(tmpdir(), 'seam-pact-'));
  try {
    for (const interaction of plan.interactions) {
      // One PactV4 per interaction keeps each mock server to the one interaction it replays;
      // they all write (merge) into the same file in the scratch dir.
      const pact = new PactV4({ consumer: options.consumer, provider: options.provider, dir: scratch, logLevel: 'error' });
      await execute(pact, interaction);
    }
    const written = JSON.parse(await readFile(join(scratch, name), 'utf8')) as { interactions: { description: string }[] };
    const order = new Map(plan.interactions.map((p, i) => [p.description, i]));
    written.interactions.sort((a, b) => order.get(a.description)! - order.get(b.description)!);
    const file = join(options.dir, name);
    await atomicWriteFile(file, stableStringify(written));
    return {
      file,
      interactions: plan.interactions.map((p) => ({ description: p.description, exchanges: p.exchanges.length })),
      exchanges: plan.used,
      skipped: plan.skipped,
    };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** The spec's operation for a request, with its template as the request spells it (base path included). */
function resolverFor(spec: LoadedSpec): (method: string, path: string) => ResolvedTemplate | undefined {
  const resolve = requestResolver(spec);
  return (method, path) => {
    const found = resolve(method, path);
    if (found === undefined) return undefined;
    const { operationId } = found.operation;
    return { template: found.template, ...(operationId !== undefined ? { operationId } : {}) };
  };
}

// pact-js's builders offer jsonBody (always application/json) and binary bodies only; a form body
// or another JSON media type with matchers needs the native interaction's withRequestBody /
// withResponseBody, which the builders hold in a (TypeScript-private) `interaction` field.
interface NativeBodies {
  interaction: {
    withRequestBody(body: string, contentType: string): boolean;
    withResponseBody(body: string, contentType: string): boolean;
  };
}

function native(builder: object): NativeBodies['interaction'] {
  return (builder as unknown as NativeBodies).interaction;
}

async function execute(pact: PactV4, plan: InteractionPlan): Promise<void> {
  const { request, response } = plan;
  let interaction = pact.addInteraction();
  for (const state of plan.providerStates) interaction = state.params ? interaction.given(state.name, state.params) : interaction.given(state.name);
  const path = request.pathRegex !== undefined ? MatchersV3.regex(request.pathRegex, request.path) : request.path;
  const replayHeaders: Record<string, string> = { ...request.presentHeaders };
  const body = request.body;
  if (body) replayHeaders['content-type'] = body.kind === 'form' ? 'application/x-www-form-urlencoded' : body.mediaType;

  const built = interaction
    .uponReceiving(plan.description)
    .withRequest(request.method, path, (b) => {
      const query = queryTemplate(request);
      if (Object.keys(query).length > 0) b.query(query);
      const headers: Record<string, string | MatchersV3.Matcher<string>> = Object.fromEntries(
        Object.entries(request.presentHeaders).map(([k, example]) => [k, MatchersV3.regex('.+', example)]),
      );
      if (body?.kind === 'other') headers['content-type'] = body.mediaType;
      if (Object.keys(headers).length > 0) b.headers(headers);
      if (body?.kind === 'json') {
        const template = toPactMatchers(body.node);
        if (body.mediaType === 'application/json') b.jsonBody(template);
        else native(b).withRequestBody(JSON.stringify(template), body.mediaType);
      } else if (body?.kind === 'form') {
        const template = Object.fromEntries(Object.entries(body.node).map(([k, v]) => [k, toPactMatchers(v)]));
        native(b).withRequestBody(JSON.stringify(template), 'application/x-www-form-urlencoded');
      }
    })
    .willRespondWith(response.status, (b) => {
      if (response.body !== undefined) {
        const template = toPactMatchers(response.body);
        if (response.bodyMediaType === 'application/json') b.jsonBody(template);
        else native(b).withResponseBody(JSON.stringify(template), response.bodyMediaType ?? 'application/json');
      } else if (response.contentType !== undefined) b.headers({ 'content-type': response.contentType });
    });

  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(request.replayQuery)) {
    for (const v of Array.isArray(value) ? value : [value]) search.append(name, v);
  }
  const url = `${request.path}${search.size > 0 ? `?${search.toString()}` : ''}`;
  try {
    await built.executeTest((mock) => replay(mock.url + url, request.method, replayHeaders, body?.replay));
  } catch (error) {
    throw new Error(`pact-js rejected the replay of "${plan.description}" (${plan.exchanges[0]}): ${(error as Error).message}`, { cause: error });
  }
}

/**
 * One request on a connection of its own, closed after. Not fetch: its pool keeps connections per
 * origin, and when a new mock server is given the port of one just shut down, a pooled connection to
 * the old one (still draining) can take the request — the new server then reports it "not received".
 */
function replay(url: string, method: string, headers: Record<string, string>, body: string | Buffer | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const length = body !== undefined ? { 'content-length': String(Buffer.byteLength(body)) } : {};
    const req = httpRequest(url, { method, headers: { ...headers, ...length }, agent: false }, (res) => {
      res.on('error', reject).on('end', resolve).resume();
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Query matchers: a repeated parameter gets its item matcher once per value replayed. */
function queryTemplate(request: InteractionPlan['request']): TemplateQuery {
  const out: Record<string, unknown> = {};
  for (const [name, node] of Object.entries(request.query)) {
    if (node.match === 'eachLike') {
      const values = request.replayQuery[name];
      const count = Array.isArray(values) ? values.length : 1;
      out[name] = Array.from({ length: count }, () => toPactMatchers(node.item));
    } else out[name] = toPactMatchers(node);
  }
  return out as TemplateQuery;
}
