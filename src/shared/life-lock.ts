/**
 * A worker's "I am alive" as a Web Lock (https://w3c.github.io/web-locks/).
 * The worker takes an exclusive lock of a name of its own and never lets
 * go; the lock is released when its global scope goes away ("lock manager
 * … release the lock … when the agent terminates"), whatever ended it:
 * `close()`, `terminate()`, a crash, an out-of-memory kill. Its parent asks
 * for the same lock and is granted it at that moment.
 *
 * Lock names are per origin; the worker and its parent share the origin
 * (a cross-origin bundle runs from a same-origin `blob:`), and each name is
 * random, so workers of other pages or tabs never collide.
 *
 * Web Locks exist only in secure contexts (https, localhost); elsewhere
 * `holdLifeLock` resolves `undefined` and the parent watches `error` events
 * only.
 */

interface LockManagerLike {
  request(name: string, options: { signal?: AbortSignal }, callback: () => Promise<unknown>): Promise<unknown>;
}

function locks(): LockManagerLike | undefined {
  return (globalThis.navigator as { locks?: LockManagerLike } | undefined)?.locks;
}

let held: Promise<string | undefined> | undefined;

/**
 * In a worker: takes this worker's life lock (once) and resolves with its
 * name once it is held; `undefined` where Web Locks do not exist.
 */
export function holdLifeLock(): Promise<string | undefined> {
  held ??= new Promise<string | undefined>(resolve => {
    const manager = locks();
    if (!manager) {
      resolve(undefined);
      return;
    }
    const id = globalThis.crypto?.randomUUID?.() ?? `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
    const name = `vllm-chat-worker-${id}`;
    manager
      .request(name, {}, () => {
        resolve(name);
        // Held until this worker ends.
        return new Promise<never>(() => undefined);
      })
      .catch(() => resolve(undefined));
  });
  return held;
}

/**
 * In the parent: resolves `true` when the lock `name` is granted, that is
 * when the worker holding it has ended; `false` when `signal` aborts first
 * or the lock cannot be asked for. The lock is let go at once.
 */
export async function watchLifeLock(name: string, signal: AbortSignal): Promise<boolean> {
  const manager = locks();
  if (!manager || signal.aborted) return false;
  try {
    await manager.request(name, { signal }, async () => undefined);
    return true;
  } catch {
    return false;
  }
}
