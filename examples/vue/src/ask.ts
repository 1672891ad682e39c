// Typed use of the element from the package's declarations: the tag name
// maps to its class, its events to their detail.
import type { ChatMessage } from 'vllm-chat';

export function askForCode(prompt: string): Promise<ChatMessage> {
  const chat = document.querySelector('vllm-chat');
  if (!chat) throw new Error('askForCode(): no <vllm-chat> on the page');
  chat.addEventListener('vllm-chat-error', event => console.warn(event.detail.message.error?.message));
  return chat.send(prompt);
}
