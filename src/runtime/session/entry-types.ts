// The types around the session object (entry.ts): the handles it holds on the tasks that work for it
// (its runtime loop and comms drain), what it starts with, and what a landed commit installs.

import type { PendingApproval } from '../../core/approvals.js';
import type { JsonValue } from '../../core/json.js';
import type { Ledger } from '../../core/ledger/input-ledger.js';
import type { MachineState } from '../../core/machine/state.js';
import type { RuntimeId } from '../../store/runtime-store.js';
import type { CompletionRegistry } from '../completions.js';
import type { SessionEvents } from './events.js';

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

export type TranscriptCache = readonly { readonly runId: string; readonly message: JsonValue }[];

/** What a session starts with: built fresh or recovered from the store (load.ts). */
export interface SessionInit {
  readonly sessionId: string;
  readonly runtimeId: RuntimeId;
  readonly epochId: string;
  readonly machine: MachineState;
  readonly ledger: Ledger;
  readonly completions: CompletionRegistry;
  readonly events: SessionEvents;
  readonly transcriptLength: number;
  readonly approvals: readonly PendingApproval[];
  /** Empty when the transcript is kept in memory (no store), null when the store keeps it. */
  readonly transcriptCache: TranscriptCache | null;
  readonly receiptSeq: number;
}

/** What a commit that landed changes (commit.ts installs it; `undefined` leaves a field as it is). */
export interface CommittedChange {
  readonly machine: MachineState;
  readonly transcript:
    { readonly runId: string; readonly messages: readonly JsonValue[] } | undefined;
  readonly approvals: readonly PendingApproval[] | undefined;
  readonly receiptSeq: number | undefined;
  readonly lifecycleKey: LifecycleKey | null;
}
