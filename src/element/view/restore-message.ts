/**
 * Shows a stored assistant message again: its ending (stats, error) at once,
 * its body as the worker renders it in one shot (`WorkerApi.render`, the same
 * DOM the stream would have built).
 */
import type * as Comlink from 'comlink';
import type { RenderOptions, WorkerApi } from '../../shared/protocol.js';
import type { MessageView } from './message-view.js';
import { applyEnd, applyMessagePatch } from '../controllers/stream-controller.js';
import type { VllmChatStrings } from '../strings.js';
import { workerReady } from '../worker-client.js';

export async function restoreMessage(
  view: MessageView,
  worker: Comlink.Remote<WorkerApi>,
  options: RenderOptions,
  strings: VllmChatStrings,
): Promise<void> {
  const { status, error, usage, content, reasoning } = view.message;
  if (status !== 'streaming') {
    applyEnd(view, { status, ...(error ? { error: { code: 'http', ...error } } : {}), ...(usage ? { usage } : {}) }, strings);
  }
  await workerReady();
  const patch = await worker.render({ content, ...(reasoning ? { reasoning } : {}) }, options);
  // The text is already in the message: only the DOM edits apply.
  applyMessagePatch(view, { ...patch, contentDelta: '', reasoningDelta: '' });
  view.openReasoning(false);
}
