/**
 * One message of a conversation, as `<vllm-chat>` exposes it in `messages`
 * and in the `detail` of its events. Types only; see docs/api.md.
 */
export interface ChatMessage {
  /** Who wrote it. */
  role: 'system' | 'user' | 'assistant' | 'tool';
  /** The answer text exactly as received, reasoning excluded. */
  content: string;
  /**
   * `delta.reasoning` / `delta.reasoning_content`, or a leading
   * `<think>…</think>` block of the content stream.
   */
  reasoning?: string;
  /** `streaming` while the reply arrives; how it ended afterwards. */
  status: 'streaming' | 'done' | 'stopped' | 'error';
  /** `choices[0].finish_reason` as the server sent it. */
  finishReason?: string;
  /** Why the reply failed; `status` is the HTTP status when there was one. */
  error?: { message: string; status?: number };
  /** Token counts from the server's usage chunk, when it sent one. */
  usage?: { promptTokens: number; completionTokens: number };
  /**
   * A user message's files, as `send(text, { attachments })` took them (the
   * text files' text and the images are sent, not repeated in `content`).
   */
  attachments?: { name: string; type: string; size: number }[];
  /** The tools the reply asks for, in order; `arguments` is the streamed fragments joined. */
  toolCalls?: ToolCall[];
  /** Role `tool`: the id of the call this message answers. */
  toolCallId?: string;
}

/** One call of a tool, as the model asked for it. */
export interface ToolCall {
  id: string;
  /** The function's name, as the model wrote it. */
  name: string;
  /** The model's arguments: JSON text as streamed, not checked. */
  arguments: string;
}
