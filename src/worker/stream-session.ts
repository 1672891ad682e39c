/**
 * One streaming reply: the network read, the renderer and the patches to the
 * element, with a credit of one patch.
 *
 * Two loops run side by side. The network loop reads the body as fast as it
 * arrives and only appends each delta to a pending list, so it never waits
 * on the element. The patch loop waits until something is pending, feeds all
 * of it to the renderer at once, takes the rendered ops and sends one patch;
 * it sends the next only after the element resolved the previous one (it does
 * so after applying it on an animation frame). When the main thread is slow,
 * deltas therefore coalesce into fewer, larger patches instead of queueing:
 * at most one patch per frame, and the latest text is always next.
 *
 * Cost: a delta costs O(its length) (one array push); a patch joins only the
 * text pending since the previous patch. Nothing already sent is touched
 * again here.
 */
import type { BlockOp, ChatRequest, Patch, RenderSection, StreamEnd } from '../protocol.js';
import { streamCompletion, type CompletionDelta } from './completion-stream.js';

/** What the session needs of `MessageRenderer` (message-renderer.ts). */
export interface PatchRenderer {
  feed(section: RenderSection, text: string): void;
  end(): void;
  take(): Promise<{ content?: BlockOp[]; reasoning?: BlockOp[]; styles?: string[] }>;
}

export class StreamSession {
  private readonly abort = new AbortController();
  private content: string[] = [];
  private reasoning: string[] = [];
  private tokens = 0;
  private firstTokenAt: number | undefined;
  private end: StreamEnd | undefined;
  /** Something arrived since the patch loop last looked. */
  private dirty = false;
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
    this.network = streamCompletion(this.request, this.abort.signal, delta => this.receive(delta)).then(end => {
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
  private receive({ content, reasoning }: CompletionDelta): void {
    if (content) this.content.push(content);
    if (reasoning) this.reasoning.push(reasoning);
    this.tokens++;
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

  /** Patch side: one patch in flight at most. */
  private async deliver(): Promise<void> {
    for (;;) {
      await this.changed();
      this.dirty = false;
      // Read before rendering: once `end` is set no more text can arrive, so
      // everything pending now is everything there is.
      let end = this.end;
      const contentDelta = this.content.join('');
      const reasoningDelta = this.reasoning.join('');
      this.content = [];
      this.reasoning = [];
      const patch: Patch = {};
      if (contentDelta) patch.contentDelta = contentDelta;
      if (reasoningDelta) patch.reasoningDelta = reasoningDelta;
      const failure = await this.render(patch, contentDelta, reasoningDelta, end !== undefined);
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
        await this.onPatch(patch);
        return;
      }
      if (end) patch.end = end;
      await this.onPatch(patch);
      if (end) return;
    }
  }

  /** Feeds the pending text and adds the rendered ops to `patch`; a failure is returned as data. */
  private async render(patch: Patch, content: string, reasoning: string, last: boolean) {
    try {
      if (reasoning) this.renderer.feed('reasoning', reasoning);
      if (content) this.renderer.feed('content', content);
      if (last) this.renderer.end();
      const rendered = await this.renderer.take();
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
