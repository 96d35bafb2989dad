// Conformance: stored records with an unknown version or a corrupt body are refused on read, never guessed.

import { describe, expect, it } from 'vitest';
import type { StoredRecordKind } from '../record-kinds.js';
import type { RecordRewriter } from '../record-kinds.js';
import type { HarnessContext } from './harness.js';
import { expectBurrowError } from './harness.js';
import {
  at,
  boundLifecycle,
  events,
  input,
  messages,
  operation,
  opsCursor,
  receipt,
} from './fixtures.js';
import { runtimeIdOf } from '../runtime-store.js';

const RT = runtimeIdOf('s1');

function setVersion(version: number): (text: string) => string {
  return (text) => JSON.stringify({ ...(JSON.parse(text) as object), recordVersion: version });
}

/** Registers the refusal cases (for stores whose harness can rewrite stored records). */
export function refusalCases(ctx: HarnessContext): void {
  const rewrite: RecordRewriter = (...args) => {
    const rewriter = ctx.harness.rewriteRecords;
    if (rewriter === undefined) throw new Error('this store cannot rewrite records');
    return rewriter(...args);
  };
  const seed = (): Promise<void> =>
    ctx.store.commit(RT, {
      lifecycle: boundLifecycle('s1'),
      inputs: [input('s1', 'a', 1)],
      receipt: receipt('r1', 1, ['a']),
      transcript: messages(0, 1, 'r1'),
      events: events('s1', 1, 1),
      operations: [operation('op-1', { completionSeq: 1, finishedAt: at(1) })],
      opsCursor: opsCursor(2),
    });

  describe('refused records', () => {
    const versioned: readonly StoredRecordKind[] = ['lifecycle', 'input', 'operation'];
    for (const kind of versioned) {
      it(`refuses to load a ${kind} record with recordVersion 99`, async () => {
        await seed();
        await rewrite(RT, kind, setVersion(99));
        await expectBurrowError(ctx.store.load(RT), 'internal', /unknown record version 99/);
      });
    }

    it('refuses to read an input or a receipt with an unknown version', async () => {
      await seed();
      await rewrite(RT, 'input', setVersion(99));
      await rewrite(RT, 'receipt', setVersion(2));
      await expectBurrowError(
        ctx.store.readInput(RT, 'a'),
        'internal',
        /unknown record version 99/,
      );
      await expectBurrowError(
        ctx.store.readReceipts(RT, 0, 10),
        'internal',
        /unknown record version 2/,
      );
    });

    it('refuses a record whose version is missing', async () => {
      await seed();
      await rewrite(RT, 'lifecycle', (text) =>
        JSON.stringify({ ...(JSON.parse(text) as object), recordVersion: undefined }),
      );
      await expectBurrowError(ctx.store.load(RT), 'internal', /unknown record version missing/);
    });

    it('refuses corrupt bodies, naming the record and the problem', async () => {
      await seed();
      await rewrite(RT, 'event', () => '{"seq": 1, "trunc');
      await rewrite(RT, 'transcript', (text) =>
        JSON.stringify({ ...(JSON.parse(text) as object), index: -1 }),
      );
      await rewrite(RT, 'opsCursor', (text) =>
        JSON.stringify({ ...(JSON.parse(text) as object), applied: 'x' }),
      );
      await expectBurrowError(
        ctx.store.readEvents(RT, 0, 10),
        'internal',
        /corrupt event .*not JSON/,
      );
      await expectBurrowError(
        ctx.store.readTranscript(RT, 0, 10),
        'internal',
        /corrupt transcript entry .*index/,
      );
      await expectBurrowError(ctx.store.load(RT), 'internal', /corrupt ops cursor .*applied/);
    });

    it('still reads the records that are intact', async () => {
      await seed();
      await rewrite(RT, 'receipt', setVersion(99));
      expect((await ctx.store.load(RT))?.inputs).toEqual([input('s1', 'a', 1)]);
    });
  });
}
