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
 * - reference definitions (`[x]: url`) produce no block and may come after
 *   their use: a frozen block whose brackets name a label not yet defined is
 *   kept (its source and those labels), and rendered again, as a `replace` of
 *   that block, once a definition of one of them is frozen (see
 *   section-renderer.ts); so every link resolves as plain markdown-it
 *   resolves it, streamed or not;
 * - the open tail can be large (one long list or table): its cost per take is
 *   its size. Code, the usual long answer, never sits in the tail: a top-level
 *   fence is handed to the line-by-line code path as soon as its opener line
 *   is complete.
 */
import MarkdownIt from 'markdown-it';
import type { Env, MarkdownIt as Markdown, Token } from 'markdown-it';
import type { RenderOptions } from '../../shared/protocol.js';
import { renderStages, type RenderStage } from './stages/index.js';

/** Characters handed to markdown-it's parser, for tests that assert cost per take stays bounded. */
export const markdownStats = { parsedChars: 0 };

/**
 * HTML of a fence nested in a list or quote (top-level fences never reach
 * markdown-it's renderer). Must return complete, safe markup.
 */
export type FenceRenderer = (code: string, info: string) => string;

/**
 * markdown-it with raw HTML off (shown as text), linkify on, GFM tables and
 * strikethrough (part of its default preset), nested fences rendered by
 * `renderFence`, and every render stage installed in list order (links,
 * images, tables… see stages/index.ts).
 */
export function createMarkdown(
  options: RenderOptions,
  renderFence: FenceRenderer,
  stages: readonly RenderStage[] = renderStages,
): Markdown {
  const md = new MarkdownIt({ html: false, linkify: true, typographer: false });
  md.renderer.rules.fence = (tokens, idx) => {
    const token = tokens[idx];
    return token ? renderFence(token.content, md.utils.unescapeAll(token.info).trim()) : '';
  };
  for (const stage of stages) stage.markdown?.(md, options);
  return md;
}

/** The stages' post-render passes as one function over a block's HTML (identity when there are none). */
export function createPostRender(options: RenderOptions, stages: readonly RenderStage[] = renderStages): (html: string) => string {
  const passes = stages.flatMap(stage => (stage.postRender ? [stage.postRender] : []));
  if (passes.length === 0) return html => html;
  return html => passes.reduce((out, pass) => pass(out, options), html);
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

/**
 * HTML of `blocks`, each rendered on its own and passed through `post`, so a
 * block gets the same HTML whether it is rendered with its neighbours (one
 * shot) or alone (frozen one by one, or as the tail). O(tokens).
 */
export function renderBlocks(md: Markdown, tokens: Token[], blocks: readonly TopBlock[], env: Env, post: (html: string) => string): string {
  let html = '';
  for (const block of blocks) html += post(renderRange(md, tokens, block.from, block.to, env));
  return html;
}
