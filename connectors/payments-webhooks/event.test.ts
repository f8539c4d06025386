import { describe, expect, it } from 'vitest';
import { parseEvent, statusOf, versionOf, type ReceivedEvent } from './event.js';

const parse = (value: unknown) => parseEvent(Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)));

describe('parseEvent', () => {
  it('takes the resource from data.object, or from related_object for a thin event', () => {
    const object = { id: 'pi_1', object: 'payment_intent', status: 'succeeded' };
    expect(parse({ id: 'evt_1', type: 'payment_intent.succeeded', created: 10, data: { object } })).toEqual({ id: 'evt_1', type: 'payment_intent.succeeded', created: 10, resourceId: 'pi_1', object });
    expect(parse({ id: 'evt_2', type: 'payment_intent.succeeded', created: 11, related_object: { id: 'pi_1', type: 'payment_intent' } })).toEqual({ id: 'evt_2', type: 'payment_intent.succeeded', created: 11, resourceId: 'pi_1' });
  });

  it('says what is missing', () => {
    expect(parse('{"id":')).toEqual({ problem: 'body is not JSON' });
    expect(parse([1])).toEqual({ problem: 'body is not a JSON object' });
    expect(parse({ type: 't', created: 1 })).toEqual({ problem: 'id is missing' });
    expect(parse({ id: 'e', created: 1 })).toEqual({ problem: 'type is missing' });
    expect(parse({ id: 'e', type: 't' })).toEqual({ problem: 'created is missing' });
    expect(parse({ id: 'e', type: 't', created: 1, data: { object: { status: 'x' } } })).toEqual({ problem: 'data.object.id is missing' });
    expect(parse({ id: 'e', type: 't', created: 1, data: {} })).toEqual({ problem: 'neither data.object nor related_object.id is present' });
  });
});

describe('versionOf and statusOf', () => {
  const event: ReceivedEvent = { id: 'evt_1', type: 'charge.refunded', created: 1_700_000_123, resourceId: 'ch_1' };
  it('prefers metadata.seam_version (string or number), else the event created', () => {
    expect(versionOf(event, { id: 'pi_1', metadata: { seam_version: '7' } })).toBe(7);
    expect(versionOf(event, { id: 'pi_1', metadata: { seam_version: 8 } })).toBe(8);
    expect(versionOf(event, { id: 'pi_1', metadata: { seam_version: 'soon' } })).toBe(1_700_000_123);
    expect(versionOf(event, { id: 'pi_1', metadata: {} })).toBe(1_700_000_123);
  });
  it('uses the object status, else the event type', () => {
    expect(statusOf(event, { id: 'pi_1', status: 'processing' })).toBe('processing');
    expect(statusOf(event, { id: 'ch_1' })).toBe('charge.refunded');
  });
});
