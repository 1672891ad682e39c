// A plain webpack 5 production build. Nothing about vllm-chat: webpack copies
// the package's worker, grammars and themes (each a
// `new URL('./chunks/…', import.meta.url)` in the package) into dist/ as assets.
import { fileURLToPath } from 'node:url';

export default {
  mode: 'production',
  entry: './src/index.js',
  output: { path: fileURLToPath(new URL('./dist', import.meta.url)), clean: true },
  performance: { hints: false },
};
