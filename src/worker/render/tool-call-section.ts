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
 */
import type { BlockOp } from '../../shared/protocol.js';
import { codeBlockShell } from './code-block.js';
import { LineHighlighter, loadFenceLanguage } from './highlight.js';
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

  /** Appends an arguments fragment. O(fragment). */
  feed(text: string): void {
    if (!text) return;
    this.rest += text;
    this.dirty = true;
  }

  /** Adds to `ops` what changed since the last take; with `final`, closes the block. */
  async take(ctx: RenderContext, final: boolean, ops: BlockOp[]): Promise<void> {
    if (this.closed || (!this.dirty && !final)) return;
    this.dirty = false;
    if (!this.lines) {
      // Arguments are shown coloured from their first line: they wait for the highlighter and JSON.
      const [id] = await Promise.all([loadFenceLanguage(LANG), ctx.highlighter]);
      const preClass = codePreClass(ctx);
      ops.push({ type: 'code-open', html: codeBlockShell({ lang: LANG, label: LANG, preClass, ...ctx.buttons }) });
      this.lines = new LineHighlighter(ctx.hl, id, ctx.theme, ctx.styles);
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
