// Derives the input.* events of a ledger patch from each record's state before and after.

import type { InputRecord } from '../../core/ledger/input-record.js';
import type { Ledger } from '../../core/ledger/input-ledger.js';
import { findInput } from '../../core/ledger/input-ledger.js';
import type { EventDraft } from '../session/events.js';

function transitionEvents(before: InputRecord | undefined, after: InputRecord): EventDraft[] {
  const inputId = after.header.inputId;
  const state = after.state;
  if (before === undefined) {
    const accepted: EventDraft = {
      type: 'input.accepted',
      data: { inputId, kind: after.payload.kind, decision: after.decision },
    };
    if (state.status === 'queued')
      return [accepted, { type: 'input.queued', data: { inputId, attempt: after.attempts + 1 } }];
    if (state.status === 'consumed')
      return [accepted, { type: 'input.consumed', data: { inputId, runId: state.runId } }];
    return [accepted];
  }
  if (
    before.state.status === state.status &&
    JSON.stringify(before.state) === JSON.stringify(state)
  )
    return [];
  switch (state.status) {
    case 'queued':
      return [{ type: 'input.queued', data: { inputId, attempt: after.attempts + 1 } }];
    case 'staged':
      return [{ type: 'input.staged', data: { inputId, runId: state.runId } }];
    case 'applied':
      return [{ type: 'input.applied', data: { inputId, runId: state.runId } }];
    case 'consumed':
      return [{ type: 'input.consumed', data: { inputId, runId: state.runId } }];
    case 'superseded':
      return [{ type: 'input.superseded', data: { inputId, by: state.by } }];
    case 'coalesced':
      return [{ type: 'input.coalesced', data: { inputId, into: state.into } }];
    case 'abandoned':
      return [
        {
          type: 'input.abandoned',
          data: {
            inputId,
            reason: state.reason,
            outcome: after.outcome ?? { status: 'abandoned', reason: state.reason },
          },
        },
      ];
  }
}

/**
 * The input events of the records a change writes (`patchRecords` of its patches, in order), read
 * before the patches are applied: each record is compared with the one before it in the change, or
 * with the ledger's.
 */
export function inputEvents(ledger: Ledger, written: readonly InputRecord[]): EventDraft[] {
  const drafts: EventDraft[] = [];
  const seen = new Map<string, InputRecord>();
  for (const after of written) {
    const id = after.header.inputId;
    const before = seen.get(id) ?? findInput(ledger, id);
    drafts.push(...transitionEvents(before, after));
    seen.set(id, after);
  }
  return drafts;
}
