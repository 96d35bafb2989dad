// The Prometheus metrics of a server: sessions by phase and queue lengths (read from the session list
// at scrape time), input states and turns (counted from the runtime's events as they happen), turn
// latency, store commit latency (from an instrumented store), HTTP requests by method, route and
// status, this host's leases (server/metrics/ownership-metrics.ts) and the process itself (server/metrics/process-metrics.ts).

import { LIVE_PHASES } from '../../core/machine/row.js';
import type { RuntimeEvent } from '../../core/runtime-event.js';
import type { Runtime } from '../../runtime/runtime-api.js';
import type { RuntimeStore } from '../../store/runtime-store.js';
import { renderOwnershipMetrics } from './ownership-metrics.js';
import { createProcessMetrics } from './process-metrics.js';
import {
  createCounter,
  createHistogram,
  createLabelledCounter,
  renderFamily,
} from './prometheus.js';

/** One answered HTTP request, as the metrics count it. */
export interface HttpObservation {
  readonly method: string;
  /** The route template (`/v1/sessions/:id`), or `unmatched` for 404/405 answers. */
  readonly route: string;
  readonly status: number;
  readonly seconds: number;
}

/** The metrics of one runtime, served at `GET /metrics`. */
export interface ServerMetrics {
  /** Records the latency of one store commit, in seconds. */
  observeStoreCommit(seconds: number): void;
  /** Wraps a store so that every commit is timed; pass the wrapped store to `createRuntime`. */
  instrumentStore<S extends RuntimeStore>(store: S): S;
  /** Counts a runtime's events and samples the event loop from now on; returns the function that stops both. */
  attach(runtime: Runtime): () => void;
  /** Counts one HTTP response and its latency. */
  recordResponse(observation: HttpObservation): void;
  /** The Prometheus text exposition. */
  render(runtime: Runtime, gauges?: { readonly openStreams?: number }): Promise<string>;
}

const LIVE_STATES = ['queued', 'staged', 'applied'] as const;
type LiveState = (typeof LIVE_STATES)[number];
const TURN_OUTCOMES = ['completed', 'failed', 'cancelled'] as const;

/**
 * Creates the metrics registry. Use one per runtime: every `attach` counts the events again.
 *
 * @example
 * const metrics = createServerMetrics();
 * const runtime = await createRuntime({ store: metrics.instrumentStore(memoryStore()) });
 * const { app } = createApp({ runtime, executorFactory, metrics });
 */
