// Vite: `npm start` serves the demo with the embedded vLLM-compatible server
// (or a streaming proxy to VLLM_URL) under /v1; `npm run build` emits the
// embeddable bundle dist/vllm-chat.js.
//
// The bundle is one ES module that defines <vllm-chat> on import. Everything
// else it needs is loaded lazily, by URLs that module resolves against its
// own (scripts/worker-assets.js writes these files and the table of them):
//   dist/vllm-chat.js                   entry: element, Lit, Comlink, worker client
//   dist/chunks/chat.worker-*.js        the worker (markdown-it, Shiki core), self-contained
//   dist/chunks/network.worker-*.js     its network thread, self-contained
//   dist/chunks/lang-<name>-*.js        one Shiki grammar each, loaded on first use
//   dist/chunks/theme-<name>-*.js       one Shiki theme each, loaded on first use
//   dist/chunks/diagram-frame-*.html    the sandboxed page that draws diagrams (scripts/diagram-assets.js)
//   dist/chunks/mermaid-*.js            Mermaid, loaded by that page on the first diagram
import { defineConfig, type PluginOption, type UserConfig } from 'vite';
import { litTrustedTypes } from './scripts/lit-trusted-types.js';
import { workerAssets } from './scripts/worker-assets.js';
import { diagramAssets } from './scripts/diagram-assets.js';

/** Lazy chunks sit in one folder next to the entry, named so a reader of `dist/` can tell them apart. */
const chunkFileNames = 'chunks/[name]-[hash].js';

export default defineConfig(async ({ command }): Promise<UserConfig> => {
  const plugins: PluginOption[] = [litTrustedTypes(), workerAssets(), diagramAssets()];
  // The API plugin serves the demo's /v1; the build does not need it (nor
  // should the bundle's build break on the dev server's code). The URL form
  // keeps the config bundler from inlining it.
  if (command === 'serve') {
    const pluginUrl = new URL('./server/vite-plugin.js', import.meta.url).href;
    const { vllmApiPlugin } = (await import(/* @vite-ignore */ pluginUrl)) as { vllmApiPlugin(): PluginOption };
    plugins.push(vllmApiPlugin());
  }
  return {
    // Relative asset URLs: the bundle must work from any origin and path
    // (otherwise the worker URL is emitted root-relative).
    base: './',
    plugins,
    server: { host: '127.0.0.1', port: 5173 },
    preview: { host: '127.0.0.1', port: 4173 },
    build: {
      target: 'es2022',
      // Sites load the bundle from a CDN path of their choice; keep names stable and readable.
      assetsDir: 'chunks',
      lib: {
        entry: 'src/vllm-chat.ts',
        formats: ['es'],
        fileName: () => 'vllm-chat.js',
      },
      // Sites load this file straight from a CDN: ship it small. Vite keeps
      // whitespace in ES library output (for bundlers' tree-shaking); the
      // entry defines the element on import, so there is nothing to shake.
      rolldownOptions: {
        output: { chunkFileNames, minify: true },
        // workerAssets builds the workers inside generateBundle: most of the
        // build's time is theirs, and the timing warning said so on every build.
        checks: { bundlerTimings: false },
      },
    },
  };
});
