// The Runtime's session settings and tool-visibility operations, wired to operations/settings.ts
// (each refusing an invalid session id first).

import type { JsonValue } from '../core/json.js';
import type { ToolEntry, ToolFilter, VisibilitySide } from '../core/tool-visibility.js';
import * as settings from './operations/settings.js';
import type { LlmReconfigureHost } from './operation-types.js';
import type { Runtime } from './runtime-api.js';
import type { RuntimeContext } from './runtime-context.js';
import { checkedId } from './session/id-check.js';

/** The settings and visibility operations of the runtime over `ctx`. */
export function settingsOperations(
  ctx: RuntimeContext,
): Pick<
  Runtime,
  | 'beginServiceTurn'
  | 'resolveTranscriptEditAdmission'
  | 'setSessionSilentIntents'
  | 'replaceToolCatalog'
  | 'stagePersistentFilter'
  | 'requestDeferredTools'
  | 'publishCommittedVisibleSet'
  | 'commitServiceTurnTerminalReceipt'
  | 'setSessionLlmReconfigureHost'
  | 'reconfigureSessionLlm'
> {
  return {
    beginServiceTurn: checkedId((id, o) => settings.beginServiceTurn(ctx, id, o ?? {})),
    resolveTranscriptEditAdmission: checkedId((id, running: boolean, active: boolean) =>
      settings.resolveTranscriptEditAdmission(ctx, id, running, active),
    ),
    setSessionSilentIntents: checkedId((id, intents: readonly string[], o) =>
      settings.setSessionSilentIntents(ctx, id, intents, o ?? {}),
    ),
    replaceToolCatalog: checkedId((id, tools: readonly ToolEntry[], o) =>
      settings.replaceToolCatalog(ctx, id, tools, o ?? {}),
    ),
    stagePersistentFilter: checkedId((id, filter: ToolFilter, o) =>
      settings.stagePersistentFilter(ctx, id, filter, o ?? {}),
    ),
    requestDeferredTools: checkedId((id, names: readonly string[], o) =>
      settings.requestDeferredTools(ctx, id, names, o ?? {}),
    ),
    publishCommittedVisibleSet: checkedId(
      (id, sides: { active: VisibilitySide; staged: VisibilitySide }, o) =>
        settings.publishCommittedVisibleSet(ctx, id, sides, o ?? {}),
    ),
    commitServiceTurnTerminalReceipt: checkedId((id, o) =>
      settings.commitServiceTurnTerminalReceipt(ctx, id, o ?? {}),
    ),
    setSessionLlmReconfigureHost: (host: LlmReconfigureHost) => {
      ctx.llmHost = host;
    },
    reconfigureSessionLlm: checkedId((id, change: JsonValue, o) =>
      settings.reconfigureSessionLlm(ctx, id, change, o ?? {}),
    ),
  };
}
