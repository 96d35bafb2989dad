// The writes of one session: every commit batch goes to the store through the session's writer
// (session/writer.ts), in the order it was computed; the writer exists only while a write is in flight.

import { BurrowError, isBurrowError } from '../../core/errors.js';
import type { CommitBatch } from '../../store/runtime-store.js';
import type { RuntimeContext } from '../runtime-context.js';
import type { SessionEntry } from './entry.js';
import { dropFromMemory, fenceOut } from './remove.js';
import { SessionWriter } from './writer.js';

/**
 * True when an accept into `entry` would share a write: one of the session's writes is in flight, or
 * other accepts wait for its gate (not the loop or a control operation: a lone caller whose accept
 * meets the loop at the gate writes as before).
 */
export function canWriteAhead(ctx: RuntimeContext, entry: SessionEntry): boolean {
  if (ctx.store === null || !ctx.options.groupCommit) return false;
  return entry.writer !== null || ctx.acceptsWaiting.has(entry.sessionId);
}

/** Resolves once every write of `entry` submitted so far landed (an answer read from memory waits for it). */
export async function writesSettled(entry: SessionEntry): Promise<void> {
  await entry.writer?.settled();
}

/**
 * Writes `batch` through the session's writer, behind every batch submitted before it. A batch that
 * changes nothing durable costs no write when nothing is in flight.
 */
export function writeBatch(
  ctx: RuntimeContext,
  entry: SessionEntry,
  batch: CommitBatch,
  ahead: boolean,
): Promise<void> {
  if (ctx.store === null) return Promise.resolve();
  if (entry.writer === null && Object.keys(batch).length === 0) return Promise.resolve();
  return entry.ensureWriter(() => sessionWriter(ctx, entry)).submit(batch, ahead);
}

function sessionWriter(ctx: RuntimeContext, entry: SessionEntry): SessionWriter {
  const writer: SessionWriter = new SessionWriter({
    write: (batch) => storeWrite(ctx, entry, batch),
    onBroken: (error) => {
      if (!entry.removed)
        dropFromMemory(ctx, entry, 'store_unavailable', `a write failed ahead: ${error.message}`);
    },
    onIdle: () => entry.releaseWriter(writer),
  });
  return writer;
}

/** One store commit of the session, its failure mapped to `fenced` (the session dropped here) or `store_unavailable`. */
async function storeWrite(
  ctx: RuntimeContext,
  entry: SessionEntry,
  batch: CommitBatch,
): Promise<void> {
  if (ctx.store === null || Object.keys(batch).length === 0) return;
  try {
    await ctx.store.commit(entry.runtimeId, batch, entry.fence);
  } catch (error: unknown) {
    if (isBurrowError(error, 'fenced')) {
      ctx.ownershipStats.fencedCommits += 1;
      fenceOut(ctx, entry);
      throw error;
    }
    if (isBurrowError(error)) throw error;
    throw new BurrowError(
      'store_unavailable',
      'the store failed; nothing was acknowledged',
      { sessionId: entry.sessionId },
      { cause: error },
    );
  }
}
