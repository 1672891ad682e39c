/**
 * The one worker of the page, shared by every `<vllm-chat>`: started by the
 * first element that needs it, terminated when the last one lets go, started
 * again on demand, and replaced after it died.
 *
 * Exports:
 * - `acquireWorker(): Comlink.Remote<WorkerApi>` takes a reference and returns
 *   this module copy's proxy of the shared worker, which starts at the page's
 *   first idle moment (`warmUp` and `listModels` calls wait for it too). Every call through it
 *   goes to the worker running now (starting one if none runs: the first
 *   call after a worker died starts its replacement), waits for it to be
 *   ready, and rejects instead of never settling: with a `WorkerStartError`
 *   when it could not start, with a `WorkerLostError` when it died before
 *   answering (start-worker.ts notices a death at once, whatever caused it).
 * - `releaseWorker(): void` drops a reference; the last one terminates it.
 * - `workerReady(): Promise<void>` resolves once the worker runs (starting
 *   one if none does); rejects with a `WorkerStartError` (a `ChatError` with
 *   `code: 'worker'`) when it cannot start, within `WORKER_READY_TIMEOUT_MS`.
 * - `WorkerStartError`, `WorkerLostError`, `WORKER_READY_TIMEOUT_MS`.
 *
 * Sharing across copies of the module (two `<script>`s, `vllm-chat.js?v=2`):
 * the worker, the reference count and the readiness live on `globalThis`
 * under `Symbol.for('vllm-chat.worker')`. The Comlink proxy does not: each
 * copy bundles its own Comlink, whose `proxy()` marker and `releaseProxy`
 * symbols are private to that copy, so each copy wraps the shared worker
 * itself (Comlink matches replies by message id, so several wrappers of one
 * worker do not see each other's answers).
 *
 * A worker that could not start, or that died, is replaced by the next
 * call: a start that timed out on a busy device may well work the next
 * time, and one blocked by the page's CSP fails again quickly, with the
 * reason.
 */
import * as Comlink from 'comlink';
import type { WorkerApi } from '../shared/protocol.js';
import { startModuleWorker } from '../shared/start-module-worker.js';
import { trustWorkerUrl } from '../shared/trusted-types.js';
import { workerAssets } from './worker-assets.js';
import { watchWorker, WorkerStartError } from '../shared/start-worker.js';
import { whenIdle } from './when-idle.js';

export { WORKER_READY_TIMEOUT_MS, WorkerLostError, WorkerStartError } from '../shared/start-worker.js';

/** Names the worker in its errors. */
const WHAT = 'chat worker';

/**
 * Longest wait for an idle moment before the worker starts anyway, ahead of
 * the first reply (a page that is never idle still gets it warm soon).
 */
export const IDLE_START_TIMEOUT_MS = 2_000;

/**
 * Calls that prepare rather than answer: they wait for the page's first
 * idle moment, so the worker, the highlighter, the theme and the common
 * grammars start after the page's first paint and the element's first
 * render, not in their way. A call after that moment goes at once.
 */
const BACKGROUND_CALLS: ReadonlySet<string> = new Set(['warmUp', 'listModels']);

let idle: Promise<void> | undefined;

/** Resolves at the page's first idle moment after the first element connected (`requestIdleCallback`). */
function pageIdle(): Promise<void> {
  idle ??= new Promise<void>(resolve => whenIdle(resolve, IDLE_START_TIMEOUT_MS));
  return idle;
}

/** A worker started (or that failed to), as the shared state keeps it. */
interface Running {
  worker: globalThis.Worker | undefined;
  ready: Promise<void>;
  lost: Promise<never>;
  end(reason: Error): void;
}

interface SharedWorkerState {
  holders: number;
  /** Undefined after the worker died, until the next call starts another. */
  running: Running | undefined;
}

const key = Symbol.for('vllm-chat.worker');
type Holder = { [key]?: SharedWorkerState };
const holder = globalThis as Holder;

/** This copy's Comlink proxies, one per worker. */
const remotes = new WeakMap<globalThis.Worker, Comlink.Remote<WorkerApi>>();

