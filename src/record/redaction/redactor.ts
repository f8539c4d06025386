// The redaction engine: compiled rules + the session's placeholder table, walking an exchange
// copy-on-write (untouched parts are shared, not cloned). The same walk serves `seam scan`:
// what the recorder would redact is exactly what scan reports.
import type { Body, MultiMap, MultiValue, Redaction } from '../../exchange/types.js';
import type { UnnamedExchange } from '../../exchange/store.js';
import { isFailure } from '../../exchange/types.js';
import {
  compileAllowEntry,
  isSecretHeaderName,
  isSecretName,
  looksLikeToken,
  paramRule,
  possibleDetectors,
  SECRET_HEADERS,
  SECRET_PARAMS,
  SHAPED_DETECTORS,
  TEXT_DETECTORS,
  type TextDetector,
} from './detectors.js';
import { isPlaceholder, Placeholders, type PlaceholderKind } from './placeholders.js';
import type { RedactionRules } from './index.js';

export interface EngineOptions {
  /** Extra values never redacted or reported (the scan allow-list): exact strings or `/regex/flags`. */
  allow?: string[];
}

/** Values that are masks already ("********", "•••"), not secrets. */
const MASK = /^[*•xX.\-_#]+$/;

export function escapePointer(segment: string): string {
  if (!segment.includes('~') && !segment.includes('/')) return segment;
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

function unescapePointer(segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}

type At = () => string;
const NO_RULE = '';

/** Collects the redactions of one exchange (or one scanned file). */
const redactionKey = (r: Redaction): string => `${r.at}\u0000${r.rule}\u0000${r.placeholder}`;

export class Pass {
  readonly redactions: Redaction[] = [];
  // Within one walk every field is visited once, so a repeat can only be among the entries of the
  // current field (from `fieldStart`): a short scan, or a set once the field has many. A second walk
  // over the same fields (revisit) indexes everything by pointer.
  private fieldStart = 0;
  private fieldSeen: Set<string> | undefined;
  private byPointer: Map<string, Redaction[]> | undefined;

  /** The walk moves to another field: nothing added from now on can repeat an earlier entry. */
  field(): void {
    this.fieldStart = this.redactions.length;
    this.fieldSeen = undefined;
  }

  add(at: string, rule: string, placeholder: string): void {
    const list = this.redactions;
    const index = this.byPointer;
    if (index === undefined) {
      const r: Redaction = { at, rule, placeholder };
      if (list.length - this.fieldStart > 8) {
        const seen = (this.fieldSeen ??= new Set(list.slice(this.fieldStart).map(redactionKey)));
        const key = redactionKey(r);
        if (seen.has(key)) return;
        seen.add(key);
      } else {
        // rule and placeholder first: cheap (shared strings); pointers are only compared on a likely repeat
        for (let i = list.length - 1; i >= this.fieldStart; i--) {
          const x = list[i]!;
          if (x.rule === rule && x.placeholder === placeholder && x.at === at) return;
        }
      }
      list.push(r);
      return;
    }
    const r: Redaction = { at, rule, placeholder };
    const same = index.get(at);
    if (same === undefined) index.set(at, [r]);
    else if (same.some((x) => x.rule === rule && x.placeholder === placeholder)) return;
    else same.push(r);
    list.push(r);
  }

  /** From now on fields already visited may be visited again. */
  revisit(): void {
    if (this.byPointer !== undefined) return;
    const index = new Map<string, Redaction[]>();
    for (const r of this.redactions) {
      const same = index.get(r.at);
      if (same === undefined) index.set(r.at, [r]);
      else same.push(r);
    }
    this.byPointer = index;
  }
}

interface Hit {
  start: number;
  end: number;
  priority: number;
  detector: TextDetector;
}

function hasEnumerableProto(): boolean {
  for (const _ in {}) return true;
  return false;
}

const byPosition = (a: Hit, b: Hit): number => a.start - b.start || a.priority - b.priority;

// Headers whose value is "<scheme> <credentials>": keep the scheme, it tells the reader what kind of auth it was.
const SCHEMED = new Set(['authorization', 'proxy-authorization']);
const SCHEME = /^([A-Za-z][A-Za-z0-9._-]{0,30})(\s+)(\S[\s\S]*)$/;
// A value redacted for its name (an opaque token under access_token) is remembered, and redacted
// again wherever it shows up later in the session: echoed in a text body, a URL, a harmless field.
const KNOWN: TextDetector = { id: 'known-secret', kind: 'secret', regex: /(?!)/g };
const KNOWN_PREFIX = 8;
const KNOWN_MIN = 10;
const WORD_START = /(?<![A-Za-z0-9])[A-Za-z0-9]/g;
// Above this many pattern characters the remembered secrets are looked up per word start instead.
const KNOWN_REGEX_MAX = 200_000;

function isAlnum(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

interface Trie {
  end: boolean;
  next: Map<string, Trie>;
}

/**
 * One regex for a set of literal strings, as a trie (shared prefixes once), preferring the longest
 * string at a position: the same choice as trying them longest first, without the per-position cost.
 */
export function literalsRegexSource(values: Iterable<string>): string {
  const root: Trie = { end: false, next: new Map() };
  for (const v of values) {
    let node = root;
    for (const ch of v) {
      let child = node.next.get(ch);
      if (child === undefined) node.next.set(ch, (child = { end: false, next: new Map() }));
      node = child;
    }
    node.end = true;
  }
  const esc = (ch: string): string => {
    if (ch.length === 1 && isAlnum(ch.charCodeAt(0))) return ch;
    let out = '';
    for (let i = 0; i < ch.length; i++) out += `\\u${ch.charCodeAt(i).toString(16).padStart(4, '0')}`;
    return out;
  };
  // Iterative over chains (a long secret is one long chain); recursive only at branches.
  const emit = (start: Trie): string => {
    let out = '';
    let node = start;
    for (;;) {
      if (node.next.size === 0) return out;
      let body: string;
      if (node.next.size === 1) {
        const [ch, child] = node.next.entries().next().value as [string, Trie];
        if (!node.end) {
          out += esc(ch);
          node = child;
          continue;
        }
        body = esc(ch) + emit(child);
      } else {
        body = `(?:${[...node.next].map(([ch, child]) => esc(ch) + emit(child)).join('|')})`;
      }
      return node.end ? `${out}(?:${body})?` : out + body;
    }
  };
  return emit(root);
}

// In a generic JSON file (a WireMock mapping, a Pact), a matcher under a secret-named key holds the value.
const MATCHER_KEYS = new Set(['equalTo', 'value']);

export class RedactionEngine {
  readonly placeholders = new Placeholders();
  private readonly detectors: TextDetector[];
  // The partner's own patterns (run on every string), then TEXT_DETECTORS (pre-checked per string).
  private readonly custom: TextDetector[];
  private readonly shaped: { kind: PlaceholderKind; regex: RegExp }[];
  private readonly headers: Set<string>;
  private readonly params: Set<string>;
  private readonly jsonKeys: Set<string>;
  private readonly jsonPaths: string[][];
  private readonly maxPathDepth: number;
  // No JSON key or path rule: a number under any key is only looked at as a possible card number.
  private readonly plainNumbers: boolean;
  // No keep-list and no JSON path rule: an exchange's nested objects are walked whatever their key.
  private readonly plainObjects: boolean;
  // Someone made a property of Object.prototype enumerable: for-in then needs an own-property check.
  private protoPolluted = false;
  private readonly keep: Set<string>;
  private readonly allowed: (value: string) => boolean;
  private readonly minLength: number;
  // Name classification is pure and names repeat on every exchange: remember the answers.
  private readonly headerRuleCache = new Map<string, string | undefined>();
  private readonly keyRuleCache = new Map<string, string>(); // NO_RULE for none: one lookup per key
  private readonly paramRuleCache = new Map<string, 'keep' | 'config-param' | 'yes' | 'careful' | undefined>();
  // Known opaque secrets, indexed by their first characters for a linear scan of word starts.
  private readonly known = new Map<string, string[]>();
  private knownVersion = 0;
  private knownSortedVersion = 0;
  private readonly knownValues = new Set<string>();
  // ...and as one regex (rebuilt when the set has grown), which finds them without visiting every word.
  private knownRegex: RegExp | undefined;
  private knownRegexVersion = 0;
  private knownChars = 0;
  private knownShortest = Infinity;
  // The detector and hit list `onMatch` appends to, for the text being scanned.
  private scanDetector: TextDetector = KNOWN;
  private scanPriority = 0;
  private scanHits: Hit[] | undefined;
  private readonly onMatch = (start: number, value: string): void => this.match(start, value);

  constructor(rules: RedactionRules = {}, options: EngineOptions = {}) {
    const lower = (list: string[] | undefined): Set<string> => new Set((list ?? []).map((s) => s.toLowerCase()));
    const custom: TextDetector[] = (rules.patterns ?? []).map((p) => ({
      id: p.id,
      kind: `custom:${p.id}` as PlaceholderKind,
      regex: new RegExp(p.regex, `${(p.flags ?? '').replace(/[gy]/g, '')}g`),
    }));
    // Custom patterns first: a partner's own rule names its own secrets best.
    this.detectors = [...custom, ...TEXT_DETECTORS];
    this.custom = custom;
    this.minLength = custom.length > 0 ? 1 : 6;
    this.shaped = SHAPED_DETECTORS.map((d) => ({
      kind: d.kind as PlaceholderKind,
      regex: new RegExp(`^(?:${d.regex.source})$`, d.regex.flags.replace('g', '')),
    }));
    this.headers = lower(rules.headers);
    this.params = lower(rules.params);
    this.jsonKeys = lower(rules.jsonKeys);
    this.jsonPaths = (rules.jsonPaths ?? []).map((p) => (p === '' ? [] : p.slice(1).split('/').map(unescapePointer)));
    this.maxPathDepth = Math.max(0, ...this.jsonPaths.map((p) => p.length));
    this.plainNumbers = this.jsonPaths.length === 0 && this.jsonKeys.size === 0;
    this.keep = lower(rules.keep);
    this.plainObjects = this.jsonPaths.length === 0 && this.keep.size === 0;
    const exact = new Set(rules.keepValues ?? []);
    const tests = (options.allow ?? []).map(compileAllowEntry);
    this.allowed = tests.length === 0 ? (v) => exact.has(v) : (v) => exact.has(v) || tests.some((t) => t(v));
  }

  // ------------------------------------------------------------------------------------------
  // Strings

  /** The placeholder family a whole value's shape calls for (a Stripe key stays a Stripe key). */
  shapeOf(value: string): PlaceholderKind | undefined {
    for (const s of this.shaped) if (s.regex.test(value)) return s.kind;
    return undefined;
  }

  /** Replace a whole value (its name says it is secret). */
  whole(value: string, at: At, rule: string, pass: Pass): string {
    if (value === '' || isPlaceholder(value) || MASK.test(value) || this.allowed(value)) return value;
    const kind = this.shapeOf(value) ?? 'secret';
    const placeholder = this.placeholders.for(value, kind);
    if (kind === 'secret') this.remember(value);
    pass.add(at(), rule, placeholder);
    return placeholder;
  }

  // Shaped secrets are found by their detectors anyway; opaque ones only by memory.
  private remember(value: string): void {
    if (value.length < KNOWN_MIN || !/^[A-Za-z0-9]/.test(value) || /\s/.test(value)) return;
    if (this.knownValues.has(value)) return;
    this.knownValues.add(value);
    const key = value.slice(0, KNOWN_PREFIX);
    const list = this.known.get(key);
    if (list === undefined) this.known.set(key, [value]);
    else list.push(value); // sorted when the word-start scan needs it, not per secret
    this.knownVersion++;
    this.knownChars += value.length;
    if (value.length < this.knownShortest) this.knownShortest = value.length;
  }

  private knownPattern(): RegExp | undefined {
    if (this.knownRegexVersion !== this.knownVersion) {
      this.knownRegexVersion = this.knownVersion;
      this.knownRegex = undefined;
      if (this.knownChars <= KNOWN_REGEX_MAX) {
        try {
          this.knownRegex = new RegExp(literalsRegexSource([...this.known.values()].flat()), 'g');
        } catch {
          // too large for the regex engine: the word-start scan below does the same
        }
      }
    }
    return this.knownRegex;
  }

  private knownHits(text: string, priority: number, hits: Hit[]): void {
    const re = this.knownPattern();
    if (re !== undefined) {
      // The longest remembered secret starting at a word start, scanning on past it (or past
      // the word start when it is allowed), as the word-start scan below.
      re.lastIndex = 0;
      let m: RegExpExecArray | null;
      while ((m = re.exec(text)) !== null) {
        const i = m.index;
        const value = m[0];
        if ((i > 0 && isAlnum(text.charCodeAt(i - 1))) || this.allowed(value)) {
          re.lastIndex = i + 1;
          continue;
        }
        hits.push({ start: i, end: i + value.length, priority, detector: KNOWN });
      }
      return;
    }
    if (this.knownSortedVersion !== this.knownVersion) {
      for (const list of this.known.values()) list.sort((a, b) => b.length - a.length); // longest first
      this.knownSortedVersion = this.knownVersion;
    }
    WORD_START.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = WORD_START.exec(text)) !== null) {
      const list = this.known.get(text.substr(m.index, KNOWN_PREFIX));
      if (list === undefined) continue;
      const value = list.find((v) => text.startsWith(v, m!.index));
      if (value === undefined || this.allowed(value)) continue;
      hits.push({ start: m.index, end: m.index + value.length, priority, detector: KNOWN });
      WORD_START.lastIndex = m.index + value.length;
    }
  }

  /** Replace every detected secret inside a text; the redactions point at the field. */
  text(text: string, at: At, pass: Pass): string {
    if (text.length < this.minLength) return text;
    this.scanHits = undefined;
    const custom = this.custom;
    for (let i = 0; i < custom.length; i++) this.scan(custom[i]!, i, text);
    // Built-in detectors only where the string's characters allow a match (most strings: none).
    let mask = possibleDetectors(text);
    while (mask !== 0) {
      const j = 31 - Math.clz32(mask & -mask); // lowest set bit: table order is priority order
      mask &= mask - 1;
      this.scan(TEXT_DETECTORS[j]!, custom.length + j, text);
    }
    let hits = this.scanHits as Hit[] | undefined; // filled by scan()
    this.scanHits = undefined;
    if (this.known.size > 0 && text.length >= KNOWN_MIN && text.length >= this.knownShortest) {
      this.knownHits(text, this.detectors.length, (hits ??= []));
    }
    if (hits === undefined || hits.length === 0) return text;
    if (hits.length > 1) hits.sort(byPosition);
    let out = '';
    let pos = 0;
    const where = at();
    for (const h of hits) {
      if (h.start < pos) continue; // overlaps a match already taken
      const value = text.slice(h.start, h.end);
      const kind = h.detector.kind === 'shape' ? (this.shapeOf(value) ?? 'secret') : h.detector.kind;
      const placeholder = this.placeholders.for(value, kind);
      pass.add(where, h.detector.id, placeholder);
      out += text.slice(pos, h.start) + placeholder;
      pos = h.end;
    }
    return out + text.slice(pos);
  }

  private scan(d: TextDetector, priority: number, text: string): void {
    this.scanDetector = d;
    this.scanPriority = priority;
    if (d.find !== undefined) {
      d.find(text, this.onMatch);
      return;
    }
    const re = d.regex;
    re.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = re.exec(text)) !== null) {
      if (m[0].length === 0) {
        re.lastIndex++;
        continue;
      }
      this.match(m.index, m[0]);
    }
  }

  private match(start: number, v: string): void {
    const d = this.scanDetector;
    if (isPlaceholder(v) || (d.valid !== undefined && !d.valid(v)) || this.allowed(v)) return;
    (this.scanHits ??= []).push({ start, end: start + v.length, priority: this.scanPriority, detector: d });
  }

  // ------------------------------------------------------------------------------------------
  // Headers, parameters, path

  private headerRule(name: string): string | undefined {
    if (this.headerRuleCache.has(name)) return this.headerRuleCache.get(name);
    const rule = this.keep.has(name)
      ? 'keep'
      : this.headers.has(name)
        ? 'config-header'
        : isSecretHeaderName(name)
          ? 'secret-header'
          : undefined;
    this.headerRuleCache.set(name, rule);
    return rule;
  }

  private headerValue(name: string, value: string, at: At, rule: string, pass: Pass): string {
    if (SCHEMED.has(name)) {
      const m = SCHEME.exec(value);
      if (m) return m[1]! + m[2]! + this.whole(m[3]!, at, rule, pass);
      return this.whole(value, at, rule, pass);
    }
    if (name === 'cookie' || name === 'set-cookie') {
      if (!value.includes('=')) return this.whole(value, at, rule, pass);
      // cookie: every pair; set-cookie: the first pair only (the rest are attributes).
      const pairs = name === 'cookie' ? /(^|;)(\s*)([^=;]*)=([^;]*)/g : /^()(\s*)([^=;]*)=([^;]*)/;
      return value.replace(pairs, (_all, sep: string, ws: string, cookie: string, v: string) =>
        this.keep.has(cookie.trim().toLowerCase()) ? `${sep}${ws}${cookie}=${v}` : `${sep}${ws}${cookie}=${this.whole(v, at, rule, pass)}`,
      );
    }
    return this.whole(value, at, rule, pass);
  }

  headersOf(map: MultiMap, base: string, pass: Pass): MultiMap {
    return this.multiMap(map, base, pass, (name, value, at) => {
      const lower = name.toLowerCase();
      const rule = this.headerRule(lower);
      if (rule === 'keep') return value;
      if (rule !== undefined) return this.headerValue(lower, value, at, rule, pass);
      return this.text(value, at, pass);
    });
  }

  private paramRuleFor(name: string, value: string): string | undefined {
    let r = this.paramRuleCache.get(name);
    if (r === undefined && !this.paramRuleCache.has(name)) {
      const lower = name.toLowerCase();
      r = this.keep.has(lower) ? 'keep' : this.params.has(lower) ? 'config-param' : paramRule(lower);
      this.paramRuleCache.set(name, r);
    }
    if (r === 'keep' || r === 'config-param') return r;
    if (r === 'yes' || (r === 'careful' && looksLikeToken(value))) return 'secret-param';
    return undefined;
  }

  paramsOf(map: MultiMap, base: string, pass: Pass): MultiMap {
    return this.multiMap(map, base, pass, (name, value, at) => {
      const rule = this.paramRuleFor(name, value);
      if (rule === 'keep') return value;
      if (rule !== undefined) return this.whole(value, at, rule, pass);
      return this.text(value, at, pass);
    });
  }

  private multiMap(map: MultiMap, base: string, pass: Pass, each: (name: string, value: string, at: At) => string): MultiMap {
    let out: MultiMap | undefined;
    // One pointer for the whole map, built only when a redaction is recorded.
    let name = '';
    let index = -1;
    const at: At = () => (index < 0 ? `${base}/${escapePointer(name)}` : `${base}/${escapePointer(name)}/${index}`);
    for (name of Object.keys(map)) {
      const value = map[name]!;
      let next: MultiValue;
      if (Array.isArray(value)) {
        let arr: string[] | undefined;
        for (index = 0; index < value.length; index++) {
          const v = value[index]!;
          pass.field();
          const r = each(name, v, at);
          if (r !== v) (arr ??= [...value])[index] = r;
        }
        index = -1;
        next = arr ?? value;
      } else {
        pass.field();
        next = each(name, value, at);
      }
      if (next !== value) (out ??= { ...map })[name] = next;
    }
    return out ?? map;
  }

  pathOf(path: string, at: string, pass: Pass): string {
    if (path.length < this.minLength) return path;
    const segments = path.split('/');
    let changed = false;
    for (let i = 0; i < segments.length; i++) {
      const raw = segments[i]!;
      let decoded = raw;
      try {
        decoded = decodeURIComponent(raw);
      } catch {
        // keep the segment as sent
      }
      const r = this.text(decoded, () => at, pass);
      if (r !== decoded) {
        segments[i] = encodeURIComponent(r);
        changed = true;
      }
    }
    return changed ? segments.join('/') : path;
  }

  // ------------------------------------------------------------------------------------------
  // JSON

  private keyRule(key: string): string | undefined {
    const cached = this.keyRuleCache.get(key);
    if (cached !== undefined) return cached === NO_RULE ? undefined : cached;
    const lower = key.toLowerCase();
    const rule = this.keep.has(lower)
      ? 'keep'
      : this.jsonKeys.has(lower)
        ? 'config-json-key'
        : isSecretName(key)
          ? 'secret-json-key'
          : undefined;
    this.keyRuleCache.set(key, rule ?? NO_RULE);
    return rule;
  }

  private matchesPath(segs: string[]): boolean {
    if (segs.length > this.maxPathDepth) return false;
    outer: for (const p of this.jsonPaths) {
      if (p.length !== segs.length) continue;
      for (let i = 0; i < p.length; i++) if (p[i] !== '*' && p[i] !== segs[i]) continue outer;
      return true;
    }
    return false;
  }

  /** A redacted copy of a JSON value (shared where unchanged). `generic`: a file that is not an exchange. */
  json(value: unknown, base: string, pass: Pass, generic = false): unknown {
    this.protoPolluted = hasEnumerableProto();
    pass.field();
    // One pointer for the whole walk, read from the live path when a redaction is recorded
    // (always synchronously, before the walk moves on): no per-node copies.
    const segs: string[] = [];
    const at: At = () => {
      let out = base;
      for (const s of segs) out += `/${escapePointer(s)}`;
      return out;
    };
    return this.walk(value, at, segs, pass, generic);
  }

  private walk(value: unknown, at: At, segs: string[], pass: Pass, generic: boolean): unknown {
    if (typeof value === 'string') return this.text(value, at, pass);
    if (typeof value === 'number') return value < 1e12 ? value : this.number(value, at, pass);
    if (value === null || typeof value !== 'object') return value;
    if (Array.isArray(value)) {
      let out: unknown[] | undefined;
      for (let i = 0; i < value.length; i++) {
        segs.push(String(i));
        pass.field();
        const r = this.walk(value[i], at, segs, pass, generic);
        segs.pop();
        if (r !== value[i]) (out ??= [...value])[i] = r;
      }
      return out ?? value;
    }
    let out: Record<string, unknown> | undefined;
    const obj = value as Record<string, unknown>;
    // HAR and similar lists of { name, value } pairs: the name says whether the value is secret.
    const pairRule = generic && typeof obj.name === 'string' && typeof obj.value === 'string' ? this.genericKeyRule(obj.name, obj.value) : undefined;
    // for-in reads through V8's enum cache; on plain data (JSON) it lists exactly Object.keys, in order.
    for (const key in obj) {
      if (this.protoPolluted && !Object.hasOwn(obj, key)) continue;
      const child = obj[key];
      // Booleans and nulls never change, nor do ordinary numbers unless a key or path rule can reach them.
      if (typeof child !== 'string' && typeof child !== 'object') {
        if (typeof child !== 'number' || (this.plainNumbers && child < 1e12)) continue;
      } else if (child === null) continue;
      segs.push(key);
      pass.field();
      let r: unknown;
      if (!generic && this.plainObjects && typeof child === 'object') {
        // Only 'keep' or a path rule act on an object under a key; neither exists here.
        r = this.walk(child, at, segs, pass, false);
        segs.pop();
        if (r !== child) (out ??= { ...obj })[key] = r;
        continue;
      }
      const rule = pairRule !== undefined && key === 'value' ? pairRule : generic ? this.genericKeyRule(key, child) : this.keyRule(key);
      if (rule === 'keep') r = child;
      else if (this.jsonPaths.length > 0 && this.matchesPath(segs)) r = this.everyScalar(child, at, segs, pass, 'config-json-path');
      else if (rule !== undefined && typeof child === 'string') r = this.whole(child, at, rule, pass);
      else if (rule === 'config-json-key' && typeof child === 'number') r = this.whole(String(child), at, rule, pass);
      else if (generic && rule !== undefined && child !== null && typeof child === 'object' && !Array.isArray(child)) {
        r = this.matchers(child as Record<string, unknown>, at, segs, pass, rule);
      } else r = this.walk(child, at, segs, pass, generic);
      segs.pop();
      if (r !== child) (out ??= { ...obj })[key] = r;
    }
    return out ?? value;
  }

  // A card number stored as a JSON number is still a card number.
  private number(value: number, at: At, pass: Pass): unknown {
    if (!Number.isSafeInteger(value) || value < 1e12) return value;
    const s = String(value);
    const card = TEXT_DETECTORS.find((d) => d.id === 'card-number')!;
    if (!card.valid!(s) || this.allowed(s)) return value;
    const placeholder = this.placeholders.for(s, 'card');
    pass.add(at(), card.id, placeholder);
    return placeholder;
  }

  private everyScalar(value: unknown, at: At, segs: string[], pass: Pass, rule: string): unknown {
    if (typeof value === 'string') return this.whole(value, at, rule, pass);
    if (typeof value === 'number') return this.whole(String(value), at, rule, pass);
    if (value === null || typeof value !== 'object') return value;
    const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
    let changed = false;
    const out: Record<string, unknown> | unknown[] = Array.isArray(value) ? [] : {};
    for (const [k, v] of entries) {
      segs.push(k);
      const r = this.everyScalar(v, at, segs, pass, rule);
      segs.pop();
      if (r !== v) changed = true;
      (out as Record<string, unknown>)[k] = r;
    }
    return changed ? out : value;
  }

  // In files that are not exchanges every key name rule applies: a header name, a parameter, a JSON key.
  private genericKeyRule(key: string, value: unknown): string | undefined {
    const lower = key.toLowerCase();
    if (this.keep.has(lower)) return 'keep';
    if (this.headers.has(lower)) return 'config-header';
    if (this.params.has(lower)) return 'config-param';
    if (this.jsonKeys.has(lower)) return 'config-json-key';
    if (SECRET_HEADERS.has(lower)) return 'secret-header';
    if (isSecretName(key)) return 'secret-json-key';
    if (SECRET_PARAMS.has(lower) && typeof value === 'string') return 'secret-param';
    return undefined;
  }

  private matchers(obj: Record<string, unknown>, at: At, segs: string[], pass: Pass, rule: string): unknown {
    let out: Record<string, unknown> | undefined;
    for (const key of Object.keys(obj)) {
      const child = obj[key];
      segs.push(key);
      const r =
        MATCHER_KEYS.has(key) && typeof child === 'string'
          ? this.whole(child, at, rule, pass)
          : this.walk(child, at, segs, pass, true);
      segs.pop();
      if (r !== child) (out ??= { ...obj })[key] = r;
    }
    return out ?? obj;
  }

  /** Key-name rules for a `name: value` / `NAME=value` line of a text file. */
  lineKeyRule(key: string, value: string): string | undefined {
    const r = this.genericKeyRule(key, value);
    return r === 'keep' ? undefined : r;
  }

  isAllowed(value: string): boolean {
    return this.allowed(value);
  }

  // ------------------------------------------------------------------------------------------
  // Exchanges

  private body(body: Body | undefined, base: string, pass: Pass): Body | undefined {
    if (body === undefined) return body;
    if ('json' in body) {
      const json = this.json(body.json, `${base}/json`, pass);
      return json === body.json ? body : { json };
    }
    if ('text' in body) {
      const text = this.text(body.text, () => `${base}/text`, pass);
      return text === body.text ? body : { text };
    }
    if ('form' in body) {
      const form = this.paramsOf(body.form, `${base}/form`, pass);
      return form === body.form ? body : { form };
    }
    return body; // base64 binaries and omitted bodies are not scanned
  }

  exchange<T extends UnnamedExchange>(exchange: T, pass: Pass): T {
    const version = this.knownVersion;
    const once = this.walkExchange(exchange, pass);
    // A secret first met late in this exchange (a header walked after the query) may sit in a field
    // walked before it: one more walk over the redacted copy catches it (placeholders are left alone).
    if (this.knownVersion === version) return once;
    pass.revisit();
    return this.walkExchange(once, pass);
  }

  private walkExchange<T extends UnnamedExchange>(exchange: T, pass: Pass): T {
    const rq = exchange.request;
    const origin = rq.origin === undefined ? undefined : this.text(rq.origin, () => '/request/origin', pass);
    const path = this.pathOf(rq.path, '/request/path', pass);
    const query = this.paramsOf(rq.query, '/request/query', pass);
    const headers = this.headersOf(rq.headers, '/request/headers', pass);
    const body = this.body(rq.body, '/request/body', pass);
    const request =
      origin === rq.origin && path === rq.path && query === rq.query && headers === rq.headers && body === rq.body
        ? rq
        : { ...rq, ...(origin !== undefined ? { origin } : {}), path, query, headers, ...(body !== undefined ? { body } : {}) };

    const rs = exchange.response;
    let response = rs;
    if (isFailure(rs)) {
      const message = this.text(rs.error.message, () => '/response/error/message', pass);
      if (message !== rs.error.message) response = { error: { ...rs.error, message } };
    } else {
      const statusText = rs.statusText === undefined ? undefined : this.text(rs.statusText, () => '/response/statusText', pass);
      const rh = this.headersOf(rs.headers, '/response/headers', pass);
      const rb = this.body(rs.body, '/response/body', pass);
      if (statusText !== rs.statusText || rh !== rs.headers || rb !== rs.body) {
        response = { ...rs, ...(statusText !== undefined ? { statusText } : {}), headers: rh, ...(rb !== undefined ? { body: rb } : {}) };
      }
    }
    return { ...exchange, request, response };
  }
}
