// The admin API of `seam mock` (`/__seam/…`) and the stub layers behind it. A running mock serves
// three layers, composed into one stub set for the engine, first wins:
//   faults  — injected with POST /__seam/faults, each for the next N matching calls;
//   added   — stubs added with POST /__seam/stubs (kept across reloads and resets);
//   base    — the stubs built from recordings or the spec (replaced on reload).
//
// Fault semantics, exactly: an injected fault answers the next `times` requests to its method and
// path (a template or a concrete path), whatever stub would have answered them; request N+1 gets the
// normal answer, and the normal stub's sequence resumes where it was (it was not consumed). It is a
// temporary stub that removes itself: `observe` (fed from the engine's per-request hook, which
// runs synchronously between matching one request and matching the next) counts its uses and
// swaps the stub set the moment the last one is used. The embedded engine compiles and swaps in
// `setStubs` synchronously, so no request can slip in between — exact under concurrency too.
//
// Why clones: stub precedence puts more literal paths before priority (`/v1/customers/cus_1`
// outranks `/v1/customers/{id}` whatever the priorities), so a fault on a template gets one extra
// stub per stub it overlaps that would outrank it, on the intersection of the two paths. All of an
// injection's stubs share its one counter.
import type http from 'node:http';
import { InputError } from '../errors.js';
import { checkStubs } from '../stubs/stub-schema.js';
import type { JournalEntry, Reply, Stub } from '../stubs/types.js';
import { DEFAULT_PRIORITY } from '../stubs/types.js';
import type { Engine } from './engine.js';

export interface FaultRequest {
  /** Upper-case method or `ANY`. */
  method: string;
  /** A path template (`/v1/customers/{id}`) or a concrete path. */
  path: string;
  reply: Reply;
  /** How many calls get the reply; absent: every call until reset or DELETE /__seam/faults. */
  times?: number;
}

export interface InjectedFault extends FaultRequest {
  id: string;
  /** Calls left; absent when unbounded. */
  remaining?: number;
}

/** Stub ids the admin layer makes start with this, so they never collide with recorded ones. */
export const ADMIN_ID_PREFIX = '__seam-';
const MAX_ADMIN_BODY = 8 * 1024 * 1024;

export class MockControl {
  private engine: Engine | undefined;
  private base: Stub[];
  private added: Stub[] = [];
  private faults: InjectedFault[] = [];
  /** Composed stub id → the injection it belongs to. */
  private faultOf = new Map<string, InjectedFault>();
  private nextFault = 1;
  /** The composed set the engine serves (one array per change, so matchers compiled for it can be cached). */
  private composed: Stub[];

  constructor(base: Stub[]) {
    this.base = base;
    this.composed = this.compose([], [], base);
  }

  /** The engine this controls; call once it has started with `stubs()`. */
  attach(engine: Engine): void {
    this.engine = engine;
  }

  /** The composed stub set, faults first. */
  stubs(): Stub[] {
    return this.composed;
  }

  /** Active injected faults. */
  activeFaults(): InjectedFault[] {
    return this.faults.map((f) => ({ ...f }));
  }

  /** Replace the base layer (a reload). Throws (and keeps the old set serving) when the set does not compile. */
  async setBase(stubs: Stub[]): Promise<void> {
    await this.apply({ base: stubs });
  }

  /** Add stubs (or replace earlier added ones with the same id). */
  async addStubs(stubs: Stub[]): Promise<void> {
    const baseIds = new Set(this.base.map((s) => s.id));
    for (const [i, stub] of stubs.entries()) {
      if (baseIds.has(stub.id)) throw new InputError(`stub id "${stub.id}" is taken by a stub built from recordings`, { pointer: `/${i}/id` });
      if (stub.id.startsWith(ADMIN_ID_PREFIX)) throw new InputError(`stub ids starting "${ADMIN_ID_PREFIX}" are reserved`, { pointer: `/${i}/id` });
    }
    const ids = new Set(stubs.map((s) => s.id));
    await this.apply({ added: [...this.added.filter((s) => !ids.has(s.id)), ...stubs] });
  }

