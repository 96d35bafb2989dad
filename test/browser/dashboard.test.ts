// The dashboard in a real browser: Debian Chromium driven by playwright-core against a real server,
// with a scripted executor whose turns are held open by a gate the test controls.

import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { echoExecutor } from '../../src/executors/echo-executor.js';
import { scriptedExecutor } from '../../src/executors/scripted-executor.js';
import { createRuntime } from '../../src/runtime/runtime.js';
import type { Runtime } from '../../src/runtime/runtime-api.js';
import type { RunningServer, ServerOptions } from '../../src/server/server.js';
import { startServer } from '../../src/server/server.js';
import { memoryStore } from '../../src/store/memory/memory-store.js';
import { createGate } from '../server/harness.js';

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
let server: RunningServer;
let context: BrowserContext;
let profile: string;
let turnGate: ReturnType<typeof createGate>;
let pageErrors: string[];

async function boot(options: Partial<ServerOptions> = {}): Promise<Page> {
  runtime = await createRuntime({ store: memoryStore() });
  server = await startServer({
    runtime,
    executorFactory: () => scriptedExecutor([{ gate: () => turnGate.wait() }]),
    host: '127.0.0.1',
    port: 0,
    heartbeatMs: 1000,
    ...options,
  });
  context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1100, height: 900 },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(10_000);
  page.on('pageerror', (error) => pageErrors.push(error.message));
  return page;
}

beforeEach(async () => {
  profile = await mkdtemp(join(tmpdir(), 'burrow-chromium-'));
  turnGate = createGate();
  pageErrors = [];
});

afterEach(async () => {
  turnGate.open();
  await context?.close();
  await server?.close();
  await runtime?.close();
  await rm(profile, { recursive: true, force: true });
  expect(pageErrors).toEqual([]);
});

const phase = (page: Page, value: string) =>
  page.locator(`#phase[data-phase="${value}"]`).waitFor();

describe('dashboard', () => {
  it('registers a session, sends an input, and shows the phase go to running and back while the turn runs', async () => {
    const page = await boot();
    await page.goto(server.url);
    await page.locator('#list-view').waitFor();
    await page.fill('#new-session-id', 'browser-1');
    await page.click('#new-session-form button[type="submit"]');
    await page.waitForURL(/#\/sessions\/browser-1$/);
    await phase(page, 'attached');
    await page.locator('#stream-state', { hasText: /^live$/ }).waitFor();

    await page.fill('#send-content', 'hello from the browser');
    await page.click('#send-button');
    await turnGate.entered;
    await phase(page, 'running');
    const row = page.locator('#inputs-table tbody tr').first();
    await row.locator('td.state', { hasText: /^(staged|applied)$/ }).waitFor();
    expect(await row.locator('td.kind').textContent()).toBe('prompt');
    await page.locator('#run-id', { hasNotText: /^none$/ }).waitFor();

    turnGate.open();
    await phase(page, 'attached');
    await row.locator('td.state', { hasText: /^consumed$/ }).waitFor();
    await page.locator('#events-list li', { hasText: 'run.completed' }).first().waitFor();
    await page.locator('#run-id', { hasText: /^none$/ }).waitFor();
    expect((await runtime.snapshot('browser-1')).transcriptLength).toBe(2);

    await mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: new URL('dashboard.png', ARTIFACTS).pathname, fullPage: true });
  });

  it('interrupts a running turn, retires and unregisters from the buttons', async () => {
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
    await page.click('#btn-interrupt');
    await page.locator('#inputs-table td.state', { hasText: 'abandoned (cancelled)' }).waitFor();
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
      .locator(`#inputs-table tr[data-input-id="${last}"] td.state`, { hasText: /^consumed$/ })
      .waitFor();
    await phase(page, 'attached');
    expect(await page.locator('#events-list li').count()).toBe(300);
    expect(await page.locator('#inputs-table tbody tr').count()).toBe(200);
    await page.locator('#queue-len', { hasText: /^0$/ }).waitFor();
  });

  it('lists sessions one page at a time and updates phases live from the global stream', async () => {
    const page = await boot();
    for (let i = 0; i < 120; i += 1)
      await runtime.registerSession(`s-${String(i).padStart(3, '0')}`);
    await page.goto(server.url);
    await page.locator('#sessions-table tbody tr[data-session-id="s-000"]').waitFor();
    expect(await page.locator('#sessions-table tbody tr').count()).toBe(50);
    await page.click('#next-page');
    await page.locator('#sessions-table tbody tr[data-session-id="s-050"]').waitFor();
    expect(await page.locator('#page-info').textContent()).toBe('51–100');
    await page.click('#prev-page');
    const first = page.locator('tr[data-session-id="s-000"] .phase');
    // Registration binds the runtime: a registered session is attached, executor or not.
    await first.filter({ hasText: /^attached$/ }).waitFor();

    await runtime.ensureSessionWithExecutor(
      's-000',
      scriptedExecutor([{ gate: () => turnGate.wait() }]),
    );
    await runtime.acceptInput('s-000', { kind: 'prompt', content: 'go' });
    await first.filter({ hasText: /^running$/ }).waitFor();
    turnGate.open();
    await first.filter({ hasText: /^attached$/ }).waitFor();
  });

  it('asks for the token when the server needs one, and streams with it', async () => {
    const page = await boot({ token: 'browser-secret' });
    await runtime.registerSessionWithExecutor(
      't1',
      scriptedExecutor([{ gate: () => turnGate.wait() }]),
    );
    await page.goto(server.url);
    await page.locator('#status.error', { hasText: 'needs a token' }).waitFor();
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
});
