// Retention (02, 04): terminal inputs, receipts, events and finished operations are pruned after their
// window, in memory and in the store, by a periodic task. Memory for finished inputs has its own,
// tighter bound besides (the ledger's retained pool, core/ledger-retained.ts), whatever the window.

import { toError } from '../core/errors.js';
import { applyLedgerPatch } from '../core/ledger/input-ledger.js';
import { planPrune } from '../core/ledger/run-end.js';
import type { PrunePolicy } from '../store/runtime-store.js';
import { isoAt } from './clock.js';
import type { RuntimeContext } from './runtime-context.js';
import type { Retention, RetentionReport } from './runtime-reports.js';

export type { Retention, RetentionReport, RetentionRule } from './runtime-reports.js';

const DAY = 24 * 60 * 60 * 1000;

/** Defaults: inputs as 02 says (24 h or 10,000 per session, whichever keeps more); the rest alike. */
export const DEFAULT_RETENTION: Retention = {
  inputs: { maxAgeMs: DAY, keepPerSession: 10_000 },
  receipts: { maxAgeMs: DAY, keepPerSession: 10_000 },
  events: { maxAgeMs: DAY, keepPerSession: 10_000 },
  operations: { maxAgeMs: DAY, keepPerSession: 1_000 },
};

/** Prunes once: each session's retained terminal inputs (under its gate), then the store. */
export async function pruneOnce(
  ctx: RuntimeContext,
  retention: Retention,
): Promise<RetentionReport> {
  const now = ctx.clock.now();
  const olderThan = isoAt(now - retention.inputs.maxAgeMs);
  let memoryInputs = 0;
  for (const sessionId of [...ctx.sessions.keys()]) {
    await ctx.gate.with(sessionId, () => {
      const entry = ctx.sessions.get(sessionId);
      if (entry === undefined || entry.ledger.terminal.size <= retention.inputs.keepPerSession)
        return;
      const patch = planPrune(entry.ledger, olderThan, retention.inputs.keepPerSession);
      memoryInputs += patch.ops.length;
      // Memory only, nothing durable changes (no commit): the store prunes its own copy with the
      // same rule below, and a record pruned here is still read from the store until then.
      applyLedgerPatch(entry.ledger, patch);
    });
  }
  const policy: PrunePolicy = { now, ...retention };
  const store = ctx.store === null ? null : await ctx.store.prune(policy);
  return { memoryInputs, store };
}

/** Prunes every `intervalMs` until `signal` aborts; a failed prune is logged and retried next time. */
export async function pruneLoop(
  ctx: RuntimeContext,
  retention: Retention,
  intervalMs: number,
  signal: AbortSignal,
): Promise<void> {
  while (!signal.aborted) {
    try {
      await ctx.clock.sleep(intervalMs, signal);
    } catch {
      return;
    }
    await pruneOnce(ctx, retention).catch((error: unknown) =>
      ctx.log.warn('prune failed', { error: toError(error).message }),
    );
  }
}
