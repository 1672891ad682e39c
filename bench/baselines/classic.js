// Contender `classic`: the front end of vLLM streaming tutorials. Main-thread
// fetch, events cut out of the text with `split('\ndata: ')`, and the whole
// reply re-set into one `<pre>` at most every 50 ms and re-highlighted with
// Prism's `highlightElement` (markdown, with TypeScript inside its fences).
// Each repaint costs O(reply).
import Prism from 'prismjs';
import { installHarness } from '../pages/harness.js';

const out = /** @type {HTMLElement} */ (document.getElementById('app'));
const pre = document.createElement('pre');
const code = document.createElement('code');
code.className = 'language-markdown';
pre.append(code);
out.append(pre);
/** @type {AbortController | undefined} */
let controller;
let endpoint = '';
let model = '';

installHarness({
  textModel: 'raw',
  async setup(config) {
    endpoint = config.endpoint;
    model = config.model;
    // Prism's language files extend the global `Prism`.
    Object.assign(window, { Prism });
    await import('prismjs/components/prism-markdown.js');
    await import('prismjs/components/prism-typescript.js');
    await import('prismjs/components/prism-python.js');
    await import('prismjs/themes/prism-tomorrow.css');
  },
  start(prompt) {
    controller = new AbortController();
    let text = '';
    let last = 0;
    const paint = () => {
      last = performance.now();
      code.textContent = text;
      Prism.highlightElement(code);
    };
    void (async () => {
      const response = await fetch(`${endpoint}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model, stream: true, messages: [{ role: 'user', content: prompt }] }),
        signal: controller?.signal,
      });
      const reader = /** @type {ReadableStream<Uint8Array>} */ (response.body).getReader();
      const decoder = new TextDecoder();
      let buffer = '';
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        const parts = ('\n' + buffer).split('\ndata: ');
        // The last part may be an event cut in the middle: keep it for the next read.
        buffer = 'data: ' + (parts.pop() ?? '');
        for (const part of parts) {
          const data = part.trim();
          if (!data || data === '[DONE]') continue;
          const delta = JSON.parse(data).choices?.[0]?.delta?.content;
          if (typeof delta === 'string') text += delta;
        }
        if (performance.now() - last >= 50) paint();
      }
      const tail = buffer.slice('data: '.length).trim();
      if (tail && tail !== '[DONE]') text += JSON.parse(tail).choices?.[0]?.delta?.content ?? '';
      paint();
    })().catch(error => console.error(error));
  },
  stop: () => controller?.abort(),
  // Prism highlights in the same task that sets the text.
  colour: 'sync',
  codeRoot: () => pre,
  messageRoot: () => pre,
});
