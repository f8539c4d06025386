import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.js';

describe('createLogger', () => {
  it('writes one JSON line per call, secrets replaced by value anywhere and by field name', () => {
    const lines: string[] = [];
    const log = createLogger((l) => lines.push(l), ['hd_key_123456']);
    log.addSecret('trk_at_abcdef');
    log.addSecret('abc');
    log.info('x', { note: 'sent hd_key_123456 and Bearer trk_at_abcdef', nested: { client_secret: 'anything', list: ['trk_at_abcdef'] }, count: 2 });
    log.warn('y', { word: 'abc' });
    expect(lines).toEqual([
      '{"level":"info","event":"x","note":"sent [redacted] and Bearer [redacted]","nested":{"client_secret":"[redacted]","list":["[redacted]"]},"count":2}',
      '{"level":"warn","event":"y","word":"abc"}',
    ]);
  });
});
