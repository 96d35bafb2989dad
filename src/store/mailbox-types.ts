// The ingress mailbox and the store wake-ups (issue 11): the optional parts of a RuntimeStore that
// hosts sharing one store talk through. Types only.

import type { JsonValue } from '../core/json.js';
import type { RuntimeId } from './runtime-store.js';

/** A request in the ingress mailbox, addressed to the owner of `runtimeId`. */
export interface MailboxRequest {
  readonly requestId: string;
  readonly runtimeId: RuntimeId;
  /** The host that posted it (and waits for its answer). */
  readonly fromHost: string;
  readonly body: JsonValue;
  /** When it was posted (ms since the epoch). */
  readonly postedAt: number;
}

/** What the poster of a request sees of it. */
export interface MailboxRequestState {
  /** The owner's answer, or null while none is recorded. */
  readonly answer: JsonValue | null;
  /** True once an owner took the request (it may be running it): it can no longer be withdrawn. */
  readonly taken: boolean;
}

/**
 * The durable ingress mailbox (issue 11, item 3). A host that does not own a session posts a request;
 * the owner takes the requests of the sessions it holds a live lease on, runs each and records the
 * answer; the poster reads the answer and deletes the request. A request taken under an older fence
 * (its owner lost the session before answering) is taken again by the next owner.
 */
export interface MailboxMethods {
  /** Posts a request (and wakes the owner where the store can). */
  post(request: MailboxRequest): Promise<void>;
  /**
   * Takes, oldest first, at most `limit` unanswered requests of the sessions whose unexpired lease
   * (at `now`) `hostId` holds and that no owner took under the lease's current fence.
   */
  take(hostId: string, now: number, limit: number): Promise<MailboxRequest[]>;
  /** Records the answer of a request (and wakes its poster where the store can). */
  answer(requestId: string, answer: JsonValue, now: number): Promise<void>;
  /** The request's answer and whether it was taken; null when it is gone. */
  read(requestId: string): Promise<MailboxRequestState | null>;
  /** Deletes the request if no owner took it yet; true when it was deleted (it will never run). */
  withdraw(requestId: string): Promise<boolean>;
  /** Deletes the request (its poster read the answer). */
  remove(requestId: string): Promise<void>;
  /**
   * Deletes the requests answered before `before` (their poster never read them) and the unanswered
   * ones posted before it (their poster gave up long ago: they are dropped, never run); how many.
   */
  prune(before: number): Promise<number>;
  /** Unanswered requests in the mailbox. */
  depth(): Promise<number>;
}

/** A hint from another host that something changed in the store. */
export type StoreWakeup =
  | { readonly kind: 'events'; readonly runtimeId: RuntimeId }
  | { readonly kind: 'mailbox'; readonly runtimeId: RuntimeId }
  | { readonly kind: 'answer'; readonly requestId: string };

/** A live subscription to {@link StoreWakeup}s. */
export interface WakeupSubscription {
  /** Times the listening connection was (re-)established, and times it dropped. */
  statistics(): { readonly connects: number; readonly drops: number };
  /** Stops listening (idempotent). */
  close(): Promise<void>;
}
