/**
 * The chat worker's module and the files it loads later (`WorkerAssets`),
 * as URLs resolved by the page module.
 *
 * This is the sources' version: the worker's `.ts` entry, which finds
 * everything else relative to itself. The published bundle replaces this
 * module (scripts/worker-assets.js) with a table of
 * `new URL('./chunks/<file>.js', import.meta.url)` literals, one per file
 * (the worker, its network thread, every Shiki grammar and theme): the one
 * form that Vite, webpack and Rollup's import-meta-assets plugin all copy
 * into an app's output and rewrite, whatever they rename the file to. No
 * file is fetched until the worker asks for it.
 */
import type { WorkerAssets } from '../shared/protocol.js';

export interface PageAssets {
  /** The chat worker's module. */
  chatWorker: string;
  /** What the worker is told (`WorkerApi.useAssets`). */
  forWorker: WorkerAssets;
}

export function workerAssets(): PageAssets {
  return { chatWorker: new URL('../worker/chat.worker.ts', import.meta.url).href, forWorker: {} };
}
