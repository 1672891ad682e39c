/**
 * The streaming renderer of one assistant message: text goes in with `feed`
 * (cheap), patches come out of `take` (all changes since the previous take).
 *
 * Cost per take is proportional to what changed, not to the message: final
 * blocks are rendered once, the open markdown block and the partial code line
 * are the only things rendered again (see section-renderer.ts). A message
 * rendered at once (`feed` everything, `end`, `take`) goes through the same
 * path, so its patch builds the same DOM as all the streamed patches together.
 */
import type { BlockOp, HighlightedCode, RenderOptions, RenderSection, ToolCallOps } from '../../shared/protocol.js';
import { codeBlockHtml } from './code-block.js';
import {
  getHighlighter,
  highlightCode as highlightWhole,
  LineHighlighter,
  loadedHighlighter,
  loadTheme,
  resolveLoadedLanguage,
  StyleSink,
  themeClass,
  themeIdOf,
} from './highlight.js';
import { languagesNamedIn } from './languages.js';
import { createMarkdown, createPostRender, fenceWord } from './markdown.js';
import { sanitizeLang } from './safe-html.js';
import { codePreClass, SectionRenderer, type RenderContext } from './section-renderer.js';
import { renderStages, type RenderStage } from './stages/index.js';
import { ToolCallSection } from './tool-call-section.js';
import { warmNamed } from './warm-up.js';

/** Everything that changed since the previous `take()`. */
export interface RenderedPatch {
  content?: BlockOp[];
  reasoning?: BlockOp[];
  /** The rendered arguments of tool calls that changed. */
  toolCalls?: ToolCallOps[];
  /** CSS rules of token and theme classes this renderer has not sent before. */
  styles?: string[];
  /** Code lines on screen are still plain and can be coloured now (the deadline passed): take again. */
  more?: boolean;
  /**
   * Settles when a grammar that plain lines wait for has loaded: take
   * again then (until it does, taking again colours nothing).
   */
  loading?: Promise<unknown>;
}

export class MessageRenderer {
  private readonly sections = new Map<RenderSection, SectionRenderer>();
  /** Tool calls by position; rendered after the content, in order. */
  private readonly toolCalls: ToolCallSection[] = [];
  private context: RenderContext | undefined;
  /**
   * Takes wait for the highlighter and theme: after a theme change (the
   * reply's lines so far are recoloured at once in the new theme). Before
   * the first theme has loaded, takes go on without it: text never waits.
   */
  private awaitTheme = false;
  private ended = false;
  private finished = false;
  /** Text of the reply has arrived (`prepare` stops compiling samples then). */
  private fed = false;
  private queue: Promise<unknown> = Promise.resolve();

  /** `stages`: the render stages to install (all registered ones unless a test picks others). */
  constructor(
    private options: RenderOptions,
    private readonly stages: readonly RenderStage[] = renderStages,
  ) {}

  /**
   * Renders in `theme` from the next take on: an open code block is coloured
   * again (`code-recolour`), later blocks and lines come in the new theme.
   */
  setTheme(theme: string): void {
    if (theme === this.options.theme) return;
    this.options = { ...this.options, theme };
    this.context = undefined;
    this.awaitTheme = true;
  }

  /** Appends text to a section. Synchronous and O(text): nothing is parsed here. */
  feed(section: RenderSection, text: string): void {
    if (this.ended) throw new Error('MessageRenderer.feed() called after end().');
    this.fed = true;
    let renderer = this.sections.get(section);
    if (!renderer) {
      renderer = new SectionRenderer();
      this.sections.set(section, renderer);
    }
    renderer.feed(text);
  }

  /**
   * Appends a fragment to the arguments of tool call `index` (its position
   * in the message); a call's first feed, even of `''`, opens its block.
   */
  feedToolCall(index: number, text: string): void {
    if (this.ended) throw new Error('MessageRenderer.feedToolCall() called after end().');
    this.fed = true;
    for (let i = this.toolCalls.length; i <= index; i++) this.toolCalls.push(new ToolCallSection());
    this.toolCalls[index]!.feed(text);
  }

  /** The text is complete: the next `take()` freezes everything, including open blocks. */
  end(): void {
    this.ended = true;
  }

  /**
   * Loads the highlighter and theme now (e.g. while the request is on its
   * way), not at the first take; with the prompt as `hint`, also the
   * grammars of the languages it names, compiled (a line of sample code
   * per task, warm-up.ts), so that the first code block of "写一个 Python
   * 函数" highlights from its first line. Samples are compiled only until
   * the reply's first text arrives: a sample line whose rules compile for
   * the first time is one long task of the worker, and every token that
   * arrives meanwhile waits for it, so the reply compiles what its own code
   * needs, when that code comes.
   */
  prepare(hint = ''): Promise<unknown> {
    const theme = this.options.theme;
    return Promise.all([
      this.getContext().highlighter,
      ...languagesNamedIn(hint).map(word => warmNamed(word, theme, () => this.fed)),
    ]);
  }

