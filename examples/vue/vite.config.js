// Vue compiles <vllm-chat> as a native element instead of looking for a Vue
// component of that name.
//
// worker.format 'es': Vite's default for workers (iife) cannot split a
// worker, so every Shiki grammar and theme the package can load lazily would
// be inlined into one worker file that the browser must fetch and compile
// before the chat answers. As ES modules they stay separate chunks, fetched
// the first time an answer uses them.
import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';

export default defineConfig({
  plugins: [vue({ template: { compilerOptions: { isCustomElement: tag => tag === 'vllm-chat' } } })],
  worker: { format: 'es' },
});
