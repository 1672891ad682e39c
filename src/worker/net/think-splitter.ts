/**
 * Splits a leading `<think>…</think>` block off a content stream, as
 * reasoning models served without a reasoning parser send it (DeepSeek-R1,
 * QwQ, Qwen3 on llama.cpp or Ollama).
 *
 * docs/api.md: "A leading `<think>…</think>` in the content stream becomes
 * `reasoning`; the text after `</think>` is `content`; a later `<think>` is
 * ordinary content." Both parts are kept verbatim: the newlines models put
 * after `</think>` stay in `content` (as vLLM's own reasoning parsers keep
 * them), and markdown rendering ignores them. Whitespace before `<think>` is
 * dropped. An unclosed block is reasoning to the end (a reply cut by
 * max-tokens while thinking).
 *
 * Exact for any chunking: a tag split across chunks is held back until it is
 * known to be (or not to be) the tag; at most the tag's length is held.
 */

const OPEN = '<think>';
const CLOSE = '</think>';

/** Text that became final by a `feed` or `end`. */
export interface ThinkSplit {
  content: string;
  reasoning: string;
}

type State = 'leading' | 'thinking' | 'content';

export class ThinkSplitter {
  private state: State = 'leading';
  /** Text held back: leading whitespace plus a partial `<think>`, or a partial `</think>`. */
  private held = '';

  /** Adds a chunk; O(chunk + tag length). */
  feed(text: string): ThinkSplit {
    if (this.state === 'content') return { content: text, reasoning: '' };
    const out: ThinkSplit = { content: '', reasoning: '' };
    if (this.state === 'leading') {
      const lead = this.held + text;
      const start = firstNonSpace(lead);
      const rest = lead.slice(start);
      if (rest.length < OPEN.length && OPEN.startsWith(rest)) {
        // Only whitespace and a possible start of `<think>` so far: wait.
        this.held = lead;
        return out;
      }
      this.held = '';
      if (!rest.startsWith(OPEN)) {
        this.state = 'content';
        out.content = lead;
        return out;
      }
      this.state = 'thinking';
      text = rest.slice(OPEN.length);
    }
    this.think(this.held + text, out);
    return out;
  }

  /** The stream ended: releases what was held back. */
  end(): ThinkSplit {
    const held = this.held;
    this.held = '';
    if (this.state === 'thinking') return { content: '', reasoning: held };
    return { content: held, reasoning: '' };
  }

  /** Inside the block: everything up to `</think>` is reasoning. */
  private think(text: string, out: ThinkSplit): void {
    const close = text.indexOf(CLOSE);
    if (close !== -1) {
      out.reasoning += text.slice(0, close);
      out.content += text.slice(close + CLOSE.length);
      this.held = '';
      this.state = 'content';
      return;
    }
    const keep = partialSuffix(text, CLOSE);
    out.reasoning += text.slice(0, text.length - keep);
    this.held = text.slice(text.length - keep);
  }
}

/** Index of the first character that is not ASCII/Unicode whitespace. */
function firstNonSpace(text: string): number {
  const match = /\S/.exec(text);
  return match ? match.index : text.length;
}

/** Length of the longest suffix of `text` that is a proper prefix of `tag`. */
function partialSuffix(text: string, tag: string): number {
  for (let n = Math.min(tag.length - 1, text.length); n > 0; n--) {
    if (text.endsWith(tag.slice(0, n))) return n;
  }
  return 0;
}