export function createServerMetrics(): ServerMetrics {
  const turns = createCounter(
    'burrow_turns_total',
    'Turns that ended, by outcome.',
    'outcome',
    TURN_OUTCOMES,
  );
  const inputEvents = createCounter(
    'burrow_input_events_total',
    'Input lifecycle events, by type.',
    'type',
  );
  const responses = createLabelledCounter(
    'burrow_http_responses_total',
    'HTTP responses, by method, route template and status.',
  );
  const requestLatency = createHistogram(
    'burrow_http_request_duration_seconds',
    'Time from a request to its response headers, by method and route template (SSE streams: until they open).',
    [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    { labelled: true },
  );
  const processMetrics = createProcessMetrics();
  const tokens = createCounter(
    'burrow_tokens_total',
    'Tokens used by completed turns, as executors report them.',
    'kind',
    ['input', 'output'],
  );
  const turnLatency = createHistogram(
    'burrow_turn_duration_seconds',
    'Time from run.started to the run ending.',
    [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
  );
  const commitLatency = createHistogram(
    'burrow_store_commit_duration_seconds',
    'Latency of store commits (one transaction each).',
    [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
  );
  // Non-terminal inputs by session, so an unregistered session's inputs leave the gauge with it.
  const live = new Map<string, Map<string, LiveState>>();
  const runs = new Map<string, Map<string, number>>();

  const setLive = (sessionId: string, inputId: string, state: LiveState | null): void => {
    let inputs = live.get(sessionId);
    if (state === null) {
      inputs?.delete(inputId);
      if (inputs?.size === 0) live.delete(sessionId);
      return;
    }
    if (inputs === undefined) live.set(sessionId, (inputs = new Map<string, LiveState>()));
    inputs.set(inputId, state);
  };

  const finishTurn = (event: RuntimeEvent & { data: { runId: string } }): void => {
    turns.inc(event.type.slice('run.'.length));
    const started = runs.get(event.sessionId)?.get(event.data.runId);
    runs.get(event.sessionId)?.delete(event.data.runId);
    if (started !== undefined) turnLatency.observe((Date.parse(event.at) - started) / 1000);
  };

  const onEvent = (event: RuntimeEvent): void => {
    if (event.type.startsWith('input.')) inputEvents.inc(event.type.slice('input.'.length));
    switch (event.type) {
      case 'input.accepted':
      case 'input.queued':
        return setLive(event.sessionId, event.data.inputId, 'queued');
      case 'input.staged':
        return setLive(event.sessionId, event.data.inputId, 'staged');
      case 'input.applied':
        return setLive(event.sessionId, event.data.inputId, 'applied');
      case 'input.consumed':
      case 'input.superseded':
      case 'input.coalesced':
      case 'input.abandoned':
        return setLive(event.sessionId, event.data.inputId, null);
      case 'run.started': {
        let sessionRuns = runs.get(event.sessionId);
        if (sessionRuns === undefined)
          runs.set(event.sessionId, (sessionRuns = new Map<string, number>()));
        sessionRuns.set(event.data.runId, Date.parse(event.at));
        return;
      }
      case 'run.completed':
        tokens.inc('input', event.data.usage?.inputTokens ?? 0);
        tokens.inc('output', event.data.usage?.outputTokens ?? 0);
        finishTurn(event);
        return;
      case 'run.failed':
      case 'run.cancelled':
        finishTurn(event);
        return;
      case 'session.unregistered':
        live.delete(event.sessionId);
        runs.delete(event.sessionId);
        return;
      default:
        return;
    }
  };

  return {
    observeStoreCommit: (seconds) => commitLatency.observe(seconds),
    instrumentStore<S extends RuntimeStore>(store: S): S {
      return new Proxy(store, {
        get(target, property, receiver) {
          const value: unknown = Reflect.get(target, property, receiver);
          if (typeof value !== 'function') return value;
          // Bound to the store itself: a class-based store's private fields reject a proxy `this`.
          if (property !== 'commit') return (value as (...args: unknown[]) => unknown).bind(target);
          return async (...args: Parameters<RuntimeStore['commit']>) => {
            const started = performance.now();
            try {
              return await target.commit(...args);
            } finally {
              commitLatency.observe((performance.now() - started) / 1000);
            }
          };
        },
      });
    },
    attach(runtime) {
      const unsubscribe = runtime.onEvent(onEvent);
      processMetrics.start();
      return () => {
        unsubscribe();
        processMetrics.stop();
      };
    },
    recordResponse({ method, route, status, seconds }) {
      responses.inc({ method, route, status: String(status) });
      requestLatency.observe(seconds, { method, route });
    },
    async render(runtime, gauges = {}) {
      // Destroyed sessions stay registered (they refuse everything) but are not live: not counted.
      const phases = new Map<string, number>(LIVE_PHASES.map((p) => [p, 0]));
      const lanes = { queue: 0, steer: 0 };
      let running = 0;
      for (let offset = 0; ; offset += 1000) {
        const page = await runtime.listSessions({ offset, limit: 1000 });
        for (const s of page) {
          if (s.phase === 'destroyed') continue;
          phases.set(s.phase, (phases.get(s.phase) ?? 0) + 1);
          lanes.queue += s.queue;
          lanes.steer += s.steer;
          if (s.running) running += 1;
        }
        if (page.length < 1000) break;
      }
      const liveCounts = new Map<LiveState, number>(LIVE_STATES.map((s) => [s, 0]));
      for (const inputs of live.values()) {
        for (const state of inputs.values())
          liveCounts.set(state, (liveCounts.get(state) ?? 0) + 1);
      }
      return [
        renderFamily(
          'burrow_sessions',
          'gauge',
          'Registered sessions, by visible phase (destroyed ones are not counted).',
          [...[...phases].map(([phase, value]) => ({ labels: { phase }, value }))],
        ),
        renderFamily('burrow_sessions_running', 'gauge', 'Sessions with a turn in flight.', [
          { labels: {}, value: running },
        ]),
        renderFamily('burrow_queue_length', 'gauge', 'Inputs waiting in session lanes, by lane.', [
          { labels: { lane: 'queue' }, value: lanes.queue },
          { labels: { lane: 'steer' }, value: lanes.steer },
        ]),
        renderFamily(
          'burrow_inputs',
          'gauge',
          'Non-terminal inputs seen by this server, by state.',
          [...[...liveCounts].map(([state, value]) => ({ labels: { state }, value }))],
        ),
        inputEvents.render(),
        turns.render(),
        tokens.render(),
        turnLatency.render(),
        commitLatency.render(),
        responses.render(),
        requestLatency.render(),
        renderFamily('burrow_sse_streams', 'gauge', 'Open Server-Sent Event streams.', [
          { labels: {}, value: gauges.openStreams ?? 0 },
        ]),
        renderOwnershipMetrics(runtime),
        processMetrics.render(),
      ].join('');
    },
  };
}
