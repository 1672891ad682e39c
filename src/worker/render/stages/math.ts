/**
 * Math: TeX between `$$…$$`, `\[…\]` (display) and `\(…\)`, `$…$` (inline)
 * typeset as MathML by Temml, in the worker.
 *
 * Temml was chosen because it writes MathML only: no fonts, no stylesheet, no
 * `eval`, so the strict CSP and Trusted Types the element supports still hold,
 * and the browser lays the math out natively. It runs with `trust: false`
 * (no `\href`, `\class`, `\style`, `\includegraphics`) and `throwOnError`,
 * and its markup is rebuilt from an allow-list (safe-mathml.ts).
 *
 * Two markdown-it rules:
 * - an inline rule, ahead of backslash escapes: `\( \) \[ \]` are delimiters,
 *   not escapes; `$$…$$` is display math even inside a paragraph; `$…$` is
 *   math only when the opening `$` is followed by a non-space and the closing
 *   one (the next unescaped `$`) is preceded by a non-space and not followed
 *   by a digit, so "$5 and $10" stays text. A span that holds a backtick is
 *   not math: the code span wins, so nothing inside code is ever math (fenced
 *   and indented code never reach inline rules).
 * - a block rule for display math that starts a line (`$$` or `\[`): it may
 *   span lines, blank ones included. Until its closing delimiter arrives it
 *   claims everything after it (as an unclosed fence does) and shows it as
 *   text, so a streamed block is always the open last block and is never
 *   frozen half-way (see markdown.ts on top-level blocks).
 *
 * An unclosed span is text until it closes; TeX that Temml refuses shows as
 * text, delimiters included, in part `math-error`.
 */
import temml from 'temml';
import type { MarkdownIt, StateBlock, StateInline, Token } from 'markdown-it';
import type { RenderOptions } from '../../../shared/protocol.js';
import { escapeHtml } from '../safe-html.js';
import { mathErrorHtml, paragraphHtml, safeMathml } from '../safe-mathml.js';

/** Formulas typeset and kept: the open tail is rendered again on every take, its formulas are not. */
const CACHE_SIZE = 256;
const cache = new Map<string, string | null>();

/** Temml runs and characters scanned for closing delimiters, for tests that bound the work. */
export const mathStats = { typeset: 0, scanned: 0 };

/**
 * MathML of `tex`, or null when Temml refuses it (or its output is not
 * MathML as safe-mathml.ts reads it). Never throws.
 */
export function typeset(tex: string, display: boolean): string | null {
  const key = `${display ? 'D' : 'I'}${tex}`;
  const hit = cache.get(key);
  if (hit !== undefined) {
    // Most recently used last: the oldest entry is the first one dropped.
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  mathStats.typeset++;
  let html: string | null;
  try {
    html = safeMathml(
      temml.renderToString(tex, {
        displayMode: display,
        annotate: true,
        throwOnError: true,
        trust: false,
        // [em, pt]: `\rule{9999em}{…}` and `\kern` stay within a page.
        maxSize: [20, 200],
      }),
    );
  } catch {
    html = null;
  }
  if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value ?? '');
  cache.set(key, html);
  return html;
}

/** The HTML of one formula: MathML, or its source as text in part `math-error`. */
function mathHtml(tex: string, display: boolean, source: string, block: boolean): string {
  return typeset(tex.trim(), display) ?? mathErrorHtml(source, block);
}

const DOLLAR = 0x24;
const BACKSLASH = 0x5c;

/** Index of the first `close` at or after `from`, skipping `\x` pairs (TeX escapes); -1 if none before `end`. */
function findCloser(src: string, from: number, end: number, close: string): number {
  let i = from;
  for (; i < end; i++) {
    if (src.startsWith(close, i)) break;
    if (src.charCodeAt(i) === BACKSLASH) i++;
  }
  mathStats.scanned += i - from;
  return i < end ? i : -1;
}

