/**
 * One streaming reply: the network read, the renderer and the patches to the
 * element, with a credit of one patch.
 *
 * Two loops run side by side. The network loop reads the body as fast as it
 * arrives (network-thread.ts) and only appends each delta to a pending list,
 * so it never waits on the element. The patch loop feeds what is pending to
 * the renderer, takes what renders within `TAKE_BUDGET_MS`, and sends it as
 * a patch; it sends the next only after the element resolved the previous
 * one (the element applies a patch when it arrives if the current frame's
 * budget allows, else on the next animation frame; see protocol.ts), and
 * meanwhile keeps rendering, up to `MAX_SLICES_AHEAD` slices merged into
 * that next patch. When the main thread is slow, text therefore coalesces
 * into fewer, larger patches instead of queueing, and the latest text is
 * always next. Text never waits for colour: every slice shows all the text
 * that arrived, and when the network is faster than highlighting the code
 * lines that could not be coloured within `TAKE_BUDGET_MS` show plain and are
 * coloured in place by later slices: once text pauses for `COLOUR_PAUSE_MS`
 * or ends. While it floods in, colouring what fell behind would take a core
 * from the page and the network thread, and the text would show later for
 * it; a slice with text then colours one batch at most, and none when its
 * text brings more lines than a batch (section-renderer.ts). A slice that only
 * colours is short while another reply of the worker still receives text
 * (`SHARED_COLOUR_BUDGET_MS`), so that reply's text is not held back by it.
 *
 * Cost: a delta costs O(its length) (one array push); a patch joins only the
 * text pending since the previous patch. Nothing already sent is touched
 * again here.
 */
import { chatError } from '../../shared/errors.js';
import type { BlockOp, ChatRequest, Patch, RenderSection, StreamEnd, ToolCallDelta, ToolCallOps } from '../../shared/protocol.js';
import type { CompletionDelta } from '../net/completion-stream.js';
import { streamReply } from '../net/network-thread.js';
import { yieldToTasks } from '../net/yield-to-tasks.js';

/** What the session needs of `MessageRenderer` (message-renderer.ts). */
export interface PatchRenderer {
  feed(section: RenderSection, text: string): void;
  /** Appends to the arguments of tool call `index`; its first feed opens its block. */
  feedToolCall?(index: number, text: string): void;
  end(): void;
  take(deadline?: number): Promise<{
    content?: BlockOp[];
    reasoning?: BlockOp[];
    toolCalls?: ToolCallOps[];
    styles?: string[];
    /** Lines are still plain and can be coloured now: take again. */
    more?: boolean;
    /** Lines are plain until this settles (a grammar loading): take again then. */
    loading?: Promise<unknown>;
  }>;
  /** Optional warm-up, started with the request; `hint` is the prompt. */
  prepare?(hint?: string): Promise<unknown>;
  /** Renders in another theme from the next take on. */
  setTheme?(theme: string): void;
}

/**
 * Rendering time per slice. Text that arrives as it is generated renders in
 * far less and goes out at once; a backlog (text that arrived faster than it
 * is highlighted) is rendered in slices of about this long. Two frames' worth:
 * during a flood the page then changes every few frames instead of every
 * frame, which leaves the machine's cores to highlighting; longer slices
 * gained nothing more (the benchmark's results hold the figures).
 */
export const TAKE_BUDGET_MS = 32;

/**
 * Slices rendered ahead of the element, merged into the next patch. More
 * keeps the highlighter busier while the main thread is slow, but makes the
 * patch that the main thread then applies in one frame bigger.
 */
export const MAX_SLICES_AHEAD = 2;

/**
 * How long text must pause before colour that fell behind is caught up while
 * the reply still streams. Longer than the gaps of a flood on a loaded
 * machine (shorter pauses let colour slices back in mid-flood and the text
 * fell behind again, by the benchmark); a model that stalls still gets its
 * code coloured soon after.
 */
export const COLOUR_PAUSE_MS = 500;

/**
 * Rendering time of a slice that only colours while another reply of this
 * worker still receives text. That reply's text, and the element's
 * acknowledgement of its last patch, arrive as tasks that wait for the
 * slice to end: at `TAKE_BUDGET_MS` a chat beside one colouring a long
 * line or a backlog changed only every few frames. A quarter of that lets
 * it change in nearly every frame; colour takes more slices.
 */
