// A plain Rollup 4 build. Rollup itself resolves no packages and copies no
// assets, so a Rollup app has these two plugins anyway: node-resolve finds
// `vllm-chat` in node_modules, and import-meta-assets copies every file the
// package names with `new URL('./chunks/…', import.meta.url)` (its worker,
// grammars and themes) into dist/ and rewrites the URL. Nothing about
// vllm-chat beyond that.
import { nodeResolve } from '@rollup/plugin-node-resolve';
import { importMetaAssets } from '@web/rollup-plugin-import-meta-assets';

export default {
  input: 'src/index.js',
  output: { dir: 'dist', format: 'es' },
  plugins: [nodeResolve(), importMetaAssets()],
};
