// The per-session registry of background operations (04): the pure ops lifecycle behind a small async
// shell that persists every durable step before it returns and delivers the wakes of finished tools.
//
// Rules this module owns:
// - Persist, then install. Every step (start, update, finish, cancel) and every cursor move goes
//   through `persist` as `{ operations, opsCursor, events }` — the session's one commit path — before
//   the method returns; if `persist` throws, nothing changed in memory and the error propagates.
//   Capacity slots are memory only: only their events reach the store. Starts of durable kinds are
//   persisted too, or recovery could not end an operation it never heard of (the seed's silent drop).
// - One step at a time. Mutations run one after another (a FIFO chain), so two operations finishing
//   together take distinct, increasing completion sequence numbers.
// - Wakes: see runtime/background/wakes.ts (delivered after every terminal step of a waking kind).
// - `admitContinuation` must not wait for this registry (it runs inside the chain).

import type { JsonValue } from '../../core/json.js';
import type { OpsDurabilityAction } from '../../core/machine/effects.js';
import { startOp, stepOp } from '../../core/background/lifecycle.js';
import type { FeedNotice } from '../../core/background/feed.js';
import { advanceCursor, evaluateWaitAll, feedSince } from '../../core/background/feed.js';
import type { OpKind } from '../../core/background/kinds.js';
import { isTerminalOpStatus, OP_KINDS } from '../../core/background/kinds.js';
import type { OpStepInput } from '../../core/background/rows.js';
import type { Operation, OpsCursorName, OpsState } from '../../core/background/state.js';
import { createOpsState, findOperation } from '../../core/background/state.js';
import type { OperationRecord, OpsCursorRecord } from '../../store/records.js';
import type {
  BackgroundOpsOptions,
  FinishReport,
  OpOutcome,
  OpsPersistChange,
  OpsUnregisterBatch,
} from './contract.js';
import { finishedEvent, stepFor } from './contract.js';
import { persistChange, recoveredOps, recoverTooLate, unregisterPlan } from './changes.js';
import { opsRefusalError } from './errors.js';
import { OpsBarriers } from './waiters.js';
import { deliverWakes, wakeReport } from './wakes.js';
import { uuidv7 } from '../ids.js';
import { SerialChain } from '../serial-chain.js';
import type { EventDraft } from '../session/events.js';

/**
 * The background operations of one session.
 *
 * @example
 * const ops = new BackgroundOps({ sessionId, epochId, now, persist, admitContinuation, isIdle, notice });
 * const op = await ops.start('background_tool', { tool: 'search' });
 * await ops.update(op.operationId, 'running');
 * await ops.finish(op.operationId, { status: 'completed', result: { hits: 3 } }); // wakes the session
 */
export class BackgroundOps {
  #state: OpsState;
  readonly #chain = new SerialChain();
  readonly #barriers = new OpsBarriers();
  readonly #options: BackgroundOpsOptions;

  constructor(options: BackgroundOpsOptions) {
    this.#options = options;
    this.#state = createOpsState(options.epochId);
  }

  /** The epoch of the completion sequence numbers (the stored one after recovery). */
  get epochId(): string {
    return this.#state.epochId;
  }

  /** The installed state (immutable). */
  get state(): OpsState {
    return this.#state;
  }

  /** Open `waitAll` barriers (a leak check). */
  get openBarriers(): number {
    return this.#barriers.size;
  }