  /** Remove an added stub; false when there is none with that id. */
  async removeStub(id: string): Promise<boolean> {
    if (!this.added.some((s) => s.id === id)) return false;
    await this.apply({ added: this.added.filter((s) => s.id !== id) });
    return true;
  }

  async injectFault(request: FaultRequest): Promise<InjectedFault> {
    const fault: InjectedFault = { ...request, method: request.method.toUpperCase(), id: `${ADMIN_ID_PREFIX}fault-${this.nextFault++}` };
    if (request.times !== undefined) fault.remaining = request.times;
    await this.apply({ faults: [...this.faults, fault] });
    return { ...fault };
  }

  async clearFaults(): Promise<void> {
    await this.apply({ faults: [] });
  }

  /** Reply counters back to the first reply, injected faults gone, journal emptied. Added stubs stay. */
  async reset(): Promise<void> {
    await this.apply({ faults: [] });
    await this.requireEngine().reset();
    await this.requireEngine().resetJournal();
  }

  /**
   * Feed every journal entry here (the engine's `onEntry`), synchronously: an injection that has
   * served its last call is removed before the engine matches the next request.
   */
  observe(entry: JournalEntry): void {
    if (entry.stubId === null) return;
    const fault = this.faultOf.get(entry.stubId);
    if (fault?.remaining === undefined) return;
    fault.remaining--;
    if (fault.remaining > 0) return;
    // Not awaited: the embedded engine swaps synchronously inside the call; the promise only reports.
    this.apply({ faults: this.faults.filter((f) => f !== fault) }).catch(() => {});
  }

  /** True for a journal entry the admin layer produced (not a stub built from recordings or added). */
  isFaultEntry(entry: JournalEntry): boolean {
    return entry.stubId !== null && this.faultOf.has(entry.stubId);
  }

  /** The `admin` hook of the embedded engine: answers `/__seam/…`. */
  readonly handle = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    readBody(req)
      .then((body) => this.route(req.method ?? 'GET', req.url ?? '/', body))
      .then(
        ([status, value]) => send(res, status, value),
        (error: unknown) => {
          if (error instanceof InputError) send(res, 400, { error: error.message, pointer: error.pointer ?? '' });
          else send(res, 500, { error: (error as Error)?.message ?? String(error) });
        },
      );
  };

  private async route(method: string, url: string, body: string): Promise<[number, unknown]> {
    const path = url.split('?')[0]!.replace(/\/+$/, '');
    const engine = this.requireEngine();
    const allow = (methods: string[]): [number, unknown] | undefined =>
      methods.includes(method) ? undefined : [405, { error: `${method} ${path} is not supported; use ${methods.join(' or ')}` }];
    switch (path) {
      case '/__seam/stubs': {
        const bad = allow(['GET', 'POST']);
        if (bad) return bad;
        if (method === 'GET') return [200, { stubs: this.stubs() }];
        const value = parseJson(body);
        const single = !Array.isArray(value);
        let stubs: Stub[];
        try {
          stubs = checkStubs(single ? [value] : value, 'POST /__seam/stubs');
        } catch (error) {
          throw single ? unwrapPointer(error) : error;
        }
        await this.addStubs(stubs).catch((error: unknown) => {
          throw single ? unwrapPointer(error) : error;
        });
        return [201, { added: stubs.map((s) => s.id), stubs: this.stubs().length }];
      }
      case '/__seam/faults': {
        const bad = allow(['GET', 'POST', 'DELETE']);
        if (bad) return bad;
        if (method === 'GET') return [200, { faults: this.activeFaults() }];
        if (method === 'DELETE') {
          await this.clearFaults();
          return [200, { faults: [] }];
        }
        const fault = await this.injectFault(checkFault(parseJson(body)));
        return [201, { fault, stubs: [...this.faultOf].filter(([, f]) => f.id === fault.id).map(([id]) => id) }];
      }
      case '/__seam/reset': {
        const bad = allow(['POST']);
        if (bad) return bad;
        await this.reset();
        return [200, { reset: true }];
      }
      case '/__seam/journal': {
        const bad = allow(['GET', 'DELETE']);
        if (bad) return bad;
        if (method === 'DELETE') {
          await engine.resetJournal();
          return [200, { entries: [] }];
        }
        return [200, { entries: await engine.journal() }];
      }
    }
    const removal = /^\/__seam\/stubs\/([^/]+)$/.exec(path);
    if (removal !== null) {
      const bad = allow(['DELETE']);
      if (bad) return bad;
      const id = decodeURIComponent(removal[1]!);
      return (await this.removeStub(id)) ? [200, { removed: id }] : [404, { error: `no added stub "${id}" (only stubs added through the admin API can be removed)` }];
    }
    return [404, { error: `no admin route ${method} ${path}`, routes: ADMIN_ROUTES }];
  }

  private requireEngine(): Engine {
    if (this.engine === undefined) throw new Error('MockControl: attach an engine first');
    return this.engine;
  }

  private async apply(next: { base?: Stub[]; added?: Stub[]; faults?: InjectedFault[] }): Promise<void> {
    const base = next.base ?? this.base;
    const added = next.added ?? this.added;
    const faults = next.faults ?? this.faults;
    const faultOf = new Map<string, InjectedFault>();
    const stubs = this.compose(faults, added, base, faultOf);
    // Called before any await: the embedded engine has swapped (or thrown) when this returns.
    const swapped = this.requireEngine().setStubs(stubs);
    const previous = { base: this.base, added: this.added, faults: this.faults, faultOf: this.faultOf, composed: this.composed };
    Object.assign(this, { base, added, faults, faultOf, composed: stubs });
    try {
      await swapped;
    } catch (error) {
      if (this.base === base && this.added === added && this.faults === faults) Object.assign(this, previous);
      throw error;
    }
  }

  private compose(faults: InjectedFault[], added: Stub[], base: Stub[], faultOf?: Map<string, InjectedFault>): Stub[] {
    const others = [...added, ...base];
    const priority = others.reduce((min, s) => Math.min(min, s.priority ?? DEFAULT_PRIORITY), 1) - 1;
    const out: Stub[] = [];
    for (const fault of faults) {
      for (const stub of faultStubs(fault, others, priority)) {
        faultOf?.set(stub.id, fault);
        out.push(stub);
      }
    }
    return [...out, ...others];
  }
}

