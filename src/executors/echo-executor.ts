// echoExecutor: the zero-configuration default — answers each turn with a summary of its inputs.

import type { JsonValue } from '../core/json.js';
import type { Executor, StagedInput } from '../runtime/executor.js';

function str(value: JsonValue | undefined): string {
  return typeof value === 'string' ? value : JSON.stringify(value ?? null);
}

function describe(input: StagedInput): string {
  const { payload } = input;
  switch (payload.kind) {
    case 'prompt':
    case 'peer_message':
      return typeof payload['content'] === 'string'
        ? payload['content']
        : JSON.stringify(payload['content']);
    case 'external_event':
      return `[event ${str(payload['source'])}/${str(payload['eventType'])}] ${JSON.stringify(payload['payload'])}`;
    case 'peer_request':
      return `[request ${str(payload['requestId'])} from ${str(payload['from'])}] ${JSON.stringify(payload['content'])}`;
    case 'peer_response':
      return `[response ${str(payload['requestId'])}: ${str(payload['status'])}] ${JSON.stringify(payload['content'])}`;
    case 'continuation':
      return `[continuation: ${str(payload['reason'])}]`;
    case 'operation':
      return `[operation ${str(payload['operationId'])}]`;
    case 'approval_decision':
      return `[approval ${str(payload['approvalId'])}: ${str(payload['decision'])}]`;
  }
}

/**
 * An executor that echoes its batch: the output lists what each input said, and the transcript gets a
 * user message and an assistant reply per turn. Steer inputs injected at the boundary are echoed too.
 *
 * @example
 * await runtime.registerSessionWithExecutor('s1', echoExecutor());
 */
export function echoExecutor(options: { readonly prefix?: string } = {}): Executor {
  const prefix = options.prefix ?? 'echo';
  return {
    async apply(run, ctx) {
      const lines = run.inputs.map(describe);
      const directive = await ctx.boundary();
      lines.push(...directive.inject.map(describe));
      const reply = `${prefix}: ${lines.join(' | ')}`;
      const append: JsonValue[] = [
        { role: 'user', content: lines.join('\n') },
        { role: 'assistant', content: reply },
      ];
      ctx.emit({ type: 'text_delta', text: reply });
      if (directive.stop) return { status: 'cancelled', append };
      return {
        status: 'completed',
        output: { reply, inputs: run.inputs.length + directive.inject.length },
        append,
      };
    },
  };
}
