// Where scripts/relayout.mjs puts each source file: an explicit table, then prefix rules (first match
// wins), and the files known to stay where they are. One meaning per word: "operations" are the
// runtime API's session operations (runtime/operations/), "background" the background operations
// (core/background/, runtime/background/); the word "ops" alone no longer names a file.
//
// Paths are repository-relative. A rule's `$1` is the rest of the file name, so colocated
// `*.test.ts`, `*.property.test.ts` and `*.test-support.ts` files follow their module.

/** Files placed by name (checked before the rules). */
export const PLACES = {
  // Ownership across hosts: leases, the guard that gives a session up in time, who an owner is, counters.
  'src/runtime/ownership.ts': 'src/runtime/ownership/leases.ts',
  'src/runtime/lease-guard.ts': 'src/runtime/ownership/lease-guard.ts',
  'src/runtime/owner-identity.ts': 'src/runtime/ownership/owner-identity.ts',
  'src/runtime/owner-identity.test.ts': 'src/runtime/ownership/owner-identity.test.ts',
  'src/runtime/ownership-stats.ts': 'src/runtime/ownership/stats.ts',
  // A person's decisions on pending approvals (the requests are made by the turn: loop/).
  'src/runtime/approval-decisions.ts': 'src/runtime/approvals/decisions.ts',
  'src/runtime/approval-denials.ts': 'src/runtime/approvals/denials.ts',
  // The model checker's bounded domains belong to the checker, not the machine.
  'src/core/machine-domain.ts': 'src/core/model/domain.ts',
  'src/core/machine-domain-tooling.ts': 'src/core/model/domain-tooling.ts',
  'src/core/input-record.ts': 'src/core/ledger/input-record.ts',
  // The runtime's turn: what the loop calls around a run.
  'src/runtime/executor-detach.ts': 'src/runtime/loop/executor-detach.ts',
  'src/runtime/thrown-value.ts': 'src/runtime/loop/thrown-value.ts',
  'src/runtime/thrown-value.test.ts': 'src/runtime/loop/thrown-value.test.ts',
  'src/runtime/turn-metadata.ts': 'src/runtime/loop/turn-metadata.ts',
  'src/runtime/approval-requests.ts': 'src/runtime/loop/approval-requests.ts',
  // Machine refusals as BurrowErrors and the in-memory entry lookups every operation starts with.
  'src/runtime/machine-errors.ts': 'src/runtime/session/refusals.ts',
  // A session's event stream: serialization, replay and live subscribers, the store's tail, input events.
  'src/runtime/store-event-tail.ts': 'src/runtime/events/store-tail.ts',
  'src/runtime/input-events.ts': 'src/runtime/events/input-events.ts',
  // The accept operation's steps under the gate (one parse, admission, identity, the plan).
  'src/runtime/input-accept.ts': 'src/runtime/operations/input-accept.ts',
  'src/runtime/input-admit.ts': 'src/runtime/operations/input-admit.ts',
  'src/server/route-spec.ts': 'src/server/routes/route-spec.ts',
  'src/server/event-frames.ts': 'src/server/sse/event-frames.ts',
  'src/server/metrics.ts': 'src/server/metrics/server-metrics.ts',
  'src/server/ownership-metrics.ts': 'src/server/metrics/ownership-metrics.ts',
  'src/server/process-metrics.ts': 'src/server/metrics/process-metrics.ts',
  'src/server/prometheus.ts': 'src/server/metrics/prometheus.ts',
};

