// Issue 10, item 11: the library validates session ids at its API edge, with the same definition the
// server uses for path ids. An invalid id is `validation_failed`, as a rejected promise, and never
// reaches the store or creates an entry.

import { describe, expect, it } from 'vitest';
import { isBurrowError } from '../../src/core/errors.js';
import { MAX_SESSION_ID_LENGTH } from '../../src/core/session-id.js';
import { scriptedExecutor } from '../../src/executors/scripted-executor.js';
import type { Runtime } from '../../src/runtime/runtime-api.js';
import { pathId } from '../../src/server/params.js';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { createTempDatabase } from '../../src/store/sqlite/temp-database.test-support.js';
import { testRuntime } from '../support/runtime-fixture.js';

const INVALID: [string, unknown][] = [
  ['the empty string', ''],
  ['null', null],
  ['an object', {}],
  ['a number', 42],
  ['a string with a newline', 'a\nb'],
  ['a string over the length limit', 'x'.repeat(MAX_SESSION_ID_LENGTH + 1)],
];

/** Every operation that takes a session id, called with `id` (typed as the caller's value). */
function operations(runtime: Runtime, id: string): [string, () => Promise<unknown>][] {
  const prompt = { kind: 'prompt', content: 'x' } as const;
  return [
    ['registerSession', () => runtime.registerSession(id)],
    [
      'registerSessionWithExecutor',
      () => runtime.registerSessionWithExecutor(id, scriptedExecutor()),
    ],
    ['ensureSessionWithExecutor', () => runtime.ensureSessionWithExecutor(id, scriptedExecutor())],
    ['acceptInput', () => runtime.acceptInput(id, prompt)],
    ['acceptInputWithoutWake', () => runtime.acceptInputWithoutWake(id, prompt)],
    ['interrupt', () => runtime.interrupt(id)],
    ['retire', () => runtime.retire(id)],
    ['stop', () => runtime.stop(id)],
    ['destroy', () => runtime.destroy(id)],
    ['unregisterSession', () => runtime.unregisterSession(id)],
    ['containsSession', () => runtime.containsSession(id)],
    ['locateSession', () => runtime.locateSession(id)],
    ['snapshot', () => runtime.snapshot(id)],
    ['getInput', () => runtime.getInput(id, 'in-1')],
    ['getTranscript', () => runtime.getTranscript(id)],
    ['sendPeer', () => runtime.sendPeer(id, { kind: 'peer_message', from: 'p', content: 'x' })],
    [
      'events',
      async () => {
        for await (const event of runtime.events(id)) return event;
        return null;
      },
    ],
  ];
}

async function failureOf(call: () => Promise<unknown>): Promise<unknown> {
  let promise: Promise<unknown>;
  try {
    promise = call();
  } catch (error: unknown) {
    return { threwSynchronously: error };
  }
  return promise.then(
    () => 'resolved',
    (error: unknown) => error,
  );
}

describe('session ids at the API edge', () => {
  for (const [name, value] of INVALID) {
    it(`refuses ${name} with validation_failed on every operation, as a rejected promise`, async () => {
      const { runtime } = await testRuntime();
      for (const [operation, call] of operations(runtime, value as string)) {
        const failure = await failureOf(call);
        expect(
          isBurrowError(failure, 'validation_failed'),
          `${operation}: ${JSON.stringify(failure)}`,
        ).toBe(true);
      }
      expect(() => runtime.operations(value as string)).toThrow(/invalid session id/);
      expect(await runtime.listSessions()).toEqual([]);
    });
  }

  it('refuses the empty id with validation_failed on SQLite, not a misleading store_unavailable', async () => {
    const temp = await createTempDatabase('burrow-session-ids-');
    const { runtime } = await testRuntime({ store: await openSqliteStore(temp.path) });
    await expect(runtime.registerSession('')).rejects.toSatisfy((e) =>
      isBurrowError(e, 'validation_failed'),
    );
    expect(await runtime.registerSession('s1')).toBe(true);
    await runtime.close();
    await temp.remove();
  });

  it('accepts exactly the ids the server accepts on its paths', async () => {
    const { runtime } = await testRuntime();
    const longest = 'é'.repeat(MAX_SESSION_ID_LENGTH);
    for (const value of [...INVALID.map(([, v]) => v), 's1', longest, 'with space/and:colon']) {
      const server = (() => {
        try {
          pathId(value as string, 'session id');
          return true;
        } catch {
          return false;
        }
      })();
      const library = await runtime.registerSession(value as string).then(
        () => true,
        () => false,
      );
      expect(library, JSON.stringify(value)).toBe(server);
    }
  });
});