export const SHARED_COLOUR_BUDGET_MS = 8;

/** Replies of this worker whose text still arrives. */
let receiving = 0;

/**
 * Where a reply's text comes from: deltas through `onDelta` as they arrive,
 * the end as the resolved value; aborting `signal` ends it with `stopped`.
 * `streamReply` (the network thread) in the worker; tests pass their own.
 */
export type ReplySource = (
  request: ChatRequest,
  signal: AbortSignal,
  onDelta: (delta: CompletionDelta) => void,
) => Promise<StreamEnd>;

export class StreamSession {
  private readonly abort = new AbortController();
  private content: string[] = [];
  private reasoning: string[] = [];
  private toolCalls: ToolCallDelta[] = [];
  private tokens = 0;
  private firstTokenAt: number | undefined;
  /** When text last arrived (`performance.now()`). */
  private lastTextAt = 0;
  private end: StreamEnd | undefined;
  /** Something arrived since the patch loop last looked. */
  private dirty = false;
  /** Code lines on screen are still plain and the renderer can colour more of them now. */
  private backlog = false;
  /** Plain lines wait for a grammar that is loading; the end waits with them. */
  private loading: Promise<unknown> | undefined;
  private wake: (() => void) | undefined;
  private network: Promise<void> = Promise.resolve();
  /** Counted in `receiving` (from `run` to the end of the text). */
  private counted = false;

  constructor(
    private readonly request: ChatRequest,
    private readonly onPatch: (patch: Patch) => Promise<void>,
    private readonly renderer: PatchRenderer,
    private readonly source: ReplySource = streamReply,
  ) {}

  /** Ends the reply: the network is aborted and the last patch says `stopped`. */
  stop(): void {
    this.abort.abort();
  }

  /** Continues in `theme`; the next slice re-colours the open code block even if no text arrives. */
  setTheme(theme: string): void {
    this.renderer.setTheme?.(theme);
    this.notify();
  }

  /**
   * Streams the reply to its end. Resolves after the element resolved the
   * last patch (the one with `end`). Rejects only when `onPatch` rejects (the
   * element went away); the request is then aborted.
   */
  async run(): Promise<void> {
    // Highlighter, theme and the grammars the prompt names load while the request is on its way.
    const content = this.request.messages.findLast(m => m.role === 'user')?.content ?? '';
    const prompt = typeof content === 'string' ? content : content.map(part => (part.type === 'text' ? part.text : '')).join('');
    this.renderer.prepare?.(prompt).catch(() => undefined);
    this.counted = true;
    receiving++;
    this.network = this.source(this.request, this.abort.signal, delta => this.receive(delta)).then(
      end => this.finish(end),
      // A source should resolve for every ending; one that throws still ends the reply, keeping its text.
      (error: unknown) => this.finish(sourceFailed(error, this.abort.signal.aborted)),
    );
    try {
      await this.deliver();
    } catch (error) {
      this.abort.abort();
      throw error;
    }
  }

  /** Network side: O(delta), never waits. */
  private receive({ content, reasoning, count, toolCalls }: CompletionDelta): void {
    if (content) this.content.push(content);
    if (reasoning) this.reasoning.push(reasoning);
    if (toolCalls) for (const call of toolCalls) this.toolCalls.push(call);
    this.tokens += count ?? 1;
    this.lastTextAt = performance.now();
    this.firstTokenAt ??= this.lastTextAt;
    this.notify();
  }

  /** The first end counts; the source can say nothing after it. */
  private finish(end: StreamEnd): void {
    this.end ??= end;
    if (this.counted) {
      this.counted = false;
      receiving--;
    }
    this.notify();
  }

  private notify(): void {
    this.dirty = true;
    this.poke();
  }

