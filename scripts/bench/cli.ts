// What the bench scripts share as command lines: options parsed (a bad one prints the message and
// the help, exit 2; --help prints the help, exit 0), progress on stderr, the outcome on stdout, an
// exit code of 1 only when something broke (the figures never decide it); and their tables.
import { BenchError } from './ipc.js';

/** Runs a bench: `parse` returns undefined for --help; `run` prints its outcome and returns. */
export function benchMain<O>(name: string, help: string, parse: (argv: string[]) => O | undefined, run: (options: O, log: (line: string) => void) => Promise<void>): void {
  const main = async (): Promise<number> => {
    let options: O | undefined;
    try {
      options = parse(process.argv.slice(2));
    } catch (error) {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${help}`);
      return 2;
    }
    if (options === undefined) {
      process.stdout.write(help);
      return 0;
    }
    await run(options, (line) => process.stderr.write(`${line}\n`));
    return 0;
  };
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`${name}: ${error instanceof BenchError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    },
  );
}

/** A whole number with thousands separators: `32,186`. */
export function fmtInt(n: number): string {
  return Math.round(n).toLocaleString('en-GB');
}

/** Rows as text columns: the first left-aligned, the others right-aligned, two spaces apart. */
export function alignRows(rows: string[][]): string[] {
  const widths = (rows[0] ?? []).map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  '));
}
