import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.js';

describe('createLogger', () => {
  it('writes one JSON line per event and never a configured secret or a secret-named field', () => {
    const lines: string[] = [];
    const log = createLogger((l) => lines.push(l), ['whsec_abcdef', 'sk_test_123456', 'x']);
    log.warn('delivery.rejected', { reason: 'signature-mismatch', detail: 'key whsec_abcdef refused', signature: 't=1,v1=ab', apiKey: 'anything' });
    log.info('receiver.started', { variant: 'correct', note: 'x' });
    expect(lines).toEqual([
      '{"level":"warn","event":"delivery.rejected","reason":"signature-mismatch","detail":"key [redacted] refused","signature":"[redacted]","apiKey":"[redacted]"}',
      '{"level":"info","event":"receiver.started","variant":"correct","note":"x"}',
    ]);
  });
});
