/**
 * The one worker of the page, shared by every `<vllm-chat>`: started by the
 * first element that needs it, terminated when the last one lets go.
 */
import * as Comlink from 'comlink';
import type { WorkerApi } from '../protocol.js';

let worker: Worker | undefined;
let remote: Comlink.Remote<WorkerApi> | undefined;
let holders = 0;

/** Takes a reference on the shared worker, starting it if needed. */
export function acquireWorker(): Comlink.Remote<WorkerApi> {
  holders++;
  if (!remote) {
    worker = new Worker(new URL('../worker/chat.worker.ts', import.meta.url), { type: 'module' });
    remote = Comlink.wrap<WorkerApi>(worker);
  }
  return remote;
}

/** Drops a reference; the last one terminates the worker. */
export function releaseWorker(): void {
  holders = Math.max(0, holders - 1);
  if (holders === 0 && worker) {
    remote?.[Comlink.releaseProxy]();
    worker.terminate();
    worker = undefined;
    remote = undefined;
  }
}
