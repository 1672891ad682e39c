// A long history: a conversation of `pairs` user/assistant pairs opened,
// scrolled from top to bottom and answered once more, in one contender.
//
// - vllm-chat: the conversation is written into localStorage before the
//   element exists, by the element's own store (conversation-store.ts, so the
//   stored format is exactly the one it reads), and restored by `storage-key`.
// - deep-chat: the same messages as its `history` property.
//
// Each phase records the page's long tasks (PerformanceObserver, count and
// longest) and the intervals between animation frames. `open` runs from just
// before the element is added until the last message's text (a marker unique
// to it) is in its DOM, then on until every message's text is (`settledMs`);
// `scroll` moves the conversation's scroller by 300 px per frame from top to
// bottom; `stream` sends one prompt (the server streams at 200 tokens/s) and
// ends when the reply is done.
import { saveConversation } from '../../src/element/conversation-store.js';
import { countNodes } from './harness.js';

/** @typedef {{ role: 'user' | 'assistant', content: string, status: 'done' }} Message */

/** Deterministic pseudo-random numbers, so every contender gets the same conversation. @param {number} seed */
function random(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const WORDS = 'the cache keeps each entry until its key is evicted by a newer one so lookups stay constant time while memory stays bounded by capacity and the oldest item goes first'.split(' ');

/** The marker that ends assistant message `i`: its text is in the DOM once this is. @param {number} i */
export const marker = i => `answer-${i}-end`;

/** `pairs` question/answer pairs of realistic sizes; two answers in three carry a TypeScript block. @param {number} pairs */
export function conversation(pairs) {
  const next = random(42);
  const sentence = (/** @type {number} */ n) => Array.from({ length: n }, () => WORDS[Math.floor(next() * WORDS.length)]).join(' ');
  /** @type {Message[]} */
  const messages = [];
  for (let i = 0; i < pairs; i++) {
    messages.push({ role: 'user', content: `Question ${i}: ${sentence(8 + Math.floor(next() * 30))}?`, status: 'done' });
    const parts = [`${sentence(20 + Math.floor(next() * 40))}.`];
    if (i % 3 !== 2) {
      const lines = 6 + Math.floor(next() * 30);
      const code = Array.from({ length: lines }, (_, k) =>
        k === 0 ? `export function step${i}(input: number[]): number {` : k === lines - 1 ? '}' : `  const v${k} = input[${k % 7}] * ${Math.floor(next() * 100)}; // ${sentence(4)}`,
      );
      parts.push('```ts\n' + code.join('\n') + '\n```');
    }
    parts.push(`${sentence(10 + Math.floor(next() * 20))}: ${marker(i)}`);
    messages.push({ role: 'assistant', content: parts.join('\n\n'), status: 'done' });
  }
  return messages;
}

/** Every element under `root`, open shadow roots included. @param {ParentNode} root @returns {Element[]} */
function deepAll(root) {
  /** @type {Element[]} */
  const out = [];
  const visit = (/** @type {ParentNode} */ node) => {
    for (const el of node.querySelectorAll('*')) {
      out.push(el);
      if (el.shadowRoot) visit(el.shadowRoot);
    }
  };
  if (root instanceof Element && root.shadowRoot) visit(root.shadowRoot);
  visit(root);
  return out;
}

/** The contender's conversation scroller: the element that can scroll the furthest. @param {Element} chat */
function scroller(chat) {
  let best = /** @type {Element | null} */ (null);
  for (const el of [chat, ...deepAll(chat)]) {
    if (el.scrollHeight - el.clientHeight > (best ? best.scrollHeight - best.clientHeight : 0)) best = el;
  }
  return best;
}

const nextFrame = () => new Promise(resolve => requestAnimationFrame(() => resolve(performance.now())));

/** @param {number[]} values @param {number} q */
function quantile(values, q) {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
}

/** Frame intervals and long tasks from `start()` to `stop()`. */
function probe() {
  /** @type {number[]} */
  const intervals = [];
  /** @type {number[]} */
  const tasks = [];
  /** Each long task's start (ms after the probe started) and duration, to find it in a trace. @type {{ at: number, ms: number }[]} */
  const when = [];
  const started = performance.now();
  /** Each frame gap over 20 ms: when it began (ms after the probe started) and how long it was. @type {{ at: number, ms: number }[]} */
  const drops = [];
  const record = (/** @type {PerformanceEntry} */ entry) => {
    tasks.push(entry.duration);
    when.push({ at: Math.round(entry.startTime - started), ms: Math.round(entry.duration) });
  };
  const observer = new PerformanceObserver(list => {
    for (const entry of list.getEntries()) record(entry);
  });
  observer.observe({ type: 'longtask' });
  let running = true;
  let last = performance.now();
  const loop = (/** @type {number} */ t) => {
    if (!running) return;
    intervals.push(t - last);
    if (t - last > 20) drops.push({ at: Math.round(last - started), ms: Math.round(t - last) });
    last = t;
    requestAnimationFrame(loop);
  };
  requestAnimationFrame(t => {
    last = t;
    requestAnimationFrame(loop);
  });
  return {
    stop() {
      running = false;
      for (const entry of observer.takeRecords()) record(entry);
      observer.disconnect();
      return {
        frames: { count: intervals.length, p50: quantile(intervals, 0.5), p95: quantile(intervals, 0.95), max: Math.max(0, ...intervals) },
        longTasks: { count: tasks.length, longestMs: Math.max(0, ...tasks), when },
        frameDrops: drops,
      };
    },
  };
}

/** @type {HTMLElement & Record<string, any>} */
let chat;
/** @type {string} */
let contender;
/** @type {Message[]} */
let messages = [];
/** @type {() => Element[]} */
let messageTexts = () => [];

/** Waits, checking each frame, until `done()` or `limitMs`. @param {() => boolean} done @param {number} limitMs */
async function until(done, limitMs) {
  const t0 = performance.now();
  while (!done()) {
    if (performance.now() - t0 > limitMs) return false;
    await nextFrame();
  }
  return true;
}

Object.assign(window, {
  longHistory: {
    /** Loads the contender's code (not timed) and prepares the stored conversation. @param {{ contender: string, bundle: string, pairs: number }} config */
    async setup(config) {
      contender = config.contender;
      messages = conversation(config.pairs);
      if (contender === 'vllm-chat') {
        await import(/* @vite-ignore */ `${config.bundle}/vllm-chat.js`);
        await customElements.whenDefined('vllm-chat');
        localStorage.clear();
        if (saveConversation('bench-history', messages) !== 'saved') throw new Error('the conversation could not be stored');
      } else if (contender === 'deep-chat') {
        await import('deep-chat');
      } else throw new Error(`unknown contender ${contender}`);
    },

    /** Opens the conversation: until the last message shows, then until all do. @param {{ endpoint: string, model: string }} config */
    async open({ endpoint, model }) {
      const last = marker(messages.length / 2 - 1);
      const p = probe();
      const t0 = performance.now();
      if (contender === 'vllm-chat') {
        chat = /** @type {typeof chat} */ (document.createElement('vllm-chat'));
        chat.setAttribute('endpoint', endpoint);
        chat.setAttribute('model', model);
        chat.setAttribute('storage-key', 'bench-history');
        const root = () => /** @type {ShadowRoot} */ (chat.shadowRoot);
        messageTexts = () => [...root().querySelectorAll('[part~="message"] .content')];
      } else {
        chat = /** @type {typeof chat} */ (document.createElement('deep-chat'));
        chat.history = messages.map(m => ({ role: m.role === 'assistant' ? 'ai' : 'user', text: m.content }));
        chat.connect = { url: `${endpoint}/chat/completions`, method: 'POST', stream: true };
        chat.requestInterceptor = (/** @type {{ body: { messages: { role: string, text?: string }[] } }} */ details) => ({
          ...details,
          body: { model, stream: true, messages: details.body.messages.map(m => ({ role: m.role === 'ai' ? 'assistant' : m.role, content: m.text ?? '' })) },
        });
        chat.responseInterceptor = (/** @type {{ choices?: { delta?: { content?: string } }[] }} */ chunk) => ({ text: chunk.choices?.[0]?.delta?.content ?? '' });
        messageTexts = () => deepAll(chat).filter(el => el.classList.contains('ai-message-text') || el.classList.contains('user-message-text'));
      }
      /** @type {HTMLElement} */ (document.getElementById('app')).append(chat);
      // The last message's text is read each frame (O(1) in the conversation); the
      // element is looked up again, a walk of the whole conversation, at most every 250 ms.
      /** @type {Element | undefined} */
      let lastText;
      let foundAt = -Infinity;
      const shown = await until(() => {
        if ((lastText?.textContent ?? '').includes(last)) return true;
        if (performance.now() - foundAt > 250) {
          foundAt = performance.now();
          lastText = messageTexts().at(-1);
        }
        return false;
      }, 60_000);
      const lastMs = performance.now() - t0;
      // Every message's text present: checked every 100 ms, one pointer per message (reading the
      // conversation's text each time would itself block the page it measures).
      let settled = false;
      while (shown && performance.now() - t0 < 60_000) {
        const texts = messageTexts();
        if (texts.length >= messages.length && texts.every(t => t.firstChild)) {
          settled = true;
          break;
        }
        await new Promise(resolve => setTimeout(resolve, 100));
      }
      const settledMs = performance.now() - t0;
      await nextFrame();
      return { status: shown && settled ? 'done' : 'timeout', lastMs, settledMs, ...p.stop() };
    },

    /** Scrolls the conversation from top to bottom, 300 px a frame. */
    async scroll() {
      const el = scroller(chat);
      if (!el) return { status: 'error', error: 'no scroller' };
      el.scrollTop = 0;
      await nextFrame();
      await nextFrame();
      const p = probe();
      const t0 = performance.now();
      let steps = 0;
      while (el.scrollTop + el.clientHeight < el.scrollHeight - 2 && performance.now() - t0 < 120_000) {
        el.scrollTop += 300;
        steps++;
        await nextFrame();
      }
      return { status: 'done', ms: performance.now() - t0, steps, scrollHeight: el.scrollHeight, ...p.stop() };
    },

    /** Streams one reply into the conversation. @param {string} prompt */
    async stream(prompt) {
      const p = probe();
      const t0 = performance.now();
      let status = 'done';
      if (contender === 'vllm-chat') {
        const message = await chat.send(prompt);
        status = message.status;
      } else {
        const before = messageTexts().length;
        chat.submitUserMessage({ text: prompt });
        // deep-chat has no "reply done" promise: the reply is done when its text stops growing for a second.
        let length = -1;
        let still = 0;
        const ok = await until(() => {
          const texts = messageTexts();
          const now = texts.length > before + 1 ? (texts.at(-1)?.textContent ?? '').length : -1;
          still = now > 0 && now === length ? still + 1 : 0;
          length = now;
          return still > 60;
        }, 60_000);
        if (!ok) status = 'timeout';
      }
      return { status, ms: performance.now() - t0, ...p.stop(), domNodes: countNodes(document) };
    },
  },
});
