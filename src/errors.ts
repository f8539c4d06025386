// Errors with stable codes, mapped to exit codes in one place (cli/main.ts).
// A library error says what went wrong and, where it can, where: the file and the place in it.

export type ErrorCode =
  | 'usage'
  | 'input'
  | 'not-found'
  | 'verdict-failed'
  | 'internal';

export class SeamError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SeamError';
    this.code = code;
  }
}

/** Wrong arguments or options on the command line. Exit 2. */
export class UsageError extends SeamError {
  constructor(message: string) {
    super('usage', message);
    this.name = 'UsageError';
  }
}

/**
 * Bad input: a file that does not parse or does not fit its schema.
 * `file` and `pointer` (a JSON pointer, or `line:col`) say where. Exit 2.
 */
export class InputError extends SeamError {
  readonly file: string | undefined;
  readonly pointer: string | undefined;
  constructor(message: string, where: { file?: string; pointer?: string } = {}, options?: { cause?: unknown }) {
    const place = [where.file, where.pointer].filter((p) => p !== undefined && p !== '').join(' at ');
    super('input', place ? `${place}: ${message}` : message, options);
    this.name = 'InputError';
    this.file = where.file;
    this.pointer = where.pointer;
  }
}

/** A verdict (scan finding, failed rule) — not a crash. Exit 1. */
export class VerdictFailed extends SeamError {
  constructor(message: string) {
    super('verdict-failed', message);
    this.name = 'VerdictFailed';
  }
}

export function exitCodeFor(error: unknown): number {
  if (error instanceof SeamError) {
    switch (error.code) {
      case 'verdict-failed':
        return 1;
      case 'usage':
      case 'input':
      case 'not-found':
        return 2;
      case 'internal':
        return 3;
    }
  }
  return 3;
}
