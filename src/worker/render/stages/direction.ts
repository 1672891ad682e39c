/**
 * The direction pass: every block of an answer (paragraph, heading, list,
 * list item, quote, table, table cell) reads in the direction of its own
 * text, whatever the page's direction is, and inline code is always
 * left-to-right (code blocks are, by their shell and the element's styles).
 *
 * A block's direction is that of the first strong character of its text
 * (Unicode Bidirectional Algorithm, rules P2–P3), read from the markdown
 * source of its inline content, with code spans and character references
 * left out: `` `npm i` تثبيت `` reads right-to-left, as its words do.
 *
 * Streaming. The decision must not change as text arrives, or a paragraph
 * would flip sides under the reader, and a streamed answer must end as the
 * same answer rendered at once. Reading the source (not the rendered text)
 * gives that: text only grows at its end, so once a strong character is
 * found, no later text can change the answer — except where a prefix is
 * still ambiguous, which is decided later and never guessed:
 * - an opening backtick run whose closing run has not arrived yet may be a
 *   code span (skipped) or literal text (read): undecided until it closes or
 *   the block ends;
 * - a `&` that may still become a character reference: the same.
 * A block that has no strong character yet, while the text may still grow
 * (the open tail of a streaming answer, `env.openEnd`), is rendered hidden:
 * whatever direction it were shown in, its first strong character could
 * contradict it. This holds back only the few neutral tokens (a list number,
 * `**`, a figure) that precede the first word; not a block holding code,
 * which would be held back for as long as the code streams (it reads in its
 * parent's direction until its own is known). A block that ends without any
 * strong character gets no `dir` and reads in its parent's direction; that
 * cannot flip, since it cannot change any more. `dir="auto"` would not do
 * for either: the browser would decide again as each character arrives.
 */
import type { MarkdownIt, Token } from 'markdown-it';

export type Direction = 'ltr' | 'rtl';

/** Letters of the right-to-left scripts (bidi class R or AL). */
const rtlLetter = /[\p{Script=Hebrew}\p{Script=Arabic}\p{Script=Syriac}\p{Script=Thaana}\p{Script=Nko}\p{Script=Samaritan}\p{Script=Mandaic}\p{Script=Adlam}\p{Script=Hanifi_Rohingya}\p{Script=Yezidi}]/u;
const letter = /\p{L}/u;
const asciiPunctuation = /^[!-/:-@[-`{-~]$/;
/** A complete character reference (CommonMark §2.5). */
const reference = /^&(?:[A-Za-z][A-Za-z0-9]{0,31}|#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6});/;
/** A prefix that may still become one. */
const partialReference = /^&(?:[A-Za-z][A-Za-z0-9]{0,31}|#[0-9]{0,7}|#[xX][0-9A-Fa-f]{0,6})?$/;

/**
 * The direction of the first strong character of `source` (markdown inline
 * source), code spans and character references skipped. `null`: none in it;
 * `'pending'`: none yet, and text that `open` may still append could decide.
 * O(source).
 */
export function firstStrong(source: string, open: boolean): Direction | null | 'pending' {
  let i = 0;
  while (i < source.length) {
    const ch = source.charAt(i);
    if (ch === '\\') {
      // CommonMark §2.4: a backslash before ASCII punctuation makes it
      // literal (never strong, never a code span or a reference); before
      // anything else the backslash is literal itself.
      i += asciiPunctuation.test(source.charAt(i + 1)) ? 2 : 1;
      continue;
    }
    if (ch === '`') {
      // CommonMark §6.1: a backtick string opens a code span that ends at the
      // next backtick string of the same length; without one it is literal.
      let run = i;
      while (source.charAt(run) === '`') run++;
      const size = run - i;
      const close = closingRun(source, run, size);
      if (close >= 0) i = close + size;
      else if (open) return 'pending';
      else i = run;
      continue;
    }
    if (ch === '&') {
      const ref = reference.exec(source.slice(i, i + 40));
      if (ref) {
        i += ref[0].length;
        continue;
      }
      if (open && partialReference.test(source.slice(i))) return 'pending';
      i++;
      continue;
    }
    const code = source.codePointAt(i) ?? 0;
    const char = String.fromCodePoint(code);
    if (letter.test(char)) return rtlLetter.test(char) ? 'rtl' : 'ltr';
    i += char.length;
  }
  return open ? 'pending' : null;
}

