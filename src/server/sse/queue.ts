// The outgoing queue of one SSE stream: framed text bounded by bytes and frames, handed to the response
// body only when its reader asks for more (pull), several frames to a chunk. Nothing is buffered inside
// the body stream itself, so what a stalled client costs is exactly what this queue holds.

/** Bounds of one queue. */
export interface FrameQueueLimits {
  /** Bytes queued at most; a frame past it is refused. */
  readonly maxBytes: number;
  /** Frames queued at most; one more is refused. */
  readonly maxFrames: number;
}

/** A bounded queue of frames and the response body that drains it. */
export interface FrameQueue {
  /** The response body: reads take the queued frames, up to {@link CHUNK_BYTES} at a time. */
  readonly body: ReadableStream<Uint8Array>;
  /** Queues a frame; false (nothing queued) when it would pass a bound, or after `close`. */
  push(frame: string): boolean;
  /** Drops every queued frame (the client resumes by replay instead). */
  clear(): void;
  /** Queues a last frame whatever the bounds, then ends the body once the reader has taken it. */
  close(last: string): void;
  /** Bytes queued. */
  readonly bytes: number;
  /** Frames queued. */
  readonly frames: number;
}

/** Frames are concatenated into chunks of about this many bytes (one write each). */
export const CHUNK_BYTES = 64 * 1024;

const encoder = new TextEncoder();

/**
 * Creates a queue. `onTaken` runs after the reader took a chunk (room was made); `onCancel` when the
 * reader cancelled the body (the client went away).
 */
export function createFrameQueue(
  limits: FrameQueueLimits,
  hooks: { readonly onTaken: () => void; readonly onCancel: () => void },
): FrameQueue {
  let frames: (string | undefined)[] = [];
  let sizes: number[] = [];
  let head = 0;
  let bytes = 0;
  let closing = false;
  let done = false;
  let controller: ReadableStreamDefaultController<Uint8Array> | null = null;
  let waiting = false;

  const count = (): number => frames.length - head;
  const reset = (): void => {
    frames = [];
    sizes = [];
    head = 0;
    bytes = 0;
  };
  // Hands queued frames to a reader that asked for them, or ends the body once a closed queue is empty.
  const deliver = (): void => {
    if (!waiting || done || controller === null) return;
    if (count() === 0) {
      if (!closing) return;
      done = true;
      controller.close();
      return;
    }
    let text = '';
    while (head < frames.length && (text === '' || text.length < CHUNK_BYTES)) {
      text += frames[head] ?? '';
      bytes -= sizes[head] ?? 0;
      frames[head] = undefined;
      head += 1;
    }
    if (head === frames.length) reset();
    waiting = false;
    controller.enqueue(encoder.encode(text));
    hooks.onTaken();
  };
  const body = new ReadableStream<Uint8Array>(
    {
      start: (c) => {
        controller = c;
      },
      pull: () => {
        waiting = true;
        deliver();
      },
      cancel: () => {
        done = true;
        reset();
        hooks.onCancel();
      },
    },
    // High-water mark 0: the body holds nothing itself; every byte waits in this queue until a read.
    new CountQueuingStrategy({ highWaterMark: 0 }),
  );
  const append = (frame: string, size: number): void => {
    frames.push(frame);
    sizes.push(size);
    bytes += size;
    deliver();
  };
  return {
    body,
    push(frame) {
      if (closing || done) return false;
      const size = Buffer.byteLength(frame);
      if (count() > 0 && (count() + 1 > limits.maxFrames || bytes + size > limits.maxBytes)) {
        return false;
      }
      append(frame, size);
      return true;
    },
    clear: reset,
    close(last) {
      if (closing || done) return;
      closing = true;
      append(last, Buffer.byteLength(last));
    },
    get bytes() {
      return bytes;
    },
    get frames() {
      return count();
    },
  };
}
