// `createBurrowClient`: a small typed client of the HTTP API (fetch only, no dependency): sessions,
// inputs (with `?wait=`), history, control operations and event streams, typed by the OpenAPI
// document's generated types. Refusals throw BurrowApiError; an unreachable server BurrowUnreachableError.

import { parseDuration } from '../core/duration.js';
import { BurrowError } from '../core/errors.js';
import type { RuntimeEvent } from '../core/runtime-event.js';
import { apiError, BurrowUnreachableError, networkReason } from './client-errors.js';
import type { EventStreamOptions } from './event-stream.js';
import { sessionEvents } from './event-stream.js';
import type {
  AcceptedInput,
  ApprovalDecision,
  HistoryPage,
  InputPage,
  InputRecord,
  InputSubmission,
  InterruptResult,
  PendingApproval,
  SessionPage,
  SessionQuery,
  SessionSnapshot,
} from './types.js';

/** Options of {@link createBurrowClient}. */
export interface ClientOptions {
  /** The server, e.g. `http://127.0.0.1:7420`. */
  readonly url: string;
  /** The bearer token, when the server needs one. */
  readonly token?: string;
  /** The fetch to use (default: the global one). */
  readonly fetch?: typeof fetch;
}

/** Every call takes a signal; aborting rejects with the signal's reason. */
export interface CallOptions {
  readonly signal?: AbortSignal;
}

/** Options of {@link BurrowClient.send}. */
export interface SendOptions extends CallOptions {
  /** Wait for the outcome: milliseconds, or a duration such as `30s`, `1500ms`, `2m` (the server clamps it). */
  readonly wait?: number | string;
  /** Sent as the `Idempotency-Key` header (the same as the body's `idempotencyKey`). */
  readonly idempotencyKey?: string;
}

/** The answer to a submission, and whether its outcome is in it (`finished`, status 200). */
export type SendResult = AcceptedInput & { readonly finished: boolean };

/** A page range. */
export interface Page {
  readonly offset?: number;
  readonly limit?: number;
}

/** The control operations that take no parameter. */
export type PlainControl = 'retire' | 'recycle' | 'reset' | 'destroy';

/** A client of one server. */
export interface BurrowClient {
  readonly url: string;
  /** Registers a session (an id is minted when none is given); `created` is false when it existed. */
  registerSession(
    id?: string,
    options?: CallOptions,
  ): Promise<{ created: boolean; session: SessionSnapshot }>;
  /** One page of sessions: filter by phase or id text, sort, with the total that match. */
  listSessions(query?: SessionQuery, options?: CallOptions): Promise<SessionPage>;
  getSession(id: string, options?: CallOptions): Promise<SessionSnapshot>;
  /** Unregisters (the drain); the session's event streams end. */
  unregisterSession(id: string, options?: CallOptions): Promise<void>;
  /** Submits an input; with `wait`, the answer carries the outcome when it came in time. */
  send(id: string, input: InputSubmission, options?: SendOptions): Promise<SendResult>;
  getInput(id: string, inputId: string, options?: CallOptions): Promise<InputRecord>;
  /** The inputs the server holds for the session, newest first. */
  listInputs(id: string, page?: Page, options?: CallOptions): Promise<InputPage>;
  /** The committed transcript, oldest first. */
  getHistory(id: string, page?: Page, options?: CallOptions): Promise<HistoryPage>;
  /** The session's tool calls waiting for a decision, oldest first. */
  listApprovals(id: string, options?: CallOptions): Promise<PendingApproval[]>;
  /**
   * Approves or denies a pending tool call (`callHash`: the pending call's). With `wait`, the answer
   * carries the outcome of the turn that runs (or reports the denial of) the call.
   */
  decideApproval(
    id: string,
    approvalId: string,
    decision: ApprovalDecision,
    options?: CallOptions & { readonly wait?: number | string },
  ): Promise<SendResult>;
  /** Hard-cancels the running turn; says whether one was running. */
  interrupt(id: string, reason?: string, options?: CallOptions): Promise<InterruptResult>;
  /** The running turn stops at its next boundary. */
  cancelAfterBoundary(id: string, reason?: string, options?: CallOptions): Promise<void>;
  /** Stops the executor after the running turn. */
  stop(id: string, reason?: string, options?: CallOptions): Promise<void>;
  /** `retire`, `recycle`, `reset` or `destroy`. */
  control(id: string, operation: PlainControl, options?: CallOptions): Promise<void>;
  /**
   * The session's events: replayed after `since` (when given), then live. Reconnects with
   * `Last-Event-ID` when the stream drops or the server restarts, so no event is lost or repeated;
   * ends when the session is unregistered.
   */
  events(id: string, options?: EventStreamOptions): AsyncIterable<RuntimeEvent>;
}

type Query = Readonly<Record<string, string | number | undefined>>;

