// Builds what the executor sees of a batch: staged-input views and the merged turn metadata.

import type { InputRecord } from '../../core/ledger/input-record.js';
import type { JsonValue } from '../../core/json.js';
import type { StagedInput, TurnMetadata } from '../executor.js';

/** The executor's view of one input. */
export function stagedInput(record: InputRecord): StagedInput {
  return {
    inputId: record.header.inputId,
    kind: record.payload.kind,
    payload: record.payload,
    origin: record.header.origin,
    createdAt: record.header.createdAt,
    metadata: record.header.metadata,
  };
}

/**
 * Merges the batch's per-input metadata (prompt `turn` options and header `metadata`). Two inputs that
 * set the same scalar to different values conflict: the run fails before it starts.
 */
export function mergeTurnMetadata(
  records: readonly InputRecord[],
): { ok: true; metadata: TurnMetadata } | { ok: false; conflict: string } {
  let model: string | undefined;
  let instructions: string | undefined;
  let tools: string[] | undefined;
  const values: Record<string, JsonValue> = {};
  for (const record of records) {
    const turn = record.payload['turn'] as
      { model?: string; instructions?: string; tools?: string[] } | undefined;
    if (turn?.model !== undefined) {
      if (model !== undefined && model !== turn.model)
        return { ok: false, conflict: `model: '${model}' vs '${turn.model}'` };
      model = turn.model;
    }
    if (turn?.instructions !== undefined) {
      if (instructions !== undefined && instructions !== turn.instructions)
        return { ok: false, conflict: 'instructions differ' };
      instructions = turn.instructions;
    }
    if (turn?.tools !== undefined) tools = [...new Set([...(tools ?? []), ...turn.tools])];
    for (const [key, value] of Object.entries(record.header.metadata ?? {})) {
      if (key in values && JSON.stringify(values[key]) !== JSON.stringify(value))
        return { ok: false, conflict: `metadata.${key} differs` };
      values[key] = value;
    }
  }
  return {
    ok: true,
    metadata: {
      ...(model !== undefined ? { model } : {}),
      ...(instructions !== undefined ? { instructions } : {}),
      ...(tools !== undefined ? { tools } : {}),
      values,
    },
  };
}