/** Prefix rules, in order: [pattern over the path, target with `$1`]. */
export const RULES = [
  [/^src\/core\/session-machine(\..+)$/, 'src/core/machine/session-machine$1'],
  [/^src\/core\/machine-(.+)$/, 'src/core/machine/$1'],
  [/^src\/core\/rows-(.+)$/, 'src/core/machine/rows/$1'],
  [/^src\/core\/input-ledger(\..+)$/, 'src/core/ledger/input-ledger$1'],
  [/^src\/core\/ledger-(.+)$/, 'src/core/ledger/$1'],
  [/^src\/core\/admission(\..+)$/, 'src/core/admission/admission$1'],
  [/^src\/core\/ops-lifecycle(\..+)$/, 'src/core/background/lifecycle$1'],
  [/^src\/core\/ops-lifecycle-(.+)$/, 'src/core/background/$1'],
  [/^src\/core\/model-(.+)$/, 'src/core/model/$1'],
  // The pure turn planner: a run's verdict and the ledger in, input states, run end, receipt and events out.
  [/^src\/core\/turn-(.+)$/, 'src/core/turn/$1'],
  [/^src\/runtime\/ops-(.+)$/, 'src/runtime/operations/$1'],
  [/^src\/runtime\/runtime-loop(\..+)$/, 'src/runtime/loop/runtime-loop$1'],
  [/^src\/runtime\/run-(.+)$/, 'src/runtime/loop/run-$1'],
  // session-ops wires a session's background registry: background, not a session operation.
  [/^src\/runtime\/session-ops(\..+)$/, 'src/runtime/background/session-registry$1'],
  [/^src\/runtime\/session-(.+)$/, 'src/runtime/session/$1'],
  [/^src\/runtime\/background-ops(\..+)$/, 'src/runtime/background/registry$1'],
  [/^src\/runtime\/background-ops-(.+)$/, 'src/runtime/background/$1'],
  [/^src\/runtime\/event-(.+)$/, 'src/runtime/events/$1'],
  [/^src\/server\/routes-(.+)$/, 'src/server/routes/$1'],
  [/^src\/server\/sse-(.+)$/, 'src/server/sse/$1'],
];

/** Top-level files of src/core, src/runtime and src/server known to stay (others are reported). */
export const STAYS = new Set([
  'src/core/abort.ts',
  'src/runtime/runtime-reports.ts',
  'src/runtime/create-context.ts',
  'src/core/input-submission.ts',
  'src/core/approvals.ts',
  'src/core/assert-never.ts',
  'src/core/bearer-token.ts',
  'src/core/canonical-json.ts',
  'src/core/contract-markdown.ts',
  'src/core/contract.test.ts',
  'src/core/contract.ts',
  'src/core/duration.ts',
  'src/core/errors.ts',
  'src/core/input-kinds.ts',
  'src/core/json-schema.ts',
  'src/core/json.ts',
  'src/core/runtime-event.ts',
  'src/core/session-id.ts',
  'src/core/tool-visibility.ts',
  'src/runtime/clock.ts',
  'src/runtime/comms.ts',
  'src/runtime/completions.ts',
  'src/runtime/diagnostics.ts',
  'src/runtime/effects.ts',
  'src/runtime/executor-error.ts',
  'src/runtime/executor.ts',
  'src/runtime/ids.test.ts',
  'src/runtime/ids.ts',
  'src/runtime/keyed-mutex.ts',
  'src/runtime/retention.ts',
  'src/runtime/runtime-api.ts',
  'src/runtime/operation-types.ts',
  'src/runtime/runtime-views.ts',
  'src/runtime/runtime-lifecycle.ts',
  'src/runtime/settings-wiring.ts',
  'src/runtime/runtime-context.ts',
  'src/runtime/runtime.ts',
  'src/runtime/serial-chain.ts',
  'src/server/accepted-answer.ts',
  'src/server/app.ts',
  'src/server/auth.ts',
  'src/server/client-error.ts',
  'src/server/error-response.ts',
  'src/server/index.ts',
  'src/server/loopback.ts',
  'src/server/openapi-input-schemas.ts',
  'src/server/openapi-schemas.ts',
  'src/server/openapi.ts',
  'src/server/params.ts',
  'src/server/problem.ts',
  'src/server/read-body.ts',
  'src/server/schema-builders.ts',
  'src/server/schemas.ts',
  'src/server/server-logger.ts',
  'src/server/server.ts',
  'src/server/wait-for.ts',
]);
