import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CORRECT_PARTS, type ReceiverParts } from './parts.js';
import { partsFor, UnknownVariantError, VARIANT_NAMES } from './variants.js';

describe('partsFor', () => {
  it('gives the correct parts without a variant', () => {
    expect(partsFor()).toBe(CORRECT_PARTS);
    expect(partsFor('correct')).toBe(CORRECT_PARTS);
  });

  it('swaps exactly one part per variant', () => {
    const swapped = Object.fromEntries(
      VARIANT_NAMES.map((name) => {
        const parts = partsFor(name);
        return [name, (Object.keys(CORRECT_PARTS) as (keyof ReceiverParts)[]).filter((k) => parts[k] !== CORRECT_PARTS[k])];
      }),
    );
    expect(swapped).toEqual({
      'no-signature-check': ['signatureMatches'],
      'no-timestamp-tolerance': ['timestampProblem'],
      'accepts-tampered-body': ['signatureMatches'],
      'dedupe-lost-on-restart': ['openStore'],
      'last-write-wins': ['supersedes'],
      'slow-ack': ['whenToAck'],
      'drops-under-burst': ['queue'],
      '500-on-duplicate': ['duplicateReply'],
    });
  });

  it('the defective parts behave as their names say', async () => {
    const payload = Buffer.from('1.{"amount":1000}');
    const good = createHmac('sha256', 'whsec_k').update(payload).digest('hex');
    expect(partsFor('no-signature-check').signatureMatches(payload, ['0'.repeat(64)], ['whsec_k'])).toBe(true);
    const tampered = partsFor('accepts-tampered-body').signatureMatches;
    expect(tampered(Buffer.from('1.{"amount":1001}'), [good], ['whsec_k'])).toBe(false);
    expect(tampered(payload, [good], ['whsec_k'])).toBe(true);
    expect(tampered(Buffer.from('1.{"amount":1001}'), [good], ['whsec_k'])).toBe(true);
    expect(partsFor('no-timestamp-tolerance').timestampProblem(0, 1_700_000_000, 300)).toBeUndefined();
    expect(partsFor('last-write-wins').supersedes({ status: 'succeeded', version: 5, eventId: 'evt_5' }, 3)).toBe(true);
    expect(CORRECT_PARTS.supersedes({ status: 'succeeded', version: 5, eventId: 'evt_5' }, 5)).toBe(false);
    expect(partsFor('500-on-duplicate').duplicateReply('evt_1').status).toBe(500);
    const queue = partsFor('drops-under-burst').queue(1000, []);
    const events = Array.from({ length: 6 }, (_, i) => ({ id: `evt_${i}`, type: 't', created: i, resourceId: 'pi_1' }));
    expect(events.map((e) => queue.offer(e))).toEqual([true, true, true, true, true, true]);
    expect(queue.size).toBe(4);
    let processed = false;
    await partsFor('slow-ack').whenToAck(async () => void (processed = true));
    expect(processed).toBe(true);
  });

  it('rejects an unknown name, listing the known ones', () => {
    expect(() => partsFor('flaky')).toThrow(UnknownVariantError);
    expect(() => partsFor('flaky')).toThrow(`unknown variant "flaky"; known: ${VARIANT_NAMES.join(', ')}`);
  });
});
