// Transition rows: the tool catalog and revisioned visibility (staged, applied at a boundary, published).

import type { TransitionRow } from '../row.js';
import { REGISTERED_PHASES, row } from '../row.js';
import type { MachineState } from '../state.js';
import type { VisibilitySide } from '../../tool-visibility.js';
import { normaliseFilter, normaliseNames } from '../../tool-visibility.js';

function normaliseSide(side: VisibilitySide): VisibilitySide {
  return {
    revision: side.revision,
    filter: normaliseFilter(side.filter),
    deferred: normaliseNames(side.deferred),
  };
}

function stage(
  state: MachineState,
  change: (staged: VisibilitySide) => Omit<VisibilitySide, 'revision'>,
): MachineState {
  const revision = state.visibility.nextRevision + 1;
  return {
    ...state,
    visibility: {
      ...state.visibility,
      nextRevision: revision,
      staged: { ...change(state.visibility.staged), revision },
    },
  };
}

/** Rows for tool visibility. */
export const VISIBILITY_ROWS: readonly TransitionRow[] = [
  row({
    input: 'ReplaceToolCatalog',
    from: REGISTERED_PHASES,
    guards: ['registered', 'catalog_names_unique', 'catalog_keeps_names_in_use'],
    to: 'self',
    summary: 'replaces the known tools; may not orphan a name a filter or deferred request uses',
    apply: (s, i) => ({
      ...s,
      visibility: {
        ...s.visibility,
        catalog: [...i.tools].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
      },
    }),
  }),
  row({
    input: 'StagePersistentFilter',
    from: REGISTERED_PHASES,
    guards: ['registered', 'filter_names_known'],
    to: 'self',
    summary: 'mints a revision and stages the filter',
    apply: (s, i) =>
      stage(s, (staged) => ({ filter: normaliseFilter(i.filter), deferred: staged.deferred })),
  }),
  row({
    input: 'RequestDeferredTools',
    from: REGISTERED_PHASES,
    guards: ['registered', 'deferred_names_known'],
    to: 'self',
    summary:
      'mints a revision and adds the names to the staged deferred set (staged names are kept)',
    apply: (s, i) =>
      stage(s, (staged) => ({
        filter: staged.filter,
        deferred: normaliseNames([...staged.deferred, ...i.names]),
      })),
  }),
  row({
    input: 'ApplyStagedVisibility',
    from: REGISTERED_PHASES,
    guards: ['registered', 'revision_is_staged'],
    to: 'self',
    summary: 'at a run boundary: the staged side becomes active (a no-op when already active)',
    apply: (s) =>
      s.visibility.active.revision === s.visibility.staged.revision
        ? s
        : { ...s, visibility: { ...s.visibility, active: s.visibility.staged } },
    effects: (post, _i, pre) =>
      post.visibility === pre.visibility
        ? []
        : [{ type: 'VisibilityApplied', revision: post.visibility.active.revision }],
    emits: ['VisibilityApplied'],
  }),
  row({
    input: 'PublishCommittedVisibleSet',
    from: REGISTERED_PHASES,
    guards: [
      'registered',
      'published_revisions_ordered',
      'published_content_consistent',
      'published_names_known',
    ],
    to: 'self',
    summary: 'replaces both sides after validation',
    apply: (s, i) => ({
      ...s,
      visibility: {
        ...s.visibility,
        active: normaliseSide(i.active),
        staged: normaliseSide(i.staged),
        nextRevision: Math.max(s.visibility.nextRevision, i.staged.revision),
      },
    }),
    effects: (post) => [
      { type: 'CommittedVisibleSetPublished', revision: post.visibility.active.revision },
    ],
    emits: ['CommittedVisibleSetPublished'],
  }),
];
