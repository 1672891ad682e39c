/**
 * Renders one growing markdown text (the content or the reasoning of a reply)
 * into `BlockOp`s: final blocks are appended once, the last open block is
 * re-rendered as the tail, and a top-level fenced code block is streamed line
 * by line (see markdown.ts for the splitting, highlight.ts for the lines).
 *
 * Every top-level fence, streamed or rendered at once, goes through the same
 * code path (`code-open`, `code-lines`, `code-tail`, `code-close`), so both
 * give the same DOM. Fences nested in lists and quotes are rendered by
 * markdown-it's fence rule as part of their block (highlighted whole, with
 * the same line and chunk markup).
 */
import type { Env, MarkdownIt } from 'markdown-it';
import type { HighlighterCore } from 'shiki/core';
import type { BlockOp } from '../../shared/protocol.js';
import { codeBlockShell, type CodeBlockHead } from './code-block.js';
import { LineHighlighter, loadFenceLanguage, LONG_LINE_LENGTH, themeClass, type StyleSink } from './highlight.js';
import { fenceWord, lineStarts, nestedFenceWords, parseBlocks, renderBlocks, renderRange, topLevelBlocks } from './markdown.js';
import { sanitizeLang } from './safe-html.js';

/** What every section of one render shares. */
export interface RenderContext {
  md: MarkdownIt;
  /** The render stages' post-render passes over one block's HTML. */
  postRender: (html: string) => string;
  hl: HighlighterCore;
  /** A loaded theme id. */
  theme: string;
  styles: StyleSink;
  /** Labels of a code block's buttons. */
  buttons: Pick<CodeBlockHead, 'copyLabel' | 'downloadLabel' | 'wrapLabel'>;
  /** A closed top-level ```` ```mermaid ```` fence is marked as a diagram (`code-close` with `diagram`). */
  diagrams: boolean;
}

/** The fence word of a diagram block (compared after `sanitizeLang`, so `Mermaid` counts too). */
const DIAGRAM_LANG = 'mermaid';

/**
 * Complete code lines tokenized per Shiki call: enough to spread its per-call
 * set-up thin, few enough to keep to a take's deadline.
 */
const LINE_BATCH = 64;

/**
 * The first batch of a take; each next one is twice as big, up to
 * `LINE_BATCH`. The first lines of a block in a new language compile the
 * grammar's rules as they meet them and cost much more than later ones:
 * small first batches keep that from overshooting the deadline and holding
 * back the first code on screen.
 */
export const FIRST_LINE_BATCH = 8;

/** A frozen block that names labels no definition had when it was rendered. */
interface Unresolved {
  /** Its index among the frozen blocks (the `replace` op's). */
  index: number;
  /** Its markdown source, to render it again. */
  source: string;
  /** Normalized labels of its brackets that are still undefined. */
  labels: Set<string>;
}

/** An open top-level fence. */
interface OpenCode {
  marker: string;
  /** Length of the opening fence; the closing one is at least as long. */
  size: number;
  /** Columns of indentation of the opener, removed from content lines. */
  indent: number;
  lines: LineHighlighter;
  /** HTML of the partial line on screen (`''`: none). */
  partial: string;
  /** The complete lines so far, to colour them again when the theme changes mid-block. */
  source: string[];
  /** A diagram fence: marked as such when (and only when) its closing fence arrives. */
  diagram: boolean;
}

export class SectionRenderer {
  /** Text after the frozen offset, normalized (no `\r`, no NUL). */
  private buf = '';
  /** A `\r` at the end of a feed: `\r\n` may be split across feeds. */
  private heldCR = false;
  private dirty = false;
  private tailHtml = '';
  private code: OpenCode | null = null;
  /** Reference definitions seen in frozen text. */
  private refs: NonNullable<Env['references']> = {};
  /** Frozen blocks so far, markdown or code (each is one element on screen). */
  private frozen = 0;
  /** Frozen blocks that a later reference definition may change. */
  private unresolved: Unresolved[] = [];

  /** O(text): appends, nothing is parsed here. */
  feed(text: string): void {
    if (text === '') return;
    let chunk = this.heldCR ? `\r${text}` : text;
    this.heldCR = chunk.endsWith('\r');
    if (this.heldCR) chunk = chunk.slice(0, -1);
    // CommonMark §2.2 and markdown-it's normalize rule: a line ending is \n, \r\n or \r; NUL becomes U+FFFD.
    this.buf += chunk.replace(/\r\n?/g, '\n').replace(/\0/g, '\uFFFD');
    this.dirty = true;
  }

