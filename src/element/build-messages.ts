/**
 * The conversation as sent with each request: the system prompt (when set),
 * then the earlier user and assistant turns, then the new user message.
 *
 * A failed reply (status `error`) or one stopped before any text is left out
 * together with the user message it answered: the model never answered it,
 * its partial text may be cut mid-sentence by a broken connection, and
 * dropping the pair keeps user/assistant turns alternating, which strict chat
 * templates (e.g. Mistral's and Llama 2's in vLLM) require. A reply stopped by
 * the reader is kept as far as it went: that is what the reader saw.
 */
import type { ChatMessage } from '../shared/chat-message.js';
import type { ChatRequest, MessageContent } from '../shared/protocol.js';

/** O(number of messages); called once per request, not per token. */
export function buildMessages(
  systemPrompt: string,
  conversation: readonly ChatMessage[],
  /** A message's content as sent (a user message's files: attachments-controller.ts); default its text. */
  content: (message: ChatMessage) => MessageContent = m => m.content,
): ChatRequest['messages'] {
  const out: ChatRequest['messages'] = [];
  if (systemPrompt) out.push({ role: 'system', content: systemPrompt });
  for (let i = 0; i < conversation.length; i++) {
    const message = conversation[i]!;
    const next = conversation[i + 1];
    if (message.role === 'user' && next?.role === 'assistant' && unanswered(next)) {
      i++;
      continue;
    }
    if (message.role === 'assistant' && unanswered(message)) continue;
    out.push({ role: message.role, content: content(message) });
  }
  return out;
}

function unanswered(reply: ChatMessage): boolean {
  return reply.status === 'error' || reply.status === 'streaming' || reply.content === '';
}

/** `endpoint` resolved against the page (`/v1` → `https://page.example/v1`), without a trailing slash. */
export function resolveEndpoint(endpoint: string, base: string = document.baseURI): string {
  return new URL(endpoint || '/v1', base).href.replace(/\/+$/, '');
}
