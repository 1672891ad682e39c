/**
 * One message of a conversation, as `<vllm-chat>` exposes it in `messages`
 * and in the `detail` of its events. Types only; see docs/api.md.
 */
export interface ChatMessage {
  /** Who wrote it. */
  role: 'system' | 'user' | 'assistant';
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
}