  /** One operation, or undefined. */
  get(operationId: string): Operation | undefined {
    return findOperation(this.#state, operationId);
  }

  /** Starts an operation in `provisioning`; durable kinds are persisted before this resolves. */
  start(kind: OpKind, meta: JsonValue = null): Promise<Operation> {
    return this.#chain.run(async () => {
      const now = this.#options.now();
      const operationId = this.#options.newId?.() ?? uuidv7(Date.parse(now));
      const result = startOp(this.#state, { operationId, kind, meta, now });
      if (!result.ok) throw opsRefusalError(this.#options.sessionId, result.refusal);
      await this.#install(result.state, result.changed, [
        { type: 'op.started', data: { operationId, kind } },
      ]);
      return this.#must(operationId);
    });
  }

  /** Moves an operation to `running` (from provisioning) or `retiring` (from running). */
  update(operationId: string, status: 'running' | 'retiring'): Promise<Operation> {
    return this.#chain.run(async () => {
      const input: OpStepInput = { type: status === 'running' ? 'Provisioned' : 'BeginRetiring' };
      const result = stepOp(this.#state, operationId, input, this.#options.now());
      if (!result.ok) throw opsRefusalError(this.#options.sessionId, result.refusal);
      await this.#install(result.state, result.changed, [
        { type: 'op.updated', data: { operationId, status } },
      ]);
      return this.#must(operationId);
    });
  }

  /** Ends an operation; persisted before this resolves; a `background_tool` then wakes its session. */
  finish(operationId: string, outcome: OpOutcome): Promise<FinishReport> {
    return this.#chain.run(() => this.#end(operationId, stepFor(outcome)));
  }

  /**
   * Cancels an operation (`cancelled`, with its continuation like any end). Idempotent: an operation
   * that already ended is returned as it is, since a cancel racing the operation's own end is normal.
   */
  cancel(operationId: string, reason = 'cancelled'): Promise<FinishReport> {
    return this.#chain.run(async () => {
      const op = this.get(operationId);
      if (op !== undefined && isTerminalOpStatus(op.status))
        return { operation: op, continuation: 'none', sessionWasIdle: null };
      return this.#end(operationId, { type: 'Cancel', reason });
    });
  }

  /** The completion feed after `since`, in sequence order. */
  feed(since: number): Promise<readonly FeedNotice[]> {
    const read = feedSince(this.#state, since);
    if (!read.ok) return Promise.reject(opsRefusalError(this.#options.sessionId, read.refusal));
    return Promise.resolve(read.notices);
  }

  /** Moves a cursor forward (persisted); refused backwards or past the feed's end; a no-op in place. */
  advance(cursor: OpsCursorName, seq: number): Promise<void> {
    return this.#chain.run(async () => {
      const result = advanceCursor(this.#state, cursor, seq);
      if (!result.ok) throw opsRefusalError(this.#options.sessionId, result.refusal);
      if (result.moved) await this.#install(result.state, [], [], true);
    });
  }

  /**
   * Resolves with the operations once all of them are terminal (at once when they already are);
   * rejects at once for unknown ids, and with `signal.reason` when `signal` aborts first.
   */
  waitAll(operationIds: readonly string[], signal?: AbortSignal): Promise<Operation[]> {
    if (signal?.aborted === true) return Promise.reject(signal.reason);
    const evaluated = evaluateWaitAll(this.#state, operationIds);
    if (!evaluated.ok)
      return Promise.reject(opsRefusalError(this.#options.sessionId, evaluated.refusal));
    const ids = [...new Set(operationIds)];
    if (evaluated.pending.length === 0) return Promise.resolve(ids.map((id) => this.#must(id)));
    return this.#barriers.wait(ids, signal);
  }

  /**
   * Installs the state stored for the session (`StoredSession.operations` and `opsCursor`), before any
   * other call. In-flight operations end `terminated{runtime_restarted}`; that change is persisted
   * first, through `commit` when given (a caller that already holds the session's gate). Fails closed
   * with `internal` on an inconsistent record. Wakes are not delivered here: call
   * {@link deliverPending} once the session accepts input.
   */
  recover(
    records: readonly OperationRecord[],
    cursor: OpsCursorRecord | null,
    commit?: (change: OpsPersistChange) => Promise<void>,
  ): Promise<void> {
    if (this.#chain.used) return Promise.reject(recoverTooLate(this.#options.sessionId));
    return this.#chain.run(async () => {
      const { state, changed, events } = recoveredOps(records, cursor, this.#options);
      await this.#install(state, changed, events, false, commit);
    });
  }

  /** Delivers the continuations not yet observed (after recovery, or after a failed admission). */
  deliverPending(): Promise<number> {
    return this.#chain.run(async () => (await this.#deliver()).delivered.length);
  }

  /**
   * Applies the unregister decision: operations in flight end `terminated{session_unregistered}` and
   * the registry closes. `commit` writes the batch inside the unregister commit (one transaction);
   * without it, a retain is written through `persist` and a delete is left to the unregister commit.
   */
  unregister(
    action: OpsDurabilityAction,
    commit?: (batch: OpsUnregisterBatch) => Promise<void>,
  ): Promise<void> {
    return this.#chain.run(async () => {
      const { batch, next } = unregisterPlan(this.#state, action, this.#options.now());
      if (commit !== undefined) await commit(batch);
      else if ('operations' in batch) await this.#options.persist(batch);
      this.#apply(next);
    });
  }

  async #end(operationId: string, input: OpStepInput): Promise<FinishReport> {
    const result = stepOp(this.#state, operationId, input, this.#options.now());
    if (!result.ok) throw opsRefusalError(this.#options.sessionId, result.refusal);
    await this.#install(result.state, result.changed, result.changed.map(finishedEvent));
    const operation = this.#must(operationId);
    if (operation.completionSeq === null || !OP_KINDS[operation.kind].wakesIdle)
      return { operation, continuation: 'none', sessionWasIdle: null };
    return wakeReport(operation, (await this.#deliver()).delivered);
  }

  #deliver(): ReturnType<typeof deliverWakes> {
    return deliverWakes(this.#state, {
      admit: this.#options.admitContinuation,
      isIdle: this.#options.isIdle,
      notice: (message) => this.#options.notice(message),
      observe: async (seq) => {
        const moved = advanceCursor(this.#state, 'observed', seq);
        if (moved.ok && moved.moved) await this.#install(moved.state, [], [], true);
      },
    });
  }

  /** Persist (operations, cursor and events in one commit), then install and settle barriers. */
  async #install(
    next: OpsState,
    changed: readonly Operation[],
    events: readonly EventDraft[],
    cursorMoved = false,
    commit: (change: OpsPersistChange) => Promise<void> = this.#options.persist,
  ): Promise<void> {
    const change = persistChange(next, changed, events, cursorMoved);
    if (change !== null) await commit(change);
    this.#apply(next);
  }

  #apply(next: OpsState): void {
    this.#state = next;
    this.#barriers.check(next);
  }

  #must(operationId: string): Operation {
    const op = this.get(operationId);
    if (op === undefined) throw new Error(`operation ${operationId} vanished`);
    return op;
  }
}
