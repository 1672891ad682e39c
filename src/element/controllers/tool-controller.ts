/**
 * The wait between a reply that asks for tools and the follow-up that gives
 * the model their results.
 *
 * A reply that ends with `finish_reason: "tool_calls"` (and calls in it)
 * starts the wait: the element fires `vllm-chat-tool-call` and the page
 * answers each call with `addToolResult(id, content)`, which adds a message
 * of role `tool`. When every call has its result, the follow-up reply
 * streams (build-messages.ts sends the calls and results). `cancel()` ends
 * the wait without a follow-up: `stop()`, `clear()`, a new `send()` or
 * `regenerate()`; calls left without a result are then never sent.
 *
 * The wait outlives a reload: a restored conversation that ends with such a
 * reply and results for only some of its calls waits again (`resume`).
 */
import type { ChatMessage, ToolCall } from '../../shared/chat-message.js';
import { emit } from '../emit.js';

/** What the controller asks of the element. */
export interface ToolHost {
  /** Appends a finished message (a tool result) to the conversation. */
  addMessage(message: ChatMessage): void;
  /** Streams the follow-up reply; never rejects. */
  followUp(): Promise<unknown>;
}

let counter = 0;

/** A finished reply that ended to call tools, with calls in it. */
function asksForTools(message: ChatMessage): boolean {
  return message.status === 'done' && message.finishReason === 'tool_calls' && (message.toolCalls?.length ?? 0) > 0;
}

export class ToolController {
  /** The reply that waits, and the ids of its calls that have no result yet. */
  #waiting: { message: ChatMessage; open: Set<string> } | undefined;

  constructor(private readonly host: ToolHost) {}

  /** A reply asked for tools and waits for their results. */
  get waiting(): boolean {
    return this.#waiting !== undefined;
  }

  /**
   * Called when a reply ended: one that asks for tools starts the wait and
   * `vllm-chat-tool-call` is fired from `target`. Calls without an id, or
   * with one an earlier call of the reply has, get an id of ours, so that
   * each result names exactly one call.
   */
  replyEnded(target: EventTarget, message: ChatMessage): void {
    this.#waiting = undefined;
    const calls = message.toolCalls;
    if (!asksForTools(message) || !calls) return;
    const ids = new Set<string>();
    for (const call of calls) {
      if (!call.id || ids.has(call.id)) call.id = `call-${Date.now().toString(36)}-${(counter++).toString(36)}`;
      ids.add(call.id);
    }
    this.#waiting = { message, open: ids };
    emit(target, 'vllm-chat-tool-call', { message, calls });
  }

  /**
   * A restored conversation (`messages`, the branch on screen): when it ends
   * with a reply that asks for tools followed only by results of some of its
   * calls, the wait starts again and `vllm-chat-tool-call` is fired for the
   * calls without a result. O(calls + results).
   */
  resume(target: EventTarget, messages: readonly ChatMessage[]): void {
    this.#waiting = undefined;
    let at = messages.length - 1;
    while (at >= 0 && messages[at]!.role === 'tool') at--;
    const message = messages[at];
    if (!message || message.role !== 'assistant' || !asksForTools(message)) return;
    const answered = new Set(messages.slice(at + 1).map(m => m.toolCallId));
    // A call without an id cannot be answered by id: the stored reply predates ids being given to every call.
    const calls = message.toolCalls!.filter(call => call.id && !answered.has(call.id));
    if (calls.length === 0) return;
    this.#waiting = { message, open: new Set(calls.map(call => call.id)) };
    emit(target, 'vllm-chat-tool-call', { message, calls });
  }

  /** The page's result of call `id`; the follow-up starts once every call has one. */
  addResult(id: string, content: string): void {
    const waiting = this.#waiting;
    const key = String(id);
    if (!waiting?.open.has(key)) {
      const open = waiting ? [...waiting.open].map(i => `"${i}"`).join(', ') : '';
      throw new Error(
        `addToolResult(): no tool call waiting for a result has id "${key}"` + (open ? ` (waiting: ${open}).` : ' (no reply is waiting for tools).'),
      );
    }
    waiting.open.delete(key);
    this.host.addMessage({ role: 'tool', content: String(content), toolCallId: key, status: 'done' });
    if (waiting.open.size > 0) return;
    this.#waiting = undefined;
    void this.host.followUp();
  }

  /** Ends the wait; no follow-up is sent. */
  cancel(): void {
    this.#waiting = undefined;
  }

  /** The calls still waiting for a result (for tests and pages that poll). */
  get pending(): readonly ToolCall[] {
    const waiting = this.#waiting;
    return waiting?.message.toolCalls?.filter(call => waiting.open.has(call.id)) ?? [];
  }
}
