/**
 * Keeps a conversation in `localStorage` under the element's `storage-key`.
 * What comes back is validated field by field: storage is shared with the
 * rest of the origin, so anything that is not a conversation we wrote is
 * ignored with a `console.warn` rather than breaking the element.
 */
import type { ChatMessage } from '../shared/chat-message.js';

/** Version tag of the stored shape; other shapes are foreign data. */
const FORMAT = 'vllm-chat/1';

const roles = new Set<unknown>(['system', 'user', 'assistant']);
const statuses = new Set<unknown>(['streaming', 'done', 'stopped', 'error']);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** One stored message, or `undefined` when it is not one. */
function readMessage(value: unknown): ChatMessage | undefined {
  if (!isRecord(value) || !roles.has(value.role) || !statuses.has(value.status)) return undefined;
  if (typeof value.content !== 'string') return undefined;
  const message: ChatMessage = {
    role: value.role as ChatMessage['role'],
    content: value.content,
    // A reply still streaming when the page went away was cut off by it.
    status: value.status === 'streaming' ? 'stopped' : (value.status as ChatMessage['status']),
  };
  if (typeof value.reasoning === 'string') message.reasoning = value.reasoning;
  if (typeof value.finishReason === 'string') message.finishReason = value.finishReason;
  if (isRecord(value.error) && typeof value.error.message === 'string') {
    message.error = { message: value.error.message };
    if (typeof value.error.status === 'number') message.error.status = value.error.status;
  }
  const usage = value.usage;
  if (isRecord(usage) && typeof usage.promptTokens === 'number' && typeof usage.completionTokens === 'number') {
    message.usage = { promptTokens: usage.promptTokens, completionTokens: usage.completionTokens };
  }
  return message;
}

function storage(): Storage | undefined {
  try {
    return globalThis.localStorage;
  } catch {
    // Sandboxed iframes and disabled storage throw on access.
    return undefined;
  }
}

/** The conversation stored under `key`; `[]` when there is none or it is not ours. */
export function loadConversation(key: string): ChatMessage[] {
  const raw = storage()?.getItem(key);
  if (raw == null) return [];
  try {
    const data: unknown = JSON.parse(raw);
    if (!isRecord(data) || data.format !== FORMAT || !Array.isArray(data.messages)) {
      throw new Error('not a vllm-chat conversation');
    }
    const messages = data.messages.map(readMessage);
    if (messages.some(m => m === undefined)) throw new Error('a message has an unknown shape');
    return messages as ChatMessage[];
  } catch (error) {
    console.warn(`<vllm-chat>: ignoring the data stored under storage-key "${key}" (${String(error)}).`);
    return [];
  }
}

/**
 * Stores `messages` under `key`. O(total text): callers throttle it while a
 * reply streams. Failing storage (quota, privacy mode) only loses persistence.
 */
export function saveConversation(key: string, messages: readonly ChatMessage[]): void {
  try {
    storage()?.setItem(key, JSON.stringify({ format: FORMAT, messages }));
  } catch (error) {
    console.warn(`<vllm-chat>: could not store the conversation under "${key}" (${String(error)}).`);
  }
}

/** Removes the conversation stored under `key`. */
export function clearConversation(key: string): void {
  try {
    storage()?.removeItem(key);
  } catch {
    // Nothing stored can be removed where storage is unavailable.
  }
}