  /**
   * Appends to `ops` what changed since the last call; `final`: the text is
   * complete. Code lines are rendered until `deadline` (a `performance.now()`
   * time; at least one batch per call): true when lines were left for the
   * next call, which then goes on where this one stopped.
   */
  async take(ctx: RenderContext, final: boolean, ops: BlockOp[], deadline = Infinity): Promise<boolean> {
    if (final && this.heldCR) {
      this.heldCR = false;
      this.buf += '\n';
      this.dirty = true;
    }
    if (this.code && this.code.lines.theme !== ctx.theme) this.recolourOpenCode(ctx, ops);
    if (!this.dirty && !final) return false;
    this.dirty = false;
    for (;;) {
      if (this.code) {
        const step = this.codeStep(final, ops, deadline);
        if (step === 'more') {
          this.dirty = true;
          return true;
        }
        if (step === 'open') return false;
      } else if (!(await this.markdownStep(ctx, final, ops))) {
        return false;
      }
    }
  }

  /** Freezes final blocks, re-renders the tail; true when a fence opened (code mode continues). */
  private async markdownStep(ctx: RenderContext, final: boolean, ops: BlockOp[]): Promise<boolean> {
    const text = this.buf;
    const cut = final ? text.length : text.lastIndexOf('\n') + 1;
    const complete = text.slice(0, cut);
    const env: Env = { references: { ...this.refs } };
    const tokens = cut > 0 ? parseBlocks(ctx.md, complete, env) : [];
    const blocks = topLevelBlocks(tokens);
    const starts = lineStarts(complete);
    const fenceAt = blocks.findIndex(b => b.fence);
    const fence = fenceAt >= 0 ? blocks[fenceAt] : undefined;
    // Every block before the last one (or before the first fence) can no longer change.
    const finalCount = fence ? fenceAt : final ? blocks.length : Math.max(0, blocks.length - 1);
    const open = blocks[finalCount];
    const consumed = open ? (starts[open.line] ?? cut) : final ? text.length : 0;

    let defined: string[] = [];
    if (consumed > 0 && Object.keys(env.references ?? {}).length > Object.keys(this.refs).length) {
      // New definitions: keep those in the frozen text (a small re-parse, only when definitions appear).
      const frozenEnv: Env = { references: { ...this.refs } };
      parseBlocks(ctx.md, text.slice(0, consumed), frozenEnv);
      const refs = frozenEnv.references ?? {};
      defined = Object.keys(refs).filter(label => !(label in this.refs));
      this.refs = refs;
    }
    const last = blocks[finalCount - 1];
    if (last) {
      await preloadNested(ctx, tokens, 0, last.to);
      ops.push({ type: 'append', html: renderBlocks(ctx.md, tokens, blocks.slice(0, finalCount), env, ctx.postRender) });
      for (const block of blocks.slice(0, finalCount)) {
        const end = tokens[block.from]?.map?.[1] ?? block.line + 1;
        this.track(ctx.md, complete.slice(starts[block.line] ?? 0, starts[end] ?? cut), env);
      }
    }
    if (defined.length) await this.resolve(ctx, defined, ops);

    if (fence?.fence) {
      const openerEnd = starts[fence.line + 1] ?? text.length;
      await this.openCode(ctx, fence.fence.markup, fence.fence.info, text.slice(starts[fence.line] ?? 0, openerEnd), ops);
      this.tailHtml = '';
      this.buf = text.slice(openerEnd);
      return true;
    }

    this.buf = text.slice(consumed);
    const tail = final ? '' : await this.renderTail(ctx);
    if (tail !== this.tailHtml) {
      ops.push({ type: 'tail', html: tail });
      this.tailHtml = tail;
    }
    if (final) this.buf = '';
    return false;
  }

  /**
   * Counts one frozen block and keeps it when its brackets (`[x]`, `[t][x]`,
   * `![a][x]`: a superset of reference labels) name a label `env` does not
   * define. O(block).
   */
  private track(md: MarkdownIt, source: string, env: Env): void {
    const index = this.frozen++;
    if (!source.includes(']')) return;
    const labels = new Set<string>();
    for (const [, label] of source.matchAll(/\[((?:[^[\]\\]|\\.){1,999})\]/g)) {
      const key = md.utils.normalizeReference(label ?? '');
      if (key && !(key in (env.references ?? {}))) labels.add(key);
    }
    if (labels.size) this.unresolved.push({ index, source, labels });
  }

