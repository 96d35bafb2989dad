// The guards of the tool-visibility inputs: catalog names, filters, deferred requests, revisions and
// published sides.

import type { GuardSpec, With } from './machine-guard-spec.js';
import { allKnown, namesInUse, normaliseNames, sameContent, sideNames } from './tool-visibility.js';

/** The tool-visibility guards, by name. */
export const TOOL_GUARDS = {
  catalog_names_unique: {
    description: 'the new catalog names each tool once',
    check(_s, i: With<'tools'>) {
      const names = i.tools.map((t) => t.name);
      return new Set(names).size === names.length;
    },
  },
  catalog_keeps_names_in_use: {
    description: 'the new catalog still knows every tool a filter or deferred request names',
    check(s, i: With<'tools'>) {
      return allKnown(i.tools, namesInUse(s.visibility));
    },
  },
  filter_names_known: {
    description: 'every tool the filter names is in the catalog',
    check(s, i: With<'filter'>) {
      return allKnown(s.visibility.catalog, i.filter.type === 'all' ? [] : i.filter.names);
    },
  },
  deferred_names_known: {
    description: 'every deferred tool is in the catalog',
    check(s, i: With<'names'>) {
      return allKnown(s.visibility.catalog, i.names);
    },
  },
  revision_is_staged: {
    description: "the input's revision is the staged revision",
    check(s, i: With<'revision'>) {
      return i.revision === s.visibility.staged.revision;
    },
  },
  published_revisions_ordered: {
    description: 'the published active revision is at most the staged revision',
    check(_s, { active, staged }: With<'active'>) {
      return active.revision >= 0 && active.revision <= staged.revision;
    },
  },
  published_content_consistent: {
    description: 'equal published revisions carry equal content',
    check(_s, { active, staged }: With<'active'>) {
      return active.revision !== staged.revision || sameContent(active, staged);
    },
  },
  published_names_known: {
    description: 'every tool the published sides name is in the catalog',
    check(s, { active, staged }: With<'active'>) {
      return allKnown(
        s.visibility.catalog,
        normaliseNames([...sideNames(active), ...sideNames(staged)]),
      );
    },
  },
} satisfies Record<string, GuardSpec<never>>;
