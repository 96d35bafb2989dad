// The session object: one registered session's live state (machine, ledger, completions, events,
// attachments, lease), readable by the runtime and changed only through the methods below.

import type { PendingApproval } from '../../core/approvals.js';
import type { Ledger } from '../../core/ledger/input-ledger.js';
import type { MachineState } from '../../core/machine/state.js';
import type { RuntimeId } from '../../store/runtime-store.js';
import type { BackgroundOps } from '../background/registry.js';
import type { CompletionRegistry } from '../completions.js';
import type { InterruptHandle } from '../operation-types.js';
import type { SessionEvents } from './events.js';
import type {
  CommittedChange,
  CommsHandle,
  LifecycleKey,
  LoopHandle,
  SessionInit,
  TranscriptCache,
} from './entry-types.js';
import type { SessionWriter } from './writer.js';

// Moved to entry-types.ts; re-exported so that importers (and edits on other branches) stay valid.
export type { LifecycleKey } from './entry-types.js';

/**
 * One registered session. Invariant: its fields change only under the session's mutation gate
 * (`ctx.gate`), and only through these methods, each named after what happened; the machine moves
 * only by `installCommitted`, once the store took the change. Two writers act off the gate: the lease
 * guard (a renewal only extends the lease; a lapse removes the entry for good) and the session's
 * writer, which releases itself once idle.
 */
export class SessionEntry {
  readonly sessionId: string;
  readonly runtimeId: RuntimeId;
  readonly epochId: string;
  readonly ledger: Ledger;
  readonly completions: CompletionRegistry;
  readonly events: SessionEvents;
  #machine: MachineState;
  #loop: LoopHandle | null = null;
  #provisionalInterrupt: InterruptHandle | null = null;
  #comms: CommsHandle | null = null;
  #transcriptLength: number;
  #approvals: readonly PendingApproval[];
  #transcriptCache: TranscriptCache | null;
  #receiptSeq: number;
  #persistedLifecycle: LifecycleKey | null = null;
  #lastInputAt = 0;
  #fence: number | undefined = undefined;
  #leaseUntil: number | null = null;
  #ops: BackgroundOps | null = null;
  #unregistering: Promise<void> | null = null;
  #writer: SessionWriter | null = null;
  #removed = false;

  constructor(init: SessionInit) {
    this.sessionId = init.sessionId;
    this.runtimeId = init.runtimeId;
    this.epochId = init.epochId;
    this.ledger = init.ledger;
    this.completions = init.completions;
    this.events = init.events;
    this.#machine = init.machine;
    this.#transcriptLength = init.transcriptLength;
    this.#approvals = init.approvals;
    this.#transcriptCache = init.transcriptCache;
    this.#receiptSeq = init.receiptSeq;
  }

  get machine(): MachineState {
    return this.#machine;
  }
  /** The runtime loop driving the session, while an executor is attached. */
  get loop(): LoopHandle | null {
    return this.#loop;
  }
  /** A hard-cancel handle for a turn that runs before the executor is attached. */
  get provisionalInterrupt(): InterruptHandle | null {
    return this.#provisionalInterrupt;
  }
  /** The comms drain task, while one runs. */
  get comms(): CommsHandle | null {
    return this.#comms;
  }
  get transcriptLength(): number {
    return this.#transcriptLength;
  }
  /** Tool calls waiting for a decision (issue 12), stored with the lifecycle; replaced, never mutated. */
  get approvals(): readonly PendingApproval[] {
    return this.#approvals;
  }
  /** The whole transcript, kept in memory only when there is no store. */
  get transcriptCache(): TranscriptCache | null {
    return this.#transcriptCache;
  }
  get receiptSeq(): number {
    return this.#receiptSeq;
  }
  /** The last lifecycle written to the store (its canonical JSON), to skip unchanged writes. */
  get persistedLifecycle(): LifecycleKey | null {
    return this.#persistedLifecycle;
  }
  /** When the last input was accepted (for debounce). */
  get lastInputAt(): number {
    return this.#lastInputAt;
  }
  /** The fence token of this host's lease, when the store arbitrates ownership. */
  get fence(): number | undefined {
    return this.#fence;
  }
  /** Until when (this host's clock) the lease is proven: its claim or last renewal plus its time to live. */
  get leaseUntil(): number | null {
    return this.#leaseUntil;
  }
  /** Background operations, created on first use or when the store holds some. */
  get ops(): BackgroundOps | null {
    return this.#ops;
  }
  /** The unregister drain in progress, so a concurrent unregister can wait for it. */
  get unregistering(): Promise<void> | null {
    return this.#unregistering;
  }
  /** The session's writes in flight (session/writer.ts); null when none is. */
  get writer(): SessionWriter | null {
    return this.#writer;
  }
  /** True once the entry is removed from the sessions map. */
  get removed(): boolean {
    return this.#removed;
  }

