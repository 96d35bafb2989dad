// The dashboard in a real browser: Debian Chromium driven by playwright-core against a real server,
// with scripted executors whose turns are held open by gates the test controls. Screenshots (desktop
// and 390 px) land in test-artifacts/. Without Chromium the suite is skipped with one line, except in
// CI (.ci/run sets BURROW_REQUIRE_BROWSER=1), where a missing browser fails it.

import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { JsonValue } from '../../src/core/json.js';
import { echoExecutor } from '../../src/executors/echo-executor.js';
import { scriptedExecutor } from '../../src/executors/scripted-executor.js';
import type { ScriptedTurn } from '../../src/executors/scripted-executor.js';
import type { Executor } from '../../src/runtime/executor.js';
import { createRuntime } from '../../src/runtime/runtime.js';
import type { Runtime } from '../../src/runtime/runtime-api.js';
import type { RunningServer, ServerOptions } from '../../src/server/server.js';
import { startServer } from '../../src/server/server.js';
import { memoryStore } from '../../src/store/memory/memory-store.js';
import { createGate } from '../server/harness.js';

const CHROMIUM = process.env['BURROW_CHROMIUM'] ?? '/usr/bin/chromium';
const REQUIRED = process.env['BURROW_REQUIRE_BROWSER'] === '1';
const AVAILABLE = existsSync(CHROMIUM);
if (!AVAILABLE && !REQUIRED) {
  console.warn(
    `skipping the dashboard browser tests: no Chromium at ${CHROMIUM} (apt-get install chromium, or set BURROW_CHROMIUM)`,
  );
}

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
const ARTIFACTS = new URL('../../test-artifacts/', import.meta.url);

let runtime: Runtime;
let store: ReturnType<typeof memoryStore>;
let server: RunningServer;
let context: BrowserContext;
let profile: string;
let turnGate: ReturnType<typeof createGate>;
let pageErrors: string[];

/** A first turn that answers with text, a tool call and its result; later turns wait for the gate. */
const ANSWER: readonly JsonValue[] = [
  { role: 'user', content: 'what is 2 + 2?' },
  {
    role: 'assistant',
    content: [
      { type: 'text', text: 'Let me compute that.' },
      {
        type: 'tool-call',
        toolCallId: 'call-1',
        toolName: 'calculator',
        input: { expression: '2 + 2' },
      },
    ],
  },
  {
    role: 'tool',
    content: [
      {
        type: 'tool-result',
        toolCallId: 'call-1',
        toolName: 'calculator',
        output: { type: 'text', value: '4' },
      },
    ],
  },
  { role: 'assistant', content: '2 + 2 is 4.' },
];
/** Turn n's gate (turns after the first wait on theirs before their first step). */
let turnGates: Map<number, ReturnType<typeof createGate>>;
const gateOf = (index: number): ReturnType<typeof createGate> => {
  let gate = turnGates.get(index);
  if (gate === undefined) turnGates.set(index, (gate = createGate()));
  return gate;
};
const chatTurns = (_run: unknown, index: number): ScriptedTurn =>
  index === 0
    ? { append: ANSWER, output: '2 + 2 is 4.' }
    : { steps: 2, gate: (step) => (step === 0 ? gateOf(index).wait() : Promise.resolve()) };

async function boot(options: Partial<ServerOptions> = {}, width = 1100): Promise<Page> {
  store = memoryStore();
  runtime = await createRuntime({ store, hostId: 'host-a' });
  server = await startServer({
    runtime,
    executorFactory: () => scriptedExecutor([{ gate: () => turnGate.wait() }]),
    host: '127.0.0.1',
    port: 0,
    heartbeatMs: 1000,
    ...options,
  });
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width, height: 900 },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(10_000);
  page.on('pageerror', (error) => pageErrors.push(error.message));
  return page;
}

async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: new URL(name, ARTIFACTS).pathname, fullPage: true });
}

beforeEach(async () => {
  profile = await mkdtemp(join(tmpdir(), 'burrow-chromium-'));
  turnGate = createGate();
  turnGates = new Map();
  pageErrors = [];
});

afterEach(async () => {
  turnGate.open();
  for (const gate of turnGates.values()) gate.open();
  await context?.close();
  await server?.close();
  await runtime?.close();
  await rm(profile, { recursive: true, force: true });
  expect(pageErrors).toEqual([]);
});

const phase = (page: Page, value: string) =>
  page.locator(`#phase[data-phase="${value}"]`).waitFor();

