import { afterEach, describe, expect, it } from 'vitest';
import { startFakeOpenAiServer, type FakeOpenAiServer } from './fake-openai-server.js';

const open: FakeOpenAiServer[] = [];

async function start(...args: Parameters<typeof startFakeOpenAiServer>): Promise<FakeOpenAiServer> {
  const server = await startFakeOpenAiServer(...args);
  open.push(server);
  return server;
}

afterEach(async () => {
  await Promise.all(open.splice(0).map((server) => server.close()));
});

function post(server: FakeOpenAiServer, body: object, signal?: AbortSignal): Promise<Response> {
  return fetch(`${server.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer sk-test' },
    body: JSON.stringify(body),
    ...(signal === undefined ? {} : { signal }),
  });
}

/** The JSON payloads of an SSE body, and whether it ended with `[DONE]`. */
async function events(response: Response): Promise<{ chunks: unknown[]; done: boolean }> {
  const lines = (await response.text()).split('\n').filter((line) => line.startsWith('data: '));
  const payloads = lines.map((line) => line.slice('data: '.length));
  const done = payloads.at(-1) === '[DONE]';
  return {
    chunks: payloads.filter((p) => p !== '[DONE]').map((p): unknown => JSON.parse(p)),
    done,
  };
}

/** Sockets, servers and timers alive in this process, by kind. */
function handles(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const kind of process.getActiveResourcesInfo()) {
    if (kind === 'TCPServerWrap' || kind === 'TCPSocketWrap' || kind === 'Timeout') {
      counts[kind] = (counts[kind] ?? 0) + 1;
    }
  }
  return counts;
}

describe('fake OpenAI server', () => {
  it('answers a non-streaming request with a chat completion and records the body', async () => {
    const server = await start([
      { type: 'text', text: ['Hel', 'lo'], usage: { prompt: 5, completion: 2 } },
    ]);
    const response = await post(server, {
      model: 'm1',
      messages: [{ role: 'user', content: 'Hi' }],
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      object: 'chat.completion',
      model: 'm1',
      choices: [{ message: { role: 'assistant', content: 'Hello' }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 },
    });
    expect(server.requests[0]?.body).toEqual({
      model: 'm1',
      messages: [{ role: 'user', content: 'Hi' }],
    });
    expect(server.requests[0]?.headers.authorization).toBe('Bearer sk-test');
    expect(await server.requests[0]?.ended).toBe('completed');
  });

  it('streams text as SSE chunks, then usage, then [DONE]', async () => {
    const server = await start([
      { type: 'text', text: ['Hel', 'lo'], usage: { prompt: 5, completion: 2 }, delayMs: 1 },
    ]);
    const { chunks, done } = await events(
      await post(server, { model: 'm', stream: true, messages: [] }),
    );
    expect(done).toBe(true);
    const deltas = chunks.map(
      (c) => (c as { choices: { delta?: { content?: string } }[] }).choices[0]?.delta?.content,
    );
    expect(deltas).toEqual(['', 'Hel', 'lo', undefined, undefined]);
    expect(chunks.at(-2)).toMatchObject({ choices: [{ finish_reason: 'stop' }] });
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { total_tokens: 7 } });
  });

  it('streams tool calls with their arguments split across chunks', async () => {
    const server = await start([
      { type: 'tool_calls', calls: [{ id: 'c1', name: 'weather', arguments: { city: 'Paris' } }] },
    ]);
    const { chunks } = await events(await post(server, { stream: true, messages: [] }));
    type ToolDelta = { function: { name?: string; arguments: string } };
    const parts = chunks.flatMap(
      (c) =>
        (c as { choices: { delta: { tool_calls?: ToolDelta[] } }[] }).choices[0]?.delta
          .tool_calls ?? [],
    );
    expect(parts[0]).toMatchObject({
      index: 0,
      id: 'c1',
      type: 'function',
      function: { name: 'weather' },
    });
    expect(parts.map((p) => p.function.arguments).join('')).toBe('{"city":"Paris"}');
    expect(chunks.at(-1)).toMatchObject({ choices: [{ finish_reason: 'tool_calls' }] });
  });

  it('answers scripted HTTP errors with an OpenAI error body and headers', async () => {
    const server = await start([
      { type: 'error', status: 429, message: 'slow down', headers: { 'retry-after': '1' } },
      { type: 'error', status: 401 },
    ]);
    const limited = await post(server, { messages: [] });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('1');
    expect(await limited.json()).toEqual({
      error: { message: 'slow down', type: 'fake_error', code: 429 },
    });
    expect((await post(server, { messages: [] })).status).toBe(401);
  });

  it('fails loudly on an unknown route or when the script runs out', async () => {
    const server = await start();
    expect((await fetch(`${server.url}/v1/models`)).status).toBe(404);
    const unscripted = await post(server, { messages: [] });
    expect(unscripted.status).toBe(500);
    expect(await unscripted.text()).toContain('no reply scripted for request 2');
  });

  it('sees a client that leaves in the middle of a stream', async () => {
    const server = await start([{ type: 'text', text: ['one', 'two'], stallAfterChunks: 1 }]);
    const client = new AbortController();
    const response = await post(server, { stream: true, messages: [] }, client.signal);
    const reader = response.body!.getReader();
    const first = new TextDecoder().decode((await reader.read()).value as Uint8Array);
    expect(first).toContain('data: ');
    client.abort();
    expect(await server.requests[0]?.ended).toBe('client_closed');
  });

  it('closes idempotently, ending open streams and leaving no socket or timer behind', async () => {
    const before = handles();
    const server = await startFakeOpenAiServer([
      { type: 'text', text: ['a', 'b'], delayMs: 60_000 },
    ]);
    const response = await post(server, { stream: true, messages: [] });
    const reader = response.body!.getReader();
    await reader.read();
    const [first, second] = [server.close(), server.close()];
    expect(first).toBe(second);
    await first;
    await reader.read().catch(() => undefined);
    expect(await server.requests[0]?.ended).toBe('client_closed');
    const after = handles();
    expect(after['TCPServerWrap'] ?? 0).toBe(0);
    expect(after['TCPSocketWrap'] ?? 0).toBe(0);
    // The 60 s chunk delay was pending at close: it must be cleared, not left to fire.
    expect(after['Timeout'] ?? 0).toBeLessThanOrEqual(before['Timeout'] ?? 0);
  });
});
