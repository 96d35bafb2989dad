// Test fixture: runtimes that are closed after each test, with a leak check that fails the test.

import { afterEach, expect } from 'vitest';
import type { Runtime } from '../../src/runtime/runtime-api.js';
import type { RuntimeOptions } from '../../src/runtime/runtime-context.js';
import { createRuntime } from '../../src/runtime/runtime.js';
import { ManualClock } from './manual-clock.js';

const open: { runtime: Runtime; clock: ManualClock | null }[] = [];

afterEach(async () => {
  const runtimes = open.splice(0);
  for (const { runtime, clock } of runtimes) {
    const before = runtime.diagnostics();
    for (const session of before.sessions) {
      expect(session.machineViolations, `machine invariants of ${session.sessionId}`).toEqual([]);
      expect(session.ledgerViolations, `ledger invariants of ${session.sessionId}`).toEqual([]);
    }
    await runtime.close({ signal: AbortSignal.timeout(5_000) });
    const after = runtime.diagnostics();
    expect(after.sessions, 'sessions left after close').toEqual([]);
    expect(after.liveLoops, 'live loops after close').toBe(0);
    expect(after.gatesHeld, 'held gates after close').toBe(0);
    expect(after.eventSubscribers.subscribers, 'event subscribers after close').toBe(0);
    if (clock !== null) expect(clock.pending, 'pending timers after close').toBe(0);
  }
});

/** A runtime closed (and leak-checked) after the test. With `manual`, time is driven by the test. */
export async function testRuntime(
  options: RuntimeOptions & { manual?: boolean } = {},
): Promise<{ runtime: Runtime; clock: ManualClock | null }> {
  const clock = options.manual === true ? new ManualClock() : null;
  const runtime = await createRuntime({
    retryBackoffMs: { base: 0, max: 0 },
    // No periodic prune unless a test asks for one: its timer would be a sleeper on the manual clock.
    pruneIntervalMs: 0,
    ...options,
    ...(clock !== null ? { clock } : {}),
  });
  open.push({ runtime, clock });
  return { runtime, clock };
}
