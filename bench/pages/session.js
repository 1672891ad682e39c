// A long session: one element, `replies` code answers one after the other.
// Per reply: when `send()` was called (epoch ms, to compare with the server's
// arrival time of the request) and the first frame after the reply's first
// text was applied (the message's `content` grows in the same task as its
// DOM, so this is O(1) per frame however big the conversation).
import { countNodes } from './harness.js';

/** @type {HTMLElement & { send(t: string): Promise<{ status: string, content: string }>, messages: readonly { content: string }[], updateComplete: Promise<unknown> }} */
let chat;

const nextFrame = () => new Promise(resolve => requestAnimationFrame(() => resolve(performance.now())));

Object.assign(window, {
  session: {
    /** @param {{ endpoint: string, model: string, bundle: string }} config */
    async setup(config) {
      await import(/* @vite-ignore */ `${config.bundle}/vllm-chat.js`);
      await customElements.whenDefined('vllm-chat');
      chat = /** @type {typeof chat} */ (document.createElement('vllm-chat'));
      chat.setAttribute('endpoint', config.endpoint);
      chat.setAttribute('model', config.model);
      document.body.append(chat);
      await chat.updateComplete;
    },
    /**
     * One reply: `send(prompt)`, then frames until its first text shows, then its end.
     * @param {string} prompt
     */
    async reply(prompt) {
      const sentAt = performance.timeOrigin + performance.now();
      const t0 = performance.now();
      const done = chat.send(prompt);
      // The synchronous part of send(): what runs before the request can be handed over.
      const syncMs = performance.now() - t0;
      let firstMs = null;
      for (;;) {
        const t = /** @type {number} */ (await nextFrame());
        const last = chat.messages.at(-1);
        if (last && last.content !== '') {
          firstMs = t - t0;
          break;
        }
        if (t - t0 > 30_000) break;
      }
      const message = await done;
      return { sentAt, syncMs, firstMs, status: message.status, chars: message.content.length };
    },
    /** Text of the whole conversation in bytes (UTF-8) and DOM nodes of the page. */
    size() {
      let bytes = 0;
      const encoder = new TextEncoder();
      for (const m of chat.messages) bytes += encoder.encode(m.content).length;
      return { textBytes: bytes, domNodes: countNodes(document) };
    },
  },
});
