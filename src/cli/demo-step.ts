// What one step of `burrow demo` reports: its inputs and their outcomes, the events that tell the story,
// and explanations derived from those outcomes.

import type { JsonValue } from '../core/json.js';
import type { RuntimeEvent, RuntimeEventType } from '../core/runtime-event.js';
import type { DemoInput } from './demo-kit.js';

/** The steps of the tour, in order. */
export const DEMO_STEPS = [
  'queue',
  'steer',
  'interrupt',
  'latest',
  'reject',
  'cancel-after-boundary',
  'unregister-race',
] as const;
/** One of {@link DEMO_STEPS}. */
export type DemoStepName = (typeof DEMO_STEPS)[number];

/** An event as the demo shows it. */
export interface StoryEvent {
  /** Null for a transient event (a rejection): it has no seq of its own. */
  readonly seq: number | null;
  readonly type: RuntimeEventType;
  readonly data: JsonValue;
}

/** One step's report. */
export interface DemoStep {
  readonly name: DemoStepName;
  readonly title: string;
  readonly inputs: readonly DemoInput[];
  readonly events: readonly StoryEvent[];
  readonly why: readonly string[];
}

/** The event types worth narrating (the rest — phase changes, staging — is in `burrow tail`). */
const STORY_TYPES: readonly RuntimeEventType[] = [
  'input.accepted',
  'input.rejected',
  'input.superseded',
  'input.abandoned',
  'run.started',
  'run.boundary',
  'run.completed',
  'run.cancelled',
  'run.failed',
  'session.unregistered',
];

/** The story events of a session, as the runtime emitted them. */
export function storyOf(events: readonly RuntimeEvent[]): StoryEvent[] {
  return events
    .filter((e) => STORY_TYPES.includes(e.type))
    .map((e) => ({ seq: e.seq, type: e.type, data: e.data as unknown as JsonValue }));
}
