/**
 * One streamed chat completion: `POST {endpoint}/chat/completions` with
 * `stream: true`, read as server-sent events of OpenAI chunks
 * (https://platform.openai.com/docs/api-reference/chat-streaming), as vLLM,
 * llama.cpp, Ollama and OpenAI send them.
 *
 * Deltas go to `onDelta` as they are decoded; the result says how the stream
 * ended. Every failure ends the stream as data, and everything delivered
 * before it stays delivered. Work per chunk is O(chunk): nothing already
 * received is looked at again.
 */
import { chatError } from '../../shared/errors.js';
import { isRecord } from '../../shared/is-record.js';
import type { ChatRequest, StreamEnd, ToolCallDelta } from '../../shared/protocol.js';
import { apiFetch } from './api-fetch.js';
import { requestBody } from './request-body.js';
import { ChunkShape } from './chunk-shape.js';
import {
  connectionLost,
  isErrorPayload,
  notAChunk,
  responseError,
  streamError,
  unfinished,
} from './server-error.js';
import { SseDecoder, type SseEvent } from './sse.js';
import { ThinkSplitter } from './think-splitter.js';
import { YieldClock } from './yield-to-tasks.js';

/** Text of one or more chunks; empty strings when a section got nothing. */
export interface CompletionDelta {
  content: string;
  reasoning: string;
  /** Chunks this delta joins (batches from the network thread); 1 when absent. */
  count?: number;
  /** Pieces of tool calls (`delta.tool_calls`), in order. */
  toolCalls?: ToolCallDelta[];
}

/**
 * Most tool calls one reply may make; pieces of further calls are ignored
 * (a hostile stream could otherwise open a call per chunk).
 */
export const MAX_TOOL_CALLS = 64;

/**
 * Streams one reply. Resolves when it ended, for whatever reason; rejects
 * never. Aborting `signal` ends it with status `stopped`. `request.model` is
 * sent as it is: choosing one when the page set none is the element's
 * (model-list-controller.ts), which knows the list already. `body`, when
 * given, is the request's body made beforehand (request-body.ts), and
 * `request.messages` is not read.
 */
export async function streamCompletion(
  request: ChatRequest,
  signal: AbortSignal,
  onDelta: (delta: CompletionDelta) => void,
  body: Blob = requestBody(request),
): Promise<StreamEnd> {
  const { endpoint, model } = request;
  try {
    const response = await apiFetch(endpoint, 'chat/completions', request.apiKey, {
      method: 'POST',
      body,
      signal,
    });
    if (!(response instanceof Response)) return { status: 'error', error: response, model };
    if (!response.ok) return { status: 'error', error: await responseError(response, endpoint), model };
    return await readCompletion(response, endpoint, model, signal, onDelta);
  } catch (error) {
    // An abort is the only expected rejection of the calls above (see
    // apiFetch); anything else is still reported, not thrown.
    if (signal.aborted) return { status: 'stopped', model };
    const detail = error instanceof Error ? error.message : String(error);
    return { status: 'error', model, error: chatError('readFailed', { detail }) };
  }
}

/**
 * Reads one successful response of `chat/completions` (an SSE stream, or one
 * JSON completion from a server that ignores `stream: true`): deltas as they
 * decode, the end it says or implies. Resolves for every ending.
 */
export function readCompletion(
  response: Response,
  endpoint: string,
  model: string,
  signal: AbortSignal,
  onDelta: (delta: CompletionDelta) => void,
): Promise<StreamEnd> {
  return new ChunkReader(endpoint, model, signal, onDelta).read(response);
}

/** The state of one response body being read. */
class ChunkReader {
  private readonly think = new ThinkSplitter();
  private readonly shape = new ChunkShape();
  private end: StreamEnd | undefined;
  private finishReason: string | undefined;
  private usage: StreamEnd['usage'];
  /** The server's tool-call `index` → the call's position in the message. */
  private readonly toolSlots = new Map<number, number>();

  constructor(
    private readonly endpoint: string,
    private model: string,
    private readonly signal: AbortSignal,
    private readonly onDelta: (delta: CompletionDelta) => void,
  ) {}

  async read(response: Response): Promise<StreamEnd> {
    const type = response.headers.get('content-type') ?? '';
    // A 200 HTML page: a proxy login page or a web app's fallback route.
    if (/html/i.test(type)) return this.finish({ status: 'error', error: await responseError(response, this.endpoint) });
    // Some servers ignore `stream: true` and answer one JSON completion.
    if (/json/i.test(type)) return this.readWhole(await response.text());
    if (!response.body) return this.finish(this.endedEarly());
    const reader = response.body.getReader();
    const sse = new SseDecoder();
    const clock = new YieldClock();
    try {
      for (;;) {
        await clock.maybe();
        const { value, done } = await clock.wait(reader.read());
        this.handle(done ? sse.end() : sse.feed(value));
        if (done) return this.finish(this.end ?? this.endedEarly());
        if (this.end) {
          // `[DONE]` or an error event: nothing after it matters.
          reader.cancel().catch(() => {});
          return this.finish(this.end);
        }
      }
    } catch {
      if (this.signal.aborted) return this.finish({ status: 'stopped' });
      // Cut after the last token but before `[DONE]`: the reply is whole.
      if (this.finishReason !== undefined) return this.finish({ status: 'done' });
      return this.finish({ status: 'error', error: connectionLost(this.endpoint) });
    }
  }

