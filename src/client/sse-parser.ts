// An incremental parser for Server-Sent Events (the WHATWG event-stream format): the client's event
// iterator reads streams with it.

/** One dispatched event. `id` is the last id seen on the stream (kept across events, as EventSource does). */
export interface SseMessage {
  readonly id: string | null;
  readonly event: string;
  readonly data: string;
}

/**
 * Feeds text chunks in, gets complete events out. Comments (heartbeats) are dropped; `retry` is
 * ignored; lines may end in LF, CRLF or CR, and a chunk may end mid-line.
 *
 * @example
 * const parser = createSseParser();
 * parser.push('id: 3\nevent: run.started\ndata: {"seq":3}\n\n'); // [{ id: '3', event: 'run.started', data: '{"seq":3}' }]
 */
export function createSseParser(): {
  push(chunk: string): SseMessage[];
  readonly lastId: string | null;
} {
  let buffer = '';
  let lastId: string | null = null;
  let event = '';
  let data: string[] = [];
  let pendingCr = false;

  const line = (text: string, out: SseMessage[]): void => {
    if (text === '') {
      if (data.length > 0)
        out.push({ id: lastId, event: event === '' ? 'message' : event, data: data.join('\n') });
      event = '';
      data = [];
      return;
    }
    if (text.startsWith(':')) return;
    const colon = text.indexOf(':');
    const field = colon === -1 ? text : text.slice(0, colon);
    let value = colon === -1 ? '' : text.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') data.push(value);
    else if (field === 'event') event = value;
    else if (field === 'id' && !value.includes('\0')) lastId = value;
  };

  return {
    get lastId() {
      return lastId;
    },
    push(chunk) {
      const out: SseMessage[] = [];
      let text = chunk;
      // A CR at the end of the previous chunk may be the first half of a CRLF.
      if (pendingCr && text.startsWith('\n')) text = text.slice(1);
      pendingCr = false;
      buffer += text;
      let start = 0;
      for (let i = 0; i < buffer.length; i += 1) {
        const ch = buffer[i];
        if (ch !== '\n' && ch !== '\r') continue;
        line(buffer.slice(start, i), out);
        if (ch === '\r') {
          if (i + 1 === buffer.length) pendingCr = true;
          else if (buffer[i + 1] === '\n') i += 1;
        }
        start = i + 1;
      }
      buffer = buffer.slice(start);
      return out;
    },
  };
}
