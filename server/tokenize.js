// Splits reply text into the pieces a code model's BPE tokenizer would emit,
// one piece per SSE event, as vLLM streams them.
//
// Real tokenizers (Qwen2.5's byte-level BPE) average about four characters of
// English or code per token and one to two characters of Chinese. vLLM's
// incremental detokenizer never emits half a character: it holds back bytes
// until they decode. So pieces here are made of whole code points, never half
// a UTF-16 surrogate pair.

/**
 * Pieces of text a tokenizer keeps together: a run of CJK ideographs/kana/
 * hangul/fullwidth punctuation, a word with its leading space, a run of
 * spaces, a newline run, or a single other character (emoji, punctuation).
 * The `u` flag makes `.` match whole code points.
 */
const PIECE =
  /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\u3000-\u303f\uff00-\uffef]+| ?(?:(?![\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}])[\p{L}\p{N}_])+| ?[^\s\p{L}\p{N}_\u3000-\u303f\uff00-\uffef]{1,3}|\n+| +|\s/gu;

/** CJK piece lengths cycle through this, averaging ~1.5 characters a token. */
const CJK_STEPS = [2, 1, 2, 1, 1, 2];

/**
 * Tokens of `text`, in order; `tokens.join('') === text` always.
 * O(n) in the length of the text: one regex pass, each piece cut at most once.
 * @param {string} text
 * @returns {string[]}
 */
export function tokenize(text) {
  /** @type {string[]} */
  const out = [];
  let cjk = 0;
  let last = 0;
  for (const match of text.matchAll(PIECE)) {
    const index = match.index ?? 0;
    // Anything the pattern skipped (it matches every code point, but keep the
    // join invariant even if it ever does not).
    if (index > last) pushCut(out, text.slice(last, index), 4);
    const piece = match[0];
    last = index + piece.length;
    if (/^[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\u3000-\u303f\uff00-\uffef]/u.test(piece)) {
      const chars = Array.from(piece);
      for (let i = 0; i < chars.length; ) {
        const step = CJK_STEPS[cjk++ % CJK_STEPS.length] ?? 1;
        out.push(chars.slice(i, i + step).join(''));
        i += step;
      }
    } else {
      pushCut(out, piece, 4);
    }
  }
  if (last < text.length) pushCut(out, text.slice(last), 4);
  return out;
}

/**
 * Pushes `piece` cut into runs of at most `size` code points.
 * @param {string[]} out @param {string} piece @param {number} size
 */
function pushCut(out, piece, size) {
  if (piece.length <= size) {
    out.push(piece);
    return;
  }
  let start = 0;
  let count = 0;
  for (let i = 0; i < piece.length; i++) {
    const code = piece.charCodeAt(i);
    // A high surrogate and its low surrogate are one code point.
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < piece.length) i++;
    if (++count === size) {
      out.push(piece.slice(start, i + 1));
      start = i + 1;
      count = 0;
    }
  }
  if (start < piece.length) out.push(piece.slice(start));
}
