// Two (or three) runtimes on one PostgreSQL schema for the ingress tests: host A owns the sessions,
// the others reach them through the mailbox.

import { afterEach, beforeEach } from 'vitest';
import { echoExecutor } from '../../src/executors/echo-executor.js';
import type { Executor } from '../../src/runtime/executor.js';
import type { Runtime } from '../../src/runtime/runtime-api.js';
import type { RuntimeOptions } from '../../src/runtime/runtime-context.js';
import type { TestSchema } from '../../src/store/postgres/pg-test-schema.test-support.js';
import { createTestSchema } from '../../src/store/postgres/pg-test-schema.test-support.js';
import type { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import { openPostgresStore } from '../../src/store/postgres/postgres-store.js';
import { testRuntime } from '../support/runtime-fixture.js';

/** A gate every turn of a held executor waits at (or until it is cancelled). */
export interface Hold {
  open(): void;
  close(): void;
  readonly executor: Executor;
}

/** An echo executor whose turns wait while the hold is closed (a hard cancel ends the wait). */
export function createHold(): Hold {
  let release: () => void = () => undefined;
  let gate: Promise<void> = Promise.resolve();
  const hold: Hold = {
    open: () => release(),
    close: () => {
      gate = new Promise<void>((resolve) => {
        release = resolve;
      });
    },
    executor: {
      apply: async (run, ctx) => {
        await new Promise<void>((resolve, reject) => {
          ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason as Error), {
            once: true,
          });
          void gate.then(resolve);
        });
        return echoExecutor().apply(run, ctx);
      },
    },
  };
  return hold;
}

/** What each test gets: a way to open stores and hosts on one fresh schema. */
export interface IngressHosts {
  readonly url: string;
  readonly schema: () => string;
  openStore(): Promise<PostgresStore>;
  host(hostId: string, options?: RuntimeOptions): Promise<Runtime>;
}

/** Registers the per-test schema and returns the host factory. */
export function useIngressHosts(url: string): IngressHosts {
  let schema: TestSchema;
  const stores: PostgresStore[] = [];
  beforeEach(() => {
    schema = createTestSchema(url);
  });
  afterEach(async () => {
    await Promise.all(stores.splice(0).map((store) => store.close()));
    await schema.drop();
  });
  const openStore = async (): Promise<PostgresStore> => {
    const store = await openPostgresStore(url, { schema: schema.name, poolSize: 3 });
    stores.push(store);
    return store;
  };
  return {
    url,
    schema: () => schema.name,
    openStore,
    async host(hostId, options = {}) {
      const { runtime } = await testRuntime({
        store: await openStore(),
        hostId,
        leaseTtlMs: 60_000,
        sweepIntervalMs: 0,
        eventPollMs: 50,
        mailboxPollMs: 50,
        executorFactory: () => echoExecutor(),
        ...options,
      });
      return runtime;
    },
  };
}

/** Resolves once `check` holds, polling every 20 ms (fails the test after 15 s). */
export async function until(check: () => Promise<boolean> | boolean, what: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
