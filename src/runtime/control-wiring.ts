// The Runtime's control operations (interrupt, cancel after boundary, retire, recycle, reset, stop,
// destroy, unregister) and where a session is, wired to runtime/operations (each refusing an invalid
// session id first).

import { isBurrowError } from '../core/errors.js';
import * as control from './operations/control.js';
import { stop } from './operations/stop.js';
import { unregisterSession } from './operations/unregister.js';
import type { OperationOptions } from './operation-types.js';
import type { Runtime } from './runtime-api.js';
import type { RuntimeContext } from './runtime-context.js';
import { activeEntry } from './session/access.js';
import { checkedId } from './session/id-check.js';

const opts = (o?: OperationOptions): OperationOptions => o ?? {};

/** The control operations of the runtime over `ctx`. */
export function controlOperations(
  ctx: RuntimeContext,
): Pick<
  Runtime,
  | 'interrupt'
  | 'cancelAfterBoundary'
  | 'retire'
  | 'abandonRetiredPendingInputs'
  | 'recycle'
  | 'reset'
  | 'stop'
  | 'destroy'
  | 'unregisterSession'
  | 'unregisterSessionIfEpoch'
  | 'locateSession'
  | 'containsSession'
> {
  return {
    interrupt: checkedId((id, reason = 'interrupted', o) =>
      control.interrupt(ctx, id, reason, opts(o)),
    ),
    cancelAfterBoundary: checkedId((id, reason = 'cancel after boundary', o) =>
      control.cancelAfterBoundary(ctx, id, reason, opts(o)),
    ),
    retire: checkedId((id, o) => control.retire(ctx, id, opts(o))),
    abandonRetiredPendingInputs: checkedId((id, reason = 'retired', o) =>
      control.abandonRetiredPendingInputs(ctx, id, reason, opts(o)),
    ),
    recycle: checkedId((id, o) => control.recycle(ctx, id, opts(o))),
    reset: checkedId((id, o) => control.reset(ctx, id, opts(o))),
    stop: checkedId((id, reason = 'stopped', o) => stop(ctx, id, reason, opts(o))),
    destroy: checkedId((id, o) => control.destroy(ctx, id, opts(o))),
    unregisterSession: checkedId(async (id, o) => {
      await unregisterSession(ctx, id, opts(o));
    }),
    unregisterSessionIfEpoch: checkedId((id, epochId: string, o) =>
      unregisterSession(ctx, id, { ...opts(o), epochId }),
    ),
    locateSession: checkedId((id) =>
      activeEntry(ctx, id).then(
        () => 'here' as const,
        (error: unknown) => {
          if (isBurrowError(error, 'session_not_found')) return 'unknown' as const;
          if (isBurrowError(error, 'fenced')) return 'elsewhere' as const;
          throw error;
        },
      ),
    ),
    containsSession: checkedId((id) =>
      activeEntry(ctx, id).then(
        () => true,
        (error: unknown) => {
          // Unknown, or owned by another live host: not registered in this runtime.
          if (isBurrowError(error, 'session_not_found') || isBurrowError(error, 'fenced'))
            return false;
          throw error;
        },
      ),
    ),
  };
}