function remoteOf(worker: globalThis.Worker): Comlink.Remote<WorkerApi> {
  let remote = remotes.get(worker);
  if (!remote) {
    remote = Comlink.wrap<WorkerApi>(worker);
    remotes.set(worker, remote);
  }
  return remote;
}

function start(state: SharedWorkerState): Running {
  let worker: globalThis.Worker;
  const assets = workerAssets();
  try {
    trustWorkerUrl(assets.chatWorker);
    worker = startModuleWorker(() => new Worker(assets.chatWorker, { type: 'module', name: 'chat.worker' }));
  } catch (error) {
    // Trusted Types or a SecurityError refused it synchronously.
    const reason = new WorkerStartError(WHAT, error instanceof Error ? error.message : String(error));
    const failed = Promise.reject(reason);
    failed.catch(() => undefined);
    return { worker: undefined, ready: failed, lost: failed, end: () => undefined };
  }
  const remote = remoteOf(worker);
  // Where its files are comes first: Comlink keeps the order of calls, and
  // every other call waits for this handshake.
  const watched = watchWorker(worker, {
    what: WHAT,
    handshake: () => remote.useAssets(assets.forWorker).then(() => remote.lifeLock()),
  });
  const running: Running = watched;
  watched.lost.catch(() => {
    // Died, or never started: the next call starts a new one.
    if (state.running === running) state.running = undefined;
  });
  return running;
}

function running(state: SharedWorkerState): Running {
  if (state.running) return state.running;
  const started = start(state);
  // One refused at once is not kept: the next call tries again.
  if (started.worker) state.running = started;
  return started;
}

/**
 * This copy's view of the shared worker: each method call goes to the
 * worker running at the time of the call, once it is ready, and settles
 * even if the worker dies (Comlink's own call would wait forever).
 */
const gated = new Proxy({} as Comlink.Remote<WorkerApi>, {
  get(_, name) {
    // Not a thenable (so `await acquireWorker()` is harmless); symbols are Comlink's own.
    if (name === 'then' || typeof name === 'symbol') return undefined;
    return async (...args: unknown[]) => {
      if (BACKGROUND_CALLS.has(name)) await pageIdle();
      const state = holder[key];
      if (!state || state.holders === 0) {
        throw new Error('The chat worker was stopped: no <vllm-chat> holding it is connected to the page.');
      }
      const current = running(state);
      await Promise.race([current.ready, current.lost]);
      const methods = remoteOf(current.worker!) as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
      return Promise.race([methods[name]!(...args), current.lost]);
    };
  },
});

/**
 * Takes a reference on the shared worker. The first one starts it at the
 * page's first idle moment (a call that needs it sooner starts it then).
 */
export function acquireWorker(): Comlink.Remote<WorkerApi> {
  let state = holder[key];
  if (!state) {
    const fresh: SharedWorkerState = { holders: 0, running: undefined };
    state = fresh;
    holder[key] = fresh;
    void pageIdle().then(() => {
      if (holder[key] === fresh && fresh.holders > 0) running(fresh);
    });
  }
  state.holders++;
  return gated;
}

/**
 * Resolves when the shared worker runs (starting one if the last one died);
 * rejects with a `WorkerStartError` when it could not start. Call after
 * `acquireWorker()`.
 */
export function workerReady(): Promise<void> {
  const state = holder[key];
  if (!state) return Promise.reject(new Error('workerReady() was called before acquireWorker().'));
  return running(state).ready;
}

/**
 * Drops a reference. When none is left the worker is terminated, one
 * microtask later: moving an element in the DOM disconnects and reconnects it
 * within the same task, and that must not restart the worker mid-stream.
 */
export function releaseWorker(): void {
  const state = holder[key];
  if (!state) return;
  state.holders = Math.max(0, state.holders - 1);
  if (state.holders > 0) return;
  queueMicrotask(() => {
    if (holder[key] !== state || state.holders > 0) return;
    delete holder[key];
    // No `releaseProxy`: it would tell the worker to stop listening, which
    // other copies' proxies of the same worker may still rely on.
    state.running?.end(new Error('The chat worker was stopped: no <vllm-chat> holding it is connected to the page.'));
  });
}
