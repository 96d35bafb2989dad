// A hand-built RunContext for executor tests: records progress, serves history, scripts boundaries.

import type { JsonValue } from '../../core/json.js';
import type { InputPayload, Origin } from '../../core/input-kinds.js';
import type {
  BoundaryDirective,
  RunContext,
  RunPrimitive,
  RunProgress,
  StagedInput,
} from '../../runtime/executor.js';

/** A {@link RunContext} under a test's control, and what the executor did with it. */
export interface RunHarness {
  readonly ctx: RunContext;
  /** Every progress event the executor emitted, in order. */
  readonly emitted: RunProgress[];
  /** How many times the executor called `boundary()`. */
  boundaries: number;
  /** The committed transcript `history()` serves (replace it between turns). */
  history: JsonValue[];
  /** Queues inputs that the next `boundary()` hands over. */
  steer(...inputs: StagedInput[]): void;
  /** Makes the next `boundary()` answer `stop: true`. */
  stopAtNextBoundary(): void;
  /** Hard-cancels the run. */
  abort(reason?: unknown): void;
  /** Resolves with the boundary count when the executor next calls `boundary()`. */
  nextBoundary(): Promise<number>;
  /** Called inside each `boundary()` before it answers (a test may steer or abort from here). */
  onBoundary: ((count: number) => void) | undefined;
  /** Resolves with the first emitted progress (past or future) that satisfies `predicate`. */
  untilEmitted(predicate: (progress: RunProgress) => boolean): Promise<RunProgress>;
}

/** A fresh harness; `history` is the committed transcript the turn starts from. */
export function createRunHarness(history: JsonValue[] = []): RunHarness {
  const controller = new AbortController();
  const pending: StagedInput[] = [];
  let stop = false;
  let waiters: ((count: number) => void)[] = [];
  const watchers = new Set<(progress: RunProgress) => void>();
  const harness: RunHarness = {
    emitted: [],
    boundaries: 0,
    history,
    onBoundary: undefined,
    steer: (...inputs) => {
      pending.push(...inputs);
    },
    stopAtNextBoundary: () => {
      stop = true;
    },
    abort: (reason?: unknown) => {
      controller.abort(reason);
    },
    nextBoundary: () => new Promise((resolve) => waiters.push(resolve)),
    untilEmitted: (predicate) =>
      new Promise((resolve) => {
        const past = harness.emitted.find(predicate);
        if (past !== undefined) return resolve(past);
        const watch = (progress: RunProgress): void => {
          if (!predicate(progress)) return;
          watchers.delete(watch);
          resolve(progress);
        };
        watchers.add(watch);
      }),
    ctx: {
      signal: controller.signal,
      emit: (progress) => {
        harness.emitted.push(progress);
        for (const watch of [...watchers]) watch(progress);
      },
      history: () => Promise.resolve(structuredClone(harness.history)),
      boundary: (): Promise<BoundaryDirective> => {
        harness.boundaries += 1;
        harness.onBoundary?.(harness.boundaries);
        const directive = { inject: pending.splice(0), stop };
        stop = false;
        const toWake = waiters;
        waiters = [];
        for (const wake of toWake) wake(harness.boundaries);
        return Promise.resolve(directive);
      },
    },
  };
  return harness;
}

let sequence = 0;

/** A staged input of any kind (`payload` includes `kind`). */
export function stagedInput(payload: InputPayload, origin: Origin = 'operator'): StagedInput {
  sequence += 1;
  return {
    inputId: `in-${sequence}`,
    kind: payload.kind,
    payload,
    origin,
    createdAt: '2025-01-01T00:00:00.000Z',
    metadata: null,
  };
}

/** A staged prompt. */
export function promptInput(content: string): StagedInput {
  return stagedInput({ kind: 'prompt', content });
}

/** A run over `inputs` with empty turn metadata. */
export function runPrimitive(
  inputs: readonly StagedInput[],
  overrides: Partial<RunPrimitive> = {},
): RunPrimitive {
  return {
    runId: 'run-1',
    sessionId: 'session-1',
    attempt: 1,
    executionKind: 'content_turn',
    boundary: 'run_start',
    inputs,
    metadata: { values: {} },
    ...overrides,
  };
}

/** A promise with its resolve function outside, for gates a test opens. */
export interface Deferred<T> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
}

/** A {@link Deferred}. */
export function deferred<T = void>(): Deferred<T> {
  let resolve: (value: T) => void = () => undefined;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}