/** Index of the next run of exactly `size` backticks at or after `from`, or -1. */
function closingRun(source: string, from: number, size: number): number {
  for (let i = source.indexOf('`', from); i >= 0; i = source.indexOf('`', i)) {
    let end = i;
    while (source.charAt(end) === '`') end++;
    if (end - i === size) return i;
    i = end;
  }
  return -1;
}

/** Elements that take the direction of their own text. */
const directed = new Set([
  'paragraph_open',
  'heading_open',
  'bullet_list_open',
  'ordered_list_open',
  'list_item_open',
  'blockquote_open',
  'table_open',
  'th_open',
  'td_open',
]);

interface Open {
  token: Token;
  /** Decided, or still looking. */
  dir: Direction | null;
  /** An earlier inline left it undecided for now (`'pending'`). */
  pending: boolean;
  /** It holds a code block (which must not be held back while it streams). */
  code: boolean;
}

/**
 * Sets `dir` on the directed blocks of `tokens` and on inline code; hides
 * the undecided blocks that are still open when `openEnd` (the text may grow
 * at its end). O(tokens + source).
 */
export function setDirections(tokens: readonly Token[], openEnd: boolean): void {
  const stack: Open[] = [];
  // Undecided elements that end the text and may still grow, innermost first.
  const growing: Token[] = [];
  // Only closing tokens follow this index: what ends at or after it ends the text.
  let end = tokens.length - 1;
  while (end >= 0 && tokens[end]?.nesting === -1) end--;
  const endsText = (i: number) => openEnd && i >= end;
  tokens.forEach((token, i) => {
    if (token.nesting === 1 && token.block) {
      stack.push({ token, dir: null, pending: false, code: false });
      return;
    }
    if (token.nesting === -1 && token.block) {
      const open = stack.pop();
      if (open && directed.has(open.token.type)) {
        if (open.dir) open.token.attrSet('dir', open.dir);
        else if (endsText(i) && !open.code) growing.push(open.token);
      }
      return;
    }
    if (token.type === 'fence' || token.type === 'code_block') for (const open of stack) open.code = true;
    if (token.type !== 'inline') return;
    for (const child of token.children ?? []) if (child.type === 'code_inline') child.attrSet('dir', 'ltr');
    const found = firstStrong(token.content, endsText(i));
    for (const open of stack) {
      if (open.dir || open.pending) continue;
      if (found === 'pending') open.pending = true;
      else if (found) open.dir = found;
    }
  });
  // The outermost one is hidden; what it holds goes with it.
  growing.at(-1)?.attrSet('hidden', '');
}

/** Sample answers whose blocks change direction, for the streamed == one-shot tests. */
export const directionSamples: string[] = [
  'مرحبا بالعالم. هذه دالة:\n\n```python\ndef factorial(n: int) -> int:\n    return 1 if n < 2 else n * factorial(n - 1)\n```\n\nاستدعها بـ `factorial(5)` لتحصل على 120.\n',
  '这是一个递归函数：\n\n1. 第一步\n2. 2024 年\n3. `x = 1` 然后\n\n| 列 | 值 |\n| --- | --- |\n| 一 | 1 |\n| 12 | 34 |\n',
  '# Title\n\nשלום `code` עולם, and English.\n\n- `npm i` تثبيت\n- 42\n- **bold** שלום\n\n> quote\n> ציטוט\n\n&amp; &#1575; then text\n',
  '1. 123\n2. ```js\n   x\n   ```\n\n`` a ` b `` مرحبا\n\n`unclosed مرحبا\n\n42\n',
];

/** The render stage: a markdown-it plugin that runs the pass after parsing. */
export const directionStage = {
  name: 'direction',
  markdown(md: MarkdownIt, _options?: unknown): void {
    md.core.ruler.push('direction', state => {
      const env: unknown = state.env;
      const openEnd = typeof env === 'object' && env !== null && (env as { openEnd?: unknown }).openEnd === true;
      setDirections(state.tokens, openEnd);
    });
  },
};
