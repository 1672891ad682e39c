/**
 * The one way `<vllm-chat>` dispatches its events: typed by name, always
 * `bubbles` and `composed` so a page listening on `document` hears them from
 * inside any shadow root.
 */
import type { ChatMessage } from '../shared/chat-message.js';

/** `detail` of every `<vllm-chat>` event. */
export interface VllmChatEventDetail {
  /** The assistant reply the event is about (the live object; it keeps changing while it streams). */
  message: ChatMessage;
}

/** `detail` of `vllm-chat-tool-call`. */
export interface VllmChatToolCallDetail extends VllmChatEventDetail {
  /** The calls to answer, each with `addToolResult(call.id, result)`. */
  calls: NonNullable<ChatMessage['toolCalls']>;
}

/** The events of `<vllm-chat>`, by name. */
export interface VllmChatEventMap {
  'vllm-chat-start': CustomEvent<VllmChatEventDetail>;
  'vllm-chat-done': CustomEvent<VllmChatEventDetail>;
  'vllm-chat-error': CustomEvent<VllmChatEventDetail>;
  'vllm-chat-tool-call': CustomEvent<VllmChatToolCallDetail>;
}

declare global {
  // Lets `el.addEventListener('vllm-chat-done', e => e.detail.message)` type-check.
  interface GlobalEventHandlersEventMap extends VllmChatEventMap {}
}

/** Dispatches `name` from `target` with `detail`, bubbling out of shadow roots. */
export function emit<K extends keyof VllmChatEventMap>(
  target: EventTarget,
  name: K,
  detail: VllmChatEventMap[K]['detail'],
): boolean {
  return target.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true }));
}
