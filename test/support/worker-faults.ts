/**
 * Real faults in real workers, for the tests of dead-worker recovery.
 *
 * On the test page, `injectWorkerFaults()` wraps `Worker` so that every
 * worker started from then on (the chat worker, and through the same wrap
 * inside it, its network thread) first loads this module, then its own.
 * Inside a worker this module listens for `{ fault }` messages, ahead of the
 * worker's own listeners, and then fails the way a browser worker fails:
 * - `close`: the worker calls `close()` on itself;
 * - `throw`: an uncaught exception in a task;
 * - `terminate-children` / `close-children`: the same for the workers it started.
 */

type Fault = 'close' | 'throw' | 'terminate-children' | 'close-children';

const hookUrl = import.meta.url;

/** Wraps `globalThis.Worker`: each new module worker loads this module first. Records the workers. */
function wrapWorker(started: Worker[]): () => void {
  const Platform = globalThis.Worker;
  globalThis.Worker = class extends Platform {
    constructor(url: string | URL, options?: WorkerOptions) {
      const source = `import ${JSON.stringify(hookUrl)};\nimport ${JSON.stringify(new URL(String(url), location.href).href)};\n`;
      super(URL.createObjectURL(new Blob([source], { type: 'text/javascript' })), { ...options, type: 'module' });
      started.push(this);
    }
  };
  return () => {
    globalThis.Worker = Platform;
  };
}

/** On the page: from now on every worker started can be made to fail. */
export function injectWorkerFaults(): { started: Worker[]; restore(): void } {
  const started: Worker[] = [];
  return { started, restore: wrapWorker(started) };
}

/** On the page: makes `worker` (started after `injectWorkerFaults`) fail. */
export function fault(worker: Worker, kind: Fault): void {
  worker.postMessage({ fault: kind });
}

const inWorker = typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope !== 'undefined';
if (inWorker && typeof globalThis.Worker === 'function') {
  const children: Worker[] = [];
  wrapWorker(children);
  const scope = globalThis as unknown as DedicatedWorkerGlobalScope;
  scope.addEventListener('message', (event: MessageEvent<{ fault?: Fault } | null>) => {
    const kind = event.data?.fault;
    if (!kind) return;
    event.stopImmediatePropagation();
    if (kind === 'close') scope.close();
    else if (kind === 'throw') {
      setTimeout(() => {
        throw new Error('injected fault');
      });
    } else if (kind === 'terminate-children') for (const child of children) child.terminate();
    else if (kind === 'close-children') for (const child of children) child.postMessage({ fault: 'close' });
  });
}
