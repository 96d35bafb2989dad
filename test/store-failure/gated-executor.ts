// A scripted executor whose turns wait for the test: turn n starts, then ends when `release(n)`
// is called (or at once with `autoRelease`). Gates honour cancellation (the scripted executor's).

import type { ScriptedExecutor } from '../../src/executors/scripted-executor.js';
import { scriptedExecutor } from '../../src/executors/scripted-executor.js';
import type { RunPrimitive } from '../../src/runtime/executor.js';
import type { Deferred } from '../support/deferred.js';
import { deferred } from '../support/deferred.js';

/** The executor and the handles on its turns (numbered from 0 in the order they start). */
export interface GatedExecutor {
  readonly executor: ScriptedExecutor;
  /** The runs started so far. */
  readonly runs: ScriptedExecutor['runs'];
  /** Resolves with turn `n`'s run once it has started. */
  started(n: number): Promise<RunPrimitive>;
  /** Lets turn `n` finish. */
  release(n: number): void;
  /** Lets every turn, held or future, finish. */
  releaseAll(): void;
}

/** Creates a gated executor; with `autoRelease`, turns finish as soon as they start. */
export function gatedExecutor(options: { autoRelease: boolean }): GatedExecutor {
  const starts: Deferred<RunPrimitive>[] = [];
  const releases: Deferred[] = [];
  let auto = options.autoRelease;
  const at = (n: number): void => {
    while (starts.length <= n) {
      starts.push(deferred<RunPrimitive>());
      const release = deferred();
      if (auto) release.resolve();
      releases.push(release);
    }
  };
  const executor = scriptedExecutor((_run, index) => ({
    gate: async (_step, run) => {
      at(index);
      starts[index]?.resolve(run);
      await releases[index]?.promise;
    },
  }));
  return {
    executor,
    get runs() {
      return executor.runs;
    },
    started(n) {
      at(n);
      return (starts[n] as Deferred<RunPrimitive>).promise;
    },
    release(n) {
      at(n);
      releases[n]?.resolve();
    },
    releaseAll() {
      auto = true;
      for (const release of releases) release.resolve();
    },
  };
}
