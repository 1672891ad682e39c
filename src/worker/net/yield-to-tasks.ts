/**
 * Lets the worker's other tasks run: a body read whose chunks are already
 * queued resolves in a microtask, so a loop over a fast response would
 * otherwise keep the event loop to itself until the body ends, and module
 * loads (grammars, themes) and the element's patch acknowledgements would
 * wait behind it.
 */

/** Longest run of microtask-only work before `YieldClock.maybe` yields, in ms. */
export const YIELD_AFTER_MS = 4;

/**
 * Resolves in a new task, queued behind the tasks already waiting. Not
 * `scheduler.yield()`: its continuation is meant to run ahead of them.
 */
export function yieldToTasks(): Promise<void> {
  return new Promise(resolve => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(undefined);
  });
}

/** Yields when the current run of work has lasted `YIELD_AFTER_MS`. */
export class YieldClock {
  private since = performance.now();

  /** Call between units of work; awaits only when the run is long enough. */
  async maybe(): Promise<void> {
    if (performance.now() - this.since < YIELD_AFTER_MS) return;
    await yieldToTasks();
    this.since = performance.now();
  }
}
