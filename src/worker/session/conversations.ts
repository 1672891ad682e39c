/**
 * The worker's copy of each element's conversation, as last requested.
 *
 * The element sends, per request, only what changed since its previous one
 * (usually its last reply and the new user message) instead of the whole
 * history: cloning a long history on the main thread for every request made
 * the work between `send()` and the request grow with the conversation. The
 * whole list is rebuilt here, in the worker, where that work does not touch
 * the page.
 */
import type { ChatRequest, ConversationUpdate } from '../../shared/protocol.js';

type Messages = ChatRequest['messages'];

const copies = new Map<string, Messages>();

/**
 * Applies `update`; `false` (and nothing changed) when it keeps messages of a
 * copy that does not have `update.base` of them. `keep` 0 replaces the copy.
 */
export function syncConversation(update: ConversationUpdate): boolean {
  const copy = copies.get(update.conversation) ?? [];
  if (update.keep > 0 && (copy.length !== update.base || update.keep > copy.length)) return false;
  // O(appended messages) when nothing is dropped: the copy grows in place.
  copy.length = update.keep;
  copy.push(...update.append);
  copies.set(update.conversation, copy);
  return true;
}

/** The messages of a request: its own, or the worker's copy of its conversation. */
export function requestMessages(request: ChatRequest): Messages {
  if (request.conversation === undefined) return request.messages;
  const copy = copies.get(request.conversation);
  if (!copy) {
    throw new Error(`WorkerApi.stream: conversation "${request.conversation}" was never synced; call syncConversation() first.`);
  }
  // A snapshot: a later sync of the same conversation must not change a request in flight.
  return copy.slice();
}

export function forgetConversation(conversation: string): void {
  copies.delete(conversation);
}