  /** Wakes the patch loop if it sleeps (text, the end, or the element's acknowledgement). */
  private poke(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  /**
   * Until the next `poke`, or `ms` (if given). The loop checks its state
   * synchronously before, so no wake-up is lost.
   */
  private sleep(ms?: number): Promise<void> {
    return new Promise(resolve => {
      this.wake = resolve;
      if (ms !== undefined) setTimeout(() => this.wake === resolve && this.poke(), ms);
    });
  }

  /**
   * Colour that fell behind may be caught up now: the text ended, or paused
   * for `COLOUR_PAUSE_MS` (what is left of the pause, in ms, otherwise).
   */
  private colourWait(): number {
    if (!this.backlog || this.end) return 0;
    return Math.max(0, this.lastTextAt + COLOUR_PAUSE_MS - performance.now());
  }

  /**
   * Patch side: one patch in flight at most. While the element has not
   * resolved it, the renderer keeps going for up to `MAX_SLICES_AHEAD`
   * slices, merged into the one patch sent next (mergePatches): the
   * highlighter does not wait on a main thread that is a frame behind, and a
   * slow main thread gets fewer, larger patches, never a queue.
   */
  private async deliver(): Promise<void> {
    let inFlight: Promise<void> | undefined;
    let rejected: { error: unknown } | undefined;
    let next: Patch | undefined;
    /** Slices merged into `next`. */
    let ahead = 0;
    for (;;) {
      if (rejected) throw rejected.error;
      if (next && !inFlight) {
        const patch = next;
        next = undefined;
        ahead = 0;
        const sent = this.onPatch(patch);
        inFlight = sent;
        sent.then(
          () => {
            if (inFlight === sent) inFlight = undefined;
            this.poke();
          },
          (error: unknown) => {
            rejected ??= { error };
            this.poke();
          },
        );
        if (patch.end) {
          await sent;
          return;
        }
        continue;
      }
      // Nothing new to render (or colour, yet), the end is rendered, or enough is rendered ahead: wait for
      // text, the end, the element or a pause in the text.
      const colourWait = this.colourWait();
      if ((!this.dirty && (!this.backlog || colourWait > 0)) || next?.end || ahead >= MAX_SLICES_AHEAD) {
        await this.sleep(colourWait > 0 ? colourWait : undefined);
        continue;
      }
      // The element's acknowledgement and new text arrive as tasks: let them in between slices.
      // So do other chats' text and acknowledgements: colouring a backlog (a long line's slices
      // may take several slices and send nothing) must not hold the worker from them.
      if (inFlight || this.backlog) await yieldToTasks();
      const patch = await this.renderSlice();
      if (!patch) continue;
      next = next ? mergePatches(next, patch) : patch;
      ahead++;
    }
  }

  /**
   * Renders what is pending within `TAKE_BUDGET_MS`; the patch to send, or
   * `undefined` when nothing changed. Read before rendering: once `end` is
   * set no more text can arrive, so everything pending now is everything
   * there is. All pending text goes to the renderer at every slice, which
   * shows it all (code lines it cannot colour in time show plain); while
   * lines are plain, slices go on colouring them and the end goes with the
   * patch that finishes them.
   */
  private async renderSlice(): Promise<Patch | undefined> {
    this.dirty = false;
    let end = this.end;
    const contentDelta = this.content.join('');
    const reasoningDelta = this.reasoning.join('');
    const toolCalls = this.toolCalls;
    this.content = [];
    this.reasoning = [];
    this.toolCalls = [];
    const patch: Patch = {};
    if (contentDelta) patch.contentDelta = contentDelta;
    if (reasoningDelta) patch.reasoningDelta = reasoningDelta;
    if (toolCalls.length) patch.toolCallDeltas = toolCalls;
    const failure = await this.render(patch, contentDelta, reasoningDelta, toolCalls, end !== undefined);
    // Not all coloured: the end goes with the patch that finishes it. A stop ends at once and says
    // that code is still plain (its text is all there): the element has it coloured.
    if ((this.backlog || this.loading) && !failure) end = end?.status === 'stopped' ? { ...end, plain: true } : undefined;
    // Styles alone count: a theme's rule can come in a slice of its own (it loaded after its blocks showed).
    if (!end && !failure && !patch.contentDelta && !patch.reasoningDelta && !patch.content && !patch.reasoning && !patch.toolCallDeltas && !patch.toolCalls && !patch.styles) {
      return undefined;
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
      const lateCalls = [...toolCalls, ...this.toolCalls];
      if (lateContent) patch.contentDelta = lateContent;
      if (lateReasoning) patch.reasoningDelta = lateReasoning;
      if (lateCalls.length) patch.toolCallDeltas = lateCalls;
      patch.end = { ...(this.end ?? {}), status: 'error', error: failure, model: this.end?.model ?? this.request.model };
      return patch;
    }
    if (end) patch.end = end;
    return patch;
  }

  private colourReady(loading: Promise<unknown>): void {
    if (this.loading === loading) this.loading = undefined;
    this.backlog = true;
    this.poke();
  }

  /** Feeds the pending text and adds the rendered ops to `patch`; a failure is returned as data. */
  private async render(patch: Patch, content: string, reasoning: string, toolCalls: readonly ToolCallDelta[], last: boolean) {
    try {
      if (reasoning) this.renderer.feed('reasoning', reasoning);
      if (content) this.renderer.feed('content', content);
      for (const call of toolCalls) this.renderer.feedToolCall?.(call.index, call.arguments ?? '');
      if (last) this.renderer.end();
      // Text while colour is behind and the reply streams on: the text alone (and one batch of colour).
      const flood = (content || reasoning) && this.colourWait() > 0;
      // Colour alone while another reply's text waits behind the slice: a short slice.
      const shared = !content && !reasoning && toolCalls.length === 0 && receiving > (this.counted ? 1 : 0);
      const budget = flood ? 0 : shared ? SHARED_COLOUR_BUDGET_MS : TAKE_BUDGET_MS;
      const rendered = await this.renderer.take(performance.now() + budget);
      this.backlog = rendered.more === true;
      const loading = rendered.loading;
      this.loading = loading;
      // A grammar loaded: its block's plain lines can be coloured now.
      loading?.then(
        () => this.colourReady(loading),
        () => this.colourReady(loading),
      );
      if (rendered.content?.length) patch.content = rendered.content;
      if (rendered.reasoning?.length) patch.reasoning = rendered.reasoning;
      if (rendered.toolCalls?.length) patch.toolCalls = rendered.toolCalls;
      if (rendered.styles?.length) patch.styles = rendered.styles;
      return undefined;
    } catch (error) {
      return chatError('renderFailed', { detail: error instanceof Error ? error.message : String(error) });
    }
  }
}

function sourceFailed(error: unknown, stopped: boolean): StreamEnd {
  if (stopped) return { status: 'stopped' };
  const detail = error instanceof Error && error.message ? ` (${error.message})` : '';
  return {
    status: 'error',
    error: { code: 'worker', message: `Reading the reply failed${detail}; the text that arrived is kept.`, hint: 'Send the message again.' },
  };
}

/**
 * `a` then `b` as one patch: ops concatenate (they apply in order), text
 * deltas join, the newer stats and the end win. A partial code line that
 * `b` replaces first is dropped from `a`: the element would only insert it
 * to remove it again.
 */
export function mergePatches(a: Patch, b: Patch): Patch {
  const merged: Patch = { ...a };
  if (b.contentDelta) merged.contentDelta = (a.contentDelta ?? '') + b.contentDelta;
  if (b.reasoningDelta) merged.reasoningDelta = (a.reasoningDelta ?? '') + b.reasoningDelta;
  if (b.content) merged.content = joinOps(a.content, b.content);
  if (b.reasoning) merged.reasoning = joinOps(a.reasoning, b.reasoning);
  // Tool-call pieces and ops apply in order: later ones go after.
  if (b.toolCallDeltas) merged.toolCallDeltas = [...(a.toolCallDeltas ?? []), ...b.toolCallDeltas];
  if (b.toolCalls) merged.toolCalls = [...(a.toolCalls ?? []), ...b.toolCalls];
  if (b.styles) merged.styles = [...(a.styles ?? []), ...b.styles];
  if (b.stats) merged.stats = b.stats;
  if (b.end) merged.end = b.end;
  return merged;
}

function joinOps(a: BlockOp[] | undefined, b: BlockOp[]): BlockOp[] {
  if (!a?.length) return b;
  const first = b[0]?.type;
  const supersedes = first === 'code-lines' || first === 'code-tail' || first === 'code-tail-text';
  const last = a.at(-1)?.type;
  return [...(supersedes && (last === 'code-tail' || last === 'code-tail-text') ? a.slice(0, -1) : a), ...b];
}
