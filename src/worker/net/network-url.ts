/**
 * The network thread's module relative to this one, for the worker run from
 * its sources (tests, the dev server). The published bundle replaces this
 * module with one that answers `undefined` (scripts/worker-assets.js): there
 * the page names the file (../assets.ts).
 */
export function defaultNetworkWorkerUrl(): URL | undefined {
  return new URL('./network.worker.ts', import.meta.url);
}
