/**
 * Starts one of vllm-chat's worker modules (the chat worker, its network
 * thread) from a call written as `new Worker(url, { type: 'module' })`, with
 * the URL element/worker-assets.ts (or the worker's assets.ts) resolved.
 * `Worker` there must be the global name: tests and pages may wrap it.
 *
 * Why the constructor is swapped while `construct` runs: the URL the
 * bundler produced still has to pass the `vllm-chat` Trusted Types policy,
 * and a module of another origin (a bundle on a CDN) cannot be started
 * directly (Chromium throws `SecurityError`). The stand-in starts it from a
 * same-origin `blob:` module whose only line is a static `import` of it, so
 * the worker runs with `import.meta.url` on the bundle's origin and its lazy
 * chunks load from there. A static import (checked against `worker-src`) is
 * used rather than `import()` (checked against `script-src`) because the
 * module graph is then fully evaluated before the worker's message queue
 * opens, so no message can arrive before the module listens. The swap is
 * synchronous and undone before return.
 */
import { trustedTypesPolicy } from './trusted-types.js';

type WorkerConstructor = typeof globalThis.Worker;

export function startModuleWorker(construct: () => globalThis.Worker): globalThis.Worker {
  // Read at call time: pages (and tests) may wrap `Worker`.
  const PageWorker: WorkerConstructor = globalThis.Worker;
  const policy = trustedTypesPolicy();
  const bootstrap = function (url: URL | string, options?: WorkerOptions): globalThis.Worker {
    const resolved = new URL(String(url), globalThis.location.href);
    if (resolved.origin === globalThis.location.origin) {
      return new PageWorker(policy.createScriptURL(resolved.href) as unknown as string, options);
    }
    const source = `import ${JSON.stringify(resolved.href)};\n`;
    const blobUrl = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
    try {
      return new PageWorker(policy.createScriptURL(blobUrl) as unknown as string, options);
    } finally {
      // The constructor resolved the blob URL already (HTML "Worker
      // constructor" parses it synchronously), so the worker still loads it.
      URL.revokeObjectURL(blobUrl);
    }
  } as unknown as WorkerConstructor;
  globalThis.Worker = bootstrap;
  try {
    return construct();
  } finally {
    globalThis.Worker = PageWorker;
  }
}
