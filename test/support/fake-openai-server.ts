// A local fake of the OpenAI chat-completions API for tests: scripted replies, SSE streaming, errors.

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** One scripted answer to one `POST /v1/chat/completions`, sent as JSON or SSE as the request asks. */
export type FakeReply =
  | {
      readonly type: 'text';
      /** The reply, streamed as one chunk per array item. */
      readonly text: string | readonly string[];
      readonly usage?: FakeUsage;
      /** Milliseconds between stream chunks (streaming only). */
      readonly delayMs?: number;
      /** Stop sending after this many content chunks and hold the stream open until the client leaves. */
      readonly stallAfterChunks?: number;
    }
  | {
      readonly type: 'tool_calls';
      readonly calls: readonly {
        readonly id?: string;
        readonly name: string;
        readonly arguments: unknown;
      }[];
      readonly text?: string;
      readonly usage?: FakeUsage;
      readonly delayMs?: number;
    }
  | {
      readonly type: 'error';
      readonly status: number;
      readonly message?: string;
      readonly headers?: Record<string, string>;
    };

/** Token counts reported in a reply. */
export interface FakeUsage {
  readonly prompt: number;
  readonly completion: number;
}

/** A request the server received. `ended` settles when the response is over. */
export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  /** The parsed JSON body (what the model "saw"), or `undefined` when it was not JSON. */
  readonly body: ChatRequestBody | undefined;
  /** `completed`: the whole reply was sent; `client_closed`: the client left before the end. */
  readonly ended: Promise<'completed' | 'client_closed'>;
}

/** The fields of a chat-completions request the tests look at (the rest is kept as sent). */
export interface ChatRequestBody {
  readonly model?: string;
  readonly stream?: boolean;
  readonly messages?: readonly {
    readonly role: string;
    readonly content?: unknown;
    readonly tool_calls?: unknown;
    readonly tool_call_id?: string;
  }[];
  readonly tools?: readonly { readonly function: { readonly name: string } }[];
  readonly [key: string]: unknown;
}

/** A running fake server. */
export interface FakeOpenAiServer {
  /** `http://127.0.0.1:<port>`; the API is under `/v1`. */
  readonly url: string;
  /** Every request received, in order. */
  readonly requests: RecordedRequest[];
  /** Adds replies for the next requests, in order. */
  enqueue(...replies: FakeReply[]): void;
  /** Resolves with the n-th request (0-based) once it has arrived. */
  request(index: number): Promise<RecordedRequest>;
  /** Stops the server, ends open responses, clears every timer. Idempotent. */
  close(): Promise<void>;
}

