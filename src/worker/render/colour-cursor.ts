/**
 * Colour that follows the text: the lines of a code block that were shown
 * plain (the highlighter was behind the stream, or the block's grammar was
 * still loading) are tokenized later, in order, carrying the grammar state
 * as a one-pass highlight does, and sent as `code-colour` ops that fill the
 * line spans already on screen. Only the lines' insides change, in the same
 * line boxes (a colour class changes `color` and at most the font style),
 * so nothing moves.
 *
 * A cursor ends where a one-shot render is: every line holds the tokens of
 * `LineHighlighter.lineTokens` on that line after all the lines before it.
 * Cost: each line is tokenized once, whether shown coloured at once
 * (`colourNew`) or later (`catchUp`); the cursor itself is O(1) per line.
 * A line longer than a slice (line-slices.ts) is tokenized slice by slice,
 * as many slices per call as the deadline allows, and the cursor resumes
 * between slices in the next call; the line goes out once all its slices
 * are done (an op with part of a line would resend the line on every take).
 */
import type { BlockOp } from '../../shared/protocol.js';
import { lineHtml } from './code-block.js';
import type { LineHighlighter } from './highlight.js';
import { lineSlices } from './line-slices.js';

/**
 * Lines tokenized per Shiki call when catching up: enough to spread its
 * per-call set-up thin, few enough to keep to a take's deadline.
 */
export const LINE_BATCH = 64;

/**
 * The first batch of a block; each next one is twice as big, up to
 * `LINE_BATCH`. The first lines of a block in a new language compile the
 * grammar's rules as they meet them and cost much more than later ones:
 * small first batches keep that from overshooting the deadline. One line:
 * the deadline is only looked at between batches, and on a fresh page a
 * single first line may take longer than a frame.
 */
export const FIRST_LINE_BATCH = 1;

export class ColourCursor {
  /**
   * The block's language id once known (`null`: plain text), `undefined`
   * while its grammar loads; the section renderer then starts the cursor.
   */
  lang: string | null | undefined;
  /** Lines `[0, coloured)` of `source` are on screen in colour, the rest plain. */
  private coloured = 0;
  private highlighter: LineHighlighter | null = null;
  /** Size of the next batch `catchUp` tokenizes. */
  private batch = FIRST_LINE_BATCH;
  /** The sliced line at `coloured`, part-way: its slices' ends, how many are tokenized, their HTML. */
  private long: { ends: number[]; done: number; html: string } | null = null;

  /**
   * `index`: the block's place among its section's frozen blocks (the
   * `code-colour` op's). `source`: the block's complete lines, shared with
   * the section renderer, which appends to it as lines are shown.
   */
  constructor(
    readonly index: number,
    private readonly source: readonly string[],
    lang: string | null | undefined,
  ) {
    this.lang = lang;
  }

  /** The grammar is loaded (or the block has none): colour can start. */
  get ready(): boolean {
    return this.highlighter !== null;
  }

  /** Every line shown so far is coloured: new lines can be coloured as they are shown. */
  get caughtUp(): boolean {
    return this.highlighter !== null && this.coloured === this.source.length;
  }

  /** Colour from the first line with `highlighter` (its grammar has loaded, or the theme changed). */
  start(highlighter: LineHighlighter, coloured = 0): void {
    this.highlighter = highlighter;
    this.coloured = coloured;
    this.batch = FIRST_LINE_BATCH;
    this.long = null;
  }

  /**
   * HTML of lines shown for the first time while caught up, coloured, in
   * batches growing to `LINE_BATCH`, until `deadline` (checked before each
   * batch); the lines after it are left to the caller to show plain. The
   * caller appends the returned lines' text to `source`. A sliced line
   * that the deadline cuts short is shown plain; `catchUp` goes on from the
   * slice it reached.
   */
  colourNew(texts: readonly string[], deadline: number, now: () => number): string[] {
    const hl = this.highlighter;
    const out: string[] = [];
    if (!hl || this.coloured !== this.source.length) return out;
    // Plain text costs nothing to "colour": never left behind.
    const until = hl.lang ? deadline : Infinity;
    let i = 0;
    while (i < texts.length && now() < until) {
      const first = texts[i] ?? '';
      if (hl.sliced(first)) {
        const html = this.slices(hl, first, until, now, false);
        if (html === null) break;
        out.push(lineHtml(html));
        // Counted now: the slices above ran with `coloured` at this line.
        this.coloured++;
        i++;
        continue;
      }
      let end = i;
      while (end < texts.length && end - i < this.batch && !hl.sliced(texts[end] ?? '')) end++;
      for (const html of hl.lines(texts.slice(i, end))) out.push(html);
      this.coloured += end - i;
      i = end;
      this.batch = Math.min(2 * this.batch, LINE_BATCH);
    }
    return out;
  }

  /**
   * Colours lines shown plain, in order, until `deadline`, at least one
   * batch or slice (so a busy stream still makes progress), as one
   * `code-colour` op. Returns whether lines are still plain.
   */
  catchUp(deadline: number, now: () => number, ops: BlockOp[]): boolean {
    const hl = this.highlighter;
    if (!hl) return true;
    const from = this.coloured;
    const lines: string[] = [];
    let progressed = false;
    while (this.coloured < this.source.length && (!progressed || now() < deadline)) {
      const first = this.source[this.coloured] ?? '';
      if (hl.sliced(first)) {
        const html = this.slices(hl, first, deadline, now, !progressed);
        progressed = true;
        if (html === null) break;
        lines.push(html);
        this.coloured++;
        continue;
      }
      let end = this.coloured;
      while (end < this.source.length && end - this.coloured < this.batch && !hl.sliced(this.source[end] ?? '')) end++;
      for (const html of hl.linesTokens(this.source.slice(this.coloured, end))) lines.push(html);
      this.coloured = end;
      this.batch = Math.min(2 * this.batch, LINE_BATCH);
      progressed = true;
    }
    if (lines.length) ops.push({ type: 'code-colour', index: this.index, from, lines });
    return this.coloured < this.source.length;
  }

  /**
   * Tokenizes slices of `text`, the line at `coloured`, from where the last
   * call stopped, until `deadline` (checked before each slice; `atLeastOne`:
   * one slice whatever the time). The line's tokens' HTML once its last
   * slice is done, else `null`. The grammar state is then mid-line: nothing
   * else is tokenized until the line is done.
   */
  private slices(hl: LineHighlighter, text: string, deadline: number, now: () => number, atLeastOne: boolean): string | null {
    const long = (this.long ??= { ends: lineSlices(text), done: 0, html: '' });
    let first = atLeastOne;
    while (long.done < long.ends.length && (first || now() < deadline)) {
      const from = long.done > 0 ? (long.ends[long.done - 1] ?? 0) : 0;
      long.html += hl.sliceTokens(text.slice(from, long.ends[long.done]));
      long.done++;
      first = false;
    }
    if (long.done < long.ends.length) return null;
    this.long = null;
    return long.html;
  }
}
