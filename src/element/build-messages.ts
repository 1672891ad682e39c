/**
 * The conversation as sent with each request: the system prompt (when set),
 * then the earlier user and assistant turns, then the new user message; an
 * assistant's tool calls with their results after it.
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
  const answered = new Set<string>();
  for (const message of conversation) if (message.role === 'tool' && message.toolCallId) answered.add(message.toolCallId);
  /** Calls sent so far: a result goes only after the call it answers. */
  const sent = new Set<string>();
  for (let i = 0; i < conversation.length; i++) {
    const message = conversation[i]!;
    const next = conversation[i + 1];
    if (message.role === 'user' && next?.role === 'assistant' && unanswered(next, answered)) {
      i++;
      continue;
    }
    if (message.role === 'assistant' && unanswered(message, answered)) continue;
    if (message.role === 'tool') {
      if (message.toolCallId && sent.has(message.toolCallId)) out.push({ role: 'tool', content: message.content, toolCallId: message.toolCallId });
      continue;
    }
    const calls = completeCalls(message, answered);
    if (calls) {
      for (const call of calls) sent.add(call.id);
      // The message's own array: conversation-update.ts sees an unchanged message by identity.
      out.push({ role: message.role, content: message.content, toolCalls: calls });
    } else out.push({ role: message.role, content: content(message) });
  }
  return out;
}

/**
 * An assistant's tool calls when every one has its result in the
 * conversation, else `undefined`: calls left unanswered (the wait was
 * stopped, or the page reloaded) are not sent, since OpenAI-compatible
 * servers reject calls without results and templates would show the model a
 * question it never got an answer to.
 */
function completeCalls(message: ChatMessage, answered: ReadonlySet<string>): ChatMessage['toolCalls'] {
  const calls = message.role === 'assistant' ? message.toolCalls : undefined;
  return calls?.length && calls.every(call => answered.has(call.id)) ? calls : undefined;
}

function unanswered(reply: ChatMessage, answered: ReadonlySet<string>): boolean {
  return reply.status === 'error' || reply.status === 'streaming' || (reply.content === '' && !completeCalls(reply, answered));
}

/** `endpoint` resolved against the page (`/v1` → `https://page.example/v1`), without a trailing slash. */
export function resolveEndpoint(endpoint: string, base: string = document.baseURI): string {
  return new URL(endpoint || '/v1', base).href.replace(/\/+$/, '');
}
