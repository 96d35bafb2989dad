// The compact row bodies: exact round trips, and the whole-JSON form for what does not fit.

import { describe, expect, it } from 'vitest';
import type { DurableEvent } from '../../core/runtime-event.js';
import { input, receipt } from '../conformance/fixtures.js';
import { runtimeIdOf } from '../runtime-store.js';
import {
  packEvent,
  packInput,
  packReceipt,
  unpackEvent,
  unpackInput,
  unpackReceipt,
} from './compact-rows.js';

const RT = runtimeIdOf('s1');
const UUID = '01a22dc8-c4ab-7395-866d-38bf476e7581';

function event(overrides: Partial<DurableEvent> = {}): DurableEvent {
  return {
    seq: 7,
    id: 'epoch-1.7',
    at: '2026-11-30T18:00:00.123Z',
    sessionId: 's1',
    type: 'run.completed',
    data: { runId: UUID, resultClass: 'text' },
    ...overrides,
  } as DurableEvent;
}

function roundTrip(value: DurableEvent): DurableEvent {
  const packed = packEvent(RT, value);
  if (packed === null) throw new Error('not packed');
  return unpackEvent(RT, value.seq, Date.parse(value.at), packed.body, () => packed.epoch);
}

describe('compact rows', () => {
  it('round-trips an event without its envelope, ids shortened and optional fields left out', () => {
    const packed = packEvent(RT, event());
    expect(packed?.epoch).toBe('epoch-1');
    expect(packed?.body).not.toContain(UUID);
    expect(roundTrip(event())).toEqual(event());
    const usage = { inputTokens: 1, outputTokens: 2 };
    const withUsage = event({ data: { runId: '~not-a-uuid', resultClass: 'x', usage } });
    expect(roundTrip(withUsage)).toEqual(withUsage);
  });

  it('keeps ids that only look like a short id, and enum values it has no index for', () => {
    for (const runId of ['~', '~~x', 'AaItyMSrc5WGbTi_R251gQ', UUID.toUpperCase()]) {
      const value = event({ type: 'input.staged', data: { inputId: '~abc', runId } });
      expect(roundTrip(value)).toEqual(value);
    }
    const phases = event({
      type: 'session.phase_changed',
      data: { from: 'attached', to: 'running' },
    });
    expect(roundTrip(phases)).toEqual(phases);
  });

  it('stores an event whole when its id, session or time is not the implied one', () => {
    expect(packEvent(RT, event({ id: 'no-seq-here' }))).toBeNull();
    expect(packEvent(RT, event({ id: 'epoch.8' }))).toBeNull();
    expect(packEvent(RT, event({ sessionId: 's2' }))).toBeNull();
    expect(packEvent(RT, event({ at: '2026-11-30T18:00:00Z' }))).toBeNull();
  });

  it('round-trips inputs and receipts, and reads rows stored whole', () => {
    const record = {
      ...input('s1', UUID, 3, { status: 'consumed', runId: 'r' }),
      expiresAt: '2027-01-01T00:00:00+01:00',
    };
    const body = packInput(RT, record);
    expect(body).not.toBeNull();
    expect(unpackInput(RT, UUID, 3, body ?? '')).toEqual(record);
    expect(unpackInput(RT, UUID, 3, JSON.stringify(record))).toEqual(record);
    expect(packInput(runtimeIdOf('other'), record)).toBeNull();
    const run = receipt('r1', 2, [UUID, 'plain']);
    expect(unpackReceipt(RT, 'r1', 2, packReceipt(run) ?? '')).toEqual(run);
  });

  it('refuses a compact body it cannot read, naming the record', () => {
    const body = packEvent(RT, event())?.body ?? '';
    expect(() => unpackEvent(RT, 7, 0, body, () => null)).toThrow(/corrupt event .*epoch/);
    expect(() => unpackEvent(RT, 7, 0, '[99]', () => 'e')).toThrow(/unknown event type code 99/);
    expect(() => unpackReceipt(RT, 'r1', 2, '[1,"completed"]')).toThrow(/corrupt run receipt/);
    expect(() => unpackInput(RT, 'a', 1, '[1')).toThrow(/corrupt input record .*not JSON/);
  });
});
