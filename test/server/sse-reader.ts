// Test support: reads Server-Sent Events from a response body (app.request or fetch over a socket).

/** One parsed SSE frame (comments are reported as `comment`). */
export interface SseFrame {
  readonly id?: string;
  readonly event?: string;
  readonly data?: string;
  readonly comment?: string;
  readonly retry?: string;
}

/** An incremental reader of frames. `next()` resolves to the next frame, or null at the end. */
export interface SseReader {
  next(): Promise<SseFrame | null>;
  /** Frames until one matches `predicate` (inclusive); rejects if the stream ends first. */
  until(predicate: (frame: SseFrame) => boolean): Promise<SseFrame[]>;
  cancel(): Promise<void>;
}

/** Wraps a response body. */
export function readSse(response: Response): SseReader {
  if (response.body === null) throw new Error('no body');
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const frames: SseFrame[] = [];
  let done = false;
  const parse = (): void => {
    for (;;) {
      const end = buffer.indexOf('\n\n');
      if (end < 0) return;
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let frame: Record<string, string> = {};
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) {
          // Keep line order: fields before a comment form their own frame.
          if (Object.keys(frame).length > 0) frames.push(frame);
          frame = {};
          frames.push({ comment: line.slice(1).trim() });
          continue;
        }
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        frame[field] =
          field === 'data' && frame['data'] !== undefined ? `${frame['data']}\n${value}` : value;
      }
      if (Object.keys(frame).length > 0) frames.push(frame);
    }
  };
  const next = async (): Promise<SseFrame | null> => {
    while (frames.length === 0) {
      if (done) return null;
      const chunk = await reader.read();
      if (chunk.done) done = true;
      else buffer += decoder.decode(chunk.value, { stream: true });
      parse();
    }
    return frames.shift() ?? null;
  };
  return {
    next,
    async until(predicate) {
      const seen: SseFrame[] = [];
      for (;;) {
        const frame = await next();
        if (frame === null)
          throw new Error(`stream ended before the expected frame; saw ${JSON.stringify(seen)}`);
        seen.push(frame);
        if (predicate(frame)) return seen;
      }
    },
    cancel: () => reader.cancel(),
  };
}

/** The runtime events among `frames` (frames with data and an event type other than `end`). */
export function eventsOf(
  frames: readonly SseFrame[],
): { seq: number; type: string; data: Record<string, unknown> }[] {
  return frames
    .filter((f) => f.data !== undefined && f.event !== undefined && f.event !== 'end')
    .map(
      (f) =>
        JSON.parse(f.data as string) as {
          seq: number;
          type: string;
          data: Record<string, unknown>;
        },
    );
}
