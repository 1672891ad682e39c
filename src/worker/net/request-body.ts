/**
 * The body of `POST chat/completions`: the request's options and its
 * messages in the chat completions API's shape
 * (https://platform.openai.com/docs/api-reference/chat/create).
 *
 * `requestBody` gives it as a `Blob` made of one `Blob` per message, each
 * serialized once for the life of the message object and reused by every
 * later request that sends the same object (the worker's copy of a
 * conversation keeps its objects, session/conversations.ts). A Blob made of
 * Blobs refers to their bytes without copying them, so the work before a
 * request of a long conversation is O(new messages' text + number of
 * messages): the history is not serialized, encoded or cloned again, only
 * its bytes are sent. `completionBody` is the same body as one string.
 */
import type { ChatRequest, RequestMessage } from '../../shared/protocol.js';

/** Each message's JSON, encoded, while its object lives. */
const encoded = new WeakMap<RequestMessage, Blob>();

/** The body as text; unset options are omitted, not sent as null. */
export function completionBody(request: ChatRequest): string {
  return JSON.stringify({ model: request.model, messages: request.messages.map(wireMessage), ...options(request) });
}

/** The same bytes as `completionBody`, each message serialized only the first time it is sent. */
export function requestBody(request: ChatRequest): Blob {
  const parts: BlobPart[] = [`{"model":${JSON.stringify(request.model)},"messages":[`];
  request.messages.forEach((message, i) => {
    let blob = encoded.get(message);
    if (!blob) {
      blob = new Blob([JSON.stringify(wireMessage(message))]);
      encoded.set(message, blob);
    }
    if (i > 0) parts.push(',');
    parts.push(blob);
  });
  // The options object without its `{`: after the messages' `]`, a `,` and the rest.
  parts.push(`],${JSON.stringify(options(request)).slice(1)}`);
  return new Blob(parts, { type: 'application/json' });
}

/** Everything after `messages`, in the order the body has always had. */
function options(request: ChatRequest): Record<string, unknown> {
  const rest: Record<string, unknown> = {
    stream: true,
    // The final chunk (`choices: []`) then carries the token counts.
    stream_options: { include_usage: true },
  };
  if (request.temperature !== undefined) rest.temperature = request.temperature;
  if (request.maxTokens !== undefined) rest.max_tokens = request.maxTokens;
  if (request.tools?.length) {
    rest.tools = request.tools;
    if (request.toolChoice !== undefined) rest.tool_choice = request.toolChoice;
  }
  return rest;
}

/**
 * A message as the chat completions API takes it: an assistant's calls as
 * `tool_calls` (its `content` null when it said nothing, as OpenAI and vLLM
 * send it back), a tool result with its `tool_call_id`.
 */
function wireMessage({ role, content, toolCalls, toolCallId }: RequestMessage): Record<string, unknown> {
  if (role === 'assistant' && toolCalls?.length) {
    return {
      role,
      content: content || null,
      tool_calls: toolCalls.map(({ id, name, arguments: args }) => ({ id, type: 'function', function: { name, arguments: args } })),
    };
  }
  if (role === 'tool') return { role, tool_call_id: toolCallId ?? '', content };
  return { role, content };
}
