// Test support for BackgroundOps: fake session callbacks that record what they are given, a persist
// that fails at chosen calls, and a gate to hold a persist open.

import type { InputSubmission } from '../../core/input-kinds.js';
import type { OpsPersistChange } from './contract.js';
import { BackgroundOps } from './registry.js';
import type { EventDraft } from '../session/events.js';

/** A promise with its resolvers outside. */
export function deferred<T = void>(): {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (reason: unknown) => void;
} {
  let resolve: (value: T) => void = () => undefined;
  let reject: (reason: unknown) => void = () => undefined;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Lets every pending promise callback run (one macrotask turn; no timer, nothing to win). */
export function flush(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Options of {@link harness}. */
export interface HarnessOptions {
  /** 1-based persist calls that throw. */
  readonly failPersistAt?: readonly number[];
  /** 1-based admit calls that throw. */
  readonly failAdmitAt?: readonly number[];
  /** Wraps every successful persist (e.g. to write to a real store too). */
  readonly onPersist?: (change: OpsPersistChange) => Promise<void>;
}

/** A BackgroundOps with recording fakes: ids op1, op2, ...; a clock one minute per call. */
export function harness(options: HarnessOptions = {}) {
  const persisted: OpsPersistChange[] = [];
  const admitted: InputSubmission[] = [];
  const events: EventDraft[] = [];
  const calls = { persist: 0, admit: 0 };
  const session = { idle: true, gate: null as Promise<void> | null };
  let minute = 0;
  let ids = 0;
  const ops = new BackgroundOps({
    sessionId: 's1',
    epochId: 'e1',
    now: () => new Date(Date.UTC(2026, 0, 1, 0, minute++)).toISOString(),
    persist: async (change) => {
      calls.persist += 1;
      const call = calls.persist;
      if (session.gate !== null) await session.gate;
      if (options.failPersistAt?.includes(call) === true)
        throw new Error(`persist call ${call} failed`);
      await options.onPersist?.(change);
      persisted.push(structuredClone(change));
      events.push(...change.events);
    },
    admitContinuation: (input) => {
      calls.admit += 1;
      if (options.failAdmitAt?.includes(calls.admit) === true)
        return Promise.reject(new Error(`admit call ${calls.admit} failed`));
      admitted.push(input);
      return Promise.resolve();
    },
    isIdle: () => session.idle,
    notice: (message) => events.push({ type: 'runtime.notice', data: { kind: 'ops', message } }),
    newId: () => `op${++ids}`,
  });
  return { ops, persisted, admitted, events, calls, session };
}