  /** Renders again the frozen blocks that name one of the labels just defined. O(those blocks). */
  private async resolve(ctx: RenderContext, defined: readonly string[], ops: BlockOp[]): Promise<void> {
    const kept: Unresolved[] = [];
    for (const block of this.unresolved) {
      if (!defined.some(label => block.labels.has(label))) {
        kept.push(block);
        continue;
      }
      const env: Env = { references: { ...this.refs } };
      const tokens = parseBlocks(ctx.md, block.source, env);
      await preloadNested(ctx, tokens, 0, tokens.length);
      // The newline after the block stays on screen from its first rendering.
      const html = ctx.postRender(renderRange(ctx.md, tokens, 0, tokens.length, env)).replace(/\n$/, '');
      ops.push({ type: 'replace', index: block.index, html });
      for (const label of defined) block.labels.delete(label);
      if (block.labels.size) kept.push(block);
    }
    this.unresolved = kept;
  }

  /** The open last block with the partial line: O(tail) per take. */
  private async renderTail(ctx: RenderContext): Promise<string> {
    if (this.buf.trim() === '') return '';
    // `openEnd`: the text may grow at its end (render stages keep undecided blocks from showing too early).
    const env: Env = { references: { ...this.refs }, openEnd: true };
    const tokens = parseBlocks(ctx.md, this.buf, env);
    await preloadNested(ctx, tokens, 0, tokens.length);
    return renderBlocks(ctx.md, tokens, topLevelBlocks(tokens), env, ctx.postRender).trim();
  }

  /**
   * The theme changed while a block streams: its complete lines again, from
   * the first, in the new theme (O(block), once per change); the partial
   * line and every later line follow in it.
   */
  private recolourOpenCode(ctx: RenderContext, ops: BlockOp[]): void {
    const code = this.code;
    if (!code) return;
    code.lines = new LineHighlighter(ctx.hl, code.lines.lang, ctx.theme, ctx.styles);
    const lines = code.source.length ? code.lines.lines(code.source) : [];
    ops.push({ type: 'code-recolour', preClass: themeClass(ctx.hl, ctx.theme, ctx.styles), lines });
    code.partial = '';
    this.dirty = true;
  }

  private async openCode(ctx: RenderContext, markup: string, info: string, opener: string, ops: BlockOp[]): Promise<void> {
    const word = fenceWord(ctx.md.utils.unescapeAll(info).trim());
    const lang = sanitizeLang(word);
    const id = await loadFenceLanguage(lang);
    const preClass = themeClass(ctx.hl, ctx.theme, ctx.styles);
    ops.push({ type: 'code-open', html: codeBlockShell({ lang, label: word, preClass, ...ctx.buttons }) });
    this.frozen++;
    this.code = {
      marker: markup.charAt(0),
      size: markup.length,
      indent: /^ */.exec(opener)?.[0].length ?? 0,
      lines: new LineHighlighter(ctx.hl, id, ctx.theme, ctx.styles),
      partial: '',
      source: [],
      diagram: ctx.diagrams && lang.toLowerCase() === DIAGRAM_LANG,
    };
  }

