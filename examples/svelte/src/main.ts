import 'vllm-chat';
import { mount } from 'svelte';
import App from './App.svelte';
import { askForCode } from './ask.js';

const target = document.getElementById('app');
if (target) mount(App, { target });
Object.assign(window, { askForCode });
