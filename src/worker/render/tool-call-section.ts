/**
 * The arguments of one tool call, streamed as one JSON code block: the same
 * shell, line markup and ops (`code-open`, `code-lines`, `code-tail`,
 * `code-close`) as a fenced code block of the answer, so the element applies
 * them with the same code (apply-patch.ts) and a theme change re-colours
 * them like any code block.
 *
 * Streamed == one-shot: complete lines are tokenized once each, carrying the
 * grammar state (highlight.ts); the growing last line is shown with
 * `partial()` and, when the call ends, replaced by the same line tokenized
 * whole, which is what a one-shot render sends. Arguments usually arrive as
 * one line of JSON, so that line is re-tokenized on each take while it grows
 * (up to `PARTIAL_LINE_CAP` characters, plain text beyond, as for code).
 *
 * On a fresh page the highlighter or the JSON grammar may still be loading
 * when the first arguments arrive: they show at once, plain, and are
 * coloured in place (`code-recolour`) by the first take after both loaded.
 * The last take waits for them, so a streamed call ends as the one-shot one.
 */
import type { BlockOp } from '../../shared/protocol.js';
import { codeBlockShell } from './code-block.js';
import { LineHighlighter, loadFenceLanguage, resolveLoadedLanguage } from './highlight.js';
import { codePreClass, type RenderContext } from './section-renderer.js';

/** The grammar of the arguments (the project's language table resolves it to Shiki's `json`). */
const LANG = 'json';

export class ToolCallSection {
  /** Text after the last complete line. */
  private rest = '';
  private lines: LineHighlighter | undefined;
  /** HTML of the partial line on screen (`''`: none). */
  private partial = '';
  private closed = false;
  /** Text arrived since the last take. */
  private dirty = true;
  /** The highlighter and JSON's grammar, loading; settles once both did (or failed). */
  private load: Promise<void> | undefined;
  /** JSON's grammar id once the load settled (`null`: plain text). */
  private json: string | null | undefined;
  /** The complete lines shown plain, kept until they are coloured. */
  private plain: string[] | undefined;

  /** Settles when lines shown plain can be coloured: a take is then due, even if no text arrives. */
  loading(): Promise<void> | undefined {
    return this.plain && !this.closed ? this.load : undefined;
  }

  /** Appends an arguments fragment. O(fragment). */
  feed(text: string): void {
    if (!text) return;
    this.rest += text;
    this.dirty = true;
  }

  /** Adds to `ops` what changed since the last take; with `final`, closes the block. */
  async take(ctx: RenderContext, final: boolean, ops: BlockOp[]): Promise<void> {
    if (this.closed) return;
    // Both already there (the usual case: JSON is among the grammars warmed while the page is idle).
    if (this.json === undefined && ctx.hl) this.json = resolveLoadedLanguage(ctx.hl, LANG) ?? undefined;
    this.load ??= Promise.all([loadFenceLanguage(LANG), ctx.highlighter]).then(
      ([id]) => void (this.json = id),
      // No highlighter: the arguments stay plain text (the reply reports the failure).
      () => void (this.json = null),
    );
    // Coloured whole at the end, as a one-shot render is.
    if (final) await this.load;
    const colourDue = this.plain !== undefined && this.json !== undefined;
    if (!this.dirty && !final && !colourDue) return;
    this.dirty = false;
    if (!this.lines) {
      ops.push({ type: 'code-open', html: codeBlockShell({ lang: LANG, label: LANG, preClass: codePreClass(ctx), ...ctx.buttons }) });
      if (this.json === undefined) {
        this.lines = new LineHighlighter(null, null, ctx.theme, ctx.styles);
        this.plain = [];
      } else {
        this.lines = new LineHighlighter(ctx.hl, ctx.hl && this.json, ctx.theme, ctx.styles);
      }
    } else if (colourDue) {
      // The lines on screen are coloured again in place; the partial line after them is sent again below.
      this.lines = new LineHighlighter(ctx.hl, ctx.hl && this.json!, ctx.theme, ctx.styles);
      ops.push({ type: 'code-recolour', preClass: codePreClass(ctx), lines: this.lines.lines(this.plain!) });
      this.plain = undefined;
      this.partial = '';
    }
    const lines = this.lines;
    const cut = this.rest.lastIndexOf('\n');
    const complete = cut >= 0 ? this.rest.slice(0, cut).split('\n') : [];
    if (cut >= 0) this.rest = this.rest.slice(cut + 1);
    if (final && this.rest !== '') {
      complete.push(this.rest);
      this.rest = '';
    }
    if (complete.length) {
      // The partial line on screen is now among the complete lines (apply-patch.ts drops it).
      this.partial = '';
      this.plain?.push(...complete);
      ops.push({ type: 'code-lines', lines: lines.lines(complete) });
    }
    if (final) {
      ops.push({ type: 'code-close' });
      this.closed = true;
      return;
    }
    const partial = this.rest === '' ? '' : lines.partial(this.rest);
    if (partial !== this.partial) {
      ops.push({ type: 'code-tail', html: partial });
      this.partial = partial;
    }
  }
}
