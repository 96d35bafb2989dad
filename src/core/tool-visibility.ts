// Tool visibility: revisioned filters and deferred tools, staged and then applied at a boundary.

/** Which tools a session may see: all of them, only some, or all but some. Names are sorted. */
export type ToolFilter =
  | { readonly type: 'all' }
  | { readonly type: 'allow'; readonly names: readonly string[] }
  | { readonly type: 'deny'; readonly names: readonly string[] };

/** One side (staged or active) of the visibility state. */
export interface VisibilitySide {
  readonly revision: number;
  readonly filter: ToolFilter;
  /** Deferred tools requested for loading; sorted, unique. */
  readonly deferred: readonly string[];
}

/** A known tool and where it comes from (`builtin`, `mcp:server`, ...). */
export interface ToolEntry {
  readonly name: string;
  readonly provenance: string;
}

/**
 * The machine-owned visibility state. `nextRevision` is the last revision minted; the invariant is
 * `nextRevision >= staged.revision >= active.revision`.
 */
export interface VisibilityState {
  /** Sorted by name, unique names. */
  readonly catalog: readonly ToolEntry[];
  readonly nextRevision: number;
  readonly staged: VisibilitySide;
  readonly active: VisibilitySide;
}

const ALL: ToolFilter = { type: 'all' };

const INITIAL_SIDE: VisibilitySide = Object.freeze({
  revision: 0,
  filter: ALL,
  deferred: Object.freeze([]),
});
const INITIAL: VisibilityState = Object.freeze({
  catalog: Object.freeze([]),
  nextRevision: 0,
  staged: INITIAL_SIDE,
  active: INITIAL_SIDE,
});

/** The visibility of a fresh session: everything visible, revision 0 everywhere (shared and frozen). */
export function initialVisibility(): VisibilityState {
  return INITIAL;
}

/** Sorted, de-duplicated copy of `names`. */
export function normaliseNames(names: readonly string[]): string[] {
  return [...new Set(names)].sort();
}

/** Normalises a filter's names so that equal filters are structurally equal. */
export function normaliseFilter(filter: ToolFilter): ToolFilter {
  return filter.type === 'all' ? ALL : { type: filter.type, names: normaliseNames(filter.names) };
}

/** Every tool name a side refers to. */
export function sideNames(side: VisibilitySide): string[] {
  const filterNames = side.filter.type === 'all' ? [] : side.filter.names;
  return [...filterNames, ...side.deferred];
}

/** True when both sides carry the same filter and deferred set (revisions aside). */
export function sameContent(a: VisibilitySide, b: VisibilitySide): boolean {
  return (
    JSON.stringify([normaliseFilter(a.filter), normaliseNames(a.deferred)]) ===
    JSON.stringify([normaliseFilter(b.filter), normaliseNames(b.deferred)])
  );
}

/** True when every name is in the catalog. */
export function allKnown(catalog: readonly ToolEntry[], names: readonly string[]): boolean {
  const known = new Set(catalog.map((entry) => entry.name));
  return names.every((name) => known.has(name));
}

/** The names the staged and active sides use (a catalog change may not orphan them). */
export function namesInUse(visibility: VisibilityState): string[] {
  return normaliseNames([...sideNames(visibility.staged), ...sideNames(visibility.active)]);
}

/** Names of the visibility rules that `visibility` breaks (empty when it is consistent). */
export function visibilityViolations(visibility: VisibilityState): string[] {
  const { nextRevision, staged, active, catalog } = visibility;
  const broken: string[] = [];
  if (!(nextRevision >= staged.revision && staged.revision >= active.revision))
    broken.push('revision_order');
  if (staged.revision === active.revision && !sameContent(staged, active))
    broken.push('equal_revision_equal_content');
  if (!allKnown(catalog, namesInUse(visibility))) broken.push('names_in_catalog');
  return broken;
}