  private readWhole(text: string): StreamEnd {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return this.finish({ status: 'error', error: notAChunk(text, this.endpoint) });
    }
    if (isErrorPayload(body)) return this.finish({ status: 'error', error: streamError(body) });
    const choice = firstChoice(body);
    const message = choice?.message;
    if (!isRecord(body) || !isRecord(message)) return this.finish({ status: 'error', error: notAChunk(text, this.endpoint) });
    this.take(body, choice, message);
    return this.finish({ status: 'done' });
  }

  /** Applies decoded events until the stream's end is known. */
  private handle(events: SseEvent[]): void {
    for (const { data } of events) {
      if (this.end) return;
      // OpenAI: "data: [DONE]" terminates the stream.
      if (data === '[DONE]') {
        this.end = { status: 'done' };
        return;
      }
      // Most chunks differ from the one before only in their text (chunk-shape.ts).
      const same = this.shape.match(data);
      if (same) {
        this.take(same.chunk, same.choice, same.delta);
        continue;
      }
      let chunk: unknown;
      try {
        chunk = JSON.parse(data);
      } catch {
        this.end = { status: 'error', error: notAChunk(data, this.endpoint) };
        return;
      }
      // vLLM sends `data: {"error": {…}}` when generation fails after the 200.
      if (isErrorPayload(chunk)) {
        this.end = { status: 'error', error: streamError(chunk) };
        return;
      }
      if (!isRecord(chunk)) {
        this.end = { status: 'error', error: notAChunk(data, this.endpoint) };
        return;
      }
      const choice = firstChoice(chunk);
      if (isRecord(choice?.delta)) this.shape.learn(data, { chunk, choice, delta: choice.delta });
      this.take(chunk, choice, choice?.delta);
    }
  }

  /** Records one chunk: its text (`delta` or whole `message`), finish reason, usage, model. */
  private take(chunk: Record<string, unknown>, choice: Record<string, unknown> | undefined, delta: unknown): void {
    if (typeof chunk.model === 'string' && chunk.model) this.model = chunk.model;
    const usage = chunk.usage;
    if (isRecord(usage) && typeof usage.prompt_tokens === 'number' && typeof usage.completion_tokens === 'number') {
      this.usage = { promptTokens: usage.prompt_tokens, completionTokens: usage.completion_tokens };
    }
    if (isRecord(delta)) {
      // vLLM's reasoning parsers: `reasoning_content` (≤ 0.10), `reasoning` (newer, and Ollama).
      const reasoning = text(delta.reasoning_content) + text(delta.reasoning);
      const split = this.think.feed(text(delta.content));
      const toolCalls = Array.isArray(delta.tool_calls) ? this.toolCalls(delta.tool_calls) : undefined;
      if (reasoning || split.reasoning || split.content || toolCalls) {
        const out: CompletionDelta = { content: split.content, reasoning: reasoning + split.reasoning };
        if (toolCalls) out.toolCalls = toolCalls;
        this.onDelta(out);
      }
    }
    if (choice && typeof choice.finish_reason === 'string') this.finishReason = choice.finish_reason;
  }

  /**
   * The pieces of `delta.tool_calls` (OpenAI's streaming shape, as vLLM's
   * tool parsers send it): each entry names its call by `index`; the first
   * entry of a call carries `id`, `type` and `function.name`, later ones only
   * `function.arguments` fragments. Entries without an integer `index`, and
   * fields of the wrong type, are ignored. `undefined` when nothing usable.
   */
  private toolCalls(entries: unknown[]): ToolCallDelta[] | undefined {
    let out: ToolCallDelta[] | undefined;
    for (const entry of entries) {
      if (!isRecord(entry) || !Number.isSafeInteger(entry.index) || (entry.index as number) < 0) continue;
      let slot = this.toolSlots.get(entry.index as number);
      if (slot === undefined) {
        if (this.toolSlots.size >= MAX_TOOL_CALLS) continue;
        slot = this.toolSlots.size;
        this.toolSlots.set(entry.index as number, slot);
      }
      const piece: ToolCallDelta = { index: slot };
      if (typeof entry.id === 'string' && entry.id) piece.id = entry.id;
      const fn = entry.function;
      if (isRecord(fn)) {
        if (typeof fn.name === 'string' && fn.name) piece.name = fn.name;
        if (typeof fn.arguments === 'string' && fn.arguments) piece.arguments = fn.arguments;
      }
      (out ??= []).push(piece);
    }
    return out;
  }

  /** The body ended cleanly: a reply with a finish reason is complete even without `[DONE]`. */
  private endedEarly(): StreamEnd {
    if (this.finishReason !== undefined) return { status: 'done' };
    return { status: 'error', error: unfinished(this.endpoint) };
  }

  /** Releases held-back text and completes the end with what the chunks said. */
  private finish(end: StreamEnd): StreamEnd {
    const rest = this.think.end();
    if (rest.content || rest.reasoning) this.onDelta(rest);
    const result: StreamEnd = { ...end, model: this.model };
    if (this.finishReason !== undefined) result.finishReason = this.finishReason;
    if (this.usage) result.usage = this.usage;
    return result;
  }
}

function firstChoice(chunk: unknown): Record<string, unknown> | undefined {
  if (!isRecord(chunk) || !Array.isArray(chunk.choices)) return undefined;
  const first: unknown = chunk.choices[0];
  return isRecord(first) ? first : undefined;
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}
