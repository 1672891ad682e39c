import { SseDecoder, type SseEvent } from '../../src/worker/net/sse.js';

/** Every event of a byte stream arriving as `chunks`, decoded as the worker decodes a body. */
export function decodeSse(chunks: readonly Uint8Array[]): SseEvent[] {
  const decoder = new SseDecoder();
  const events: SseEvent[] = [];
  for (const chunk of chunks) events.push(...decoder.feed(chunk));
  events.push(...decoder.end());
  return events;
}
