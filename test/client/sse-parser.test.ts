// The SSE parser of `burrow tail`: events split across chunks, CRLF, comments, multi-line data, ids.

import { describe, expect, it } from 'vitest';
import { createSseParser } from '../../src/client/sse-parser.js';

describe('SSE parser', () => {
  it('parses one complete event with id, type and data', () => {
    const parser = createSseParser();
    expect(parser.push('id: 3\nevent: run.started\ndata: {"seq":3}\n\n')).toEqual([
      { id: '3', event: 'run.started', data: '{"seq":3}' },
    ]);
    expect(parser.lastId).toBe('3');
  });

  it('reassembles events split at every possible byte', () => {
    const text = 'id: 1\nevent: a\ndata: x\n\n: heartbeat\n\nid: 2\ndata: line1\ndata: line2\n\n';
    for (let cut = 0; cut <= text.length; cut += 1) {
      const parser = createSseParser();
      const events = [...parser.push(text.slice(0, cut)), ...parser.push(text.slice(cut))];
      expect(events, `cut at ${cut}`).toEqual([
        { id: '1', event: 'a', data: 'x' },
        { id: '2', event: 'message', data: 'line1\nline2' },
      ]);
    }
  });

  it('accepts CRLF and CR line endings, including a CRLF split across chunks', () => {
    const parser = createSseParser();
    const events = [...parser.push('id: 7\r\ndata: a\r'), ...parser.push('\n\r\ndata: b\r\r')];
    expect(events).toEqual([
      { id: '7', event: 'message', data: 'a' },
      { id: '7', event: 'message', data: 'b' },
    ]);
  });

  it('drops comments and events without data, and keeps the last id across events', () => {
    const parser = createSseParser();
    expect(parser.push(': ping\n\nid: 9\n\nevent: x\ndata\n\n')).toEqual([
      { id: '9', event: 'x', data: '' },
    ]);
    expect(parser.lastId).toBe('9');
  });

  it('waits for the blank line before dispatching', () => {
    const parser = createSseParser();
    expect(parser.push('data: partial\n')).toEqual([]);
    expect(parser.push('\n')).toEqual([{ id: null, event: 'message', data: 'partial' }]);
  });
});
