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
 * An await that took at least this long ended in a later task: the event
 * loop ran other tasks (or sat idle) meanwhile. A promise that was already
 * settled resumes in the same microtask checkpoint, far below it.
 */
const WAITED_MS = 1;

/** One channel for every yield of the thread, and who waits on it, oldest first. */
let channel: MessageChannel | undefined;
const waiting: (() => void)[] = [];

/**
 * Resolves in a new task, queued behind the tasks already waiting. Not
 * `scheduler.yield()`: its continuation is meant to run ahead of them.
 *
 * Every yield posts to one long-lived channel: a channel made per yield cost
 * more than the yield itself (a thread with many streams yields often), and
 * messages of one port arrive in the order they were posted, so each message
 * resolves the oldest waiter.
 */
export function yieldToTasks(): Promise<void> {
  if (!channel) {
    channel = new MessageChannel();
    channel.port1.onmessage = () => waiting.shift()?.();
  }
  const port = channel.port2;
  return new Promise(resolve => {
    waiting.push(resolve);
    port.postMessage(undefined);
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

  /**
   * `promise`'s value; when it was not settled yet (a read that waited for
   * the network), other tasks ran meanwhile and a new run starts. Without
   * this, every read of a slow stream after the first few milliseconds
   * counted as a long run and yielded once more for nothing.
   */
  async wait<T>(promise: Promise<T>): Promise<T> {
    const before = performance.now();
    const value = await promise;
    const now = performance.now();
    if (now - before >= WAITED_MS) this.since = now;
    return value;
  }
}
