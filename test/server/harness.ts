// Test support for the server tests: a real runtime behind `createApp`, driven through
// `app.request()`, a capturing logger, gates for scripted turns, SSE parsing, and the afterEach
// cleanup that fails a test which leaked an event stream.

import { expect } from 'vitest';
import type { AppOptions, BurrowApp } from '../../src/server/app.js';
import { createApp } from '../../src/server/app.js';
import type { ServerLogger } from '../../src/server/server-logger.js';
import { createRuntime } from '../../src/runtime/runtime.js';
import type { Runtime } from '../../src/runtime/runtime-api.js';
import type { RuntimeOptions } from '../../src/runtime/runtime-context.js';
import type { Executor } from '../../src/runtime/executor.js';
import { echoExecutor } from '../../src/executors/echo-executor.js';

/** A logger that keeps what it was given. */
export function captureLogger(): ServerLogger & {
  readonly lines: { fields: object; message: string }[];
} {
  const lines: { fields: object; message: string }[] = [];
  return {
    lines,
    error: (fields, message) => lines.push({ fields, message }),
    warn: (fields, message) => lines.push({ fields, message }),
  };
}

/** A gate a scripted turn awaits; `open()` lets it through; `entered` resolves when a turn waits. */
export function createGate(): {
  wait: () => Promise<void>;
  open: () => void;
  entered: Promise<void>;
} {
  let open!: () => void;
  let entered!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  const enteredPromise = new Promise<void>((resolve) => (entered = resolve));
  return {
    wait: () => {
      entered();
      return opened;
    },
    open: () => open(),
    entered: enteredPromise,
  };
}

/** One app over one runtime. */
export interface Harness {
  readonly runtime: Runtime;
  readonly bundle: BurrowApp;
  readonly logger: ReturnType<typeof captureLogger>;
  /** `app.request` with JSON helpers: `body` is serialised when it is not a string. */
  request(
    path: string,
    init?: {
      method?: string;
      body?: unknown;
      headers?: Record<string, string>;
      signal?: AbortSignal;
    },
  ): Promise<Response>;
}

const open = new Set<Harness>();

/** Opens a harness; `afterEach(closeHarnesses)` closes it. */
export async function openHarness(
  options: Partial<Omit<AppOptions, 'runtime'>> & {
    runtimeOptions?: RuntimeOptions;
    executor?: (sessionId: string) => Executor;
  } = {},
): Promise<Harness> {
  const runtime = await createRuntime(options.runtimeOptions ?? {});
  const logger = captureLogger();
  const { runtimeOptions: _r, executor, ...appOptions } = options;
  const bundle = createApp({
    runtime,
    executorFactory: executor ?? (() => echoExecutor()),
    logger,
    ...appOptions,
  });
  const harness: Harness = {
    runtime,
    bundle,
    logger,
    request(path, init = {}) {
      const headers: Record<string, string> = { ...(init.headers ?? {}) };
      let body: string | undefined;
      if (init.body !== undefined) {
        body = typeof init.body === 'string' ? init.body : JSON.stringify(init.body);
        headers['content-type'] ??= 'application/json';
      }
      return Promise.resolve(
        bundle.app.request(path, {
          method: init.method ?? 'GET',
          headers,
          ...(body === undefined ? {} : { body }),
          ...(init.signal === undefined ? {} : { signal: init.signal }),
        }),
      );
    },
  };
  open.add(harness);
  return harness;
}

/** Fails when a test left an event stream open, then shuts every app down and closes its runtime. */
export async function closeHarnesses(): Promise<void> {
  const harnesses = [...open];
  open.clear();
  const leaked = harnesses.map((h) => h.bundle.openStreams());
  for (const h of harnesses) h.bundle.shutdown();
  await Promise.all(harnesses.map((h) => h.runtime.close()));
  for (const h of harnesses) expect(h.bundle.openStreams()).toBe(0);
  expect(
    leaked.every((n) => n === 0),
    'a test left an SSE stream open',
  ).toBe(true);
}

/** Reads a JSON body. */
export async function body<T = Record<string, unknown>>(response: Response): Promise<T> {
  return (await response.json()) as T;
}

/** Asserts a problem response with `status` and `code`; returns its body. */
export async function expectProblem(
  response: Response,
  status: number,
  code: string,
): Promise<Record<string, unknown>> {
  expect(response.headers.get('content-type')).toBe('application/problem+json');
  const problem = await body(response);
  expect(problem).toMatchObject({ status, code, type: `urn:burrow:problem:${code}` });
  expect(response.status).toBe(status);
  expect(typeof problem['title']).toBe('string');
  expect(typeof problem['detail']).toBe('string');
  expect(JSON.stringify(problem)).not.toMatch(/\n\s+at /);
  return problem;
}

/** Yields to the event loop until `condition` holds (the test timeout is the failure mode). */
export async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise<void>((resolve) => setImmediate(resolve));
}
