// JSON pointers (RFC 6901) as used in `$ref` fragments: `~1` is `/`, `~0` is `~`; fragments may be
// percent-encoded as well.

export function escapeToken(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

export function appendPointer(pointer: string, ...tokens: Array<string | number>): string {
  return pointer + tokens.map((t) => '/' + escapeToken(String(t))).join('');
}

/** `#/components/schemas/a%20b` fragment (without `#`) → tokens. */
export function parsePointer(fragment: string): string[] | undefined {
  if (fragment === '') return [];
  if (!fragment.startsWith('/')) return undefined;
  let decoded = fragment;
  try {
    decoded = decodeURIComponent(fragment);
  } catch {
    // a literal `%` that is not an escape: keep the fragment as written
  }
  return decoded
    .slice(1)
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

export function getAt(document: unknown, tokens: string[]): { found: true; value: unknown } | { found: false } {
  let node = document;
  for (const token of tokens) {
    if (Array.isArray(node)) {
      if (!/^(0|[1-9]\d*)$/.test(token) || Number(token) >= node.length) return { found: false };
      node = node[Number(token)];
    } else if (node !== null && typeof node === 'object' && Object.hasOwn(node, token)) {
      node = (node as Record<string, unknown>)[token];
    } else {
      return { found: false };
    }
  }
  return { found: true, value: node };
}