describe.runIf(AVAILABLE || REQUIRED)('dashboard', () => {
  it('finds Chromium (CI requires the browser tests to run)', () => {
    expect(existsSync(CHROMIUM), `no Chromium at ${CHROMIUM}`).toBe(true);
  });

  it('reads like a chat: sends a prompt, shows the answer with its tool call, steers, and interrupts', async () => {
    const page = await boot({ executorFactory: () => scriptedExecutor(chatTurns) });
    await page.goto(server.url);
    await page.locator('#list-view').waitFor();
    await page.fill('#new-session-id', 'chat');
    await page.click('#new-session-form button[type="submit"]');
    await page.waitForURL(/#\/sessions\/chat$/);
    await phase(page, 'attached');
    await page.locator('#stream-state', { hasText: /^live$/ }).waitFor();

    // A prompt, and its answer in the conversation: roles, text, the tool call with its result.
    await page.fill('#send-content', 'what is 2 + 2?');
    await page.press('#send-content', 'Enter');
    const chat = page.locator('#conversation');
    await chat.locator('.msg-assistant', { hasText: '2 + 2 is 4.' }).waitFor();
    await chat.locator('.msg-user', { hasText: 'what is 2 + 2?' }).waitFor();
    const tool = chat.locator('.tool', { hasText: 'calculator' });
    expect(await tool.locator('.result').textContent()).toBe('→ 4');
    expect(await page.locator('#send-content').inputValue()).toBe('');
    await page.locator('#timeline .run.completed').waitFor();

    // A long turn; a steered input joins it at its boundary; the next prompt waits in the queue.
    await page.fill('#send-content', 'write a long story');
    await page.click('#send-button');
    await gateOf(1).entered;
    await phase(page, 'running');
    await chat.locator('.msg-pending', { hasText: 'write a long story' }).waitFor();
    await chat.locator('.msg-live').waitFor();
    await page.selectOption('#send-when-busy', 'steer');
    await page.fill('#send-content', 'mention rabbits');
    await page.click('#send-button');
    await chat.locator('.msg-pending', { hasText: 'waiting to be steered' }).waitFor();
    await page.selectOption('#send-when-busy', '');
    await page.fill('#send-content', 'then a limerick');
    await page.click('#send-button');
    await chat
      .locator('.msg-pending', { hasText: 'queued: runs after the current turn' })
      .waitFor();
    await screenshot(page, 'dashboard-session-running.png');
    gateOf(1).open();
    await page
      .locator('#timeline li.steered', { hasText: '“mention rabbits” steered in here' })
      .waitFor();

    // The limerick's turn runs next and waits: interrupt it from the page.
    await gateOf(2).entered;
    await chat.locator('.msg-pending', { hasText: 'in the running turn' }).waitFor();
    await page.click('#btn-interrupt');
    await page.locator('#status', { hasText: /^Interrupted turn / }).waitFor();
    await chat
      .locator('.msg-ended', { hasText: 'then a limerick' })
      .filter({ hasText: 'cancelled: interrupted from the dashboard' })
      .waitFor();
    await phase(page, 'attached');
    await page.locator('#timeline .run.cancelled').waitFor();
    expect(await page.locator('#inputs-list li').count()).toBe(4);
    await page
      .locator('#events-list li', { hasText: 'phase running → attached' })
      .first()
      .waitFor();
    await screenshot(page, 'dashboard-session.png');
  });

  it('marks an interrupted turn’s inputs as cancelled in the conversation and the inputs list', async () => {
    const page = await boot();
    await runtime.registerSessionWithExecutor(
      's2',
      scriptedExecutor([{ gate: () => turnGate.wait() }]),
    );
    await page.goto(`${server.url}/#/sessions/s2`);
    await phase(page, 'attached');
    await page.fill('#send-content', 'to be interrupted');
    await page.click('#send-button');
    await phase(page, 'running');
    await page.locator('#conversation .msg-pending', { hasText: 'in the running turn' }).waitFor();
    await page.click('#btn-interrupt');
    await page.locator('#status', { hasText: /^Interrupted turn / }).waitFor();
    await page
      .locator('#conversation .msg-ended', {
        hasText: 'cancelled: interrupted from the dashboard',
      })
      .waitFor();
    await page.locator('#inputs-list .outcome-cancelled').waitFor();
    await page.locator('#timeline .run.cancelled').waitFor();
    await phase(page, 'attached');
    await page.click('#btn-retire');
    await phase(page, 'retired');
    await page.click('#btn-unregister');
    await page.waitForURL(/#\/$/);
    expect(await runtime.containsSession('s2')).toBe(false);
  });

  it('keeps a session page usable under a fast event stream (capped lists, final state shown)', async () => {
    const page = await boot();
    await runtime.registerSessionWithExecutor('busy', echoExecutor());
    await page.goto(`${server.url}/#/sessions/busy`);
    await phase(page, 'attached');
    await page.locator('#stream-state', { hasText: /^live$/ }).waitFor();
    let last = '';
    for (let i = 0; i < 400; i += 1) {
      last = (await runtime.acceptInput('busy', { kind: 'prompt', content: `burst ${i}` })).inputId;
    }
    await page
      .locator(`#inputs-list li[data-input-id="${last}"] .state`, { hasText: /^consumed$/ })
      .waitFor();
    await phase(page, 'attached');
    await page.locator('#queue-len', { hasText: /^0$/ }).waitFor();
    // The burst overflows this tab's stream; it catches up after EventSource's reconnect delay.
    await expect.poll(() => page.locator('#events-list li').count(), { timeout: 15_000 }).toBe(300);
    expect(await page.locator('#inputs-list li').count()).toBe(200);
    await page.locator('#conversation .msg-assistant', { hasText: 'echo: burst 399' }).waitFor();
  });

  it('lists sessions with their count, searches by id, filters by phase, sorts, pages, and updates live', async () => {
    const page = await boot();
    for (let i = 0; i < 120; i += 1)
      await runtime.registerSession(`s-${String(i).padStart(3, '0')}`);
    await page.goto(server.url);
    await page.locator('#sessions-table tbody tr[data-session-id="s-000"]').waitFor();
    await page.locator('#session-count', { hasText: /^120$/ }).waitFor();
    expect(await page.locator('#sessions-table tbody tr').count()).toBe(50);
    await page.click('#next-page');
    await page.locator('#sessions-table tbody tr[data-session-id="s-050"]').waitFor();
    expect(await page.locator('#page-info').textContent()).toBe('51–100 of 120');
    await page.click('#prev-page');

    await page.fill('#session-search', 's-11');
    await page.locator('#session-count', { hasText: /^10$/ }).waitFor();
    await page.selectOption('#session-sort', '-id');
    await page
      .locator('#sessions-table tbody tr')
      .first()
      .and(page.locator('[data-session-id="s-119"]'))
      .waitFor();
    await page.fill('#session-search', '');
    await page.selectOption('#session-sort', 'id');

    const first = page.locator('tr[data-session-id="s-000"] .phase');
    // Registration binds the runtime: a registered session is attached, executor or not.
    await first.filter({ hasText: /^attached$/ }).waitFor();

    await runtime.ensureSessionWithExecutor(
      's-000',
      scriptedExecutor([{ gate: () => turnGate.wait() }]),
    );
    await runtime.acceptInput('s-000', { kind: 'prompt', content: 'go' });
    await first.filter({ hasText: /^running$/ }).waitFor();
    await page.selectOption('#session-phase', 'running');
    await page.locator('#session-count', { hasText: /^1$/ }).waitFor();
    turnGate.open();
    await page.selectOption('#session-phase', '');
    await first.filter({ hasText: /^attached$/ }).waitFor();
    // Each session's owner: this host, or another host sharing the store (issue 11).
    expect(await page.locator('tr[data-session-id="s-000"] .owner').textContent()).toBe('host-a');
    const other = await createRuntime({ store, hostId: 'host-b' });
    try {
      await other.registerSession('s-999');
      await page.selectOption('#session-sort', '-id');
      await page.locator('tr[data-session-id="s-999"] .owner', { hasText: /^host-b$/ }).waitFor();
      await page.selectOption('#session-sort', 'id');
    } finally {
      await other.close();
    }
    await screenshot(page, 'dashboard-list.png');
    // The icon the browser asks for.
    expect((await page.request.get(`${server.url}/favicon.ico`)).headers()['content-type']).toBe(
      'image/svg+xml',
    );
  });

  it('fits a 390 px wide phone: nothing runs off the screen, the token menu included', async () => {
    const page = await boot({ executorFactory: () => scriptedExecutor(chatTurns) }, 390);
    await runtime.registerSessionWithExecutor('phone', scriptedExecutor(chatTurns));
    await runtime.acceptInput('phone', { kind: 'prompt', content: 'what is 2 + 2?' });
    for (const hash of ['#/', '#/sessions/phone']) {
      await page.goto(`${server.url}/${hash}`);
      if (hash !== '#/') {
        await page.locator('#conversation .msg-assistant', { hasText: '2 + 2 is 4.' }).waitFor();
      } else await page.locator('tr[data-session-id="phone"]').waitFor();
      await page.click('#token-toggle');
      await page.locator('#token-input').waitFor();
      const widths = await page.evaluate(
        '({ page: document.documentElement.scrollWidth, view: window.innerWidth, menu: document.getElementById("token-form").getBoundingClientRect().right })',
      );
      expect(widths).toMatchObject({ page: 390, view: 390 });
      expect((widths as { menu: number }).menu).toBeLessThanOrEqual(390);
      await page.click('#token-toggle');
    }
    await screenshot(page, 'dashboard-session-390.png');
  });

  it('asks for the token when the server needs one, and streams with it', async () => {
    const page = await boot({ token: 'browser-secret' });
    await runtime.registerSessionWithExecutor(
      't1',
      scriptedExecutor([{ gate: () => turnGate.wait() }]),
    );
    await page.goto(server.url);
    await page.locator('#status.error', { hasText: 'needs a token' }).waitFor();
    await page.locator('#token-menu[open]').waitFor();
    await page.fill('#token-input', 'browser-secret');
    await page.click('#token-form button[type="submit"]');
    await page.locator('tr[data-session-id="t1"]').waitFor();
    await page.click('tr[data-session-id="t1"] a');
    await phase(page, 'attached');
    await page.locator('#stream-state', { hasText: /^live$/ }).waitFor();
    await runtime.acceptInput('t1', { kind: 'prompt', content: 'with a token' });
    await phase(page, 'running');
    turnGate.open();
    await phase(page, 'attached');
    // The page keeps the token for the tab only (sessionStorage, not localStorage).
    const stored = await page.evaluate('window.sessionStorage.getItem("burrow.token")');
    expect(stored).toBe('browser-secret');
  });
  it('shows a tool call waiting for approval with its input and expiry, and approves it', async () => {
    const executions: string[] = [];
    const page = await boot({ executorFactory: () => approvingAgent(executions) });
    await runtime.registerSessionWithExecutor('ask', approvingAgent(executions));
    await page.goto(`${server.url}/#/sessions/ask`);
    await page.locator('#stream-state', { hasText: /^live$/ }).waitFor();
    await page.fill('#send-content', 'tidy up /tmp/old');
    await page.press('#send-content', 'Enter');
    const item = page.locator('#approvals-list li.approval');
    await item.waitFor();
    expect(await page.locator('#approvals-panel').isVisible()).toBe(true);
    expect(await item.locator('.tool-name').textContent()).toBe('deleteFile');
    expect(await item.locator('.approval-input').textContent()).toContain('"/tmp/old"');
    expect(await item.locator('.approval-expiry').textContent()).toMatch(/^expires /);
    await page
      .locator('#conversation .tool', { hasText: 'deleteFile' })
      .filter({ hasText: 'waiting for approval…' })
      .waitFor();
    await screenshot(page, 'dashboard-approval.png');
    expect(executions).toEqual([]);
    await item.locator('button.approve').click();
    await page.locator('#status', { hasText: 'Approved deleteFile.' }).waitFor();
    await page.locator('#approvals-panel').waitFor({ state: 'hidden' });
    await page.locator('#conversation .msg-assistant', { hasText: 'Deleted /tmp/old.' }).waitFor();
    await page.locator('#conversation .tool .result', { hasText: '→ deleted' }).waitFor();
    expect(executions).toEqual(['/tmp/old']);
  });
});

/** An agent that asks to run deleteFile for each prompt, and runs it once approved. */
function approvingAgent(executions: string[]): Executor {
  return {
    apply: (run) => {
      const decision = run.inputs.find((i) => i.kind === 'approval_decision');
      if (decision === undefined) {
        const toolCallId = `call-${run.runId}`;
        const input = { path: '/tmp/old' };
        return Promise.resolve({
          status: 'awaiting_approval',
          approvals: [
            { approvalId: `approval-${toolCallId}`, toolCallId, toolName: 'deleteFile', input },
          ],
          append: [
            { role: 'user', content: 'tidy up /tmp/old' },
            {
              role: 'assistant',
              content: [
                { type: 'tool-call', toolCallId, toolName: 'deleteFile', input },
                { type: 'tool-approval-request', approvalId: `approval-${toolCallId}`, toolCallId },
              ],
            },
          ],
        });
      }
      const { toolCallId, decision: verdict } = decision.payload;
      const approved = verdict === 'approve';
      if (approved) executions.push('/tmp/old');
      const text = approved ? 'Deleted /tmp/old.' : 'Not deleted.';
      return Promise.resolve({
        status: 'completed',
        output: text,
        append: [
          {
            role: 'tool',
            content: [
              {
                type: 'tool-result',
                toolCallId: toolCallId ?? '',
                toolName: 'deleteFile',
                output: { type: 'text', value: approved ? 'deleted' : 'denied' },
              },
            ],
          },
          { role: 'assistant', content: text },
        ],
      });
    },
  };
}
