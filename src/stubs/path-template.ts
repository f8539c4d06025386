// Path templates inferred from recorded paths: segments that look like ids become `{param}`s,
// everything else stays literal, so `/v1/customers/search` never swallows `/v1/customers/cus_123`.
//
// What counts as an id (checked on the segment, or on the segment minus a `.json`-style suffix):
// - strong, templated even when only one value was recorded: UUIDs, emails, Twilio-style SIDs
//   (`AC` + 32 hex), prefixed ids (`cus_NffrFeUf`, `ch_3Mm`, `sk_test_4eC3`: a lower-case prefix,
//   `_`, and a tail with a digit or an upper-case letter), base62/hex tokens of 8+ characters
//   mixing letters and digits, and numbers of 5+ digits;
// - weak, templated only when several values were recorded at that position for paths otherwise
//   alike: numbers of 1–4 digits (`/api/2/items` with a single `2` is a version, not an id).
// A parameter is named after the literal segment before it, singularised (`/customers/{customer}`,
// `/Accounts/{Account}`, `/entries/{entry}`); with no usable literal before it, `{id}` (`{id2}`…).

export type IdStrength = 'strong' | 'weak';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TWILIO_SID = /^[A-Z]{2}[0-9a-f]{32}$/i;
const PREFIXED = /^[a-z][a-z0-9]*(?:_[a-z0-9]+)*_([A-Za-z0-9]{3,})$/;
const TOKEN = /^[A-Za-z0-9]{8,}$/;
const EMAIL = /^[^@\s/]+@[^@\s/]+\.[^@\s/]+$/;
const SUFFIX = /^(.*[^.])(\.[A-Za-z][A-Za-z0-9]{0,4})$/;

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** How strongly a whole value (a path segment without suffix, a query value…) looks like an id. */
export function idStrength(value: string): IdStrength | undefined {
  if (value === '') return undefined;
  if (/^\d+$/.test(value)) return value.length >= 5 ? 'strong' : 'weak';
  if (UUID.test(value) || TWILIO_SID.test(value) || EMAIL.test(decode(value))) return 'strong';
  const prefixed = PREFIXED.exec(value);
  if (prefixed && /[0-9A-Z]/.test(prefixed[1]!)) return 'strong';
  if (TOKEN.test(value) && /\d/.test(value) && /[A-Za-z]/.test(value)) return 'strong';
  return undefined;
}

interface SegmentShape {
  /** The id part (whole segment, or the segment minus its suffix), when there is one. */
  strength?: IdStrength;
  /** Kept literally after the parameter, e.g. `.json`. */
  suffix: string;
}

function segmentShape(segment: string): SegmentShape {
  const whole = idStrength(segment);
  if (whole) return { strength: whole, suffix: '' };
  const split = SUFFIX.exec(segment);
  if (split) {
    const base = idStrength(split[1]!);
    if (base) return { strength: base, suffix: split[2]! };
  }
  return { suffix: '' };
}

function singular(word: string): string {
  if (/ies$/i.test(word) && word.length > 4) return `${word.slice(0, -3)}y`;
  if (/(ss|x|ch|sh)es$/i.test(word)) return word.slice(0, -2);
  if (/[^s]s$/i.test(word) && word.length > 3) return word.slice(0, -1);
  return word;
}

function paramName(previousLiteral: string | undefined, used: Set<string>): string {
  let base = 'id';
  if (previousLiteral !== undefined && /^[A-Za-z][A-Za-z_-]*$/.test(previousLiteral)) {
    base = singular(previousLiteral).replace(/-/g, '_');
  }
  let name = base;
  for (let n = 2; used.has(name); n++) name = `${base}${n}`;
  used.add(name);
  return name;
}

/**
 * A template for each distinct path: `Map<path, template>`. Deterministic: the result does not
 * depend on the order of `paths`.
 */
export function inferTemplates(paths: Iterable<string>): Map<string, string> {
  const unique = [...new Set(paths)].sort();
  const shapes = new Map<string, SegmentShape[]>();
  // Paths alike except at weak positions share a key; a weak position that varies is a parameter.
  const groups = new Map<string, string[]>();
  for (const path of unique) {
    const segments = path.split('/');
    const shape = segments.map(segmentShape);
    shapes.set(path, shape);
    const key = segments
      .map((s, i) => {
        const sh = shape[i]!;
        return sh.strength === 'strong' ? `{}${sh.suffix}` : sh.strength === 'weak' ? `#${sh.suffix}` : `=${s}`;
      })
      .join('/');
    const members = groups.get(key);
    if (members) members.push(path);
    else groups.set(key, [path]);
  }
  const out = new Map<string, string>();
  for (const members of groups.values()) {
    const first = members[0]!.split('/');
    const varying = first.map((segment, i) => members.some((p) => p.split('/')[i] !== segment));
    for (const path of members) {
      const segments = path.split('/');
      const shape = shapes.get(path)!;
      const used = new Set<string>();
      let previousLiteral: string | undefined;
      const parts = segments.map((segment, i) => {
        const sh = shape[i]!;
        const param = sh.strength === 'strong' || (sh.strength === 'weak' && varying[i]);
        if (!param) {
          previousLiteral = segment;
          return segment;
        }
        const name = paramName(previousLiteral, used);
        previousLiteral = undefined;
        return `{${name}}${sh.suffix}`;
      });
      out.set(path, parts.join('/'));
    }
  }
  return out;
}

/** The parameter names of a template, in order. */
export function templateParams(template: string): string[] {
  return [...template.matchAll(/\{([^}/]+)\}/g)].map((m) => m[1]!);
}

const compiledTemplates = new Map<string, RegExp>();

function templateRegExp(template: string): RegExp {
  let re = compiledTemplates.get(template);
  if (!re) {
    let source = '^';
    let last = 0;
    for (const m of template.matchAll(/\{([^}/]+)\}/g)) {
      source += escapeRegExp(template.slice(last, m.index)) + '([^/]+?)';
      last = m.index + m[0].length;
    }
    source += `${escapeRegExp(template.slice(last))}$`;
    re = new RegExp(source);
    compiledTemplates.set(template, re);
  }
  return re;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The parameter values of `path` under `template` (as they appear in the path), or undefined when it does not fit. */
export function extractParams(template: string, path: string): Record<string, string> | undefined {
  const m = templateRegExp(template).exec(path);
  if (!m) return undefined;
  const names = templateParams(template);
  const out: Record<string, string> = {};
  names.forEach((name, i) => {
    out[name] = m[i + 1]!;
  });
  return out;
}
