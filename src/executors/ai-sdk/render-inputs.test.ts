import { describe, expect, it } from 'vitest';
import { renderInputs } from './render-inputs.js';
import { stagedInput } from './test-harness.test-support.js';

describe('renderInputs', () => {
  it('sends a prompt as the user wrote it, text or blocks', () => {
    expect(
      renderInputs([
        stagedInput({ kind: 'prompt', content: 'Hello' }),
        stagedInput({
          kind: 'prompt',
          content: [
            { type: 'text', text: 'What is this?' },
            { type: 'image', mediaType: 'image/png', url: 'https://example.test/cat.png' },
          ],
        }),
      ]),
    ).toEqual([
      { role: 'user', content: 'Hello' },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'What is this?' },
          { type: 'image', image: 'https://example.test/cat.png', mediaType: 'image/png' },
        ],
      },
    ]);
  });

  it('says where events and peer traffic come from', () => {
    const rendered = renderInputs([
      stagedInput(
        { kind: 'external_event', source: 'github', eventType: 'push', payload: { ref: 'main' } },
        'external',
      ),
      stagedInput({ kind: 'peer_message', from: 'planner', content: 'Step 2 is done' }, 'peer'),
      stagedInput(
        {
          kind: 'peer_request',
          from: 'planner',
          requestId: 'r1',
          intent: 'review',
          content: 'Check PR 7',
        },
        'peer',
      ),
      stagedInput(
        {
          kind: 'peer_response',
          from: 'reviewer',
          requestId: 'r2',
          status: 'completed',
          content: [{ type: 'text', text: 'LGTM' }],
        },
        'peer',
      ),
      stagedInput({ kind: 'operation', operationId: 'op-1', notice: { progress: 0.5 } }, 'system'),
    ]);
    expect(rendered).toEqual([
      { role: 'user', content: '[event from github: push] {"ref":"main"}' },
      { role: 'user', content: '[message from peer planner] Step 2 is done' },
      { role: 'user', content: '[request r1 from peer planner, intent review] Check PR 7' },
      {
        role: 'user',
        content: [
          { type: 'text', text: '[response from peer reviewer to request r2: completed]' },
          { type: 'text', text: 'LGTM' },
        ],
      },
      { role: 'user', content: '[notice from operation op-1] {"progress":0.5}' },
    ]);
  });

  it('renders a continuation as a message that resumes the pending work with its result', () => {
    const [message] = renderInputs([
      stagedInput(
        {
          kind: 'continuation',
          reason: 'build finished',
          operationId: 'op-9',
          result: { ok: true },
        },
        'system',
      ),
    ]);
    expect(message).toEqual({
      role: 'user',
      content:
        '[continuation: build finished] operation op-9 finished with result: {"ok":true} Resume the pending work using this.',
    });
    expect(renderInputs([stagedInput({ kind: 'continuation', reason: 'timer' })])[0]?.content).toBe(
      '[continuation: timer] Resume the pending work using this.',
    );
  });
});