interface Call extends CallOptions {
  readonly query?: Query;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

/** The `wait` of a submission as the server reads it; a malformed duration is refused before sending. */
function waitText(wait: number | string): string {
  if (typeof wait === 'number') {
    if (Number.isInteger(wait) && wait >= 0 && wait < 1e9) return String(wait);
  } else if (parseDuration(wait) !== null) {
    return wait;
  }
  throw new BurrowError('validation_failed', `wait must be a duration such as 30s, 1500ms or 2m`, {
    issues: [`wait: ${String(wait)}`],
  });
}

const segment = encodeURIComponent;

/**
 * Creates a client.
 *
 * @example
 * const client = createBurrowClient({ url: 'http://127.0.0.1:7420' });
 * await client.registerSession('s1');
 * const answer = await client.send('s1', { kind: 'prompt', content: 'hello' }, { wait: '30s' });
 * for await (const event of client.events('s1', { since: 0 })) console.log(event.seq, event.type);
 */
export function createBurrowClient(options: ClientOptions): BurrowClient {
  const url = options.url.replace(/\/+$/, '');
  const doFetch = options.fetch ?? fetch;
  const auth: Record<string, string> =
    options.token === undefined ? {} : { authorization: `Bearer ${options.token}` };

  /** Sends a request; resolves with the response when its status is 2xx. */
  const request = async (method: string, path: string, call: Call = {}): Promise<Response> => {
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(call.query ?? {})) {
      if (value !== undefined) search.set(key, String(value));
    }
    const target = `${url}${path}${search.size === 0 ? '' : `?${search.toString()}`}`;
    let response: Response;
    try {
      response = await doFetch(target, {
        method,
        headers: {
          accept: 'application/json',
          ...auth,
          ...(call.body === undefined ? {} : { 'content-type': 'application/json' }),
          ...call.headers,
        },
        ...(call.body === undefined ? {} : { body: JSON.stringify(call.body) }),
        ...(call.signal === undefined ? {} : { signal: call.signal }),
      });
    } catch (error: unknown) {
      if (call.signal?.aborted === true) throw call.signal.reason;
      const reason = networkReason(error);
      if (reason === null) throw error;
      throw new BurrowUnreachableError(url, reason, { cause: error });
    }
    if (!response.ok) throw await apiError(response);
    return response;
  };
  const json = async <T>(method: string, path: string, call: Call = {}): Promise<T> =>
    (await (await request(method, path, call)).json()) as T;
  const none = async (method: string, path: string, call: Call = {}): Promise<void> => {
    await (await request(method, path, call)).body?.cancel();
  };
  const session = (id: string): string => `/v1/sessions/${segment(id)}`;
  const withReason = (reason: string | undefined): unknown =>
    reason === undefined ? {} : { reason };

  return {
    url,
    async registerSession(id, o = {}) {
      const response = await request('POST', '/v1/sessions', {
        ...o,
        body: id === undefined ? {} : { id },
      });
      return {
        created: response.status === 201,
        session: (await response.json()) as SessionSnapshot,
      };
    },
    listSessions: (query = {}, o = {}) => json('GET', '/v1/sessions', { ...o, query }),
    getSession: (id, o = {}) => json('GET', session(id), o),
    unregisterSession: (id, o = {}) => none('DELETE', session(id), o),
    async send(id, input, o = {}) {
      const response = await request('POST', `${session(id)}/inputs`, {
        ...(o.signal === undefined ? {} : { signal: o.signal }),
        body: input,
        query: { wait: o.wait === undefined ? undefined : waitText(o.wait) },
        headers: o.idempotencyKey === undefined ? {} : { 'idempotency-key': o.idempotencyKey },
      });
      const answer = (await response.json()) as AcceptedInput;
      return { ...answer, finished: response.status === 200 };
    },
    getInput: (id, inputId, o = {}) => json('GET', `${session(id)}/inputs/${segment(inputId)}`, o),
    listInputs: (id, page = {}, o = {}) =>
      json('GET', `${session(id)}/inputs`, { ...o, query: { ...page } }),
    getHistory: (id, page = {}, o = {}) =>
      json('GET', `${session(id)}/history`, { ...o, query: { ...page } }),
    listApprovals: async (id, o = {}) =>
      (await json<{ approvals: PendingApproval[] }>('GET', `${session(id)}/approvals`, o))
        .approvals,
    async decideApproval(id, approvalId, decision, o = {}) {
      const response = await request('POST', `${session(id)}/approvals/${segment(approvalId)}`, {
        ...(o.signal === undefined ? {} : { signal: o.signal }),
        body: decision,
        query: { wait: o.wait === undefined ? undefined : waitText(o.wait) },
      });
      const answer = (await response.json()) as AcceptedInput;
      return { ...answer, finished: response.status === 200 };
    },
    interrupt: (id, reason, o = {}) =>
      json('POST', `${session(id)}/interrupt`, { ...o, body: withReason(reason) }),
    cancelAfterBoundary: (id, reason, o = {}) =>
      none('POST', `${session(id)}/cancel-after-boundary`, { ...o, body: withReason(reason) }),
    stop: (id, reason, o = {}) =>
      none('POST', `${session(id)}/stop`, { ...o, body: withReason(reason) }),
    control: (id, operation, o = {}) =>
      none('POST', `${session(id)}/${operation}`, { ...o, body: {} }),
    events: (id, o = {}) =>
      sessionEvents(
        (headers, signal) =>
          request('GET', `${session(id)}/events`, {
            signal,
            headers: { accept: 'text/event-stream', ...headers },
          }),
        o,
        url,
      ),
  };
}
