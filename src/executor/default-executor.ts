/**
 * The default executor (`toThread`, `runInExecutor(null, …)`): one per `run()`, made on first use, sized to
 * `os.availableParallelism()`, and shut down when that run ends (after its tasks), so that no thread outlives
 * the run. Code outside every `run()` shares one process-wide executor whose idle threads never keep the
 * process alive.
 * @internal
 * @module
 */
import type { RunState } from '../core/run-state.js';
import { currentRun } from '../core/task.js';
import { ThreadPoolExecutor } from './thread-pool-executor.js';

const perRun = new WeakMap<RunState, ThreadPoolExecutor>();

/** The default executor of the calling code's run. */
export function defaultExecutor(): ThreadPoolExecutor {
  const run = currentRun();
  let executor = perRun.get(run);
  if (executor === undefined || executor.statistics().state !== 'open') {
    const created = new ThreadPoolExecutor();
    executor = created;
    perRun.set(run, created);
    // asyncio.run() ends with loop.shutdown_default_executor(): jobs still queued are cancelled (their tasks
    // are already done), and the hook waits for every thread to exit.
    if (!run.isGlobal) run.closeHooks.push(() => shutDown(created));
  }
  return executor;
}

function shutDown(executor: ThreadPoolExecutor): Promise<void> {
  executor.shutdown({ wait: false, cancelFutures: true });
  return executor[Symbol.asyncDispose]();
}
