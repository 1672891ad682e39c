// Vue compiles <vllm-chat> as a native element instead of looking for a Vue
// component of that name.
import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';

export default defineConfig({
  plugins: [vue({ template: { compilerOptions: { isCustomElement: tag => tag === 'vllm-chat' } } })],
});