export const ADMIN_ROUTES = [
  'GET /__seam/stubs',
  'POST /__seam/stubs',
  'DELETE /__seam/stubs/{id}',
  'GET /__seam/faults',
  'POST /__seam/faults',
  'DELETE /__seam/faults',
  'POST /__seam/reset',
  'GET /__seam/journal',
  'DELETE /__seam/journal',
];

/**
 * The stubs that make `fault` answer every request to its route: one on its own path, plus one on
 * the intersection with each stub in `others` whose path overlaps and would outrank it by being
 * more literal somewhere. Pure.
 */
export function faultStubs(fault: InjectedFault, others: readonly Stub[], priority: number): Stub[] {
  const make = (id: string, path: string): Stub => ({
    id,
    priority,
    request: { method: fault.method, path },
    replies: [fault.reply],
    source: [`admin:${fault.id}`],
  });
  const out = [make(fault.id, fault.path)];
  const paths = new Set([fault.path]);
  const own = fault.path.split('/');
  for (const stub of others) {
    const method = stub.request.method.toUpperCase();
    if (fault.method !== 'ANY' && method !== 'ANY' && method !== fault.method) continue;
    const theirs = stub.request.path.split('/');
    if (theirs.length !== own.length) continue;
    const meet = intersect(own, theirs);
    if (meet === undefined || paths.has(meet)) continue;
    paths.add(meet);
    out.push(make(`${fault.id}~${stub.id}`, meet));
  }
  return out;
}

const isParam = (segment: string): boolean => /^\{[^{}]+\}$/.test(segment);

/** The most literal path both templates match, or undefined when they cannot both match one path. */
function intersect(a: string[], b: string[]): string | undefined {
  const out: string[] = [];
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x === y || isParam(y)) out.push(x);
    else if (isParam(x)) out.push(y);
    else if (!x.includes('{') && !y.includes('{')) return undefined; // two different literals
    // A mixed segment (`{Sid}.json`) against a literal: the literal, when the template fits it.
    else if (!y.includes('{')) {
      if (!segmentRegExp(x).test(y)) return undefined;
      out.push(y);
    } else if (!x.includes('{')) {
      if (!segmentRegExp(y).test(x)) return undefined;
      out.push(x);
    } else out.push(y); // two mixed segments: the other stub's (an approximation; rare)
  }
  return out.join('/');
}

