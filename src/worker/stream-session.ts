/**
 * One streaming reply: the network read, the renderer and the patches to the
 * element, with a credit of one patch.
 *
 * Two loops run side by side. The network loop reads the body as fast as it
 * arrives and only appends each delta to a pending list, so it never waits
 * on the element. The patch loop waits until something is pending, feeds it
 * to the renderer, takes what renders within `TAKE_BUDGET_MS` and sends one
 * patch; it sends the next only after the element resolved the previous one
 * (the element applies a patch when it arrives if the current frame's budget
 * allows, else on the next animation frame; see protocol.ts). When the main
 * thread is slow, deltas therefore coalesce into fewer, larger patches
 * instead of queueing, and the latest text is always next. When the network
 * is faster than highlighting, the backlog is rendered in slices of about
 * `TAKE_BUDGET_MS`, so no patch grows with the length of the reply.
 *
 * Cost: a delta costs O(its length) (one array push); a patch joins only the
 * text pending since the previous patch. Nothing already sent is touched
 * again here.
 */
import type { BlockOp, ChatRequest, Patch, RenderSection, StreamEnd } from '../protocol.js';
import type { CompletionDelta } from './completion-stream.js';
import { streamReply } from './network-thread.js';

/** What the session needs of `MessageRenderer` (message-renderer.ts). */
export interface PatchRenderer {
  feed(section: RenderSection, text: string): void;
  end(): void;
  take(deadline?: number): Promise<{ content?: BlockOp[]; reasoning?: BlockOp[]; styles?: string[]; more?: boolean }>;
  /** Optional warm-up, started with the request; `hint` is the prompt. */
  prepare?(hint?: string): Promise<unknown>;
}

/**
 * Rendering time per patch. A backlog (text that arrived faster than it is
 * highlighted) is rendered in slices of about this long, each sent as its own
 * patch: the first code shows early, patches stay small enough for the main
 * thread to apply within a frame, and the element's next acknowledgement
 * comes back while the next slice renders.
 */
export const TAKE_BUDGET_MS = 16;

export class StreamSession {
  private readonly abort = new AbortController();
  private content: string[] = [];
  private reasoning: string[] = [];
  private tokens = 0;
  private firstTokenAt: number | undefined;
  private end: StreamEnd | undefined;
  /** Something arrived since the patch loop last looked. */
  private dirty = false;
  /** The renderer holds text it has not rendered yet; new text waits here until it has caught up. */
  private backlog = false;
  private wake: (() => void) | undefined;
  private network: Promise<void> = Promise.resolve();

  constructor(
    private readonly request: ChatRequest,
    private readonly onPatch: (patch: Patch) => Promise<void>,
    private readonly renderer: PatchRenderer,
  ) {}

  /** Ends the reply: the network is aborted and the last patch says `stopped`. */
  stop(): void {
    this.abort.abort();
  }

  /**
   * Streams the reply to its end. Resolves after the element resolved the
   * last patch (the one with `end`). Rejects only when `onPatch` rejects (the
   * element went away); the request is then aborted.
   */
  async run(): Promise<void> {
    // Highlighter, theme and the grammars the prompt names load while the request is on its way.
    const prompt = this.request.messages.findLast(m => m.role === 'user')?.content ?? '';
    this.renderer.prepare?.(prompt).catch(() => undefined);
    this.network = streamReply(this.request, this.abort.signal, delta => this.receive(delta)).then(end => {
      this.end = end;
      this.notify();
    });
    try {
      await this.deliver();
    } catch (error) {
      this.abort.abort();
      throw error;
    }
  }

  /** Network side: O(delta), never waits. */
  private receive({ content, reasoning, count }: CompletionDelta): void {
    if (content) this.content.push(content);
    if (reasoning) this.reasoning.push(reasoning);
    this.tokens += count ?? 1;
    this.firstTokenAt ??= performance.now();
    this.notify();
  }

