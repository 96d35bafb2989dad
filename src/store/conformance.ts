// The store conformance suite (04): one behaviour, defined once, that every RuntimeStore must pass.

import { describe } from 'vitest';
import { commitCases } from './conformance/commit-cases.js';
import { closeCases, reopenCases } from './conformance/durability-cases.js';
import type { OpenHarness } from './conformance/harness.js';
import { useHarness } from './conformance/harness.js';
import { listCases } from './conformance/list-cases.js';
import { mailboxCases } from './conformance/mailbox-cases.js';
import { ownershipCases } from './conformance/ownership-cases.js';
import { pruneCases } from './conformance/prune-cases.js';
import { readCases } from './conformance/read-cases.js';
import { refusalCases } from './conformance/refusal-cases.js';
import { roundTripCases } from './conformance/roundtrip-cases.js';

export type { HarnessContext, OpenHarness, StoreHarness } from './conformance/harness.js';

/** Which optional parts of the suite a store takes part in (each needs a capability of the harness). */
export interface ConformanceOptions {
  /** Run the lease and fencing cases (the store implements claim, renew and release). Default true. */
  readonly ownership?: boolean;
  /** Run the reopen cases (the harness provides `reopen`). Default true. */
  readonly reopen?: boolean;
  /** Run the refused-record cases (the harness provides `rewriteRecords`). Default true. */
  readonly refusals?: boolean;
  /** Run the ingress mailbox cases (the store implements `mailbox` and leases). Default false. */
  readonly mailbox?: boolean;
}

/**
 * Registers the conformance suite for one store as vitest `describe`/`it` blocks. `open` is called
 * before every test and must return a fresh, empty store (a new file, schema or database); the
 * suite closes it and calls `cleanup` after the test. A capability switched on in `options` but
 * missing from the harness fails its tests rather than silently skipping them.
 *
 * @example
 * runStoreConformance('memory', async () => ({ store: memoryStore() }), { reopen: false });
 */
export function runStoreConformance(
  name: string,
  open: OpenHarness,
  options: ConformanceOptions = {},
): void {
  describe(`RuntimeStore conformance: ${name}`, () => {
    const ctx = useHarness(open);
    roundTripCases(ctx);
    commitCases(ctx);
    readCases(ctx);
    listCases(ctx);
    pruneCases(ctx);
    closeCases(ctx);
    if (options.ownership !== false) ownershipCases(ctx);
    if (options.reopen !== false) reopenCases(ctx);
    if (options.refusals !== false) refusalCases(ctx);
    if (options.mailbox === true) mailboxCases(ctx);
  });
}
