// One JSON line per action. Redaction is defensive and happens here, at the only way out: the
// configured webhook secrets and API key are replaced wherever they appear, and fields whose name
// says "secret" (or signature, which is derived from one) are replaced whatever they hold.

export type Level = 'info' | 'warn' | 'error';
export type Fields = Record<string, unknown>;

export interface Logger {
  info(event: string, fields?: Fields): void;
  warn(event: string, fields?: Fields): void;
  error(event: string, fields?: Fields): void;
}

export const REDACTED = '[redacted]';
const SECRET_FIELD = /secret|password|token|authorization|api[-_]?key|credential|signature/i;
/** Shorter values would redact ordinary words; real keys and tokens are far longer. */
const MIN_SECRET_LENGTH = 6;

export function createLogger(write: (line: string) => void, secrets: Iterable<string> = []): Logger {
  const known = new Set([...secrets].filter((s) => s.length >= MIN_SECRET_LENGTH));

  const scrub = (text: string): string => {
    let out = text;
    for (const secret of known) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    return out;
  };
  const clean = (value: unknown, key?: string): unknown => {
    if (key !== undefined && SECRET_FIELD.test(key) && value !== null && value !== undefined) return REDACTED;
    if (typeof value === 'string') return scrub(value);
    if (Array.isArray(value)) return value.map((v) => clean(v));
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, clean(v, k)]));
    }
    return value;
  };
  const emit = (level: Level, event: string, fields: Fields = {}): void => {
    write(scrub(JSON.stringify({ level, event, ...(clean(fields) as Fields) })));
  };
  return {
    info: (event, fields) => emit('info', event, fields),
    warn: (event, fields) => emit('warn', event, fields),
    error: (event, fields) => emit('error', event, fields),
  };
}
