// Vite: `npm start` serves the demo with the embedded vLLM-compatible server
// (or a streaming proxy to VLLM_URL) under /v1; `npm run build` emits the
// embeddable bundle dist/vllm-chat.js.
import { defineConfig } from 'vite';
import { vllmApiPlugin } from './server/vite-plugin.js';

export default defineConfig({
  // Relative asset URLs: the bundle must work from any origin and path.
  base: './',
  plugins: [vllmApiPlugin()],
  server: { host: '127.0.0.1', port: 5173 },
  preview: { host: '127.0.0.1', port: 4173 },
  build: {
    target: 'es2022',
    lib: {
      entry: 'src/vllm-chat.ts',
      formats: ['es'],
      fileName: () => 'vllm-chat.js',
    },
  },
  worker: { format: 'es' },
});