  /**
   * All changes since the last take; `{}` if none. Takes run one at a time,
   * in call order. Every take shows all the text fed. With a `deadline` (a
   * `performance.now()` time) code lines are coloured only until it passes:
   * the rest shows plain and is coloured in place by later takes (`more`,
   * `loading`), so text never waits for colour; without one, everything fed
   * is coloured at once.
   */
  take(deadline = Infinity): Promise<RenderedPatch> {
    const next = this.queue.then(() => this.takeNow(deadline));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async takeNow(deadline: number): Promise<RenderedPatch> {
    if (this.finished) return {};
    const final = this.ended;
    const ctx = this.getContext();
    // A one-shot render (no deadline) is coloured whole, so it waits for the highlighter.
    if (!ctx.hl && (deadline === Infinity || this.awaitTheme)) await ctx.highlighter;
    if (ctx.failure) throw ctx.failure;
    const patch: RenderedPatch = {};
    let more = false;
    const loads: Promise<unknown>[] = [];
    // Reasoning comes first on screen and in the stream. Both sections show
    // all their text at every take; only colour waits for the deadline.
    for (const name of ['reasoning', 'content'] as const) {
      const renderer = this.sections.get(name);
      if (!renderer) continue;
      const ops: BlockOp[] = [];
      if (await renderer.take(ctx, final, ops, deadline)) more = true;
      const loading = renderer.loading(ctx);
      if (loading) loads.push(loading);
      if (ops.length) patch[name] = ops;
    }
    if (!more) {
      const calls: ToolCallOps[] = [];
      for (const [index, call] of this.toolCalls.entries()) {
        const ops: BlockOp[] = [];
        await call.take(ctx, final, ops);
        if (ops.length) calls.push({ index, ops });
        const loading = call.loading();
        if (loading) loads.push(loading);
      }
      if (calls.length) patch.toolCalls = calls;
    }
    if (ctx.themeOwed) {
      if (ctx.hl) {
        // Blocks shown before the theme loaded get its background and foreground now.
        codePreClass(ctx);
        // They carry the class of the theme asked for: if that one could not load, the fallback's colours go under it.
        const asked = themeIdOf(this.options.theme);
        if (asked !== ctx.theme) themeClass(ctx.hl, ctx.theme, ctx.styles, asked);
        ctx.themeOwed = false;
      } else {
        loads.push(ctx.highlighter);
      }
    }
    const styles = ctx.styles.take();
    if (styles.length) patch.styles = styles;
    if (more) patch.more = true;
    if (loads.length) patch.loading = Promise.race(loads);
    if (final && !more && !loads.length) this.finished = true;
    return patch;
  }

  /**
   * The markdown half of the context at once; the highlighter and theme
   * load behind it (`hl` is set when both are there), so the first text of
   * a reply on a fresh page renders without them.
   */
  private getContext(): RenderContext {
    if (this.context) return this.context;
    const labels = this.options.labels;
    const buttons = { copyLabel: labels.copy, downloadLabel: labels.download ?? 'Download', wrapLabel: labels.wrap ?? 'Wrap' };
    const theme = themeIdOf(this.options.theme);
    // Fences nested in lists and quotes: highlighted whole (the highlighter
    // and their language were loaded before the block is rendered,
    // section-renderer.ts), with the same line and chunk markup as a
    // streamed block.
    // A fence in the open tail may be rendered before they loaded: plain, until the tail is rendered again.
    const renderFence = (code: string, info: string): string => {
      const word = fenceWord(info);
      const lang = sanitizeLang(word);
      const lines = new LineHighlighter(ctx.hl, ctx.hl && resolveLoadedLanguage(ctx.hl, lang), ctx.theme, ctx.styles);
      const body = code.endsWith('\n') ? code.slice(0, -1) : code;
      const html = body.split('\n').map(line => lines.line(line));
      return codeBlockHtml({ lang, label: word, preClass: codePreClass(ctx), ...buttons }, html) + '\n';
    };
    const ctx: RenderContext = {
      md: createMarkdown(this.options, renderFence, this.stages),
      postRender: createPostRender(this.options, this.stages),
      hl: null,
      highlighter: Promise.resolve(),
      theme,
      themeOwed: false,
      styles: new StyleSink(),
      buttons,
      diagrams: !this.options.noDiagrams,
    };
    const loaded = loadedHighlighter(this.options.theme);
    if (loaded) {
      ctx.hl = loaded.hl;
      ctx.theme = loaded.theme;
    }
    ctx.highlighter = Promise.all([getHighlighter(), loadTheme(this.options.theme)]).then(
      ([hl, loaded]) => {
        // An unloadable theme fell back to the default: open code is coloured again in it (section-renderer.ts).
        ctx.theme = loaded;
        ctx.hl = hl;
      },
      (error: unknown) => {
        ctx.failure = error instanceof Error ? error : new Error('The highlighter or its theme could not load.');
      },
    );
    this.context = ctx;
    return ctx;
  }
}

/** Highlights a whole code block with another theme (the element's `theme` changed). */
export function highlightCode(code: string, lang: string, theme: string): Promise<HighlightedCode> {
  return highlightWhole(code, sanitizeLang(lang), theme);
}
