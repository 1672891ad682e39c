/**
 * markdown-it set up for hostile text, and the split of a growing document
 * into blocks that can no longer change and the one that still can.
 *
 * Splitting (CommonMark is line based, and a top-level block ends only when a
 * later line starts another one or ends it): parse only *complete* lines after
 * the frozen offset; every top-level block except the last is final and is
 * rendered once; the frozen offset moves to the last block's first line, which
 * is re-parsed with the next lines on the next take. So each take re-parses the
 * last top-level block plus the new text, never the answer: cost per take is
 * O(last block + new text). The cases that make "final" subtle:
 * - setext headings (`---`/`===` under a paragraph), tables whose delimiter row
 *   arrives after the header line, lazy continuation lines of a quote or list
 *   paragraph: all change only the *last* block, which is still open;
 * - loose lists (blank line, then another item): the list is the last block
 *   until a later block starts, so it is re-rendered as a whole;
 * - reference definitions (`[x]: url`) produce no block: a definition applies
 *   to blocks after it and to the open tail, but not to blocks frozen before it
 *   arrived (a one-shot render of the same text shows the same, since it runs
 *   the same splitting; plain markdown-it would link a forward reference);
 * - the open tail can be large (one long list or table): its cost per take is
 *   its size. Code, the usual long answer, never sits in the tail: a top-level
 *   fence is handed to the line-by-line code path as soon as its opener line
 *   is complete.
 */
import MarkdownIt from 'markdown-it';
import type { Env, MarkdownIt as Markdown, Token } from 'markdown-it';
import {
  escapeHtml,
  imageHtml,
  isSafeHref,
  isSafeImageSrc,
  linkHtml,
  linkRel,
  linkTarget,
} from './safe-html.js';
import { tablesStage } from './stages/tables.js';
import { taskListsStage } from './stages/task-lists.js';

/** Characters handed to markdown-it's parser, for tests that assert cost per take stays bounded. */
export const markdownStats = { parsedChars: 0 };

/** Options of the markdown renderer. */
export interface MarkdownOptions {
  /** Render `![]()` as images (http/https only); otherwise as links. */
  allowImages?: boolean;
  /**
   * HTML of a fence nested in a list or quote (top-level fences never reach
   * markdown-it's renderer). Must return complete, safe markup.
   */
  renderFence(code: string, info: string): string;
  /** UI strings written into the markup (default: English). */
  labels?: { copyTable?: string };
}

/**
 * markdown-it with raw HTML off (shown as text), linkify on, GFM tables and
 * strikethrough (part of its default preset), and links only to
 * `http:`/`https:`/`mailto:`/relative URLs.
 */
export function createMarkdown(options: MarkdownOptions): Markdown {
  const md = new MarkdownIt({ html: false, linkify: true, typographer: false });
  // Links, autolinks and linkified URLs all pass through validateLink; a
  // refused URL leaves its text as text.
  md.validateLink = url => isSafeHref(url);

  md.core.ruler.push('vllm_safe_links', state => {
    for (const block of state.tokens) {
      if (block.type === 'th_open' || block.type === 'td_open') alignToClass(block);
      for (const token of block.children ?? []) {
        if (token.type !== 'link_open') continue;
        const href = String(token.attrGet('href') ?? '');
        if (isSafeHref(href)) {
          token.attrSet('rel', linkRel);
          token.attrSet('target', linkTarget);
        } else {
          token.attrs = null;
          token.meta = { ...token.meta, unsafe: true };
        }
      }
    }
  });
  for (const stage of [tablesStage, taskListsStage]) stage.markdown(md, options);
  const rules = md.renderer.rules;
  // An unsafe link (e.g. `[x]()`) is rendered as its text: drop both tags.
  let unsafeDepth = 0;
  rules.link_open = (tokens, idx, opts, _env, self) => {
    if (tokens[idx]?.meta?.unsafe) {
      unsafeDepth++;
      return '';
    }
    return self.renderToken(tokens, idx, opts);
  };
  rules.link_close = (tokens, idx, opts, _env, self) => {
    if (unsafeDepth > 0) {
      unsafeDepth--;
      return '';
    }
    return self.renderToken(tokens, idx, opts);
  };
  rules.image = (tokens, idx, opts, env, self) => {
    const token = tokens[idx];
    if (!token) return '';
    const src = String(token.attrGet('src') ?? '');
    const alt = self.renderInlineAsText(token.children ?? [], opts, env);
    if (options.allowImages && isSafeImageSrc(src)) return imageHtml(src, alt);
    return linkHtml(src, escapeHtml(alt || src));
  };
  rules.fence = (tokens, idx) => {
    const token = tokens[idx];
    return token ? options.renderFence(token.content, md.utils.unescapeAll(token.info).trim()) : '';
  };
  return md;
}

// markdown-it writes `style="text-align:…"` on table cells; inline styles are
// blocked by a strict CSP, so alignment becomes a class (message-styles.ts).
function alignToClass(token: Token): void {
  const style = token.attrGet('style');
  if (style === null) return;
  token.attrs = (token.attrs ?? []).filter(([name]) => name !== 'style');
  const align = /text-align:(left|right|center)/.exec(String(style))?.[1];
  if (align) token.attrJoin('class', `align-${align}`);
}

/** One top-level block: its token range and its first line in the parsed text. */
export interface TopBlock {
  /** Index of its first token. */
  from: number;
  /** Index after its last token. */
  to: number;
  /** First source line (0-based). */
  line: number;
  /** The `fence` token when the block is a fenced code block. */
  fence: Token | null;
}

/** Groups the level-0 tokens of a parse into top-level blocks. O(tokens). */
export function topLevelBlocks(tokens: readonly Token[]): TopBlock[] {
  const blocks: TopBlock[] = [];
  let depth = 0;
  let from = 0;
  tokens.forEach((token, i) => {
    if (depth === 0) from = i;
    depth += token.nesting;
    if (depth === 0) {
      const first = tokens[from];
      blocks.push({
        from,
        to: i + 1,
        line: first?.map?.[0] ?? 0,
        fence: first?.type === 'fence' ? first : null,
      });
    }
  });
  return blocks;
}

/** Offsets of each line start of `text`, plus `text.length` at the end. */
export function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  if (starts[starts.length - 1] !== text.length) starts.push(text.length);
  return starts;
}

/** Fence info words of the fences inside tokens `[from, to)` (nested in lists and quotes). */
export function nestedFenceWords(md: Markdown, tokens: readonly Token[], from: number, to: number): string[] {
  const words: string[] = [];
  for (let i = from; i < to; i++) {
    const token = tokens[i];
    if (token?.type === 'fence') words.push(fenceWord(md.utils.unescapeAll(token.info).trim()));
  }
  return words;
}

/** The language word of a fence info string: its first word (CommonMark §4.5). */
export function fenceWord(info: string): string {
  return info.split(/\s+/)[0] ?? '';
}

/** Parses `text` and counts the work. */
export function parseBlocks(md: Markdown, text: string, env: Env): Token[] {
  markdownStats.parsedChars += text.length;
  return md.parse(text, env);
}

/** HTML of tokens `[from, to)`; each block ends with the newline markdown-it writes after it. */
export function renderRange(md: Markdown, tokens: Token[], from: number, to: number, env: Env): string {
  return md.renderer.render(tokens.slice(from, to), md.options, env);
}
