// Runs the store conformance suite against the memory store.

import { describe, expect, it } from 'vitest';
import { runStoreConformance } from '../conformance.js';
import { input } from '../conformance/fixtures.js';
import { memoryStore, rewriteMemoryRecords } from './memory-store.js';
import { runtimeIdOf } from '../runtime-store.js';

runStoreConformance(
  'memory',
  () => {
    const store = memoryStore();
    return Promise.resolve({
      store,
      rewriteRecords: (...args) => rewriteMemoryRecords(store, ...args),
    });
  },
  { reopen: false },
);

describe('memoryStore', () => {
  it('keeps no reference to the committed objects: later mutation does not change what is stored', async () => {
    const store = memoryStore();
    const record = input('s1', 'a', 1);
    const mutable = { ...record, payload: { ...record.payload } };
    await store.commit(runtimeIdOf('s1'), { inputs: [mutable] });
    (mutable.payload as Record<string, unknown>)['content'] = 'changed';
    expect(await store.readInput(runtimeIdOf('s1'), 'a')).toEqual(record);
    await store.close();
  });

  it('refuses the test hook for a store it did not make', async () => {
    await expect(
      rewriteMemoryRecords({ ...memoryStore() }, runtimeIdOf('rt'), 'input', (text) => text),
    ).rejects.toThrow(/not a store made by memoryStore/);
  });
});
