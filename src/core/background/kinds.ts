// Background operations (04, "Background operations"): the kinds table and the statuses, as data.

/** What a kind of background operation is: whether it survives a crash, feeds completions, wakes. */
export interface OpKindSpec {
  /** Persisted before each step returns; recovered after a crash. */
  readonly durable: boolean;
  /** A terminal step takes the next completion sequence number and appears in the completion feed. */
  readonly inFeed: boolean;
  /** A terminal step admits a `continuation` input that wakes an idle session. */
  readonly wakesIdle: boolean;
  /** One line for docs. */
  readonly summary: string;
}

/**
 * The kinds table of 04. `inFeed` implies `durable` (a feed entry must survive a crash) and
 * `wakesIdle` implies `inFeed` (a wake is delivered from the feed); a test holds the table to it.
 */
export const OP_KINDS = {
  background_tool: {
    durable: true,
    inFeed: true,
    wakesIdle: true,
    summary: 'a detached tool job; its result wakes the session through a continuation input',
  },
  child_session: {
    durable: true,
    inFeed: true,
    wakesIdle: false,
    summary: 'a child agent session; its end is in the completion feed but wakes nobody',
  },
  capacity_slot: {
    durable: false,
    inFeed: false,
    wakesIdle: false,
    summary: 'a concurrency slot held while work runs; memory only, never in the feed',
  },
} as const satisfies Record<string, OpKindSpec>;

/** A kind of background operation. */
export type OpKind = keyof typeof OP_KINDS;

/** Every kind, in the order of 04. */
export const OP_KIND_NAMES = Object.keys(OP_KINDS) as readonly OpKind[];

/** True when `value` names a kind (for values from outside the type system: stores, callers in JS). */
export function isOpKind(value: unknown): value is OpKind {
  return typeof value === 'string' && Object.hasOwn(OP_KINDS, value);
}

/** Statuses of an operation that is still in flight, in lifecycle order. */
export const ACTIVE_OP_STATUSES = ['provisioning', 'running', 'retiring'] as const;
/** One of {@link ACTIVE_OP_STATUSES}. */
export type ActiveOpStatus = (typeof ACTIVE_OP_STATUSES)[number];

/** Terminal statuses: an operation in one of these never changes again. */
export const TERMINAL_OP_STATUSES = [
  'completed',
  'failed',
  'aborted',
  'cancelled',
  'retired',
  'terminated',
] as const;
/** One of {@link TERMINAL_OP_STATUSES}. */
export type TerminalOpStatus = (typeof TERMINAL_OP_STATUSES)[number];

/** Every status of an operation. */
export const OP_STATUSES = [...ACTIVE_OP_STATUSES, ...TERMINAL_OP_STATUSES] as const;
/** One of {@link OP_STATUSES}. */
export type OpStatus = ActiveOpStatus | TerminalOpStatus;

/** True when `status` is terminal. */
export function isTerminalOpStatus(status: OpStatus): status is TerminalOpStatus {
  return (TERMINAL_OP_STATUSES as readonly string[]).includes(status);
}

/** True when `value` is a known status. */
export function isOpStatus(value: unknown): value is OpStatus {
  return typeof value === 'string' && (OP_STATUSES as readonly string[]).includes(value);
}

/** Terminal statuses that carry a reason (`terminated{reason}` and the failure-like ends). */
export const REASON_STATUSES: readonly TerminalOpStatus[] = [
  'failed',
  'aborted',
  'cancelled',
  'terminated',
];

/** The reason of an operation that was in flight when the runtime restarted (04, Recovery item 4). */
export const RUNTIME_RESTARTED = 'runtime_restarted';

/** The reason of an operation that was in flight when its session was unregistered. */
export const SESSION_UNREGISTERED = 'session_unregistered';
