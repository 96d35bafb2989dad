// The subscriber buffer: bounded by events and bytes, dropped whole on overflow, FIFO across compaction.

import { describe, expect, it } from 'vitest';
import type { DurableEvent } from '../../core/runtime-event.js';
import { serializedEvent } from './json.js';
import { SubscriberBuffer, subscriberStatistics } from './subscriber.js';

function notice(seq: number, message = 'm'): DurableEvent {
  return {
    seq,
    id: `e.${seq}`,
    at: '2026-01-01T00:00:00.000Z',
    sessionId: 's1',
    type: 'runtime.notice',
    data: { kind: 'test', message },
  };
}

describe('SubscriberBuffer', () => {
  it('counts the serialized bytes of what it holds and gives events back in order', () => {
    const buffer = new SubscriberBuffer({ maxBufferedEvents: 10, maxBufferedBytes: 10_000 });
    const events = [notice(1), notice(2, 'longer message'), notice(3)];
    for (const event of events) expect(buffer.push(event)).toBe(true);
    expect(buffer.size).toBe(3);
    expect(buffer.bytes).toBe(events.reduce((n, e) => n + serializedEvent(e).bytes, 0));
    expect([buffer.shift(), buffer.shift(), buffer.shift(), buffer.shift()]).toEqual([
      ...events,
      undefined,
    ]);
    expect(buffer.bytes).toBe(0);
  });

  it('overflows past its event bound, drops everything at once, and refuses from then on', () => {
    const buffer = new SubscriberBuffer({ maxBufferedEvents: 2, maxBufferedBytes: 10_000 });
    expect(buffer.push(notice(1))).toBe(true);
    expect(buffer.push(notice(2))).toBe(true);
    expect(buffer.push(notice(3))).toBe(false);
    expect(buffer.overflowed).toBe(true);
    expect({ size: buffer.size, bytes: buffer.bytes, next: buffer.shift() }).toEqual({
      size: 0,
      bytes: 0,
      next: undefined,
    });
    expect(buffer.push(notice(4))).toBe(false);
  });

  it('overflows past its byte bound, but an empty buffer always takes one event however large', () => {
    const big = notice(1, 'x'.repeat(500));
    const buffer = new SubscriberBuffer({ maxBufferedEvents: 100, maxBufferedBytes: 200 });
    expect(buffer.push(big)).toBe(true);
    expect(buffer.shift()).toBe(big);
    expect(buffer.push(notice(2))).toBe(true);
    expect(buffer.push(notice(3, 'y'.repeat(200)))).toBe(false);
    expect(buffer.overflowed).toBe(true);
  });

  it('stays FIFO across its compactions', () => {
    const buffer = new SubscriberBuffer({ maxBufferedEvents: 5000, maxBufferedBytes: 10 ** 9 });
    const out: number[] = [];
    let next = 1;
    for (let round = 0; round < 5; round += 1) {
      for (let i = 0; i < 1500; i += 1) buffer.push(notice(next++));
      for (let i = 0; i < 1200; i += 1) out.push((buffer.shift() as DurableEvent).seq);
    }
    for (let e = buffer.shift(); e !== undefined; e = buffer.shift()) out.push(e.seq ?? -1);
    expect(out).toEqual(Array.from({ length: next - 1 }, (_, i) => i + 1));
    expect(subscriberStatistics([buffer])).toEqual({
      subscribers: 1,
      bufferedEvents: 0,
      bufferedBytes: 0,
    });
  });
});