  /**
   * Consumes complete lines of the open fence: each is tokenized once, in
   * batches growing from `FIRST_LINE_BATCH` to `LINE_BATCH` (one Shiki call each). `closed`: the fence closed
   * (markdown continues after it); `open`: all complete lines are shown;
   * `more`: the deadline passed with complete lines left (they stay in the
   * buffer, no partial line is shown until they are done). O(new lines) + the
   * partial line (capped, see highlight.ts) per take.
   */
  private codeStep(final: boolean, ops: BlockOp[], deadline: number): 'closed' | 'open' | 'more' {
    const code = this.code;
    if (!code) return 'open';
    const text = this.buf;
    const lines: string[] = [];
    let batch: string[] = [];
    const flush = () => {
      if (batch.length === 0) return;
      for (const html of code.lines.lines(batch)) lines.push(html);
      for (const line of batch) code.source.push(line);
      batch = [];
    };
    let pos = 0;
    let closed = false;
    let more = false;
    let size = FIRST_LINE_BATCH;
    let fenceClosed = false;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', pos)) {
      const line = text.slice(pos, nl);
      if (isClosingFence(line, code)) {
        pos = nl + 1;
        closed = true;
        break;
      }
      const content = stripIndent(line, code.indent);
      if (content.length >= LONG_LINE_LENGTH) {
        // A long line is tokenized alone, in a slice that did nothing else
        // (its cost is that of many batches); the deadline is checked after it.
        flush();
        if (lines.length > 0 && deadline !== Infinity) {
          more = true;
          break;
        }
        lines.push(code.lines.line(content));
        code.source.push(content);
        pos = nl + 1;
        if (performance.now() >= deadline) {
          more = true;
          break;
        }
        continue;
      }
      if (batch.length === size) {
        flush();
        size = Math.min(2 * size, LINE_BATCH);
        // Checked between batches only: a batch is a few milliseconds.
        if (performance.now() >= deadline) {
          more = true;
          break;
        }
      }
      batch.push(content);
      pos = nl + 1;
    }
    flush();
    let rest = more ? '' : text.slice(pos);
    if (!more && !closed && final && rest !== '') {
      // The document ends inside the fence: its last line is a line of code (unless it closes the fence).
      if (isClosingFence(rest, code)) {
        fenceClosed = true;
      } else {
        const line = stripIndent(rest, code.indent);
        lines.push(code.lines.line(line));
        code.source.push(line);
      }
      rest = '';
    }
    if (lines.length > 0) {
      ops.push({ type: 'code-lines', lines });
      code.partial = '';
    }
    if (more) {
      this.buf = text.slice(pos);
      return 'more';
    }
    if (closed || final) {
      if (code.partial !== '') ops.push({ type: 'code-tail', html: '' });
      // A fence cut off by the end of the reply is not a finished diagram: it stays code.
      ops.push(code.diagram && (closed || fenceClosed) ? { type: 'code-close', diagram: true } : { type: 'code-close' });
      this.code = null;
      this.buf = closed ? rest : '';
      return closed && (!final || rest !== '') ? 'closed' : 'open';
    }
    const partial = mayBecomeClosingFence(rest, code) ? '' : code.lines.partial(stripIndent(rest, code.indent));
    if (partial !== code.partial) {
      ops.push({ type: 'code-tail', html: partial });
      code.partial = partial;
    }
    this.buf = rest;
    return 'open';
  }
}

async function preloadNested(ctx: RenderContext, tokens: Parameters<typeof nestedFenceWords>[1], from: number, to: number): Promise<void> {
  const words = nestedFenceWords(ctx.md, tokens, from, to);
  if (words.length) await Promise.all(words.map(word => loadFenceLanguage(sanitizeLang(word))));
}

/** Leading whitespace in columns (tabs to the next multiple of 4) and in characters. */
function indentation(line: string): { columns: number; chars: number } {
  let columns = 0;
  let chars = 0;
  for (; chars < line.length; chars++) {
    const ch = line.charCodeAt(chars);
    if (ch === 0x20) columns++;
    else if (ch === 0x09) columns += 4 - (columns % 4);
    else break;
  }
  return { columns, chars };
}

/**
 * CommonMark §4.5, as markdown-it's fence rule checks it: a closing fence is
 * indented less than 4 columns, is a run of the opener's character at least as
 * long as the opener, followed only by spaces or tabs.
 */
function isClosingFence(line: string, code: OpenCode): boolean {
  const { columns, chars } = indentation(line);
  if (columns >= 4 || line.charAt(chars) !== code.marker) return false;
  let end = chars;
  while (line.charAt(end) === code.marker) end++;
  return end - chars >= code.size && /^[ \t]*$/.test(line.slice(end));
}

/** A partial line that may still turn into the closing fence is not shown (it would flash). */
function mayBecomeClosingFence(partial: string, code: OpenCode): boolean {
  const { columns, chars } = indentation(partial);
  if (columns >= 4) return false;
  let end = chars;
  while (partial.charAt(end) === code.marker) end++;
  return end === partial.length || isClosingFence(partial, code);
}

/**
 * CommonMark §4.5: "If the leading code fence is indented N spaces, then up
 * to N spaces of indentation are removed from each line of the content".
 * Mirrors markdown-it's `getLines`: a tab that overshoots N leaves spaces.
 */
function stripIndent(line: string, indent: number): string {
  if (indent === 0) return line;
  let columns = 0;
  let i = 0;
  while (i < line.length && columns < indent) {
    const ch = line.charCodeAt(i);
    if (ch === 0x09) columns += 4 - (columns % 4);
    else if (ch === 0x20) columns++;
    else break;
    i++;
  }
  return (columns > indent ? ' '.repeat(columns - indent) : '') + line.slice(i);
}
