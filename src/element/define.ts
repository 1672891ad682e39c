/**
 * Registers `<vllm-chat>` once. A page may import the module twice (two
 * script tags, `?v=2` copies, a bundle plus the CDN build): the first
 * definition wins and later ones are no-ops instead of throwing
 * `NotSupportedError`, which `customElements.define` does for a taken name.
 */
import { VllmChat } from './vllm-chat.js';

declare global {
  interface HTMLElementTagNameMap {
    'vllm-chat': VllmChat;
  }
}

/** Defines `<vllm-chat>` unless some copy of it is already defined. */
export function defineVllmChat(registry: CustomElementRegistry = customElements): void {
  if (!registry.get('vllm-chat')) registry.define('vllm-chat', VllmChat);
}

defineVllmChat();
