// A plain webpack 5 production build. Nothing about vllm-chat: webpack finds
// the package's worker (`new Worker(new URL(…, import.meta.url))`) and
// splits its lazy grammars and themes into chunks of dist/ by itself.
import { fileURLToPath } from 'node:url';

export default {
  mode: 'production',
  entry: './src/index.js',
  output: { path: fileURLToPath(new URL('./dist', import.meta.url)), clean: true },
  performance: { hints: false },
};
