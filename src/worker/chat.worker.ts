/**
 * The worker entry: exposes `WorkerApi` through Comlink. The element starts
 * it from the URL element/worker-assets.ts gives, directly or through a
 * same-origin blob that imports this module (worker-client.ts);
 * `useAssets()` tells it where its other files are (assets.ts), `lifeLock()`
 * that this module ran, and lets the page notice when this worker dies
 * (shared/life-lock.ts).
 *
 * Each `stream` call runs its own `StreamSession`; sessions are keyed by the
 * element's stream id so `stop(id)` finds them. A request that names a
 * conversation is sent with the worker's copy of it (session/conversations.ts).
 */
import * as Comlink from 'comlink';
import type { ChatRequest, Patch, WorkerApi } from '../shared/protocol.js';
import { holdLifeLock } from '../shared/life-lock.js';
import { highlightCode, MessageRenderer } from './render/message-renderer.js';
import { decodeDataUrl, encodeAttachment } from './net/encode-attachment.js';
import { warmUp } from './render/warm-up.js';
import { warmRender } from './render/warm-render.js';
import { listModels } from './net/models.js';
import { networkThread, networkWorkerUrl } from './net/network-thread.js';
import { useAssets } from './assets.js';
import { forgetConversation, requestMessages, syncConversation } from './session/conversations.js';
import { StreamSession } from './session/stream-session.js';

const sessions = new Map<string, StreamSession>();

const api: WorkerApi = {
  useAssets(assets) {
    useAssets(assets);
    networkThread();
  },

  async stream(id, request, onPatch) {
    if (sessions.has(id)) throw new Error(`WorkerApi.stream: stream id "${id}" is already streaming.`);
    const full: ChatRequest = { ...request, messages: requestMessages(request) };
    delete full.conversation;
    const session = new StreamSession(full, onPatch, new MessageRenderer(request.render));
    sessions.set(id, session);
    try {
      await session.run();
    } finally {
      sessions.delete(id);
      // `onPatch` is a Comlink proxy of the element's callback: free its port.
      const release = (onPatch as unknown as Partial<Record<typeof Comlink.releaseProxy, () => void>>)[Comlink.releaseProxy];
      if (typeof release === 'function') release();
    }
  },

  syncConversation(update) {
    return syncConversation(update);
  },

  forgetConversation(conversation) {
    forgetConversation(conversation);
  },

  stop(id) {
    sessions.get(id)?.stop();
  },

  setTheme(id, theme) {
    sessions.get(id)?.setTheme(theme);
  },

  listModels(endpoint, apiKey) {
    return listModels(endpoint, apiKey);
  },

  async render(message, options) {
    const renderer = new MessageRenderer(options);
    if (message.reasoning) renderer.feed('reasoning', message.reasoning);
    renderer.feed('content', message.content);
    message.toolCalls?.forEach((call, index) => renderer.feedToolCall(index, call.arguments));
    renderer.end();
    const rendered = await renderer.take();
    const patch: Patch = {};
    if (rendered.content?.length) patch.content = rendered.content;
    if (rendered.toolCalls?.length) patch.toolCalls = rendered.toolCalls;
    if (rendered.reasoning?.length) patch.reasoning = rendered.reasoning;
    if (rendered.styles?.length) patch.styles = rendered.styles;
    return patch;
  },

  async warmUp(theme) {
    const busy = () => sessions.size > 0;
    await warmRender(theme, busy);
    await warmUp(theme, busy);
  },

  encodeAttachments(files) {
    return files.map(encodeAttachment);
  },

  decodeDataUrl(url) {
    return decodeDataUrl(url);
  },

  highlight(code, lang, theme) {
    return highlightCode(code, lang, theme);
  },

  ping() {
    return 'pong';
  },

  lifeLock() {
    return holdLifeLock();
  },
};

Comlink.expose(api);
// The network half of replies gets its own thread (network-thread.ts), started
// now so it is ready by the first reply; in the published bundle, as soon as
// the page said where its module is (`useAssets`, the first call).
if (networkWorkerUrl()) networkThread();
