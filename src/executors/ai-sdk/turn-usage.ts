// Adding up the token usage of a turn's model calls.

import type { LanguageModelUsage } from 'ai';
import type { RunUsage } from '../../runtime/executor.js';

/** Token counts summed over the steps of one turn; a count no step reported stays absent. */
export class TurnUsage {
  private inputTokens: number | undefined;
  private outputTokens: number | undefined;
  private totalTokens: number | undefined;

  /** Adds one step's usage (steps cut short by an abort report none). */
  add(usage: LanguageModelUsage | undefined): void {
    if (usage === undefined) return;
    this.inputTokens = sum(this.inputTokens, usage.inputTokens);
    this.outputTokens = sum(this.outputTokens, usage.outputTokens);
    this.totalTokens = sum(this.totalTokens, usage.totalTokens);
  }

  /** The usage for `RunResult.usage`, or `undefined` when no step reported any. */
  toRunUsage(): RunUsage | undefined {
    const usage: { inputTokens?: number; outputTokens?: number; totalTokens?: number } = {};
    if (this.inputTokens !== undefined) usage.inputTokens = this.inputTokens;
    if (this.outputTokens !== undefined) usage.outputTokens = this.outputTokens;
    if (this.totalTokens !== undefined) usage.totalTokens = this.totalTokens;
    return Object.keys(usage).length === 0 ? undefined : usage;
  }
}

function sum(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  return b === undefined ? a : a + b;
}
