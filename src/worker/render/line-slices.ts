/**
 * Where a long code line is cut to be tokenized in slices (highlight.ts).
 *
 * The tokenizer's cost on one line grows faster than the line: each of its
 * regex searches may scan to the end of the line, once per token. Cut into
 * slices of bounded length, each tokenized from the grammar state the slice
 * before left, a line costs O(length × slice) instead of O(length²), and no
 * single call outgrows a take's budget.
 *
 * A slice is tokenized as if it were a line, so the grammar sees a line end
 * at each cut: a rule ending at `$` (a line comment, a string the grammar
 * closes at the end of the line) ends there, and `^` matches at the start of
 * the next slice. The cut is chosen to make that rare: after whitespace that
 * follows a separator (`, ; { } ( ) [ ]`), outside any quoted text as far as a
 * simple scan of quotes (`"`, `'`, `` ` ``, with backslash escapes) can tell;
 * failing that after any whitespace or separator; failing that at a fixed
 * length, never between the two halves of a surrogate pair.
 *
 * The cuts depend only on the line's text, so a line streamed in any pieces
 * is cut where a one-shot render cuts it: streamed == one-shot.
 */

/** A line up to this long is one slice; a longer one is cut into slices at least this long… */
export const SLICE_MIN = 160;

/** …and at most this long (the search for a good cut ends here). */
export const SLICE_MAX = 320;

const SEPARATOR = new Set([...',;{}()[]']);
const QUOTE = new Set(['"', "'", '`']);

/** The end offsets of the slices of `text`, in order; the last is `text.length`. O(text). */
export function lineSlices(text: string): number[] {
  const ends: number[] = [];
  let from = 0;
  let quote = '';
  while (text.length - from > SLICE_MAX) {
    const cut = nextCut(text, from, quote);
    ends.push(cut.end);
    from = cut.end;
    quote = cut.quote;
  }
  ends.push(text.length);
  return ends;
}

/** The end of the slice that starts at `from` (with `quote` open there, `''`: none), and the quote open at its end. */
function nextCut(text: string, from: number, quote: string): { end: number; quote: string } {
  const min = from + SLICE_MIN;
  const max = from + SLICE_MAX;
  let fair = -1;
  for (let pos = from; pos < max; pos++) {
    const ch = text.charAt(pos);
    if (quote) {
      if (ch === '\\') pos++;
      else if (ch === quote) quote = '';
      continue;
    }
    if (QUOTE.has(ch)) {
      quote = ch;
      continue;
    }
    if (pos + 1 < min) continue;
    const space = ch === ' ' || ch === '\t';
    if (space && SEPARATOR.has(text.charAt(pos - 1))) return { end: pos + 1, quote: '' };
    if (fair < 0 && (space || SEPARATOR.has(ch))) fair = pos + 1;
  }
  if (fair >= 0) return { end: fair, quote: '' };
  // A low surrogate stays with the high one before it (a surrogate is never a quote).
  return { end: isLowSurrogate(text.charCodeAt(max)) ? max - 1 : max, quote };
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}
