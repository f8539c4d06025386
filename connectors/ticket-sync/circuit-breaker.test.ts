import { describe, expect, it } from 'vitest';
import { CircuitOpenError, createCircuitBreaker, type CircuitState } from './circuit-breaker.js';

function breaker() {
  let clock = 1000;
  const changes: CircuitState[] = [];
  const b = createCircuitBreaker('tracker', { failures: 3, cooldownMs: 500 }, () => clock, (s) => changes.push(s));
  return { b, changes, advance: (ms: number) => (clock += ms) };
}

function fail(b: ReturnType<typeof breaker>['b'], op: string, times: number): void {
  for (let i = 0; i < times; i++) {
    b.acquire();
    b.failure(op);
  }
}

describe('createCircuitBreaker', () => {
  it('opens after N consecutive failures and then refuses calls without sending them', () => {
    const { b, changes } = breaker();
    fail(b, 'POST /v1/issues', 2);
    expect(b.state()).toBe('closed');
    fail(b, 'POST /v1/issues', 1);
    expect(b.state()).toBe('open');
    expect(changes).toEqual(['open']);
    expect(() => b.acquire()).toThrow(CircuitOpenError);
    expect(() => b.acquire()).toThrow('tracker circuit is open (partner failing); next probe in 500 ms');
  });

  it('a success of the same operation resets its count; another operation succeeding does not mask it', () => {
    const { b } = breaker();
    fail(b, 'POST /v1/issues', 2);
    b.success('POST /v1/issues');
    fail(b, 'POST /v1/issues', 2);
    expect(b.state()).toBe('closed');
    b.success('GET /v1/issues');
    fail(b, 'POST /v1/issues', 1);
    expect(b.state()).toBe('open');
  });

  it('after the cool-down lets exactly one probe through; its success closes the circuit', () => {
    const { b, changes, advance } = breaker();
    fail(b, 'GET /v1/issues', 3);
    advance(499);
    expect(() => b.acquire()).toThrow('next probe in 1 ms');
    advance(1);
    b.acquire();
    expect(b.state()).toBe('half-open');
    expect(() => b.acquire()).toThrow('next probe in 0 ms');
    b.success('GET /v1/issues');
    expect(b.state()).toBe('closed');
    expect(changes).toEqual(['open', 'half-open', 'closed']);
    fail(b, 'GET /v1/issues', 2);
    expect(b.state()).toBe('closed');
  });

  it('a failed probe opens it for another full cool-down', () => {
    const { b, advance } = breaker();
    fail(b, 'GET /v1/issues', 3);
    advance(500);
    fail(b, 'GET /v1/issues', 1);
    expect(b.state()).toBe('open');
    advance(499);
    expect(() => b.acquire()).toThrow(CircuitOpenError);
    advance(1);
    b.acquire();
    expect(b.state()).toBe('half-open');
  });
});
