// The answer to a request that submitted an input (a prompt, or an approval decision): 202 with the
// input's location at once, or, with `?wait=`, 200 with its outcome when it ends in time.

import type { Context } from 'hono';
import type { AcceptResult } from '../runtime/operation-types.js';
import type { ServerDeps } from './routes/route-spec.js';
import { json } from './routes/route-spec.js';
import { waitFor } from './wait-for.js';

/** Answers an accepted input of session `id`; `wait` is the parsed `?wait=` (null: do not wait). */
export async function acceptedAnswer(
  c: Context,
  deps: ServerDeps,
  id: string,
  accepted: AcceptResult,
  wait: number | null,
): Promise<Response> {
  const location = `/v1/sessions/${encodeURIComponent(id)}/inputs/${encodeURIComponent(accepted.inputId)}`;
  const base = {
    inputId: accepted.inputId,
    status: accepted.status,
    decision: accepted.decision,
  };
  if (wait === null) return json({ ...base, outcome: null }, 202, { location });
  const outcome = await waitFor(accepted.completion, wait, [c.req.raw.signal, deps.closing]);
  return json({ ...base, outcome }, outcome === null ? 202 : 200, { location });
}
