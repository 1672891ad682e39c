/**
 * The network half of a reply, on a thread of its own: `fetch`, SSE decoding
 * and chunk parsing (completion-stream.ts). The chat worker starts it
 * (network-thread.ts) and gets each reply's text back in batches, one per
 * body chunk read, while it spends its own time highlighting. On a fast
 * stream, decoding and parsing every SSE event is a fifth of the work; here
 * it runs beside the highlighter instead of between its slices.
 *
 * Protocol: the chat worker posts `{ type: 'start', request, port }` with a
 * transferred `MessagePort`; this worker answers on that port with
 * `{ type: 'delta', content, reasoning, count }` batches and one
 * `{ type: 'end', end }`, and stops when the port receives `{ type: 'stop' }`.
 * It posts `{ type: 'ready' }` once, when it runs.
 */
import type { ChatRequest } from '../../shared/protocol.js';
import { streamCompletion } from './completion-stream.js';

export interface StartMessage {
  type: 'start';
  request: ChatRequest;
  port: MessagePort;
}

export type NetworkMessage =
  | { type: 'delta'; content: string; reasoning: string; count: number }
  | { type: 'end'; end: Awaited<ReturnType<typeof streamCompletion>> };

const scope = self as unknown as DedicatedWorkerGlobalScope;

scope.onmessage = ({ data }: MessageEvent<StartMessage>) => {
  if (data?.type === 'start') void run(data.request, data.port);
};

async function run(request: ChatRequest, port: MessagePort): Promise<void> {
  const abort = new AbortController();
  port.onmessage = ({ data }: MessageEvent<{ type?: string }>) => {
    if (data?.type === 'stop') abort.abort();
  };
  let content = '';
  let reasoning = '';
  let count = 0;
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    if (count === 0) return;
    port.postMessage({ type: 'delta', content, reasoning, count } satisfies NetworkMessage);
    content = '';
    reasoning = '';
    count = 0;
  };
  const end = await streamCompletion(request, abort.signal, delta => {
    content += delta.content;
    reasoning += delta.reasoning;
    count++;
    // The deltas of one body chunk are decoded in one synchronous run: one message for all of them.
    if (!scheduled) {
      scheduled = true;
      queueMicrotask(flush);
    }
  });
  flush();
  port.postMessage({ type: 'end', end } satisfies NetworkMessage);
  port.close();
}

scope.postMessage({ type: 'ready' });
