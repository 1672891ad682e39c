// Contender `deep-chat`: the npm `deep-chat` element with its default settings,
// connected to the same OpenAI-compatible endpoint through its generic
// streaming connection. Its messages are rewritten into an OpenAI body on the
// way out, and each streamed chunk is mapped to `{ text }` on the way in.
// `window.hljs` is not set, so deep-chat shows code without highlighting.
import 'deep-chat';
import { installHarness } from '../pages/harness.js';
import { deepLast, findCached, lastChildTag } from '../pages/find-cached.js';

/** @typedef {{ role: string, text?: string }} DeepChatMessage */
/** @type {HTMLElement & Record<string, unknown> & { submitUserMessage(m: { text: string }): void }} */
let chat;

const message = findCached(() => deepLast(chat, '.ai-message-text'));
const code = findCached(() => {
  const reply = message();
  return reply ? (lastChildTag(reply, 'PRE') ?? deepLast(reply, 'pre')) : null;
});

installHarness({
  textModel: 'code',
  async setup({ endpoint, model }) {
    chat = /** @type {typeof chat} */ (/** @type {unknown} */ (document.createElement('deep-chat')));
    chat.connect = { url: `${endpoint}/chat/completions`, method: 'POST', stream: true };
    chat.requestInterceptor = (/** @type {{ body: { messages: DeepChatMessage[] } }} */ details) => ({
      ...details,
      body: {
        model,
        stream: true,
        messages: details.body.messages.map(m => ({ role: m.role === 'ai' ? 'assistant' : m.role, content: m.text ?? '' })),
      },
    });
    chat.responseInterceptor = (/** @type {{ choices?: { delta?: { content?: string } }[] }} */ chunk) => ({
      text: chunk.choices?.[0]?.delta?.content ?? '',
    });
    chat.style.width = '880px';
    chat.style.height = '640px';
    const rendered = new Promise(resolve => (chat.onComponentRender = resolve));
    /** @type {HTMLElement} */ (document.getElementById('app')).append(chat);
    await rendered;
  },
  start(prompt) {
    chat.submitUserMessage({ text: prompt });
  },
  // deep-chat has a stop button but no stop method; the page is closed after a timeout.
  stop() {},
  // Without window.hljs its code stays uncoloured.
  colour: 'none',
  codeRoot: code,
  messageRoot: message,
});