function segmentRegExp(template: string): RegExp {
  const source = template
    .split(/\{[^{}]+\}/)
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.+?');
  return new RegExp(`^${source}$`);
}

/** The body of POST /__seam/faults, checked; InputError with the pointer on a bad one. */
export function checkFault(value: unknown): FaultRequest {
  const where = 'POST /__seam/faults';
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new InputError('expected an object { method, path, reply, times }', { file: where, pointer: '/' });
  const v = value as Record<string, unknown>;
  for (const key of Object.keys(v)) {
    if (!['method', 'path', 'reply', 'times'].includes(key)) throw new InputError(`unknown field "${key}" (expected method, path, reply, times)`, { file: where, pointer: `/${key}` });
  }
  if (typeof v.method !== 'string' || !/^[A-Za-z][A-Za-z0-9_-]*$/.test(v.method)) throw new InputError('method must be an HTTP method or ANY', { file: where, pointer: '/method' });
  if (typeof v.path !== 'string' || !v.path.startsWith('/')) throw new InputError('path must start with "/"', { file: where, pointer: '/path' });
  if (v.times !== undefined && (typeof v.times !== 'number' || !Number.isInteger(v.times) || v.times < 1)) {
    throw new InputError('times must be a whole number ≥ 1 (or absent: until reset)', { file: where, pointer: '/times' });
  }
  if (v.reply === undefined) throw new InputError('reply is required: { status, headers?, body? } or { fault }', { file: where, pointer: '/reply' });
  // The reply is checked by the stub schema, as the one reply of a stub.
  try {
    checkStubs([{ id: 'fault', request: { method: v.method.toUpperCase(), path: v.path }, replies: [v.reply] }], where);
  } catch (error) {
    if (error instanceof InputError && error.pointer?.startsWith('/0/replies/0')) {
      throw new InputError(error.message.replace(/^.*?: /, ''), { file: where, pointer: `/reply${error.pointer.slice('/0/replies/0'.length)}` });
    }
    throw error;
  }
  const out: FaultRequest = { method: v.method.toUpperCase(), path: v.path, reply: v.reply as Reply };
  if (v.times !== undefined) out.times = v.times as number;
  return out;
}

/** InputError pointers of a one-stub array (`/0/…`) as pointers into the single stub posted. */
function unwrapPointer(error: unknown): unknown {
  if (!(error instanceof InputError) || error.pointer === undefined || !/^\/0(\/|$)/.test(error.pointer)) return error;
  const pointer = error.pointer.slice(2) || '/';
  const place = [error.file, error.pointer].filter((p) => p !== undefined && p !== '').join(' at ');
  const message = error.message.startsWith(`${place}: `) ? error.message.slice(place.length + 2) : error.message;
  return new InputError(message, error.file !== undefined ? { file: error.file, pointer } : { pointer });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InputError(`request body is not JSON (${(error as Error).message})`, { pointer: '/' });
  }
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_ADMIN_BODY) {
        reject(new InputError(`admin request body over ${MAX_ADMIN_BODY} bytes`));
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: http.ServerResponse, status: number, value: unknown): void {
  if (res.destroyed) return;
  const bytes = Buffer.from(`${JSON.stringify(value)}\n`);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': bytes.length });
  res.end(bytes);
}

/**
 * For engines that own their port and cannot host the admin API (wiremock): stubs answering every
 * `/__seam/…` route with 501 and where to go instead.
 */
export function unsupportedAdminStubs(engine: string, hint: string): Stub[] {
  const paths = ['/__seam/stubs', '/__seam/faults', '/__seam/reset', '/__seam/journal', '/__seam/stubs/{id}'];
  return paths.map((path, i) => ({
    id: `${ADMIN_ID_PREFIX}admin-${i}`,
    priority: -1000,
    request: { method: 'ANY', path },
    replies: [{ status: 501, body: { json: { error: `the /__seam/ admin API is served by the embedded engine, not ${engine}`, hint } } }],
    source: ['admin:unsupported'],
  }));
}
