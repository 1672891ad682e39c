/**
 * The worker entry: exposes `WorkerApi` through Comlink. The element creates
 * it with `new Worker(new URL('../worker/chat.worker.ts', import.meta.url),
 * { type: 'module' })`, directly or through a same-origin blob that imports
 * this module (worker-client.ts); `lifeLock()` tells it that this module ran
 * and lets it notice when this worker dies (shared/life-lock.ts).
 *
 * Each `stream` call runs its own `StreamSession`; sessions are keyed by the
 * element's stream id so `stop(id)` finds them. A request that names a
 * conversation is sent with the worker's copy of it (session/conversations.ts).
 */
import * as Comlink from 'comlink';
import type { ChatRequest, Patch, WorkerApi } from '../shared/protocol.js';
import { holdLifeLock } from '../shared/life-lock.js';
import { highlightCode, MessageRenderer } from './render/message-renderer.js';
import { warmUp } from './render/warm-up.js';
import { listModels } from './net/models.js';
import { networkThread } from './net/network-thread.js';
import { forgetConversation, requestMessages, syncConversation } from './session/conversations.js';
import { StreamSession } from './session/stream-session.js';

const sessions = new Map<string, StreamSession>();

const api: WorkerApi = {
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
    renderer.end();
    const rendered = await renderer.take();
    const patch: Patch = {};
    if (rendered.content?.length) patch.content = rendered.content;
    if (rendered.reasoning?.length) patch.reasoning = rendered.reasoning;
    if (rendered.styles?.length) patch.styles = rendered.styles;
    return patch;
  },

  warmUp(theme) {
    return warmUp(theme, () => sessions.size > 0);
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
// The network half of replies gets its own thread (network-thread.ts), started now so it is ready by the first reply.
networkThread();
