// Contender `vllm-chat`: the production bundle, imported from its own origin
// (not the page's), streaming from the API on a third origin.
import * as Comlink from 'comlink';
import { installHarness } from './harness.js';
import { deepLast, findCached } from './find-cached.js';

/** @type {HTMLElement & { send(text: string): Promise<unknown>, stop(): void, updateComplete?: Promise<unknown> }} */
let chat;
/** @type {string | undefined} */
let workerUrl;

const message = findCached(() => deepLast(chat, '[part~="assistant"]'));
const code = findCached(() => {
  const reply = message();
  return reply ? (deepLast(reply, '[part~="code-block"]') ?? null) : null;
});

installHarness({
  textModel: 'code',
  async setup({ endpoint, model, bundle, worker }) {
    await import(/* @vite-ignore */ `${bundle}/vllm-chat.js`);
    await customElements.whenDefined('vllm-chat');
    chat = /** @type {typeof chat} */ (document.createElement('vllm-chat'));
    chat.setAttribute('endpoint', endpoint);
    chat.setAttribute('model', model);
    chat.setAttribute('theme', 'github-dark');
    /** @type {HTMLElement} */ (document.getElementById('app')).append(chat);
    await chat.updateComplete;
    workerUrl = worker;
  },
  start(prompt) {
    // send() never rejects for a server failure; a rejection here is a bug the run would show as a timeout.
    chat.send(prompt).catch(error => console.error(error));
  },
  stop: () => chat.stop(),
  codeRoot: code,
  messageRoot: message,
  // The worker's one-shot render of the final reply, in a worker of its own
  // started from the same production chunk (the element's worker is private).
  // A first render of a small code block loads the grammar and theme, so the
  // figure is markdown + Shiki work alone.
  async renderFloor(content) {
    if (!workerUrl) return undefined;
    const source = `import ${JSON.stringify(workerUrl)};`;
    const blob = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
    const worker = new Worker(blob, { type: 'module' });
    try {
      /** @type {Comlink.Remote<{ render(m: { content: string }, o: unknown): Promise<unknown> }>} */
      const api = Comlink.wrap(worker);
      const options = { theme: 'github-dark', labels: { copy: 'Copy' } };
      const lang = /```(\w+)/.exec(content)?.[1] ?? 'ts';
      await api.render({ content: '```' + lang + '\nconst a = 1;\n```\n' }, options);
      const t0 = performance.now();
      await api.render({ content }, options);
      return performance.now() - t0;
    } finally {
      worker.terminate();
      URL.revokeObjectURL(blob);
    }
  },
});
