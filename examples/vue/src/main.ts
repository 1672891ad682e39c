import 'vllm-chat';
import { createApp } from 'vue';
import App from './App.vue';
import { askForCode } from './ask.js';

createApp(App).mount('#app');
Object.assign(window, { askForCode });
