// Contender `naive`: what a page does when it renders a streamed reply itself.
// On the main thread: fetch, SSE parsing (eventsource-parser), markdown-it and
// Shiki (JavaScript regex engine, github-dark), the whole reply re-rendered to
// `innerHTML` on every animation frame that received tokens. The same
// libraries and theme as vllm-chat, without a worker or incremental rendering:
// each frame costs O(reply), the whole stream O(reply²).
import MarkdownIt from 'markdown-it';
import { createParser } from 'eventsource-parser';
import { createHighlighterCore } from 'shiki/core';
import { createJavaScriptRegexEngine } from 'shiki/engine/javascript';
import { installHarness } from '../pages/harness.js';
import { lastChildTag } from '../pages/find-cached.js';

/** Grammars a code answer is likely to use, by the names fences give them. */
/** @type {Record<string, string>} */
const ALIASES = { ts: 'typescript', typescript: 'typescript', js: 'javascript', javascript: 'javascript', py: 'python', python: 'python' };
/** @type {Record<string, () => Promise<unknown>>} */
const LANGS = {
  typescript: () => import('@shikijs/langs/typescript'),
  javascript: () => import('@shikijs/langs/javascript'),
  python: () => import('@shikijs/langs/python'),
};

const out = /** @type {HTMLElement} */ (document.getElementById('app'));
/** @type {import('shiki/core').HighlighterCore} */
let highlighter;
/** @type {Set<string>} */
const loaded = new Set();
/** @type {AbortController | undefined} */
let controller;
let endpoint = '';
let model = '';
let text = '';
let scheduled = false;

/** The whole reply, rendered again from scratch, on the next frame. */
function schedule() {
  if (scheduled) return;
  scheduled = true;
  requestAnimationFrame(() => {
    scheduled = false;
    out.innerHTML = md.render(text);
  });
}

const escape = (/** @type {string} */ s) =>
  s.replace(/[&<>"']/g, c => `&#${c.charCodeAt(0)};`);

const md = new MarkdownIt({
  html: false,
  highlight(code, lang) {
    const key = ALIASES[lang.toLowerCase()] ?? '';
    const load = LANGS[key];
    if (!load) return '';
    if (!loaded.has(key)) {
      loaded.add(key);
      // The next frame re-renders everything anyway, by then highlighted.
      void load()
        .then(mod => highlighter.loadLanguage(/** @type {never} */ (mod)))
        .then(() => schedule());
      return '';
    }
    try {
      return highlighter.codeToHtml(code, { lang: key, theme: 'github-dark' });
    } catch {
      return `<pre><code>${escape(code)}</code></pre>`;
    }
  },
});

installHarness({
  textModel: 'code',
  async setup(config) {
    endpoint = config.endpoint;
    model = config.model;
    highlighter = await createHighlighterCore({
      themes: [import('@shikijs/themes/github-dark')],
      langs: [],
      engine: createJavaScriptRegexEngine(),
    });
    // A page that expects code answers loads its usual grammars up front (not timed).
    for (const key of Object.keys(LANGS)) {
      loaded.add(key);
      await highlighter.loadLanguage(/** @type {never} */ (await LANGS[key]?.()));
    }
  },
  start(prompt) {
    controller = new AbortController();
    text = '';
    const parser = createParser({
      onEvent(event) {
        if (event.data === '[DONE]') return;
        const delta = JSON.parse(event.data).choices?.[0]?.delta?.content;
        if (typeof delta !== 'string' || delta === '') return;
        text += delta;
        schedule();
      },
    });
    void (async () => {
      const response = await fetch(`${endpoint}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model, stream: true, messages: [{ role: 'user', content: prompt }] }),
        signal: controller?.signal,
      });
      const reader = /** @type {ReadableStream<Uint8Array>} */ (response.body).getReader();
      const decoder = new TextDecoder();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        parser.feed(decoder.decode(value, { stream: true }));
      }
    })().catch(error => console.error(error));
  },
  stop: () => controller?.abort(),
  // Every frame's render highlights the whole reply (its grammars were loaded in `setup`).
  colour: 'sync',
  codeRoot: () => lastChildTag(out, 'PRE'),
  messageRoot: () => out,
});
