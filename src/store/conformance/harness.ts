// The per-test store harness of the conformance suite: open before each test, close and clean after.

import { afterEach, beforeEach, expect } from 'vitest';
import { isBurrowError } from '../../core/errors.js';
import type { ErrorCode } from '../../core/errors.js';
import type { RecordRewriter } from '../record-kinds.js';
import type { RuntimeStore } from '../runtime-store.js';

/** What a store under test provides: the store, and optional ways to reopen it and reach under it. */
export interface StoreHarness {
  readonly store: RuntimeStore;
  /** Opens a fresh store on the same durable data (the suite closes the previous one first). */
  readonly reopen?: () => Promise<RuntimeStore>;
  /** Removes whatever the store left behind (files, schemas); runs after every store is closed. */
  readonly cleanup?: () => Promise<void>;
  /** Rewrites stored record text, for the refusal tests (unknown versions, corrupt bodies). */
  readonly rewriteRecords?: RecordRewriter;
}

/** Opens one harness; called once per test. */
export type OpenHarness = () => Promise<StoreHarness>;

/** The current test's store, and a way to reopen it. */
export interface HarnessContext {
  /** The store currently open for this test (the reopened one after {@link HarnessContext.reopen}). */
  readonly store: RuntimeStore;
  readonly harness: StoreHarness;
  /** Closes the current store and opens a new one on the same data. */
  reopen(): Promise<RuntimeStore>;
}

/** Registers `beforeEach`/`afterEach` hooks that give every test in the block a fresh harness. */
export function useHarness(open: OpenHarness): HarnessContext {
  let harness: StoreHarness | null = null;
  let current: RuntimeStore | null = null;
  beforeEach(async () => {
    harness = await open();
    current = harness.store;
  });
  afterEach(async () => {
    const done = harness;
    harness = null;
    await current?.close();
    current = null;
    await done?.cleanup?.();
  });
  const need = <T>(value: T | null): T => {
    if (value === null) throw new Error('the store harness is only available inside a test');
    return value;
  };
  return {
    get store() {
      return need(current);
    },
    get harness() {
      return need(harness);
    },
    async reopen() {
      const { reopen } = need(harness);
      if (reopen === undefined) throw new Error('this store cannot be reopened');
      await need(current).close();
      current = await reopen();
      return current;
    },
  };
}

/** Asserts that `promise` rejects with a `BurrowError` of `code` whose message matches `message`. */
export async function expectBurrowError(
  promise: Promise<unknown>,
  code: ErrorCode,
  message?: RegExp,
): Promise<void> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error, `expected a BurrowError(${code})`).not.toBeNull();
  expect(isBurrowError(error) ? error.code : error).toBe(code);
  if (message !== undefined) expect((error as Error).message).toMatch(message);
}
