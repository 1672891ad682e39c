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
 * the work is proportional to the patch: the message's view (message-view.ts)
 * edits only the tail of a section, the message text grows by string append, the stats line is one
 * text node; scroll following reads the layout of the last, growing code
 * chunk only (the others are skipped, message-styles.ts).
 */
import * as Comlink from 'comlink';
import type { ChatMessage } from '../../shared/chat-message.js';
import { chatError } from '../../shared/errors.js';
import type { ChatError, ChatRequest, Patch, StreamEnd, WorkerApi } from '../../shared/protocol.js';
import { frameScheduler, type FrameJob } from '../view/frame-scheduler.js';
import type { MessageView } from '../view/message-view.js';

/** A request ready to stream, with the worker that streams it. */
export interface PreparedRequest {
  worker: Comlink.Remote<WorkerApi>;
  request: ChatRequest;
}

export interface StreamHooks {
  /** After every applied patch (scroll following, throttled persistence). */
  applied(message: ChatMessage): void;
}

let counter = 0;

export class StreamController {
  #id: string | undefined;
  #worker: Comlink.Remote<WorkerApi> | undefined;
  #stopRequested = false;

  /** Needs none of the host's lifecycle: each reply is driven by `run` and `stop`. */
  constructor(private readonly hooks: StreamHooks) {}


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
    let ended = false;
    const end = (e: StreamEnd) => {
      if (ended) return;
      ended = true;
      view.finish(e);
    };
    try {
      const prepared = await prepare();
      if (this.#stopRequested) end({ status: 'stopped' });
      else if ('code' in prepared) end({ status: 'error', error: prepared });
      else {
        const { worker, request } = prepared;
        this.#worker = worker;
        const scheduler = frameScheduler();
        const apply = (patch: Patch, deadline: number): FrameJob | void => {
          if (ended) return;
          // The view ends the message with the patch's `end`; later patches and local ends are ignored.
          if (patch.end) ended = true;
          const rest = view.applyPatch(patch, deadline);
          this.hooks.applied(view.message);
          return rest;
        };
        const onPatch = (patch: Patch): Promise<void> => scheduler.run(this, deadline => apply(patch, deadline));
        await worker.stream(id, request, Comlink.proxy(onPatch));
        // The worker resolves after the patch with `end`; a missing end means it gave up silently.
        if (!ended) end(this.#stopRequested ? { status: 'stopped' } : { status: 'error', error: lostWorker() });
      }
    } catch (error) {
      // A reply stopped as its worker went away (the last element let go) ended as asked.
      end(this.#stopRequested ? { status: 'stopped' } : { status: 'error', error: lostWorker(error) });
    } finally {
      if (!ended) end({ status: 'stopped' });
      this.#id = undefined;
      this.#worker = undefined;
    }
    this.hooks.applied(view.message);
    return view.message;
  }

  /** The reply in progress continues in `theme` (the worker re-colours its open code block). */
  setTheme(theme: string): void {
    if (!this.#id || !this.#worker) return;
    this.#worker.setTheme(this.#id, theme).catch(() => undefined);
  }

  /** Ends the reply in progress; the worker sends a last patch with status `stopped`. */
  stop(): void {
    if (!this.#id || this.#stopRequested) return;
    this.#stopRequested = true;
    // A worker that died rejects; the reply then ends through `run`'s own rejection.
    this.#worker?.stop(this.#id).catch(() => undefined);
  }
}

function lostWorker(cause?: unknown): ChatError {
  // worker-client.ts rejects with a `ChatError` that says what happened to the worker.
  if (cause instanceof Error && (cause as Partial<ChatError>).code === 'worker') {
    const { message, hint } = cause as Error & ChatError;
    return { code: 'worker', message, ...(hint ? { hint } : {}) };
  }
  return chatError('workerLost', { detail: cause instanceof Error ? cause.message : '' });
}
