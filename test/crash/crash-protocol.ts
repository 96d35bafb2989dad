// The wire protocol between the crash-test parent and its child: commands on the child's stdin,
// replies and milestones on the child's fd 3, and the lines of the append-only side file.

/** Where the child can freeze (block its whole event loop) so the parent kills it at that exact point. */
export type PauseHook =
  /** The store wrapper, right after `store.commit` resolved: durable, but the runtime has not installed it. */
  | 'store'
  /** A runtime event listener: the commit landed and was installed, completions not yet settled. */
  | 'event';

/** Which commit (store hook) or event (event hook) to freeze at. Every given field must match. */
export interface PauseMatch {
  readonly sessionId?: string;
  /** Store hook: the batch carries a receipt with this outcome (`any`: any receipt). */
  readonly receipt?: 'any' | 'completed' | 'cancelled';
  /** Store hook: the batch carries an event of this type. Event hook: the event's type. */
  readonly eventType?: string;
}

/** A command from the parent (one JSON line on the child's stdin). */
export type CrashCommand =
  | { readonly cmd: 'register'; readonly req: number; readonly sessionIds: readonly string[] }
  | {
      readonly cmd: 'accept';
      readonly req: number;
      readonly sessionId: string;
      readonly content: string;
    }
  /** `hold`: every turn waits for `release` (or its abort); `auto`: turns finish on their own. */
  | { readonly cmd: 'mode'; readonly hold: boolean }
  | { readonly cmd: 'release'; readonly runId: string }
  /** Freeze at the `skip + 1`-th match from now on (handled synchronously, before later commands). */
  | {
      readonly cmd: 'pause_at';
      readonly hook: PauseHook;
      readonly match: PauseMatch;
      readonly skip: number;
    }
  | { readonly cmd: 'unregister'; readonly req: number; readonly sessionId: string }
  | { readonly cmd: 'recover'; readonly req: number }
  /** Replies `drained` once no session has a live (non-terminal) input. */
  | { readonly cmd: 'drain'; readonly req: number }
  | { readonly cmd: 'close'; readonly req: number };

/** A message from the child (one JSON line on fd 3, written synchronously, in program order). */
export type CrashMessage =
  | { readonly type: 'ready'; readonly pid: number }
  | { readonly type: 'registered'; readonly req: number }
  /** The acknowledgment: written only after `acceptInput` resolved. */
  | {
      readonly type: 'accepted';
      readonly req: number;
      readonly sessionId: string;
      readonly inputId: string;
    }
  | { readonly type: 'accept_failed'; readonly req: number; readonly error: string }
  | { readonly type: 'outcome'; readonly inputId: string; readonly status: string }
  | {
      readonly type: 'turn_started';
      readonly runId: string;
      readonly sessionId: string;
      readonly inputIds: readonly string[];
      readonly attempt: number;
    }
  | { readonly type: 'turn_finished'; readonly runId: string; readonly status: string }
  | {
      readonly type: 'commit_landed';
      readonly runtimeId: string;
      readonly receiptRunId: string | null;
      readonly events: readonly string[];
    }
  | {
      readonly type: 'event';
      readonly sessionId: string;
      readonly eventType: string;
      readonly runId: string | null;
    }
  /** The child is frozen at `hook` and will never run again: kill it. */
  | {
      readonly type: 'paused';
      readonly hook: PauseHook;
      /** The run whose commit or event the child froze at, if any. */
      readonly runId: string | null;
      readonly detail: string;
    }
  | { readonly type: 'unregister_started'; readonly req: number }
  | { readonly type: 'unregistered'; readonly req: number; readonly error: string | null }
  | {
      readonly type: 'recovered';
      readonly req: number;
      readonly recovered: number;
      readonly failed: readonly { readonly sessionId: string; readonly error: string }[];
    }
  | {
      readonly type: 'drained';
      readonly req: number;
      readonly sessions: number;
      readonly violations: readonly string[];
    }
  | { readonly type: 'closed'; readonly req: number }
  | {
      readonly type: 'log';
      readonly level: string;
      readonly message: string;
      readonly fields: string;
    }
  | { readonly type: 'error'; readonly message: string };

/** One line of the side file: the executor's own record of what it ran (fsync'd before it goes on). */
export type SideRecord =
  | {
      readonly t: 'start';
      readonly pid: number;
      readonly runId: string;
      readonly sessionId: string;
      readonly inputIds: readonly string[];
      readonly attempt: number;
    }
  | {
      readonly t: 'finish';
      readonly pid: number;
      readonly runId: string;
      readonly sessionId: string;
      /** `completed`: the executor returned its append; `aborted`: it rejected with the signal's reason. */
      readonly status: 'completed' | 'aborted';
      /** How many messages its `append` carried (0 when aborted). */
      readonly messages: number;
    };

/** The transcript message the child's executor appends for each input of a run, and one per run. */
export interface CrashTranscriptMessage {
  readonly role: 'assistant';
  readonly runId: string;
  /** The input this message answers, or null for the run's closing message. */
  readonly inputId: string | null;
  readonly content: string;
}

/** The messages a run over `inputIds` appends, in order: one per input, then one closing message. */
export function turnMessages(runId: string, inputIds: readonly string[]): CrashTranscriptMessage[] {
  return [
    ...inputIds.map((inputId) => ({
      role: 'assistant' as const,
      runId,
      inputId,
      content: `reply to ${inputId}`,
    })),
    { role: 'assistant', runId, inputId: null, content: `turn ${runId} done` },
  ];
}