/** Starts a fake on a random port of 127.0.0.1, answering with `replies` in order. */
export async function startFakeOpenAiServer(
  replies: readonly FakeReply[] = [],
): Promise<FakeOpenAiServer> {
  const queue = [...replies];
  const requests: RecordedRequest[] = [];
  const arrivals = new Map<number, (request: RecordedRequest) => void>();
  const shutdown = new AbortController();
  const server = createServer((req, res) => {
    void handle(req, res).catch((e: unknown) => {
      // A fake server bug: answer 500 rather than hang the test.
      if (!res.headersSent) sendJson(res, 500, { error: { message: String(e) } });
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const text = await readBody(req);
    const body = parseBody(text);
    const left = new AbortController();
    let resolveEnded: (how: 'completed' | 'client_closed') => void = () => undefined;
    const ended = new Promise<'completed' | 'client_closed'>((resolve) => (resolveEnded = resolve));
    res.on('close', () => {
      const how = res.writableFinished ? 'completed' : 'client_closed';
      left.abort(how);
      resolveEnded(how);
    });
    const recorded: RecordedRequest = {
      method: req.method ?? '',
      path: req.url ?? '',
      headers: req.headers,
      body,
      ended,
    };
    requests.push(recorded);
    arrivals.get(requests.length - 1)?.(recorded);
    if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
      return sendJson(res, 404, { error: { message: `no route ${req.method} ${req.url}` } });
    }
    if (body === undefined) return sendJson(res, 400, { error: { message: 'body is not JSON' } });
    const reply = queue.shift();
    if (reply === undefined) {
      return sendJson(res, 500, {
        error: { message: `fake server: no reply scripted for request ${requests.length}` },
      });
    }
    const signal = AbortSignal.any([left.signal, shutdown.signal]);
    if (reply.type === 'error') return sendError(res, reply);
    if (body.stream === true) return streamReply(res, reply, body, signal);
    return sendJson(res, 200, completion(reply, body));
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    enqueue: (...more) => {
      queue.push(...more);
    },
    request: (index) => {
      const arrived = requests[index];
      if (arrived !== undefined) return Promise.resolve(arrived);
      return new Promise((resolve) => arrivals.set(index, resolve));
    },
    close: () => {
      closing ??= new Promise<void>((resolve, reject) => {
        shutdown.abort('server closing');
        server.close((e) => (e === undefined ? resolve() : reject(e)));
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

type ContentReply = Exclude<FakeReply, { type: 'error' }>;

async function streamReply(
  res: ServerResponse,
  reply: ContentReply,
  body: ChatRequestBody,
  signal: AbortSignal,
): Promise<void> {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const head = envelope(body.model, 'chat.completion.chunk');
  const sse = (payload: object): boolean =>
    res.write(`data: ${JSON.stringify({ ...head, ...payload })}\n\n`);
  const send = (delta: object, finish: string | null = null): boolean =>
    sse({ choices: [{ index: 0, delta, finish_reason: finish }] });
  const pause = async (): Promise<boolean> => {
    if (reply.delayMs !== undefined) {
      await sleep(reply.delayMs, undefined, { signal }).catch(() => undefined);
    }
    return !signal.aborted;
  };
  send({ role: 'assistant', content: '' });
  for (const [index, chunk] of textChunks(reply).entries()) {
    if (reply.type === 'text' && reply.stallAfterChunks === index) {
      // Hold the stream open until the client leaves or the server closes.
      if (!signal.aborted)
        await new Promise((resolve) => signal.addEventListener('abort', resolve));
      return;
    }
    if (!(await pause())) return;
    send({ content: chunk });
  }
  for (const [index, call] of (reply.type === 'tool_calls' ? reply.calls : []).entries()) {
    const args = argumentsText(call.arguments);
    const half = Math.floor(args.length / 2);
    if (!(await pause())) return;
    const id = call.id ?? `call_${index}`;
    const opening = { name: call.name, arguments: args.slice(0, half) };
    send({ tool_calls: [{ index, id, type: 'function', function: opening }] });
    send({ tool_calls: [{ index, function: { arguments: args.slice(half) } }] });
  }
  if (!(await pause())) return;
  send({}, reply.type === 'tool_calls' ? 'tool_calls' : 'stop');
  if (reply.usage !== undefined) sse({ choices: [], usage: usage(reply.usage) });
  res.end('data: [DONE]\n\n');
}

function completion(reply: ContentReply, body: ChatRequestBody): object {
  const calls = reply.type === 'tool_calls' ? reply.calls : [];
  const toolCalls = calls.map((call, index) => ({
    id: call.id ?? `call_${index}`,
    type: 'function',
    function: { name: call.name, arguments: argumentsText(call.arguments) },
  }));
  const content = textChunks(reply).join('');
  const message = {
    role: 'assistant',
    content: content === '' && toolCalls.length > 0 ? null : content,
    ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
  };
  const finish = toolCalls.length > 0 ? 'tool_calls' : 'stop';
  return {
    ...envelope(body.model, 'chat.completion'),
    choices: [{ index: 0, message, finish_reason: finish }],
    ...(reply.usage === undefined ? {} : { usage: usage(reply.usage) }),
  };
}

function textChunks(reply: ContentReply): readonly string[] {
  if (reply.text === undefined) return [];
  return typeof reply.text === 'string' ? [reply.text] : reply.text;
}

function argumentsText(args: unknown): string {
  return typeof args === 'string' ? args : JSON.stringify(args);
}

function sendError(res: ServerResponse, reply: Extract<FakeReply, { type: 'error' }>): void {
  const message = reply.message ?? `fake error ${reply.status}`;
  res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
  res.end(JSON.stringify({ error: { message, type: 'fake_error', code: reply.status } }));
}

function sendJson(res: ServerResponse, status: number, value: object): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(value));
}

function envelope(model: string | undefined, object: string): object {
  return { id: 'chatcmpl-fake', object, created: 1_700_000_000, model: model ?? 'fake-model' };
}

function usage(value: FakeUsage): object {
  return {
    prompt_tokens: value.prompt,
    completion_tokens: value.completion,
    total_tokens: value.prompt + value.completion,
  };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function parseBody(text: string): ChatRequestBody | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as ChatRequestBody)
      : undefined;
  } catch {
    return undefined;
  }
}
