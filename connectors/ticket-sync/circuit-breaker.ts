// One circuit per partner. Closed: calls pass, consecutive failures are counted. Open (after
// `failures` in a row): calls fail at once without touching the partner. After `cooldownMs` it is
// half-open: exactly one probe passes; its success closes the circuit, its failure opens it again.

export interface CircuitOptions {
  failures: number;
  cooldownMs: number;
}

export type CircuitState = 'closed' | 'open' | 'half-open';

export interface CircuitBreaker {
  /** Call before each request; throws CircuitOpenError when the request must not be sent. */
  acquire(): void;
  success(): void;
  failure(): void;
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
  let consecutive = 0;
  let openedAt = 0;
  let current: CircuitState = 'closed';
  let probing = false;
  const move = (next: CircuitState): void => {
    if (next === current) return;
    current = next;
    onChange(next);
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
    success() {
      consecutive = 0;
      probing = false;
      move('closed');
    },
    failure() {
      consecutive++;
      if (current === 'half-open' || consecutive >= options.failures) {
        probing = false;
        openedAt = now();
        move('open');
      }
    },
    state: () => current,
  };
}

/** A breaker that never opens (for callers that want none). */
export function alwaysClosed(): CircuitBreaker {
  return { acquire() {}, success() {}, failure() {}, state: () => 'closed' };
}
