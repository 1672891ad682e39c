// Contender `vllm-chat`: the production bundle, imported from its own origin
// (not the page's), streaming from the API on a third origin.
import * as Comlink from 'comlink';
import { installHarness } from './harness.js';
import { deepLast, findCached } from './find-cached.js';

/** @type {HTMLElement & { send(text: string): Promise<unknown>, stop(): void, updateComplete?: Promise<unknown> }} */
let chat;
/** @type {string | undefined} */
let workerUrl;
/** Whether the reply in progress fired `vllm-chat-done`. */
let replyDone = false;
/** Where the worker's grammars and themes are (`WorkerAssets`), as the page module tells its own worker. */
/** @type {unknown} */
let workerAssets;

const message = findCached(() => deepLast(chat, '[part~="assistant"]'));
const code = findCached(() => {
  const reply = message();
  return reply ? (deepLast(reply, '[part~="code-block"]') ?? null) : null;
});

const diagram = findCached(() => {
  const reply = message();
  return reply ? deepLast(reply, '[part~="diagram"]') : null;
});

/** A worker of the page's own, started from the production chunk (the element's worker is private). */
function startWorker() {
  const source = `import ${JSON.stringify(workerUrl)};`;
  const blob = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
  const worker = new Worker(blob, { type: 'module' });
  /** @type {Comlink.Remote<{ useAssets(a: unknown): Promise<void>, render(m: { content: string }, o: unknown): Promise<unknown> }>} */
  const remote = Comlink.wrap(worker);
  // Every call waits for the worker to know its files, as the element's handshake does.
  const ready = remote.useAssets(workerAssets ?? {});
  const api = {
    /** @param {{ content: string }} m @param {unknown} o */
    render: async (m, o) => {
      await ready;
      return remote.render(m, o);
    },
  };
  return {
    api,
    stop() {
      worker.terminate();
      URL.revokeObjectURL(blob);
    },
  };
}

const OPTIONS = { theme: 'github-dark', labels: { copy: 'Copy' } };

/**
 * One small block per fence language of `content` (loads every grammar and
 * the theme it needs) and two formulas other than the reply's (Temml's first
 * run compiles its code; the reply's own formulas stay untypeset).
 */
function warmUp(/** @type {string} */ content) {
  const langs = new Set([...content.matchAll(/^```(\w+)/gm)].map(m => m[1]));
  if (langs.size === 0) langs.add('ts');
  const blocks = [...langs].map(lang => '```' + lang + '\nconst a = 1;\n```\n');
  return [...blocks, '$a+b$ \\(\\frac{x}{y}\\)\n\n$$\n\\sum_k k^2\n$$\n'].join('\n');
}

const sortedMiddle = (/** @type {number[]} */ values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

installHarness({
  textModel: 'code',
  async setup({ endpoint, model, bundle, worker, assets }) {
    await import(/* @vite-ignore */ `${bundle}/vllm-chat.js`);
    await customElements.whenDefined('vllm-chat');
    chat = /** @type {typeof chat} */ (document.createElement('vllm-chat'));
    chat.setAttribute('endpoint', endpoint);
    chat.setAttribute('model', model);
    chat.setAttribute('theme', 'github-dark');
    chat.addEventListener('vllm-chat-done', () => (replyDone = true));
    /** @type {HTMLElement} */ (document.getElementById('app')).append(chat);
    await chat.updateComplete;
    workerUrl = worker;
    workerAssets = assets;
  },
  start(prompt) {
    replyDone = false;
    // send() never rejects for a server failure; a rejection here is a bug the run would show as a timeout.
    chat.send(prompt).catch(error => console.error(error));
  },
  stop: () => chat.stop(),
  codeRoot: code,
  messageRoot: message,
  diagramRoot: diagram,
  // Lines shown plain while the highlighter was behind are coloured in place
  // later; the worker sends the reply's end with the patch that colours the
  // last of them (docs/architecture.md), so `vllm-chat-done` is the moment the
  // reply is all coloured. The DOM cannot tell: a token in the theme's
  // foreground is bare text in a coloured line as in a plain one.
  colour: () => replyDone,
  // The worker's one-shot render of the final reply, in a worker of its own
  // started from the same production chunk. A first render of a small block
  // per language loads the grammars and theme, so the figure is markdown +
  // Shiki work alone.
  async renderFloor(content) {
    if (!workerUrl) return undefined;
    const { api, stop } = startWorker();
    try {
      await api.render({ content: warmUp(content) }, OPTIONS);
      const t0 = performance.now();
      await api.render({ content }, OPTIONS);
      return performance.now() - t0;
    } finally {
      stop();
    }
  },
  // The math stage's cost per formula, in the worker: one-shot render of the
  // reply with math minus without (`noMath`: TeX stays text), divided by the
  // formulas typeset (`<math` elements in the result). The stage keeps typeset
  // formulas, so each with-math render is the first of its worker; both sides
  // run after the same warm-up (grammars, and Temml on other formulas), and
  // the without-math side is the faster of two renders. Median of three workers.
  async mathCost(content) {
    if (!workerUrl) return undefined;
    const per = [];
    const withMs = [];
    const withoutMs = [];
    let formulas = 0;
    for (let i = 0; i < 3; i++) {
      const { api, stop } = startWorker();
      try {
        await api.render({ content: warmUp(content) }, OPTIONS);
        await api.render({ content }, { ...OPTIONS, noMath: true });
        let without = Infinity;
        for (let k = 0; k < 2; k++) {
          const t0 = performance.now();
          await api.render({ content }, { ...OPTIONS, noMath: true });
          without = Math.min(without, performance.now() - t0);
        }
        const t0 = performance.now();
        const result = await api.render({ content }, OPTIONS);
        const withMath = performance.now() - t0;
        formulas = (JSON.stringify(result).match(/<math[\s>]/g) ?? []).length;
        withMs.push(withMath);
        withoutMs.push(without);
        per.push(formulas ? (withMath - without) / formulas : NaN);
      } finally {
        stop();
      }
    }
    return { formulas, perFormulaMs: sortedMiddle(per), withMs: sortedMiddle(withMs), withoutMs: sortedMiddle(withoutMs) };
  },
});
