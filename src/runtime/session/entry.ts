// The in-memory entry of one registered session: its machine, ledger, completions, events and attachments.

import type { PendingApproval } from '../../core/approvals.js';
import type { Ledger } from '../../core/ledger/input-ledger.js';
import type { JsonValue } from '../../core/json.js';
import type { MachineState } from '../../core/machine/state.js';
import type { RuntimeId } from '../../store/runtime-store.js';
import type { RuntimeEvent } from '../../core/runtime-event.js';
import type { BackgroundOps } from '../background/registry.js';
import type { CompletionRegistry } from '../completions.js';
import type { InterruptHandle } from '../operation-types.js';
import type { SessionEvents } from './events.js';
import type { SessionWriter } from './writer.js';

/** What the runtime loop exposes to the rest of the shell. */
export interface LoopHandle {
  readonly state: 'created' | 'running' | 'stopping' | 'stopped';
  /** Resolves when the loop task has exited (never rejects). */
  readonly done: Promise<void>;
  wake(): void;
  /** Control effect: finish the current turn, then exit (`stop`), or exit without touching state (`detach`). */
  requestExit(kind: 'stop' | 'detach', reason: string): void;
  /** Hard-cancels the in-flight run, if any (`shutdown`: roll it back instead of cancelling it). */
  hardCancel(reason: string, kind?: 'cancel' | 'shutdown'): void;
  /** Abandons the loop after the drain grace: it will touch nothing when its run finally returns. */
  abort(reason: string): void;
  /** True while an executor call is in flight. */
  readonly busy: boolean;
  /**
   * The error that killed the loop (a bug: executors cannot crash it), or null while it lives or after
   * a normal exit. Only a crashed loop leaves a dead attachment; a loop that exited normally may be
   * `stopped` before its exit hook ran, and that is not one.
   */
  readonly crash: string | null;
}

/** The comms drain task of a session. */
export interface CommsHandle {
  readonly done: Promise<void>;
  abort(reason: string): void;
}

/** The canonical text of a lifecycle, with the identities of the parts it was computed from. */
export interface LifecycleKey {
  readonly text: string;
  readonly parts: readonly unknown[];
}

/** One registered session. Fields change only under the session's mutation gate. */
export interface SessionEntry {
  readonly sessionId: string;
  readonly runtimeId: RuntimeId;
  readonly epochId: string;
  machine: MachineState;
  readonly ledger: Ledger;
  readonly completions: CompletionRegistry;
  readonly events: SessionEvents;
  loop: LoopHandle | null;
  provisionalInterrupt: InterruptHandle | null;
  comms: CommsHandle | null;
  transcriptLength: number;
  /** Tool calls waiting for a decision (issue 12), stored with the lifecycle; replaced, never mutated. */
  approvals: readonly PendingApproval[];
  /** The whole transcript, kept in memory only when there is no store. */
  transcriptCache: readonly { readonly runId: string; readonly message: JsonValue }[] | null;
  receiptSeq: number;
  /** The last lifecycle written to the store (its canonical JSON), to skip unchanged writes. */
  persistedLifecycle: LifecycleKey | null;
  /** Events published live but not yet written to the store; they go with the next commit. */
  deferredEvents: readonly RuntimeEvent[];
  /** When the last input was accepted (for debounce). */
  lastInputAt: number;
  /** The fence token of this host's lease, when the store arbitrates ownership. */
  fence: number | undefined;
  /** Until when (this host's clock) the lease is proven: its claim or last renewal plus its time to live. */
  leaseUntil: number | null;
  /** Background operations, created on first use or when the store holds some. */
  ops: BackgroundOps | null;
  /** The unregister drain in progress, so a concurrent unregister can wait for it. */
  unregistering: Promise<void> | null;
  /** The session's writes in flight (session/writer.ts); null when none is. */
  writer: SessionWriter | null;
  /** Set once the entry is removed from the sessions map. */
  removed: boolean;
}
