// The read views of sessions the runtime answers with (05, `runtime.snapshot`, `listSessions`,
// `listInputs`, `getTranscript`): types only.

import type { InputRecord, InputStatus } from '../core/ledger/input-record.js';
import type { JsonValue } from '../core/json.js';
import type { Binding, Phase, Registration, TurnStatus } from '../core/machine/state.js';

/** The public view of a session (05, `runtime.snapshot`). */
export interface SessionSnapshot {
  readonly sessionId: string;
  /** The visible phase (a running session draining after retire reports `retired`). */
  readonly phase: Phase;
  readonly registration: Registration;
  readonly run: {
    readonly runId: string;
    readonly status: TurnStatus;
    readonly boundaryCount: number;
  } | null;
  readonly queues: { readonly queue: number; readonly steer: number };
  readonly inputs: Readonly<Record<InputStatus, number>>;
  readonly binding: Binding;
  readonly epochId: string;
  readonly visibility: { readonly activeRevision: number; readonly stagedRevision: number };
  readonly hasExecutor: boolean;
  readonly hasComms: boolean;
  readonly stopDeferred: boolean;
  readonly transcriptLength: number;
  readonly silentIntents: readonly string[];
}

/** One line of `listSessions`. */
export interface SessionSummary {
  readonly sessionId: string;
  readonly phase: Phase;
  readonly queue: number;
  readonly steer: number;
  readonly running: boolean;
  /**
   * The host id holding the session's lease now: this runtime's for a session it serves, another
   * host's (several hosts on one database), or null when nobody holds a live lease or the store
   * does not arbitrate ownership.
   */
  readonly owner: string | null;
}

/** A filtered, sorted page of the session list (`querySessions`). */
export interface SessionQuery {
  readonly offset?: number;
  readonly limit?: number;
  /** Only sessions in this visible phase. */
  readonly phase?: Phase;
  /** Only sessions whose id contains this text. */
  readonly search?: string;
  /** `id` (default), `-id`, `phase` (in the order of PHASES, then id), `-queue` (most queued first). */
  readonly sort?: 'id' | '-id' | 'phase' | '-queue';
}

/** One page of sessions and how many match the query in all. */
export interface SessionPage {
  readonly sessions: SessionSummary[];
  readonly total: number;
}

/** One page of a session's inputs (newest first) and how many the runtime holds. */
export interface InputPage {
  readonly inputs: InputRecord[];
  readonly total: number;
}

/** One transcript message with its position. */
export interface TranscriptMessage {
  readonly index: number;
  readonly runId: string;
  readonly message: JsonValue;
}
