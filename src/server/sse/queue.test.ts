// The frame queue of one SSE stream: frames wait in the queue (never in the body) until the reader
// asks, several to a chunk; bounds refuse a frame; close ends the body once the reader took the rest.

import { describe, expect, it } from 'vitest';
import { CHUNK_BYTES, createFrameQueue } from './queue.js';

function open(limits = { maxBytes: 1024 * 1024, maxFrames: 1000 }) {
  const calls = { taken: 0, cancelled: 0 };
  const queue = createFrameQueue(limits, {
    onTaken: () => (calls.taken += 1),
    onCancel: () => (calls.cancelled += 1),
  });
  const reader = queue.body.getReader();
  const decoder = new TextDecoder();
  const read = async (): Promise<string | null> => {
    const chunk = await reader.read();
    return chunk.done ? null : decoder.decode(chunk.value);
  };
  return { queue, reader, read, calls };
}

describe('createFrameQueue', () => {
  it('holds frames until the reader asks, then hands over everything queued as one chunk', async () => {
    const { queue, read, calls } = open();
    expect(queue.push('a\n\n')).toBe(true);
    expect(queue.push('b\n\n')).toBe(true);
    expect({ frames: queue.frames, bytes: queue.bytes, taken: calls.taken }).toEqual({
      frames: 2,
      bytes: 6,
      taken: 0,
    });
    expect(await read()).toBe('a\n\nb\n\n');
    expect({ frames: queue.frames, bytes: queue.bytes, taken: calls.taken }).toEqual({
      frames: 0,
      bytes: 0,
      taken: 1,
    });
    const waiting = read();
    queue.push('c\n\n');
    expect(await waiting).toBe('c\n\n');
  });

  it('cuts a long queue into chunks of about 64 KiB', async () => {
    const { queue, read } = open();
    const frame = `${'x'.repeat(1022)}\n\n`;
    for (let i = 0; i < 200; i += 1) queue.push(frame);
    const first = (await read()) as string;
    expect(first.length).toBeGreaterThanOrEqual(CHUNK_BYTES);
    expect(first.length).toBeLessThan(CHUNK_BYTES + frame.length);
    expect(queue.bytes).toBe(200 * frame.length - first.length);
  });

  it('refuses a frame past its byte or frame bound, but an empty queue takes one of any size', () => {
    const { queue } = open({ maxBytes: 10, maxFrames: 2 });
    expect(queue.push('x'.repeat(50))).toBe(true);
    expect(queue.push('y')).toBe(false);
    queue.clear();
    expect(queue.push('a')).toBe(true);
    expect(queue.push('b')).toBe(true);
    expect(queue.push('c')).toBe(false);
    expect(queue.frames).toBe(2);
  });

  it('ends the body after the last frame once the reader has taken everything', async () => {
    const { queue, read } = open();
    queue.push('a\n\n');
    queue.close('end\n\n');
    expect(queue.push('late\n\n')).toBe(false);
    expect(await read()).toBe('a\n\nend\n\n');
    expect(await read()).toBeNull();
  });

  it('drops what waits when the reader cancels, and reports it', async () => {
    const { queue, reader, calls } = open();
    queue.push('a\n\n');
    await reader.cancel();
    expect({ frames: queue.frames, cancelled: calls.cancelled }).toEqual({
      frames: 0,
      cancelled: 1,
    });
    expect(queue.push('b\n\n')).toBe(false);
  });
});
