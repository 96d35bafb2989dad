// /readyz follows the runtime's readiness: 503 with the reason while startup recovery runs or when the
// store does not answer its probe, 200 otherwise.

import { rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { echoExecutor } from '../../src/executors/echo-executor.js';
import { createRuntime } from '../../src/runtime/runtime.js';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { deferred } from '../support/deferred.js';
import { databaseFile } from '../support/temp-database.js';
import { body, closeHarnesses, expectProblem, openHarness } from './harness.js';

afterEach(closeHarnesses);

describe('GET /readyz', () => {
  it('answers 503 with the reason until startup recovery has finished', async () => {
    const path = await databaseFile('burrow-readyz-');
    const seed = await createRuntime({ store: await openSqliteStore(path), pruneIntervalMs: 0 });
    await seed.registerSession('s1');
    await seed.acceptInput('s1', { kind: 'prompt', content: 'queued before the restart' });
    await seed.close();

    // Recovery attaches an executor from the factory; this one is held until the test lets it go.
    const factoryMayAnswer = deferred();
    const h = await openHarness({
      runtimeOptions: {
        store: await openSqliteStore(path),
        executorFactory: async () => {
          await factoryMayAnswer.promise;
          return echoExecutor();
        },
      },
    });
    const recovering = h.runtime.recover();
    const problem = await expectProblem(await h.request('/readyz'), 503, 'store_unavailable');
    expect(problem['detail']).toBe('not ready: startup recovery has not finished');
    factoryMayAnswer.resolve();
    expect(await recovering).toMatchObject({ recovered: 1, failed: [] });
    expect(await body(await h.request('/readyz'))).toEqual({ status: 'ready' });
  });

  it('answers 503 with the reason while the store fails its probe', async () => {
    const path = await databaseFile('burrow-readyz-');
    const h = await openHarness({ runtimeOptions: { store: await openSqliteStore(path) } });
    expect(await body(await h.request('/readyz'))).toEqual({ status: 'ready' });
    const other = new Database(path);
    try {
      other.exec('ALTER TABLE readiness_probe RENAME TO readiness_probe_away');
      const problem = await expectProblem(await h.request('/readyz'), 503, 'store_unavailable');
      expect(problem['detail']).toMatch(/^not ready: the store does not answer: .*readiness_probe/);
      other.exec('ALTER TABLE readiness_probe_away RENAME TO readiness_probe');
    } finally {
      other.close();
    }
    expect(await body(await h.request('/readyz'))).toEqual({ status: 'ready' });
  });

  it('turns not ready, and refuses inputs with 503, once the database file is deleted', async () => {
    const path = await databaseFile('burrow-readyz-');
    const h = await openHarness({
      runtimeOptions: { store: await openSqliteStore(path), executorFactory: () => echoExecutor() },
    });
    expect(await body(await h.request('/readyz'))).toEqual({ status: 'ready' });
    await h.request('/v1/sessions', { method: 'POST', body: JSON.stringify({ id: 's1' }) });
    rmSync(path);
    const problem = await expectProblem(await h.request('/readyz'), 503, 'store_unavailable');
    expect(problem['detail']).toMatch(/runtime\.db was deleted/);
    const refused = await h.request('/v1/sessions/s1/inputs', {
      method: 'POST',
      body: JSON.stringify({ kind: 'prompt', content: 'would be lost' }),
    });
    await expectProblem(refused, 503, 'store_unavailable');
  });
});
