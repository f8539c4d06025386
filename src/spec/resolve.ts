// Finding the operation for a concrete request. A trie by path segment, one per method, built once:
// at each segment a literal child is tried first, then segments mixing literals and parameters
// (`{Sid}.json`, most literal characters first), then a whole-segment parameter — with backtracking,
// so `/v1/customers/search` is the search operation and `/v1/customers/cus_1` the retrieve one.
import type { Operation } from './types.js';

interface Leaf {
  operation: Operation;
  /** Parameter names in capture order. */
  names: string[];
}

interface Pattern {
  key: string;
  regex: RegExp;
  literalChars: number;
  node: TrieNode;
}

interface TrieNode {
  literal: Map<string, TrieNode>;
  patterns: Pattern[];
  param?: TrieNode;
  leaf?: Leaf;
}

export interface OperationIndex {
  /** Templates with their base path (`/2.0/files/{file_id}`), by method. */
  readonly full: Map<string, TrieNode>;
  /** Templates without base path, for clients pointed at the mock's root; tried second. */
  readonly bare: Map<string, TrieNode>;
  readonly size: number;
}

export interface OperationMatch {
  operation: Operation;
  /** Path parameters, percent-decoded. */
  params: Record<string, string>;
}

const newNode = (): TrieNode => ({ literal: new Map(), patterns: [] });

export function indexOperations(ops: readonly Operation[]): OperationIndex {
  const full = new Map<string, TrieNode>();
  const bare = new Map<string, TrieNode>();
  let size = 0;
  for (const op of ops) {
    if (op.webhook !== undefined) continue;
    size++;
    for (const base of op.basePaths) insert(full, op, base + op.pathTemplate);
    insert(bare, op, op.pathTemplate);
  }
  return { full, bare, size };
}

function insert(tries: Map<string, TrieNode>, operation: Operation, template: string): void {
  let root = tries.get(operation.method);
  if (!root) tries.set(operation.method, (root = newNode()));
  let node: TrieNode = root;
  const names: string[] = [];
  for (const segment of splitPath(template)) {
    const whole = /^\{([^{}]+)\}$/.exec(segment);
    if (whole) {
      names.push(whole[1] as string);
      node = node.param ??= newNode();
    } else if (segment.includes('{')) {
      const { key, regex, literalChars, params } = compileSegment(segment);
      names.push(...params);
      let pattern: Pattern | undefined = node.patterns.find((p) => p.key === key);
      if (!pattern) {
        pattern = { key, regex, literalChars, node: newNode() };
        node.patterns.push(pattern);
        node.patterns.sort((a, b) => b.literalChars - a.literalChars);
      }
      node = pattern.node;
    } else {
      const key = decodeSegment(segment);
      let child = node.literal.get(key);
      if (!child) node.literal.set(key, (child = newNode()));
      node = child;
    }
  }
  // The first operation registered for a template wins (a spec does not repeat method + path).
  node.leaf ??= { operation, names };
}

function compileSegment(segment: string): { key: string; regex: RegExp; literalChars: number; params: string[] } {
  const params: string[] = [];
  let source = '';
  let key = '';
  let literalChars = 0;
  for (const part of segment.split(/(\{[^{}]+\})/)) {
    if (part === '') continue;
    const param = /^\{([^{}]+)\}$/.exec(part);
    if (param) {
      params.push(param[1] as string);
      source += '(.+?)';
      key += '{}';
    } else {
      const literal = decodeSegment(part);
      literalChars += literal.length;
      source += literal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      key += literal;
    }
  }
  return { key, regex: new RegExp(`^${source}$`), literalChars, params };
}

function decodeSegment(segment: string): string {
  if (!segment.includes('%')) return segment;
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** `/a/b/?x=1` → `['a', 'b']`; the root is `[]`. Segments stay encoded (a `%2F` stays in its segment). */
function splitPath(path: string): string[] {
  let p = path;
  const q = p.search(/[?#]/);
  if (q !== -1) p = p.slice(0, q);
  p = p.replace(/\/+$/, '');
  if (p === '') return [];
  return (p.startsWith('/') ? p.slice(1) : p).split('/');
}

export function resolveOperation(index: OperationIndex, method: string, path: string): OperationMatch | undefined {
  const m = method.toUpperCase();
  const segments = splitPath(path).map(decodeSegment);
  return find(index.full.get(m), segments) ?? find(index.bare.get(m), segments);
}

function find(root: TrieNode | undefined, segments: string[]): OperationMatch | undefined {
  if (!root) return undefined;
  const values: string[] = [];
  const walk = (node: TrieNode, i: number): Leaf | undefined => {
    if (i === segments.length) return node.leaf;
    const segment = segments[i] as string;
    const literal = node.literal.get(segment);
    if (literal) {
      const hit = walk(literal, i + 1);
      if (hit) return hit;
    }
    for (const pattern of node.patterns) {
      const m = pattern.regex.exec(segment);
      if (!m) continue;
      const mark = values.length;
      values.push(...m.slice(1).map(String));
      const hit = walk(pattern.node, i + 1);
      if (hit) return hit;
      values.length = mark;
    }
    if (node.param && segment !== '') {
      values.push(segment);
      const hit = walk(node.param, i + 1);
      if (hit) return hit;
      values.pop();
    }
    return undefined;
  };
  const leaf = walk(root, 0);
  if (!leaf) return undefined;
  const params: Record<string, string> = {};
  leaf.names.forEach((name, i) => {
    params[name] = values[i] as string;
  });
  return { operation: leaf.operation, params };
}
