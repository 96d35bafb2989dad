// The public surface of a Runtime, part two: a session's settings, tool visibility, service turns and
// live model switches (03, "Control operations"). `Runtime` (runtime-api.ts) extends it.

import type { JsonValue } from '../core/json.js';
import type { TranscriptEditVerdict } from '../core/machine/effects.js';
import type { ToolEntry, ToolFilter, VisibilitySide } from '../core/tool-visibility.js';
import type { LlmReconfigureHost, OperationOptions } from './operation-types.js';

/** The settings operations of a Runtime. */
export interface RuntimeSettings {
  /** Binds a run for a turn the application runs outside the loop (the first turn of a surface). */
  beginServiceTurn(sessionId: string, options?: OperationOptions): Promise<{ runId: string }>;
  /** `admissible` or `denied_busy` for a transcript edit; any error means deny (fail closed). */
  resolveTranscriptEditAdmission(
    sessionId: string,
    runtimeRunning: boolean,
    hasActiveInputs: boolean,
  ): Promise<TranscriptEditVerdict>;
  /** Replaces the silent-intent set (peer requests with these intents never wake a turn). */
  setSessionSilentIntents(
    sessionId: string,
    intents: readonly string[],
    options?: OperationOptions,
  ): Promise<void>;
  /** Replaces the known tools (filters and deferred requests may only name known tools). */
  replaceToolCatalog(
    sessionId: string,
    tools: readonly ToolEntry[],
    options?: OperationOptions,
  ): Promise<void>;
  /** Stages a tool filter, visible from the next boundary; returns the minted revision. */
  stagePersistentFilter(
    sessionId: string,
    filter: ToolFilter,
    options?: OperationOptions,
  ): Promise<number>;
  /** Requests deferred tools, loaded from the next boundary; returns the minted revision. */
  requestDeferredTools(
    sessionId: string,
    names: readonly string[],
    options?: OperationOptions,
  ): Promise<number>;
  /** Replaces both visibility sides after validation; returns what was installed. */
  publishCommittedVisibleSet(
    sessionId: string,
    sides: { readonly active: VisibilitySide; readonly staged: VisibilitySide },
    options?: OperationOptions,
  ): Promise<{ readonly active: VisibilitySide; readonly staged: VisibilitySide }>;
  /** Records the turn bound by `beginServiceTurn` (no active inputs) as committed, with a receipt. */
  commitServiceTurnTerminalReceipt(sessionId: string, options?: OperationOptions): Promise<void>;
  /** Installs the application's host for live model and provider switches. */
  setSessionLlmReconfigureHost(host: LlmReconfigureHost): void;
  /** Switches a session's model or provider for its next turn through the installed host. */
  reconfigureSessionLlm(
    sessionId: string,
    change: JsonValue,
    options?: OperationOptions,
  ): Promise<JsonValue | void>;
}
