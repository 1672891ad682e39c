/**
 * The network half of a reply, on a thread of its own: `fetch`, SSE decoding
 * and chunk parsing (completion-stream.ts). The chat worker starts it
 * (network-thread.ts) and gets each reply's text back in batches, one per
 * body chunk read, while it spends its own time highlighting. On a fast
 * stream, decoding and parsing every SSE event is a fifth of the work; here
 * it runs beside the highlighter instead of between its slices.
 *
 * Protocol (types in shared/protocol.ts): once it holds its life lock
 * (life-lock.ts) this worker posts one `NetworkReady`; then the chat worker
 * posts a `NetworkStart` per reply with a transferred `MessagePort`, on
 * which this worker answers with `delta` batches and one `end`, and stops
 * when the port receives a `NetworkStop`.
 */
import type { ChatRequest, NetworkReady, NetworkReplyMessage, NetworkStart, NetworkStop, ToolCallDelta } from '../../shared/protocol.js';
import { holdLifeLock } from '../../shared/life-lock.js';
import { streamCompletion } from './completion-stream.js';

const scope = self as unknown as DedicatedWorkerGlobalScope;

scope.onmessage = ({ data }: MessageEvent<NetworkStart>) => {
  if (data?.type === 'start') void run(data.request, data.body, data.port);
};

async function run(request: ChatRequest, body: Blob, port: MessagePort): Promise<void> {
  const abort = new AbortController();
  port.onmessage = ({ data }: MessageEvent<NetworkStop>) => {
    if (data?.type === 'stop') abort.abort();
  };
  let content = '';
  let reasoning = '';
  let count = 0;
  let toolCalls: ToolCallDelta[] = [];
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    if (count === 0) return;
    const message: NetworkReplyMessage = { type: 'delta', content, reasoning, count };
    if (toolCalls.length) message.toolCalls = toolCalls;
    port.postMessage(message);
    content = '';
    reasoning = '';
    count = 0;
    toolCalls = [];
  };
  const end = await streamCompletion(request, abort.signal, delta => {
    content += delta.content;
    reasoning += delta.reasoning;
    if (delta.toolCalls) toolCalls.push(...delta.toolCalls);
    count++;
    // The deltas of one body chunk are decoded in one synchronous run: one message for all of them.
    if (!scheduled) {
      scheduled = true;
      queueMicrotask(flush);
    }
  }, body);
  flush();
  port.postMessage({ type: 'end', end } satisfies NetworkReplyMessage);
  port.close();
}

void holdLifeLock().then(lock => scope.postMessage((lock ? { type: 'ready', lock } : { type: 'ready' }) satisfies NetworkReady));
