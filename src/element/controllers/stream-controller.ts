/**
 * Runs one assistant reply at a time: asks the worker to stream it and
 * applies each patch as it arrives, within the page's frame budget.
 *
 * Backpressure: `onPatch` resolves only after its patch was applied, and the
 * worker sends the next patch only then. A patch is applied when it arrives
 * while the page's patches (every element's) since the last frame took less
 * than the page's budget and none waits, otherwise in a later animation
 * frame, after the patches that waited before it (frame-scheduler.ts); so
 * main-thread patch work between two frames stays bounded however many
 * elements stream, and a slow page makes patches coalesce in the worker
 * instead of queueing here. Per patch
 * the work is proportional to the patch: `applyPatch` edits only the tail of
 * a section, the message text grows by string append, the stats line is one
 * text node; scroll following reads the layout of the last, growing code
 * chunk only (the others are skipped, message-styles.ts).
 */
import * as Comlink from 'comlink';
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { ChatMessage } from '../../shared/chat-message.js';
import type { ChatError, ChatRequest, Patch, StreamEnd, WorkerApi } from '../../shared/protocol.js';
import { applyPatch } from '../view/apply-patch.js';
import { frameScheduler } from '../view/frame-scheduler.js';
import { addTokenStyles } from '../view/message-styles.js';
import type { MessageView } from '../view/message-view.js';
import type { VllmChatStrings } from '../strings.js';

/** A request ready to stream, with the worker that streams it. */
export interface PreparedRequest {
  worker: Comlink.Remote<WorkerApi>;
  request: ChatRequest;
}

export interface StreamHooks {
  /** After every applied patch (scroll following, throttled persistence). */
  applied(message: ChatMessage): void;
  strings(): VllmChatStrings;
}

let counter = 0;

/** Applies one patch to a message's DOM and text; shared by streaming and one-shot renders. */
export function applyMessagePatch(view: MessageView, patch: Patch): void {
  if (patch.styles?.length) addTokenStyles(patch.styles);
  if (patch.reasoning?.length) applyPatch(view.reasoningSection(), patch.reasoning);
  if (patch.content?.length) applyPatch(view.content, patch.content);
  const message = view.message;
  if (patch.reasoningDelta) message.reasoning = (message.reasoning ?? '') + patch.reasoningDelta;
  if (patch.contentDelta) message.content += patch.contentDelta;
}

/** Copies a stream's end into the message and its view. */
export function applyEnd(view: MessageView, end: StreamEnd, strings: VllmChatStrings): void {
  const message = view.message;
  message.status = end.status;
  if (end.finishReason !== undefined) message.finishReason = end.finishReason;
  if (end.usage) {
    message.usage = end.usage;
    view.setStats(strings.usage(end.usage.promptTokens, end.usage.completionTokens));
  }
  if (end.error) {
    message.error = { message: end.error.message };
    if (end.error.status !== undefined) message.error.status = end.error.status;
    view.showError(end.error);
  }
  if (end.status === 'stopped' && !end.usage) view.setStats(strings.stopped);
  view.setStatus(end.status);
}

export class StreamController implements ReactiveController {
  #id: string | undefined;
  #worker: Comlink.Remote<WorkerApi> | undefined;
  #stopRequested = false;

  constructor(
    host: ReactiveControllerHost,
    private readonly hooks: StreamHooks,
  ) {
    host.addController(this);
  }

  hostConnected(): void {}

  /** True from the start of `run` until its reply has ended. */
  get streaming(): boolean {
    return this.#id !== undefined;
  }

  /**
   * Streams the reply into `view`. `prepare` resolves the request (it may need
   * `GET /models` first) or says why there is none. Never rejects: every
   * failure ends the message with status `error`.
   */
  async run(view: MessageView, prepare: () => Promise<PreparedRequest | ChatError>): Promise<ChatMessage> {
    const id = `reply-${Date.now().toString(36)}-${(counter++).toString(36)}`;
    this.#id = id;
    this.#stopRequested = false;
    const strings = this.hooks.strings();
    let ended = false;
    let answerStarted = false;
    const end = (e: StreamEnd) => {
      if (ended) return;
      ended = true;
      applyEnd(view, e, this.hooks.strings());
    };
    try {
      const prepared = await prepare();
      if (this.#stopRequested) end({ status: 'stopped' });
      else if ('code' in prepared) end({ status: 'error', error: prepared });
      else {
        const { worker, request } = prepared;
        this.#worker = worker;
        const scheduler = frameScheduler();
        const apply = (patch: Patch): void => {
          if (ended) return;
          applyMessagePatch(view, patch);
          if (patch.reasoningDelta || patch.reasoning?.length) view.openReasoning(!answerStarted);
          // Reasoning collapses once, when the answer starts; the reader may reopen it.
          if (!answerStarted && (patch.contentDelta || patch.content?.length)) {
            answerStarted = true;
            view.openReasoning(false);
          }
          if (patch.stats && !patch.end) {
            const seconds = patch.stats.elapsedMs / 1000;
            view.setStats(strings.liveStats(patch.stats.tokens, seconds > 0 ? patch.stats.tokens / seconds : 0));
          }
          if (patch.end) end(patch.end);
          this.hooks.applied(view.message);
        };
        const onPatch = (patch: Patch): Promise<void> => scheduler.run(this, () => apply(patch));
        await worker.stream(id, request, Comlink.proxy(onPatch));
        // The worker resolves after the patch with `end`; a missing end means it gave up silently.
        if (!ended) end(this.#stopRequested ? { status: 'stopped' } : { status: 'error', error: lostWorker() });
      }
    } catch (error) {
      end({ status: 'error', error: lostWorker(error) });
    } finally {
      if (!ended) end({ status: 'stopped' });
      this.#id = undefined;
      this.#worker = undefined;
    }
    this.hooks.applied(view.message);
    return view.message;
  }

  /** Ends the reply in progress; the worker sends a last patch with status `stopped`. */
  stop(): void {
    if (!this.#id || this.#stopRequested) return;
    this.#stopRequested = true;
    void this.#worker?.stop(this.#id);
  }
}

function lostWorker(cause?: unknown): ChatError {
  const detail = cause instanceof Error && cause.message ? ` (${cause.message})` : '';
  return {
    code: 'worker',
    message: `The background worker that renders replies stopped working${detail}.`,
    hint: 'Reload the page; if it keeps happening, check that the page allows the worker (CSP worker-src).',
  };
}