const isSpace = (ch: number): boolean => ch === 0x20 || ch === 0x09 || ch === 0x0a || Number.isNaN(ch);
const isDigit = (ch: number): boolean => ch >= 0x30 && ch <= 0x39;

/**
 * Per inline parse: for each closing delimiter and end of range, the first
 * position from which it was looked for in vain. A later search from a
 * position after that one fails too, so text with many unclosed openers
 * (`\( \( \( …`) is scanned once, not once per opener: O(text) per parse.
 */
/** A string this stage stored in a token's `meta` (`''` when absent). */
function metaText(token: Token, key: 'source' | 'after'): string {
  const value: unknown = (token.meta as Record<string, unknown> | null)?.[key];
  return typeof value === 'string' ? value : '';
}

const missing = new WeakMap<StateInline, Map<string, number>>();

function findCloserOnce(state: StateInline, from: number, close: string): number {
  let misses = missing.get(state);
  if (!misses) missing.set(state, (misses = new Map<string, number>()));
  const key = `${close}@${state.posMax}`;
  const missedFrom = misses.get(key);
  if (missedFrom !== undefined && from >= missedFrom) return -1;
  const at = findCloser(state.src, from, state.posMax, close);
  if (at < 0) misses.set(key, Math.min(from, missedFrom ?? from));
  return at;
}

/** The inline rule (see the header). */
function mathInline(state: StateInline, silent: boolean): boolean {
  const { src, pos } = state;
  const ch = src.charCodeAt(pos);
  let open: string;
  let close: string;
  let display: boolean;
  if (ch === BACKSLASH) {
    const next = src.charAt(pos + 1);
    if (next === ')' || next === ']') {
      // A closing delimiter with no opener: text, backslash kept (not an escape).
      if (!silent) state.pending += src.slice(pos, pos + 2);
      state.pos += 2;
      return true;
    }
    if (next !== '(' && next !== '[') return false;
    open = `\\${next}`;
    close = next === '(' ? '\\)' : '\\]';
    display = next === '[';
  } else if (ch === DOLLAR) {
    display = src.charCodeAt(pos + 1) === DOLLAR;
    open = display ? '$$' : '$';
    close = open;
    if (!display && isSpace(src.charCodeAt(pos + 1))) return false;
  } else {
    return false;
  }
  const start = pos + open.length;
  const end = findCloserOnce(state, start, close);
  const tex = end < 0 ? '' : src.slice(start, end);
  let math = end >= 0 && tex.trim() !== '' && !tex.includes('`');
  if (math && open === '$') {
    math = !isSpace(src.charCodeAt(end - 1)) && !isDigit(src.charCodeAt(end + 1));
  }
  if (!math) {
    if (open === '$') return false;
    // `\(` `\[` `$$` that open nothing stay as written (the backslash too).
    if (!silent) state.pending += open;
    state.pos += open.length;
    return true;
  }
  if (!silent) {
    const token = state.push('math_inline', 'math', 0);
    token.content = tex;
    token.markup = open;
    token.info = display ? 'display' : 'inline';
    token.meta = { source: src.slice(pos, end + close.length) };
  }
  state.pos = end + close.length;
  return true;
}

/** The text of line `line` after its indentation (inside its container). */
function lineText(state: StateBlock, line: number): string {
  return state.src.slice(state.bMarks[line]! + state.tShift[line]!, state.eMarks[line]);
}

