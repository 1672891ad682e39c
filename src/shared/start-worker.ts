/**
 * Watches either worker of vllm-chat (the chat worker, from the page; the
 * network thread, from the chat worker) for its whole life; both are started
 * by start-module-worker.ts.
 *
 * Exports:
 * - `watchWorker(worker, options)`: readiness (with a timeout) and death.
 * - `WorkerStartError`, `WorkerLostError`, `WORKER_READY_TIMEOUT_MS`.
 *
 * Death: a worker can end without a word to its parent (`close()`, an
 * out-of-memory kill, `terminate()` by someone else), and messages to a dead
 * worker are dropped, so a call waiting for its answer would wait forever.
 * Each worker therefore holds a Web Lock for its life (life-lock.ts); the
 * parent queues a request for the same lock, which is granted the moment the
 * worker's global scope goes away, whatever ended it. This is event-driven:
 * no timer runs while nothing happens, and a worker busy for seconds (a huge
 * one-shot render) is not mistaken for a dead one, as it would be by a
 * heartbeat. An uncaught exception (an `error` event) after the start also
 * counts as death: the worker's state is unknown from then on, and a fresh
 * worker is cheaper than a reply that hangs.
 */
import { chatError } from './errors.js';
import type { ChatError } from './protocol.js';
import { watchLifeLock } from './life-lock.js';

/** How long a silent worker gets before it counts as failed to start. */
export const WORKER_READY_TIMEOUT_MS = 8_000;

/** Why a worker could not start, as a `ChatError` that is also an `Error`. */
export class WorkerStartError extends Error implements ChatError {
  readonly code = 'worker' as const;
  readonly hint: string;
  constructor(what: string, detail?: string) {
    const { message, hint } = chatError('workerStart', { what, detail: detail ?? '' });
    super(message);
    this.name = 'WorkerStartError';
    this.hint = hint ?? '';
  }
}

/** Why a worker that was running is gone, as a `ChatError` that is also an `Error`. */
export class WorkerLostError extends Error implements ChatError {
  readonly code = 'worker' as const;
  readonly hint: string;
  constructor(what: string, detail?: string) {
    const { message, hint } = chatError('workerGone', { what, detail: detail ?? '' });
    super(message);
    this.name = 'WorkerLostError';
    this.hint = hint ?? '';
  }
}

export interface WatchOptions {
  /** Names the worker in errors, e.g. "chat worker". */
  what: string;
  /**
   * Resolves once the worker runs and holds its life lock, with the lock's
   * name (`undefined`: the worker has no Web Locks, it is watched through
   * its `error` events only). Rejecting counts as a failed start.
   */
  handshake(): Promise<string | undefined>;
  /** Defaults to `WORKER_READY_TIMEOUT_MS`. */
  timeoutMs?: number;
}

export interface WatchedWorker {
  worker: globalThis.Worker;
  /** Resolves once the worker runs; rejects with a `WorkerStartError`. */
  ready: Promise<void>;
  /**
   * Rejects with the error that ended the worker: a `WorkerStartError` when
   * it never ran, a `WorkerLostError` when it died later. Never resolves.
   */
  lost: Promise<never>;
  /** True once `lost` has rejected. */
  readonly dead: boolean;
  /** Terminates the worker; `lost` rejects with `reason`. */
  end(reason: Error): void;
}

/**
 * Watches a worker just created: its start (the handshake, an `error`
 * event, the timeout) and, once it runs, its death. The worker is
 * terminated as soon as it counts as failed or dead.
 */
export function watchWorker(worker: globalThis.Worker, options: WatchOptions): WatchedWorker {
  let started = false;
  let dead = false;
  let markReady!: () => void;
  let failStart!: (error: Error) => void;
  let markLost!: (error: Error) => void;
  const ready = new Promise<void>((resolve, reject) => ((markReady = resolve), (failStart = reject)));
  const lost = new Promise<never>((_, reject) => (markLost = reject));
  // Callers may watch only one of the two.
  ready.catch(() => undefined);
  lost.catch(() => undefined);
  const stopWatching = new AbortController();

  const end = (error: Error): void => {
    if (dead) return;
    dead = true;
    clearTimeout(timer);
    stopWatching.abort();
    worker.removeEventListener('error', onError);
    worker.terminate();
    if (!started) failStart(error);
    markLost(error);
  };
  // A module worker blocked by CSP or answered with 404 reports only a bare
  // `error` event (no message, no filename), or nothing at all.
  const onError = (event: Event): void => {
    event.preventDefault();
    const detail = event instanceof ErrorEvent && event.message ? event.message : undefined;
    end(started ? new WorkerLostError(options.what, detail) : new WorkerStartError(options.what, detail));
  };
  worker.addEventListener('error', onError);
  const timeoutMs = options.timeoutMs ?? WORKER_READY_TIMEOUT_MS;
  const timer = setTimeout(() => end(new WorkerStartError(options.what, `no answer in ${timeoutMs / 1000} s`)), timeoutMs);
  options.handshake().then(
    lock => {
      if (dead) return;
      clearTimeout(timer);
      started = true;
      markReady();
      if (lock) {
        void watchLifeLock(lock, stopWatching.signal).then(gone => {
          if (gone) end(new WorkerLostError(options.what));
        });
      }
    },
    (error: unknown) => end(new WorkerStartError(options.what, error instanceof Error ? error.message : String(error))),
  );

  return {
    worker,
    ready,
    lost,
    get dead() {
      return dead;
    },
    end,
  };
}
