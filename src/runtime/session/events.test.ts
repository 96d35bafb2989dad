// SessionEvents: seqs are given in commit order, published only once their commit landed, released
// when it failed, and transient events carry no seq of their own.

import { describe, expect, it } from 'vitest';
import type { RuntimeEvent } from '../../core/runtime-event.js';
import type { EventDraft } from './events.js';
import { SessionEvents } from './events.js';

function stream(highWater = 0): { events: SessionEvents; seen: RuntimeEvent[] } {
  const seen: RuntimeEvent[] = [];
  const events = new SessionEvents('s1', 'e1', highWater, {
    now: () => '2026-01-01T00:00:00.000Z',
    fanout: (event) => seen.push(event),
    onListenerError: () => undefined,
    recentLimit: 10,
  });
  return { events, seen };
}

const notice = (message: string): EventDraft => ({
  type: 'runtime.notice',
  data: { kind: 'test', message },
});

describe('SessionEvents', () => {
  it('continues after the stored high-water mark and publishes nothing before the commit landed', () => {
    const { events, seen } = stream(41);
    const composed = events.compose([notice('a'), notice('b')]);
    expect(composed.map((e) => [e.seq, e.id])).toEqual([
      [42, 'e1.42'],
      [43, 'e1.43'],
    ]);
    expect(seen).toEqual([]);
    events.committed(composed);
    expect(seen.map((e) => e.seq)).toEqual([42, 43]);
    expect(events.lastSeq).toBe(43);
  });

  it('releases the seqs of a failed commit, so the next commit takes them and no gap is ever seen', () => {
    const { events, seen } = stream();
    events.abandoned(events.compose([notice('lost')]));
    expect(events.lastSeq).toBe(0);
    events.committed(events.compose([notice('kept')]));
    expect(seen.map((e) => [e.seq, e.type === 'runtime.notice' && e.data.message])).toEqual([
      [1, 'kept'],
    ]);
  });

  it('composes behind an outstanding composition and publishes each once it landed, in order', () => {
    const { events, seen } = stream();
    const first = events.compose([notice('first')]);
    const second = events.compose([notice('second'), notice('third')]);
    expect(second.map((e) => e.seq)).toEqual([2, 3]);
    expect(() => events.committed(second)).toThrow(/landed before/);
    events.committed(first);
    events.committed(second);
    expect(seen.map((e) => e.seq)).toEqual([1, 2, 3]);
  });

  it('releases a failed composition with every one composed after it', () => {
    const { events, seen } = stream();
    const first = events.compose([notice('first')]);
    events.compose([notice('second')]);
    events.abandoned(first);
    events.committed(events.compose([notice('again')]));
    expect(seen.map((e) => [e.seq, e.type === 'runtime.notice' && e.data.message])).toEqual([
      [1, 'again'],
    ]);
  });

  it('delivers a transient event at once, with no seq, placed after the last durable event', () => {
    const { events, seen } = stream();
    events.committed(events.compose([notice('a')]));
    const progress = events.emitTransient({
      type: 'run.progress',
      data: { runId: 'r1', progress: 'half' },
    });
    expect(progress).toMatchObject({ seq: null, id: null, after: 1 });
    expect(seen.at(-1)).toBe(progress);
    expect(events.recent(0).events.map((e) => e.seq)).toEqual([1]);
  });
});