  private notify(): void {
    this.dirty = true;
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  private changed(): Promise<void> {
    if (this.dirty) return Promise.resolve();
    return new Promise(resolve => (this.wake = resolve));
  }

  /** Patch side: one patch in flight at most, the next one rendered while it is. */
  private async deliver(): Promise<void> {
    // The patch sent last, until the element resolves it. The next patch is
    // rendered meanwhile (one patch ahead, no more) and sent once it resolved,
    // so the worker does not sit idle during the round trip.
    let inFlight: Promise<void> = Promise.resolve();
    const send = async (patch: Patch) => {
      await inFlight;
      inFlight = this.onPatch(patch);
      // Awaited before the next send; this only keeps an early rejection from being reported as unhandled.
      inFlight.catch(() => undefined);
    };
    for (;;) {
      await this.changed();
      // Read before rendering: once `end` is set no more text can arrive, so
      // everything pending now is everything there is. While the renderer
      // works through a backlog, new text stays pending (an array push per
      // delta) instead of growing the renderer's buffer; it goes in, with
      // its raw delta, once the backlog is rendered.
      const feeding = !this.backlog;
      // Text or the end that arrived during a backlog slice keeps `dirty`
      // set, so the first loop after the backlog feeds it.
      if (feeding) this.dirty = false;
      let end = feeding ? this.end : undefined;
      const contentDelta = feeding ? this.content.join('') : '';
      const reasoningDelta = feeding ? this.reasoning.join('') : '';
      if (feeding) {
        this.content = [];
        this.reasoning = [];
      }
      const patch: Patch = {};
      if (contentDelta) patch.contentDelta = contentDelta;
      if (reasoningDelta) patch.reasoningDelta = reasoningDelta;
      const failure = await this.render(patch, contentDelta, reasoningDelta, end !== undefined);
      if (this.backlog && !failure) {
        // Not all rendered: the end (if known) goes with the patch that finishes it.
        end = undefined;
        this.dirty = true;
      }
      if (!end && !failure && !patch.contentDelta && !patch.reasoningDelta && !patch.content && !patch.reasoning) {
        continue;
      }
      patch.stats = {
        tokens: this.tokens,
        elapsedMs: this.firstTokenAt === undefined ? 0 : Math.round(performance.now() - this.firstTokenAt),
      };
      if (failure) {
        // Rendering broke: stop the network, keep all raw text, say why.
        this.abort.abort();
        await this.network;
        const lateContent = contentDelta + this.content.join('');
        const lateReasoning = reasoningDelta + this.reasoning.join('');
        if (lateContent) patch.contentDelta = lateContent;
        if (lateReasoning) patch.reasoningDelta = lateReasoning;
        end = this.end;
        patch.end = { ...(end ?? {}), status: 'error', error: failure, model: end?.model ?? this.request.model };
        await send(patch);
        await inFlight;
        return;
      }
      if (end) patch.end = end;
      await send(patch);
      if (end) {
        await inFlight;
        return;
      }
    }
  }

  /** Feeds the pending text and adds the rendered ops to `patch`; a failure is returned as data. */
  private async render(patch: Patch, content: string, reasoning: string, last: boolean) {
    try {
      if (reasoning) this.renderer.feed('reasoning', reasoning);
      if (content) this.renderer.feed('content', content);
      if (last) this.renderer.end();
      const rendered = await this.renderer.take(performance.now() + TAKE_BUDGET_MS);
      this.backlog = rendered.more === true;
      if (rendered.content?.length) patch.content = rendered.content;
      if (rendered.reasoning?.length) patch.reasoning = rendered.reasoning;
      if (rendered.styles?.length) patch.styles = rendered.styles;
      return undefined;
    } catch (error) {
      return {
        code: 'worker' as const,
        message: `The reply could not be rendered (${error instanceof Error ? error.message : String(error)}); its text is kept.`,
        hint: 'Reload the page; if it happens again, report it with the reply that caused it.',
      };
    }
  }
}