/** The block rule (see the header). */
function mathBlock(state: StateBlock, startLine: number, endLine: number, silent: boolean): boolean {
  if (state.sCount[startLine]! - state.blkIndent >= 4) return false;
  const first = lineText(state, startLine);
  const open = first.startsWith('$$') ? '$$' : first.startsWith('\\[') ? '\\[' : '';
  if (!open) return false;
  const close = open === '$$' ? '$$' : '\\]';
  const closeAt = findCloser(first, open.length, first.length, close);
  // `$$x$$ and text` on one line is a paragraph with display math in it.
  if (closeAt >= 0 && first.slice(closeAt + close.length).trim() !== '') return false;
  if (silent) return true;

  const lines = [first.slice(open.length)];
  let last = startLine;
  let closed = closeAt >= 0;
  let after = '';
  /** Where the closing delimiter ends on the last line. */
  let closeEnd = -1;
  if (closed) lines[0] = first.slice(open.length, closeAt);
  while (!closed) {
    const next = last + 1;
    if (next >= endLine) break;
    const text = lineText(state, next);
    // A line outdented from the container ends it (as for a fence).
    if (text !== '' && state.sCount[next]! < state.blkIndent) break;
    last = next;
    const at = findCloser(text, 0, text.length, close);
    if (at >= 0) {
      lines.push(text.slice(0, at));
      after = text.slice(at + close.length).trim();
      closeEnd = at + close.length;
      closed = true;
    } else {
      lines.push(text);
    }
  }
  state.line = last + 1;
  const token = state.push('math_block', 'math', 0);
  token.block = true;
  token.map = [startLine, state.line];
  token.markup = open;
  token.content = lines.join('\n');
  token.info = closed ? 'closed' : 'open';
  const sourceLines = [];
  for (let line = startLine; line <= last; line++) sourceLines.push(lineText(state, line));
  let source = sourceLines.join('\n');
  if (closeEnd >= 0) source = source.slice(0, source.length - (sourceLines[sourceLines.length - 1]!.length - closeEnd));
  token.meta = { source, after };
  return true;
}

/** The math stage of the markdown renderer. */
export const mathStage = {
  name: 'math',
  /** Adds the math rules, unless `options.noMath` (then TeX stays text and `\(` is an escape again). */
  markdown(md: MarkdownIt, options: Pick<RenderOptions, 'noMath'>): void {
    if (options.noMath) return;
    md.inline.ruler.before('escape', 'math_inline', mathInline);
    md.block.ruler.before('fence', 'math_block', mathBlock, { alt: ['paragraph', 'reference', 'blockquote', 'list'] });
    md.renderer.rules.math_inline = (tokens: Token[], idx: number) => {
      const token = tokens[idx]!;
      return mathHtml(token.content, token.info === 'display', metaText(token, 'source'), false);
    };
    md.renderer.rules.math_block = (tokens: Token[], idx: number, _opts, env) => {
      const token = tokens[idx]!;
      const source = metaText(token, 'source');
      // Unclosed: the text as written, until its closing delimiter arrives.
      if (token.info !== 'closed') return paragraphHtml(escapeHtml(source));
      const after = metaText(token, 'after');
      // Text after the closing delimiter shares the block's one element (a
      // top-level block is one element on screen: see the `replace` op).
      if (after) return paragraphHtml(`${mathHtml(token.content, true, source, false)}\n${md.renderInline(after, env)}`);
      return `${mathHtml(token.content, true, source, true)}\n`;
    };
  },
};

/**
 * Inputs for the streamed == one-shot tests of every render stage: each
 * delimiter, inline and as blocks, unclosed spans, currency, code, bad TeX.
 */
export const mathSamples: string[] = [
  'Inline $x^2$ and \\(\\alpha + \\beta\\), display $$\\sum_{i=1}^n i$$ in a line, and \\[E = mc^2\\].\n',
  'Euler:\n\n$$\ne^{i\\pi} + 1 = 0\n$$\n\nand a matrix\n\\[\n\\begin{pmatrix}1 & 2\\\\\n3 & 4\\end{pmatrix}\n\\]\nafter.\n',
  'It costs $5 and $10, not $ x$, or US$3.\n\n`$a$` and \\(`b`\\) stay code:\n\n```tex\n$$x$$\n```\n',
  '$$\na\n\nb\n$$ where a and b are\n\n- in a list: $y_1$\n  $$\n  z\n  $$\n> quoted \\(q\\)\n',
  'Bad: $\\frac{1}{$ and \\(\\undefinedmacro\\) and\n\n$$\n\\begin{x}\n$$\n\nUnclosed \\(x + y and $$\nz\n',
];
