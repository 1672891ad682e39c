// Build helper: leaves each worker of the bundle in the one shape an app's
// bundler recognises, so that `import 'vllm-chat'` in a Vite or webpack app
// carries the worker, its network thread and their lazy chunks (Shiki
// grammars and themes) into the app's own output with no configuration.
//
// Why: Vite's library build writes a worker URL as
//   new URL(/* @vite-ignore */ new URL(`chunks/x.js`, import.meta.url).href, `` + import.meta.url)
// which an app's bundler does not take for a worker entry (it copies the
// worker file alone, as an asset, and its chunks are lost). The rewrite gives
//   new Worker(new URL("./chunks/x-hash.js", import.meta.url), …)
// which browsers run unchanged from a CDN, and which Vite and webpack rebuild
// as a worker with its dynamic imports. (No comment may sit between the two
// `new`s: Vite's pattern would miss the worker. webpack names the worker's
// file after its `name` option, `chat.worker`, as the Trusted Types policy
// expects.)
//
// The rewrite is checked: a chunk that starts a worker in another shape fails
// the build instead of shipping a bundle that breaks inside apps.

const viteWorkerUrl =
  /new\s+URL\(\s*\/\*\s*@vite-ignore\s*\*\/\s*new\s+URL\(\s*`([^`$]+)`\s*,\s*import\.meta\.url\s*\)\.href\s*,\s*``\s*\+\s*import\.meta\.url\s*\)/g;

/** @returns {import('vite').Plugin} */
export function bundlerWorkerUrls() {
  return {
    name: 'vllm-chat:bundler-worker-urls',
    enforce: 'post',
    generateBundle(_options, bundle) {
      for (const file of Object.values(bundle)) {
        if (file.type !== 'chunk') continue;
        file.code = file.code.replace(viteWorkerUrl, (_whole, path) => {
          const relative = path.startsWith('.') ? path : `./${path}`;
          if (!/\.worker-[\w-]+\.js$/.test(path)) this.error(`bundler-worker-urls: ${path} is not a worker chunk (*.worker-*.js)`);
          return `new URL(${JSON.stringify(relative)}, import.meta.url)`;
        });
        if (/new\s+URL\(\s*\/\*\s*@vite-ignore/.test(file.code)) {
          this.error(`bundler-worker-urls: ${file.fileName} still has a worker URL in Vite's library form`);
        }
      }
    },
  };
}
