/**
 * The one worker of the page, shared by every `<vllm-chat>`: started by the
 * first element that needs it, terminated when the last one lets go, started
 * again on demand.
 *
 * Exports:
 * - `acquireWorker(): Comlink.Remote<WorkerApi>` takes a reference and returns
 *   this module copy's proxy of the shared worker (starting it if needed).
 *   Every call through it waits for the worker to be ready, and rejects with
 *   a `WorkerStartError` when it could not start, instead of never settling.
 * - `releaseWorker(): void` drops a reference; the last one terminates it.
 * - `workerReady(): Promise<void>` resolves once the worker answered `ping()`;
 *   rejects with a `WorkerStartError` (a `ChatError` with `code: 'worker'`)
 *   when the worker cannot start, within `WORKER_READY_TIMEOUT_MS`.
 * - `WorkerStartError`, `WORKER_READY_TIMEOUT_MS`.
 *
 * Sharing across copies of the module (two `<script>`s, `vllm-chat.js?v=2`):
 * the worker, the reference count and the readiness promise live on
 * `globalThis` under `Symbol.for('vllm-chat.worker')`. The Comlink proxy does
 * not: each copy bundles its own Comlink, whose `proxy()` marker and
 * `releaseProxy` symbols are private to that copy, so each copy wraps the
 * shared worker itself (Comlink matches replies by message id, so several
 * wrappers of one worker do not see each other's answers).
 *
 * Cross-origin bundles: a worker's top-level script is fetched with request
 * mode "same-origin" (HTML, "fetch a module worker script graph"), and
 * Chromium throws `SecurityError` from `new Worker(url)` for a cross-origin
 * `url`. The worker is then started from a same-origin `blob:` module whose
 * only line is a static `import` of the real worker module, so the worker runs
 * the bundle's code with `import.meta.url` on the bundle's origin and its lazy
 * chunks (Shiki grammars and themes) load from there. A static import (checked
 * against `worker-src`) is used rather than `import()` (checked against
 * `script-src`) because the module graph is then fully evaluated before the
 * worker's message queue opens, so no Comlink message can arrive before
 * `expose()` ran. Both the blob URL and the direct URL pass through the
 * `vllm-chat` Trusted Types policy (`start-module-worker.ts`).
 */
import * as Comlink from 'comlink';
import type { ChatError, WorkerApi } from '../shared/protocol.js';
import { startModuleWorker } from '../shared/start-module-worker.js';

/** How long a silent worker gets before it counts as failed to start. */
export const WORKER_READY_TIMEOUT_MS = 8_000;

/** Why the worker could not start, as a `ChatError` that is also an `Error`. */
export class WorkerStartError extends Error implements ChatError {
  readonly code = 'worker' as const;
  readonly hint: string;
  constructor(detail?: string) {
    super(
      'The chat worker could not start: the page\u2019s Content-Security-Policy (worker-src) or a missing file blocked it.' +
        (detail ? ` (${detail})` : ''),
    );
    this.name = 'WorkerStartError';
    this.hint =
      'Allow the bundle\u2019s origin and blob: in worker-src and script-src, and check that the chunks next to vllm-chat.js are served.';
  }
}

interface SharedWorkerState {
  worker: Worker;
  holders: number;
  ready: Promise<void>;
}

const key = Symbol.for('vllm-chat.worker');
type Holder = { [key]?: SharedWorkerState };
const holder = globalThis as Holder;

/** This copy's Comlink proxy of the shared worker, and the same proxy gated on readiness. */
let local:
  | { worker: globalThis.Worker; remote: Comlink.Remote<WorkerApi>; gated: Comlink.Remote<WorkerApi> }
  | undefined;

function startWorker(): globalThis.Worker {
  return startModuleWorker(
    () => new Worker(new URL('../worker/chat.worker.ts', import.meta.url), { type: 'module', name: 'chat.worker' }),
  );
}

/** Resolves on the first `pong`; rejects on an `error` event or after the timeout. */
function watchReadiness(worker: globalThis.Worker, remote: Comlink.Remote<WorkerApi>): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const done = (error?: WorkerStartError): void => {
      clearTimeout(timer);
      worker.removeEventListener('error', onError);
      if (error) reject(error);
      else resolve();
    };
    // A module worker blocked by CSP or answered with 404 reports only a bare
    // `error` event (no message, no filename), or nothing at all.
    const onError = (event: Event): void => {
      event.preventDefault();
      const message = event instanceof ErrorEvent && event.message ? event.message : undefined;
      done(new WorkerStartError(message));
    };
    worker.addEventListener('error', onError);
    const timer = setTimeout(
      () => done(new WorkerStartError(`no answer in ${WORKER_READY_TIMEOUT_MS / 1000} s`)),
      WORKER_READY_TIMEOUT_MS,
    );
    // Any answer proves the worker runs and listens (even an error reply).
    remote.ping().then(
      () => done(),
      () => done(),
    );
  });
}

/** This copy's proxy of `worker`. */
function remoteOf(worker: globalThis.Worker): Comlink.Remote<WorkerApi> {
  return localOf(worker).remote;
}

function localOf(worker: globalThis.Worker): NonNullable<typeof local> {
  if (local?.worker !== worker) {
    const remote = Comlink.wrap<WorkerApi>(worker);
    local = { worker, remote, gated: gate(remote, worker) };
  }
  return local;
}

/**
 * A view of `remote` whose method calls first wait for the worker's
 * readiness: a worker that never started answers nothing, and a Comlink call
 * to it would stay pending forever; this way the call rejects with the
 * `WorkerStartError` that says why.
 */
function gate(remote: Comlink.Remote<WorkerApi>, worker: globalThis.Worker): Comlink.Remote<WorkerApi> {
  const methods = remote as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
  return new Proxy(remote, {
    get(target, name) {
      // Not a thenable (so `await acquireWorker()` is harmless); symbols are Comlink's own.
      if (name === 'then') return undefined;
      if (typeof name === 'symbol') return Reflect.get(target, name);
      return async (...args: unknown[]) => {
        const state = holder[key];
        if (state?.worker === worker) await state.ready;
        // Terminated: the last element let go; a terminated worker never answers.
        else throw new Error('The chat worker was stopped: no <vllm-chat> holding it is connected to the page.');
        return methods[name]!(...args);
      };
    },
  });
}

/** Takes a reference on the shared worker, starting it if needed. */
export function acquireWorker(): Comlink.Remote<WorkerApi> {
  let state = holder[key];
  if (!state) {
    const worker = startWorker();
    const ready = watchReadiness(worker, remoteOf(worker));
    // Callers that never ask for readiness must not see an unhandled rejection.
    ready.catch(() => {});
    state = { worker, holders: 0, ready };
    holder[key] = state;
  }
  state.holders++;
  return localOf(state.worker).gated;
}

/**
 * Resolves when the shared worker answers; rejects with a `WorkerStartError`
 * when it could not start. Call after `acquireWorker()`.
 */
export function workerReady(): Promise<void> {
  const state = holder[key];
  if (!state) return Promise.reject(new Error('workerReady() was called before acquireWorker().'));
  return state.ready;
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
    // No `releaseProxy`: it would tell the worker to stop listening, which
    // other copies' proxies of the same worker may still rely on.
    state.worker.terminate();
    delete holder[key];
    if (local?.worker === state.worker) local = undefined;
  });
}