  /**
   * Installs a change the store took (or that needed no write), its ledger patches applied: the one
   * way the machine moves on once the entry is published.
   */
  installCommitted(change: CommittedChange): void {
    this.#machine = change.machine;
    const appended = change.transcript?.messages ?? [];
    if (this.#transcriptCache !== null && appended.length > 0) {
      const runId = change.transcript?.runId ?? '';
      this.#transcriptCache = [
        ...this.#transcriptCache,
        ...appended.map((message) => ({ runId, message })),
      ];
    }
    this.#transcriptLength += appended.length;
    if (change.approvals !== undefined) this.#approvals = change.approvals;
    if (change.receiptSeq !== undefined) this.#receiptSeq = change.receiptSeq;
    this.#persistedLifecycle = change.lifecycleKey;
  }

  /**
   * Installs a machine state while the entry is being opened, before anyone can see it (its bindings,
   * which the registration commit then writes). Everywhere else the machine moves by a commit.
   */
  installBeforePublish(machine: MachineState): void {
    this.#machine = machine;
  }

  /** Notes that the store already holds the lifecycle this entry would write (an opening wrote nothing). */
  markLifecyclePersisted(key: LifecycleKey): void {
    this.#persistedLifecycle = key;
  }

  /** An executor's loop drives the session now; a provisional interrupt handle is no longer needed. */
  attach(loop: LoopHandle): void {
    this.#loop = loop;
    this.#provisionalInterrupt = null;
  }

  /** Forgets the loop (it exited, crashed or was torn down); returns the loop it was. */
  detach(): LoopHandle | null {
    const loop = this.#loop;
    this.#loop = null;
    return loop;
  }

  /** Installs (or, with null, clears) the hard-cancel handle of a turn run before attaching. */
  setProvisionalInterrupt(handle: InterruptHandle | null): void {
    this.#provisionalInterrupt = handle;
  }

  /** The comms drain `handle` runs for the session now (null: it exited). */
  setComms(handle: CommsHandle | null): void {
    this.#comms = handle;
  }

  /** An input was accepted at `at` (the debounce measures quiet from here). */
  noteInputAccepted(at: number): void {
    this.#lastInputAt = at;
  }

  /** This host claimed the session's lease: its fence token, proven until `until`. */
  claimLease(fence: number, until: number): void {
    this.#fence = fence;
    this.#leaseUntil = until;
  }

  /** A renewal proved the lease until `until`; a late renewal never shortens a later proof. */
  renewLease(until: number): void {
    this.#leaseUntil = Math.max(this.#leaseUntil ?? until, until);
  }

  /** The session's background operations, created by `create` on first use. */
  ensureOps(create: () => BackgroundOps): BackgroundOps {
    return (this.#ops ??= create());
  }

  /** Starts an unregister drain; returns the function that ends it (and wakes who waits for it). */
  beginUnregister(): () => void {
    let finished: () => void = () => undefined;
    this.#unregistering = new Promise<void>((resolve) => (finished = resolve));
    return () => {
      this.#unregistering = null;
      finished();
    };
  }

  /** The session's writer, created by `create` when a write is submitted while none is in flight. */
  ensureWriter(create: () => SessionWriter): SessionWriter {
    return (this.#writer ??= create());
  }

  /** `writer` went idle (every write it took landed): the next write starts a new one. */
  releaseWriter(writer: SessionWriter): void {
    if (this.#writer === writer) this.#writer = null;
  }

  /** The entry left the sessions map: it forgets its loop and comms drain for good. */
  markRemoved(): void {
    this.#removed = true;
    this.#loop = null;
    this.#comms = null;
  }
}
