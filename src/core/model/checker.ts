// The exhaustive model checker: breadth-first exploration of the session machine over bounded domains.
//
// At every reachable state it checks the invariants, determinism, that the state is never mutated
// (states are deep-frozen, so a row that mutates throws), and that every refusal names a guard. On
// every transition it checks the trace properties (bindings are filled, never replaced; a recorded
// outcome never changes). After each scenario it checks liveness on the explored graph; after all of
// them, that every row emitted each effect it declares (`core/model/emits.ts`; an undeclared effect fails
// the step itself). A failure carries the shortest input trace from the initial state.

import { checkInvariants } from '../machine/invariants.js';
import type { MachineInput } from '../machine/inputs.js';
import type { Scenario } from './domain.js';
import { SCENARIOS, withinBounds } from './domain.js';
import type { MachineState } from '../machine/state.js';
import { initialState } from '../machine/state.js';
import { machineStateKey } from '../machine/state-key.js';
import type { ExploredGraph, ModelFailure } from './graph.js';
import { traceTo } from './graph.js';
import { livenessFailures } from './liveness.js';
import { KNOWN_REFUSALS, transitionViolations } from './properties.js';
import { EmitsCoverage } from './emits.js';
import type { StepResult } from '../machine/session-machine.js';
import { step, stepRow, TRANSITIONS, UndeclaredEffectError } from '../machine/session-machine.js';

/** Statistics and findings of one scenario. */
export interface ScenarioReport {
  readonly scenario: string;
  readonly states: number;
  readonly transitions: number;
  readonly refusals: number;
  readonly pruned: number;
  readonly failures: readonly ModelFailure[];
}

/** Statistics and findings of a whole model-check run. */
export interface ModelCheckReport {
  /** Distinct states over all scenarios. */
  readonly states: number;
  /** Accepted steps explored (self-loops included). */
  readonly transitions: number;
  readonly refusals: number;
  readonly scenarios: readonly ScenarioReport[];
  readonly failures: readonly ModelFailure[];
  /** The (row, declared effect) pairs checked for being emitted somewhere (0 on a partial run). */
  readonly declaredEmits: number;
}

/** Options of {@link checkModel}. */
export interface ModelCheckOptions {
  /** Stop a scenario after this many failures (default 10). */
  readonly maxFailures?: number;
  /** Called every 5,000 states with the scenario and the count so far (progress display). */
  readonly onProgress?: (scenario: string, states: number) => void;
  /** Scenarios to explore (default: all; declared effects are checked for being emitted only then). */
  readonly scenarios?: readonly Scenario[];
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value as object)) deepFreeze(child);
  }
  return value;
}

function sameResult(a: StepResult, b: StepResult): boolean {
  if (!a.ok || !b.ok)
    return !a.ok && !b.ok && JSON.stringify(a.rejection) === JSON.stringify(b.rejection);
  return (
    machineStateKey(a.state) === machineStateKey(b.state) &&
    JSON.stringify(a.effects) === JSON.stringify(b.effects)
  );
}

/**
 * Explores one scenario exhaustively; `seen` collects state keys and `emits` what each row emitted,
 * across scenarios.
 */
export function exploreScenario(
  scenario: Scenario,
  options: ModelCheckOptions = {},
  seen: Set<string> = new Set(),
  emits: EmitsCoverage = new EmitsCoverage(),
): ScenarioReport & { graph: ExploredGraph } {
  const maxFailures = options.maxFailures ?? 10;
  const ids = new Map<string, number>();
  const graph: ExploredGraph = { states: [], parent: [], via: [], successors: [] };
  const failures: ModelFailure[] = [];
  let transitions = 0;
  let refusals = 0;
  let pruned = 0;

  const add = (state: MachineState, parent: number, via: MachineInput | null): number => {
    const key = machineStateKey(state);
    const known = ids.get(key);
    if (known !== undefined) return known;
    const id = graph.states.length;
    ids.set(key, id);
    seen.add(key);
    graph.states.push(deepFreeze(state));
    graph.parent.push(parent);
    graph.via.push(via);
    graph.successors.push([]);
    const violated = checkInvariants(state);
    if (violated.length > 0)
      failures.push({
        property: 'invariant',
        detail: violated.join(', '),
        trace: traceTo(graph, id),
      });
    return id;
  };

  add(initialState(), -1, null);
  for (let id = 0; id < graph.states.length && failures.length < maxFailures; id += 1) {
    if (id % 5_000 === 0) options.onProgress?.(scenario.name, id);
    const state = graph.states[id] as MachineState;
    const successors = new Set<number>();
    for (const input of scenario.inputs(state)) {
      const fail = (property: string, detail: string): void => {
        failures.push({ property, detail, trace: [...traceTo(graph, id), input] });
      };
      let result: StepResult;
      try {
        const stepped = stepRow(state, input);
        result = stepped.result;
        if (result.ok && stepped.row !== null) emits.record(stepped.row, result.effects);
        if (!sameResult(result, step(state, input)))
          fail('determinism', `${input.type} gave two different results`);
      } catch (error: unknown) {
        if (error instanceof UndeclaredEffectError) fail('emits_declared', error.message);
        else fail('no_throw', error instanceof Error ? error.message : String(error));
        continue;
      }
      if (!result.ok) {
        refusals += 1;
        if (!KNOWN_REFUSALS.has(result.rejection.guard))
          fail('refusal_names_guard', `${input.type}: '${result.rejection.guard}'`);
        continue;
      }
      transitions += 1;
      for (const detail of transitionViolations(state, input, result.state))
        fail('trace_property', detail);
      if (!withinBounds(result.state)) {
        pruned += 1;
        continue;
      }
      successors.add(result.state === state ? id : add(result.state, id, input));
    }
    graph.successors[id] = [...successors];
  }
  if (failures.length === 0) failures.push(...livenessFailures(graph));
  return {
    scenario: scenario.name,
    states: graph.states.length,
    transitions,
    refusals,
    pruned,
    failures,
    graph,
  };
}

/**
 * Explores every scenario exhaustively from the initial state and checks every property. Pure: no
 * clock, no I/O; the caller times and prints it.
 */
export function checkModel(options: ModelCheckOptions = {}): ModelCheckReport {
  const seen = new Set<string>();
  const emits = new EmitsCoverage();
  const scenarios = (options.scenarios ?? SCENARIOS).map((scenario) => {
    const { graph: _graph, ...report } = exploreScenario(scenario, options, seen, emits);
    return report;
  });
  const failures = scenarios.flatMap((s) => s.failures);
  // A partial run cannot tell a declared effect that never fires from one its scenarios left out.
  const full = options.scenarios === undefined;
  if (full) failures.push(...emits.unseen());
  return {
    declaredEmits: full ? TRANSITIONS.reduce((sum, row) => sum + (row.emits?.length ?? 0), 0) : 0,
    states: seen.size,
    transitions: scenarios.reduce((sum, s) => sum + s.transitions, 0),
    refusals: scenarios.reduce((sum, s) => sum + s.refusals, 0),
    scenarios,
    failures,
  };
}
