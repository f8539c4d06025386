// Request/reply over a forked bench host's IPC channel: send a message (or nothing) and wait for
// the first reply of a given type, failing clearly on a timeout or on the child's exit.
import type { ChildProcess } from 'node:child_process';

/** A benchmark that broke (a child did not start or answer): exit 1, not a figure. */
export class BenchError extends Error {}

export function ask<T>(child: ChildProcess, message: { type: string } | undefined, replyType: string, label: string, timeoutMs = 15_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new BenchError(`${label}: no "${replyType}" reply within ${timeoutMs} ms`));
    }, timeoutMs);
    const onMessage = (reply: { type?: string }): void => {
      if (reply.type !== replyType) return;
      cleanup();
      resolve(reply as T);
    };
    const onExit = (code: number | null, signal: string | null): void => {
      cleanup();
      reject(new BenchError(`${label} exited (${signal ?? code}) while waiting for "${replyType}"`));
    };
    const cleanup = (): void => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    child.on('message', onMessage);
    child.once('exit', onExit);
    if (message !== undefined) child.send(message);
  });
}
