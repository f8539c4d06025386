// One circuit per partner. Closed: calls pass, and consecutive failures are counted per operation,
// so a healthy read endpoint does not mask a write endpoint that keeps failing. Open (once any
// operation fails `failures` times in a row): every call to the partner fails at once without
// touching it. After `cooldownMs` it is half-open: exactly one probe passes; its success closes the
// circuit (all counts start again), its failure opens it for another cool-down.

export interface CircuitOptions {
  failures: number;
  cooldownMs: number;
}

export type CircuitState = 'closed' | 'open' | 'half-open';

export interface CircuitBreaker {
  /** Call before each request; throws CircuitOpenError when the request must not be sent. */
  acquire(): void;
  success(operation: string): void;
  failure(operation: string): void;
  state(): CircuitState;
}

export class CircuitOpenError extends Error {
  override name = 'CircuitOpenError';
  constructor(
    readonly partner: string,
    readonly retryInMs: number,
  ) {
    super(`${partner} circuit is open (partner failing); next probe in ${retryInMs} ms`);
  }
}

export function createCircuitBreaker(
  partner: string,
  options: CircuitOptions,
  now: () => number,
  onChange: (state: CircuitState) => void = () => {},
): CircuitBreaker {
  const consecutive = new Map<string, number>();
  let openedAt = 0;
  let current: CircuitState = 'closed';
  let probing = false;
  const move = (next: CircuitState): void => {
    if (next === current) return;
    current = next;
    onChange(next);
  };
  const open = (): void => {
    probing = false;
    openedAt = now();
    move('open');
  };
  return {
    acquire() {
      if (current === 'open') {
        const left = openedAt + options.cooldownMs - now();
        if (left > 0) throw new CircuitOpenError(partner, left);
        move('half-open');
      }
      if (current === 'half-open') {
        if (probing) throw new CircuitOpenError(partner, 0);
        probing = true;
      }
    },
    success(operation) {
      if (current === 'half-open') {
        consecutive.clear();
        probing = false;
        move('closed');
      }
      consecutive.delete(operation);
    },
    failure(operation) {
      const count = (consecutive.get(operation) ?? 0) + 1;
      consecutive.set(operation, count);
      if (current === 'half-open' || count >= options.failures) open();
    },
    state: () => current,
  };
}

/** A breaker that never opens. */
export function alwaysClosed(): CircuitBreaker {
  return { acquire() {}, success() {}, failure() {}, state: () => 'closed' };
}
