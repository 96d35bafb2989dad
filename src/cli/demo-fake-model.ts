// A canned OpenAI-compatible model on 127.0.0.1 for `burrow demo --fake-llm`: it streams one tool call
// (the calculator), then a short answer; then a call of saveNote (which needs approval), then a short
// answer. Real HTTP and SSE, so the real AI SDK executor runs against it.

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The canned model's answers, one per chat-completions request, in order. */
const REPLIES = [
  {
    id: 'call_demo',
    toolCall: { name: 'calculator', arguments: '{"expression":"(12.5 + 7) * 3"}' },
  },
  { text: ['(12.5 + 7) × 3 ', 'is 58.5, ', 'computed with the calculator tool.'] },
  { id: 'call_note', toolCall: { name: 'saveNote', arguments: '{"note":"buy milk"}' } },
  { text: ['Saved the note ', '"buy milk".'] },
] as const;

/** A running canned model. `requests` counts the chat-completions requests it answered. */
export interface FakeModel {
  /** Base URL of the API, ending in `/v1`. */
  readonly baseUrl: string;
  readonly requests: number;
  close(): Promise<void>;
}

function chunk(res: ServerResponse, delta: object, finish: string | null = null): void {
  const body = {
    id: 'chatcmpl-demo',
    object: 'chat.completion.chunk',
    created: 0,
    model: 'demo-model',
  };
  res.write(
    `data: ${JSON.stringify({ ...body, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`,
  );
}

function answer(req: IncomingMessage, res: ServerResponse, index: number): void {
  if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end('{"error":{"message":"not found"}}');
    return;
  }
  const reply = REPLIES[Math.min(index, REPLIES.length - 1)];
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  chunk(res, { role: 'assistant', content: '' });
  if (reply !== undefined && 'toolCall' in reply) {
    const call = { index: 0, id: reply.id, type: 'function', function: reply.toolCall };
    chunk(res, { tool_calls: [call] });
    chunk(res, {}, 'tool_calls');
  } else {
    for (const text of reply?.text ?? []) chunk(res, { content: text });
    chunk(res, {}, 'stop');
  }
  res.end('data: [DONE]\n\n');
}

/** Starts the canned model on a free port of 127.0.0.1. */
export async function startFakeModel(): Promise<FakeModel> {
  let requests = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => answer(req, res, requests++));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    get requests() {
      return requests;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
