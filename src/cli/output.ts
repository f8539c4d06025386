// Terminal output: colour only on a TTY and never with NO_COLOR; progress on stderr, data on stdout.

function colourEnabled(stream: NodeJS.WriteStream): boolean {
  if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '') return false;
  if (process.env.FORCE_COLOR !== undefined && process.env.FORCE_COLOR !== '0') return true;
  return stream.isTTY === true;
}

function paint(code: number, reset: number) {
  return (text: string, stream: NodeJS.WriteStream = process.stdout): string =>
    colourEnabled(stream) ? `\u001b[${code}m${text}\u001b[${reset}m` : text;
}

export const colour = {
  red: paint(31, 39),
  green: paint(32, 39),
  yellow: paint(33, 39),
  dim: paint(2, 22),
  bold: paint(1, 22),
};

export function statusColour(status: number | undefined, text: string, stream?: NodeJS.WriteStream): string {
  if (status === undefined || status >= 500 || status === 0) return colour.red(text, stream);
  if (status >= 400) return colour.yellow(text, stream);
  return colour.green(text, stream);
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** A one-line progress counter on stderr, redrawn in place on a TTY, silent otherwise. */
export function progress(label: string, total?: number): { tick(n?: number): void; done(): void } {
  const tty = process.stderr.isTTY === true;
  let count = 0;
  let last = 0;
  const draw = (force: boolean): void => {
    if (!tty) return;
    const now = Date.now();
    if (!force && now - last < 100) return;
    last = now;
    process.stderr.write(`\r${label} ${count}${total !== undefined ? `/${total}` : ''}`);
  };
  return {
    tick(n = 1) {
      count += n;
      draw(false);
    },
    done() {
      draw(true);
      if (tty) process.stderr.write('\n');
    },
  };
}
