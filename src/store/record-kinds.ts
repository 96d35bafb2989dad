// The kinds of record a store holds, named once for test hooks that reach under a store's interface.

import type { RuntimeId } from './runtime-store.js';

/** Every kind of stored record. */
export const STORED_RECORD_KINDS = [
  'lifecycle',
  'input',
  'receipt',
  'transcript',
  'event',
  'operation',
  'opsCursor',
] as const;

/** One of {@link STORED_RECORD_KINDS}. */
export type StoredRecordKind = (typeof STORED_RECORD_KINDS)[number];

/**
 * Rewrites the stored text of every record of `kind` in a session. Test hooks only: this is how the
 * conformance suite plants a record with an unknown version or a corrupt body, to check that
 * loading refuses it.
 */
export type RecordRewriter = (
  runtimeId: RuntimeId,
  kind: StoredRecordKind,
  edit: (text: string) => string,
) => Promise<void>;
