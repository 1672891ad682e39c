/**
 * The smallest update that turns the worker's copy of a conversation (the
 * messages of the element's previous request, `sent`) into `messages`: the
 * longest common prefix is kept, the rest is sent. A new turn is usually the
 * previous reply and the new user message; regenerate, edit and clear drop a
 * tail or everything.
 *
 * O(messages), and no message text is read or copied for the kept prefix:
 * a message that did not change is the same string as last time, and string
 * equality in JavaScript engines checks identity before contents.
 */
import type { ChatRequest, ConversationUpdate } from '../shared/protocol.js';

type Messages = ChatRequest['messages'];

export function conversationUpdate(conversation: string, sent: Messages, messages: Messages): ConversationUpdate {
  let keep = 0;
  const limit = Math.min(sent.length, messages.length);
  while (keep < limit && same(sent[keep]!, messages[keep]!)) keep++;
  return { conversation, base: sent.length, keep, append: messages.slice(keep) };
}

/** Tool calls compare by identity: build-messages.ts passes the message's own array. */
function same(a: Messages[number], b: Messages[number]): boolean {
  return a.role === b.role && a.content === b.content && a.toolCalls === b.toolCalls && a.toolCallId === b.toolCallId;
}
