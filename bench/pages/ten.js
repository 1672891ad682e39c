// Many elements on one page: `count` chats stream the same kind of reply at
// the same time, each its own request. Contenders: `vllm-chat` (the production
// bundle, one element each) and `plain` (the least a page can do: fetch, split
// SSE events, append each delta's text to a <pre>; no markdown, no colour).
// Per frame, for each chat, where the tail of its code text lies in the
// expected text tells which of its tokens are visible since when: the
// display-lag probe of the single-reply pages (harness.js), O(the text added
// since the last frame and the tail it reads) per chat. Reading each chat's
// whole code text every frame was a large part of the main thread of the page
// it measures.
import { deepLast, findCached } from './find-cached.js';
import { locateShown } from './harness.js';

/** @type {{ codeRoot: () => Element | null, send: (prompt: string) => void }[]} */
const chats = [];
let mode = 'vllm-chat';

/** @type {PerformanceEntry[]} */
const longTasks = [];
const observer = new PerformanceObserver(list => longTasks.push(...list.getEntries()));
observer.observe({ type: 'longtask', buffered: true });

/** @param {number[]} values @param {number} q */
function quantile(values, q) {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
}

/** A <pre> that shows the raw reply as its deltas arrive. @param {string} endpoint @param {string} model */
function plainChat(endpoint, model) {
  const pre = document.createElement('pre');
  return {
    element: pre,
    codeRoot: () => pre,
    /** @param {string} prompt */
    send(prompt) {
      void (async () => {
        const response = await fetch(`${endpoint}/chat/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ model, stream: true, messages: [{ role: 'user', content: prompt }] }),
        });
        const reader = /** @type {ReadableStream<Uint8Array>} */ (response.body).getReader();
        const decoder = new TextDecoder();
        let buffer = '';
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          buffer += decoder.decode(value, { stream: true });
          const events = buffer.split('\n\n');
          buffer = events.pop() ?? '';
          for (const event of events) {
            const data = event.startsWith('data: ') ? event.slice(6) : '';
            if (!data || data === '[DONE]') continue;
            const delta = JSON.parse(data).choices?.[0]?.delta?.content;
            if (typeof delta === 'string' && delta) pre.append(delta);
          }
        }
      })().catch(error => console.error(error));
    },
  };
}

Object.assign(window, {
  ten: {
    /** @param {{ endpoint: string, model: string, bundle: string, contender: string, count: number }} config */
    async setup(config) {
      mode = config.contender;
      const app = /** @type {HTMLElement} */ (document.getElementById('app'));
      if (mode === 'vllm-chat') {
        await import(/* @vite-ignore */ `${config.bundle}/vllm-chat.js`);
        await customElements.whenDefined('vllm-chat');
      }
      for (let i = 0; i < config.count; i++) {
        if (mode === 'vllm-chat') {
          const chat = /** @type {HTMLElement & { send(t: string): Promise<unknown>, updateComplete: Promise<unknown> }} */ (
            document.createElement('vllm-chat')
          );
          chat.setAttribute('endpoint', config.endpoint);
          chat.setAttribute('model', config.model);
          app.append(chat);
          await chat.updateComplete;
          const message = findCached(() => deepLast(chat, '[part~="assistant"]'));
          chats.push({
            codeRoot: findCached(() => {
              const reply = message();
              return reply ? deepLast(reply, '[part~="code-block"]') : null;
            }),
            send: prompt => void chat.send(prompt).catch(error => console.error(error)),
          });
        } else {
          const chat = plainChat(config.endpoint, config.model);
          app.append(chat.element);
          chats.push(chat);
        }
      }
    },
    /**
     * Sends `prompts[i]` to chat i, all in one task, and records until every
     * chat shows its whole code or `limitMs` passed. `trackText`: the text each
     * chat's code element will show, whitespace removed; `tokenEnds`: where
     * each tracked token ends in it.
     * @param {{ prompts: string[], trackText: string, tokenEnds: number[], limitMs: number }} spec
     */
    run(spec) {
      return new Promise(resolve => {
        longTasks.push(...observer.takeRecords());
        longTasks.length = 0;
        /** @type {number[]} */
        const intervals = [];
        /** @type {number[][]} */
        const visibleAt = chats.map(() => []);
        /** How far each chat's code shown reaches in `trackText`. */
        const shownEnds = chats.map(() => 0);
        const t0 = performance.now();
        let prev = t0;
        const frame = () => {
          const now = performance.now();
          intervals.push(now - prev);
          prev = now;
          const at = performance.timeOrigin + now;
          let complete = 0;
          chats.forEach((chat, i) => {
            const code = chat.codeRoot();
            const shown = Math.max(/** @type {number} */ (shownEnds[i]), code ? locateShown(code, spec.trackText, /** @type {number} */ (shownEnds[i])) : -1);
            shownEnds[i] = shown;
            const seen = /** @type {number[]} */ (visibleAt[i]);
            while (seen.length < spec.tokenEnds.length && /** @type {number} */ (spec.tokenEnds[seen.length]) <= shown) seen.push(at);
            if (shown >= spec.trackText.length) complete++;
          });
          const timedOut = now - t0 > spec.limitMs;
          if (complete < chats.length && !timedOut) {
            requestAnimationFrame(frame);
            return;
          }
          longTasks.push(...observer.takeRecords());
          const during = longTasks.filter(t => t.startTime + t.duration > t0 && t.startTime < now);
          resolve({
            status: timedOut ? 'timeout' : 'done',
            ms: now - t0,
            complete,
            visibleAt,
            frames: {
              count: intervals.length,
              p50: quantile(intervals, 0.5),
              p95: quantile(intervals, 0.95),
              max: Math.max(0, ...intervals),
              over50: intervals.filter(d => d > 50).length,
            },
            longTasks: {
              count: during.length,
              longestMs: Math.max(0, ...during.map(t => t.duration)),
              blockingMs: during.reduce((sum, t) => sum + Math.max(0, t.duration - 50), 0),
            },
          });
        };
        chats.forEach((chat, i) => chat.send(/** @type {string} */ (spec.prompts[i])));
        requestAnimationFrame(frame);
      });
    },
    /** Every chat's code text, to check that each reply arrived exactly. */
    codes: () => chats.map(c => c.codeRoot()?.textContent ?? ''),
  },
});
