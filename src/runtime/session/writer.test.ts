// SessionWriter: one write at a time in submission order; accepts written ahead that queue behind a
// write share the next one; a failed ahead write fails everything behind it and breaks the writer,
// while a failed ordinary write fails alone.

import { describe, expect, it } from 'vitest';
import type { CommitBatch } from '../../store/runtime-store.js';
import { SessionWriter } from './writer.js';

interface Pending {
  readonly batch: CommitBatch;
  readonly land: () => void;
  readonly fail: (error: Error) => void;
}

function harness(): {
  writer: SessionWriter;
  writes: Pending[];
  broken: Error[];
  idle: () => number;
} {
  const writes: Pending[] = [];
  const broken: Error[] = [];
  let idle = 0;
  const writer = new SessionWriter({
    write: (batch) =>
      new Promise<void>((resolve, reject) => writes.push({ batch, land: resolve, fail: reject })),
    onBroken: (error) => broken.push(error),
    onIdle: () => {
      idle += 1;
    },
  });
  return { writer, writes, broken, idle: () => idle };
}

const batch = (seq: number): CommitBatch => ({
  events: [
    {
      seq,
      id: `e.${seq}`,
      at: '2026-01-01T00:00:00.000Z',
      sessionId: 's1',
      type: 'runtime.notice',
      data: { kind: 'test', message: String(seq) },
    },
  ],
});

const seqs = (b: CommitBatch): number[] => (b.events ?? []).map((e) => e.seq);
const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('SessionWriter', () => {
  it('writes an ordinary batch at once and the ahead batches queued behind it as one write', async () => {
    const { writer, writes, idle } = harness();
    const order: string[] = [];
    const first = writer.submit(batch(1), false).then(() => order.push('1'));
    expect(writes).toHaveLength(1);
    const behind = [2, 3, 4].map((n) =>
      writer.submit(batch(n), true).then(() => order.push(`${n}`)),
    );
    await tick();
    expect(writes).toHaveLength(1);
    writes[0]?.land();
    await first;
    await tick();
    expect(writes.map((w) => seqs(w.batch))).toEqual([[1], [2, 3, 4]]);
    expect(order).toEqual(['1']);
    writes[1]?.land();
    await Promise.all(behind);
    expect(order).toEqual(['1', '2', '3', '4']);
    expect(writer.busy).toBe(false);
    expect(idle()).toBe(1);
  });

  it('waits one turn of the event loop before an ahead write, so accepts arriving meanwhile share it', async () => {
    const { writer, writes } = harness();
    const landed = [1, 2, 3].map((n) => writer.submit(batch(n), true));
    expect(writes).toHaveLength(0);
    await tick();
    expect(writes.map((w) => seqs(w.batch))).toEqual([[1, 2, 3]]);
    writes[0]?.land();
    await Promise.all(landed);
  });

  it('fails every batch behind a failed ahead write, breaks, and refuses what comes after', async () => {
    const { writer, writes, broken } = harness();
    const ahead = writer.submit(batch(1), true);
    await tick();
    const behind = writer.submit(batch(2), false);
    const error = new Error('disk gone');
    writes[0]?.fail(error);
    await expect(ahead).rejects.toBe(error);
    await expect(behind).rejects.toBe(error);
    expect(broken).toEqual([error]);
    await expect(writer.settled()).rejects.toBe(error);
    await expect(writer.submit(batch(3), false)).rejects.toBe(error);
    expect(writes).toHaveLength(1);
  });

  it('fails an ordinary write alone and keeps writing (memory never saw it)', async () => {
    const { writer, writes, broken } = harness();
    const failed = writer.submit(batch(1), false);
    writes[0]?.fail(new Error('busy'));
    await expect(failed).rejects.toThrow('busy');
    expect(broken).toEqual([]);
    const next = writer.submit(batch(1), false);
    writes[1]?.land();
    await next;
    await writer.settled();
  });

  it('settles once everything submitted so far landed', async () => {
    const { writer, writes } = harness();
    void writer.submit(batch(1), false);
    void writer.submit(batch(2), true);
    let settled = false;
    const done = writer.settled().then(() => (settled = true));
    writes[0]?.land();
    await tick();
    await tick();
    expect(settled).toBe(false);
    writes[1]?.land();
    await done;
    expect(settled).toBe(true);
  });
});
