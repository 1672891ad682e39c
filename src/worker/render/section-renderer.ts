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
import { codeBlockShell, plainLineHtml, type CodeBlockHead } from './code-block.js';
import { ColourCursor, LINE_BATCH } from './colour-cursor.js';
import { LineHighlighter, loadFenceLanguage, resolveLoadedLanguage, themeClass, themeClassName, type StyleSink } from './highlight.js';
import { resolveLanguage } from './languages.js';
import { fenceWord, lineStarts, nestedFenceWords, parseBlocks, renderBlocks, renderRange, topLevelBlocks } from './markdown.js';
import { sanitizeLang } from './safe-html.js';

/** What every section of one render shares. */
export interface RenderContext {
  md: MarkdownIt;
  /** The render stages' post-render passes over one block's HTML. */
  postRender: (html: string) => string;
  /**
   * The highlighter, with `theme` loaded; `null` until both have loaded.
   * Text never waits for it: meanwhile code lines show plain, in the
   * element's foreground, and are coloured once it is there.
   */
  hl: HighlighterCore | null;
  /** Settles once `hl` is set, or `failure` when it cannot be. Never rejects. */
  highlighter: Promise<unknown>;
  /** Why the highlighter or the theme could not load. */
  failure?: Error;
  /** The theme id (loaded once `hl` is set). */
  theme: string;
  /** A `<pre>` went out with the theme's class before its rule was known: the rule is owed. */
  themeOwed: boolean;
  styles: StyleSink;
  /** Labels of a code block's buttons. */
  buttons: Pick<CodeBlockHead, 'copyLabel' | 'downloadLabel' | 'wrapLabel'>;
  /** A closed top-level ```` ```mermaid ```` fence is marked as a diagram (`code-close` with `diagram`). */
  diagrams: boolean;
}

/**
 * The `<pre>` classes of a code block in the context's theme. Before the
 * theme has loaded, the class alone (the block shows in the element's
 * colours); its rule is sent once the theme is there (message-renderer.ts).
 */
export function codePreClass(ctx: RenderContext): string {
  if (ctx.hl) return themeClass(ctx.hl, ctx.theme, ctx.styles);
  ctx.themeOwed = true;
  return themeClassName(ctx.theme);
}

/** The fence word of a diagram block (compared after `sanitizeLang`, so `Mermaid` counts too). */
const DIAGRAM_LANG = 'mermaid';

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
  /** Its lines' colour, behind them when the highlighter could not keep up. */
  colour: ColourCursor;
  /** Text of the partial line on screen (`''`: none), shown plain (`code-tail-text`), coloured once the line completes. */
  partial: string;
  /** The complete lines so far (the cursor colours them; a theme change colours them again). */
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
  /** Newlines fed since the last take: how fast the text comes. */
  private fedLines = 0;
  private tailHtml = '';
  private code: OpenCode | null = null;
  /** Reference definitions seen in frozen text. */
  private refs: NonNullable<Env['references']> = {};
  /** Frozen blocks so far, markdown or code (each is one element on screen). */
  private frozen = 0;
  /** Frozen blocks that a later reference definition may change. */
  private unresolved: Unresolved[] = [];
  /** Frozen blocks whose nested fences showed plain: rendered again once their grammars load. */
  private plainNested: { index: number; source: string; loaded: boolean }[] = [];
  /** Code blocks, open or frozen, with lines not coloured yet (in order: the oldest is coloured first). */
  private colouring: ColourCursor[] = [];
  /** The theme of the last take. */
  private theme: string | undefined;
  /** Grammars that blocks wait for; the next take after one loads colours their lines. */
  private loads = new Set<Promise<unknown>>();

  /** O(text): appends, nothing is parsed here. */
  feed(text: string): void {
    if (text === '') return;
    let chunk = this.heldCR ? `\r${text}` : text;
    this.heldCR = chunk.endsWith('\r');
    if (this.heldCR) chunk = chunk.slice(0, -1);
    // CommonMark §2.2 and markdown-it's normalize rule: a line ending is \n, \r\n or \r; NUL becomes U+FFFD.
    this.buf += chunk.replace(/\r\n?/g, '\n').replace(/\0/g, '\uFFFD');
    this.dirty = true;
    for (let nl = chunk.indexOf('\n'); nl >= 0; nl = chunk.indexOf('\n', nl + 1)) this.fedLines++;
  }

  /**
   * Appends to `ops` what changed since the last call; `final`: the text is
   * complete. All the text fed is shown; code lines are coloured as they
   * are shown while `deadline` (a `performance.now()` time) allows and
   * shown plain after it, and lines shown plain are coloured in later calls
   * (`code-colour`), at least one batch per call, except in a call past its
   * deadline whose text brought more lines than a batch. True when lines are still
   * plain and can be coloured now: take again.
   */
  async take(ctx: RenderContext, final: boolean, ops: BlockOp[], deadline = Infinity): Promise<boolean> {
    if (final && this.heldCR) {
      this.heldCR = false;
      this.buf += '\n';
      this.dirty = true;
    }
    if (this.theme !== undefined && this.theme !== ctx.theme) this.recolourOpenCode(ctx, ops);
    this.theme = ctx.theme;
    // More new lines than a colour batch since the last take: the text outruns colour, and colour
    // waits (for a pause or the end) rather than take the core the text and the page need.
    const outrun = this.fedLines > LINE_BATCH && performance.now() >= deadline;
    this.fedLines = 0;
    if (!outrun) this.catchUp(ctx, deadline, ops);
    await this.replaceLoadedNested(ctx, ops);
    if (this.dirty || final) {
      this.dirty = false;
      for (;;) {
        if (this.code) {
          if (this.codeStep(final, ops, deadline) === 'open') break;
        } else if (!(await this.markdownStep(ctx, final, ops, deadline))) {
          break;
        }
      }
    }
    return this.colouring.some(cursor => cursor.ready);
  }

  /**
   * Settles when a grammar (or the highlighter) that lines wait for has
   * loaded (`undefined`: none is loading).
   */
  loading(ctx: RenderContext): Promise<unknown> | undefined {
    if (!ctx.hl && this.colouring.length) return ctx.highlighter;
    return this.loads.size ? Promise.race(this.loads) : undefined;
  }

  /**
   * Colours lines shown plain, oldest block first, until `deadline` (at
   * least one batch).
   */
  private catchUp(ctx: RenderContext, deadline: number, ops: BlockOp[]): void {
    if (this.colouring.length === 0) return;
    const now = () => performance.now();
    let first = true;
    for (const cursor of this.colouring) {
      if (!cursor.ready && cursor.lang !== undefined && (ctx.hl || cursor.lang === null)) {
        cursor.start(new LineHighlighter(ctx.hl, cursor.lang, ctx.theme, ctx.styles));
      }
      if (!cursor.ready || (!first && now() >= deadline)) continue;
      cursor.catchUp(deadline, now, ops);
      first = false;
    }
    this.colouring = this.colouring.filter(cursor => !cursor.caughtUp);
  }

  /** Freezes final blocks, re-renders the tail; true when a fence opened (code mode continues). */
  private async markdownStep(ctx: RenderContext, final: boolean, ops: BlockOp[], deadline: number): Promise<boolean> {
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
      // A fence nested in a list or quote is rendered with its block. A one-shot render waits for its
      // grammar; a streamed block shows it plain meanwhile, and is rendered again once it loaded.
      const nested = nestedLoads(ctx, tokens, 0, last.to);
      if (nested && deadline === Infinity) await nested;
      ops.push({ type: 'append', html: renderBlocks(ctx.md, tokens, blocks.slice(0, finalCount), env, ctx.postRender) });
      for (const block of blocks.slice(0, finalCount)) {
        const end = tokens[block.from]?.map?.[1] ?? block.line + 1;
        const source = complete.slice(starts[block.line] ?? 0, starts[end] ?? cut);
        const index = this.track(ctx.md, source, env);
        const loads = deadline === Infinity ? undefined : nestedLoads(ctx, tokens, block.from, block.to);
        if (loads) this.recolourNested(index, source, loads);
      }
    }
    if (defined.length) await this.resolve(ctx, defined, ops);

    if (fence?.fence) {
      const openerEnd = starts[fence.line + 1] ?? text.length;
      await this.openCode(ctx, fence.fence.markup, fence.fence.info, text.slice(starts[fence.line] ?? 0, openerEnd), ops, deadline);
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
  private track(md: MarkdownIt, source: string, env: Env): number {
    const index = this.frozen++;
    if (!source.includes(']')) return index;
    const labels = new Set<string>();
    for (const [, label] of source.matchAll(/\[((?:[^[\]\\]|\\.){1,999})\]/g)) {
      const key = md.utils.normalizeReference(label ?? '');
      if (key && !(key in (env.references ?? {}))) labels.add(key);
    }
    if (labels.size) this.unresolved.push({ index, source, labels });
    return index;
  }

  /** Renders frozen block `index` again (`replace`) once `loads` settle: the next take after. */
  private recolourNested(index: number, source: string, loads: Promise<unknown>): void {
    const block = { index, source, loaded: false };
    this.plainNested.push(block);
    const loaded = loads.then(() => {
      block.loaded = true;
      this.dirty = true;
    });
    this.loads.add(loaded);
    void loaded.finally(() => this.loads.delete(loaded));
  }

  /** The blocks whose nested fences' grammars have loaded, rendered again. O(those blocks). */
  private async replaceLoadedNested(ctx: RenderContext, ops: BlockOp[]): Promise<void> {
    if (!this.plainNested.some(block => block.loaded)) return;
    for (const block of this.plainNested) {
      if (block.loaded) ops.push({ type: 'replace', index: block.index, html: await this.renderFrozen(ctx, block.source, false) });
    }
    this.plainNested = this.plainNested.filter(block => !block.loaded);
  }

  /** A frozen block's HTML from its source, with the definitions known now; `wait`: for its nested fences' grammars first. */
  private async renderFrozen(ctx: RenderContext, source: string, wait: boolean): Promise<string> {
    const env: Env = { references: { ...this.refs } };
    const tokens = parseBlocks(ctx.md, source, env);
    if (wait) await nestedLoads(ctx, tokens, 0, tokens.length);
    // The newline after the block stays on screen from its first rendering.
    return ctx.postRender(renderRange(ctx.md, tokens, 0, tokens.length, env)).replace(/\n$/, '');
  }

  /** Renders again the frozen blocks that name one of the labels just defined. O(those blocks). */
  private async resolve(ctx: RenderContext, defined: readonly string[], ops: BlockOp[]): Promise<void> {
    const kept: Unresolved[] = [];
    for (const block of this.unresolved) {
      if (!defined.some(label => block.labels.has(label))) {
        kept.push(block);
        continue;
      }
      ops.push({ type: 'replace', index: block.index, html: await this.renderFrozen(ctx, block.source, true) });
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
    // The tail is shown again at the next take: its fences (an opener line still partial, or nested in
    // an open list) show plain while their grammar loads, and are coloured when the block freezes.
    startNestedLoads(ctx, tokens);
    return renderBlocks(ctx.md, tokens, topLevelBlocks(tokens), env, ctx.postRender).trim();
  }

  /**
   * The theme changed while a block streams: its complete lines again, from
   * the first, in the new theme (O(block), once per change; from a line
   * tokenized in slices on, plain and left to the colour cursor); the partial
   * line and every later line follow in it. Frozen blocks whose colour was
   * behind are left to the element, which colours every frozen block again.
   */
  private recolourOpenCode(ctx: RenderContext, ops: BlockOp[]): void {
    const code = this.code;
    this.colouring = code && this.colouring.includes(code.colour) ? [code.colour] : [];
    if (!code) return;
    const cursor = code.colour;
    let lines: string[];
    if (cursor.lang === undefined) {
      // Its grammar still loads: plain for now, coloured from the first line once it has.
      lines = code.source.map(plainLineHtml);
    } else {
      // The message renderer waits for the new theme before a take (message-renderer.ts).
      const highlighter = new LineHighlighter(ctx.hl, cursor.lang, ctx.theme, ctx.styles);
      // Up to the first line tokenized in slices; from it on, plain, coloured by the cursor as the deadline allows.
      let sliced = code.source.findIndex(line => highlighter.sliced(line));
      if (sliced < 0) sliced = code.source.length;
      lines = sliced ? highlighter.lines(code.source.slice(0, sliced)) : [];
      for (const line of code.source.slice(sliced)) lines.push(plainLineHtml(line));
      cursor.start(highlighter, sliced);
      this.colouring = cursor.caughtUp ? [] : [cursor];
    }
    ops.push({ type: 'code-recolour', preClass: codePreClass(ctx), lines });
    code.partial = '';
    this.dirty = true;
  }

  /**
   * Shows the shell of a fenced block. Its grammar, when not loaded yet,
   * loads while its first lines show plain (a one-shot render, with no
   * deadline, waits for it instead).
   */
  private async openCode(ctx: RenderContext, markup: string, info: string, opener: string, ops: BlockOp[], deadline: number): Promise<void> {
    const word = fenceWord(ctx.md.utils.unescapeAll(info).trim());
    const lang = sanitizeLang(word);
    const known = resolveLanguage(lang) !== null;
    let id: string | null | undefined = known && ctx.hl ? resolveLoadedLanguage(ctx.hl, lang) : null;
    let load: Promise<string | null> | undefined;
    if (id === null && known) {
      // Colour starts once both the grammar and the highlighter with its theme are there.
      load = Promise.all([loadFenceLanguage(lang), ctx.highlighter]).then(([found]) => (ctx.hl ? found : null));
      if (deadline === Infinity) id = await load;
      else id = undefined;
    }
    const preClass = codePreClass(ctx);
    ops.push({ type: 'code-open', html: codeBlockShell({ lang, label: word, preClass, ...ctx.buttons }) });
    const source: string[] = [];
    const colour = new ColourCursor(this.frozen++, source, id);
    if (id !== undefined) colour.start(new LineHighlighter(ctx.hl, id, ctx.theme, ctx.styles));
    else if (load) {
      this.colouring.push(colour);
      const loaded = load.then(
        found => (colour.lang = found),
        () => (colour.lang = null),
      );
      this.loads.add(loaded);
      void loaded.finally(() => this.loads.delete(loaded));
    }
    this.code = {
      marker: markup.charAt(0),
      size: markup.length,
      indent: /^ */.exec(opener)?.[0].length ?? 0,
      colour,
      partial: '',
      source,
      diagram: ctx.diagrams && lang.toLowerCase() === DIAGRAM_LANG,
    };
  }

  /**
   * Consumes the complete lines of the open fence and shows them all:
   * coloured while colour is caught up and `deadline` allows (batches, see
   * colour-cursor.ts), plain after that, for the colour cursor to colour in
   * later takes. `closed`: the fence closed (markdown continues after it);
   * `open`: all complete lines are shown. O(new lines) + the partial line
   * (escaped, never tokenized) per take.
   */
  private codeStep(final: boolean, ops: BlockOp[], deadline: number): 'closed' | 'open' {
    const code = this.code;
    if (!code) return 'open';
    const text = this.buf;
    const news: string[] = [];
    let pos = 0;
    let closed = false;
    let fenceClosed = false;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', pos)) {
      const line = text.slice(pos, nl);
      pos = nl + 1;
      if (isClosingFence(line, code)) {
        closed = true;
        break;
      }
      news.push(stripIndent(line, code.indent));
    }
    let rest = text.slice(pos);
    if (!closed && final && rest !== '') {
      // The document ends inside the fence: its last line is a line of code (unless it closes the fence).
      if (isClosingFence(rest, code)) fenceClosed = true;
      else news.push(stripIndent(rest, code.indent));
      rest = '';
    }
    const cursor = code.colour;
    if (news.length > 0) {
      const lines = cursor.colourNew(news, deadline, () => performance.now());
      for (let i = lines.length; i < news.length; i++) lines.push(plainLineHtml(news[i] ?? ''));
      for (const line of news) code.source.push(line);
      if (!cursor.caughtUp && !this.colouring.includes(cursor)) this.colouring.push(cursor);
      ops.push({ type: 'code-lines', lines });
      code.partial = '';
    }
    if (closed || final) {
      if (code.partial !== '') ops.push({ type: 'code-tail', html: '' });
      // A fence cut off by the end of the reply is not a finished diagram: it stays code.
      ops.push(code.diagram && (closed || fenceClosed) ? { type: 'code-close', diagram: true } : { type: 'code-close' });
      this.code = null;
      this.buf = closed ? rest : '';
      return closed && (!final || rest !== '') ? 'closed' : 'open';
    }
    // The growing line shows plain: it is tokenized once, when it completes (above), not again at
    // every take while it grows. With many chats streaming on one page, every take re-tokenizing each
    // chat's last line was most of the highlighter's work, for colour that lasted a take. The final
    // DOM does not change: a reply's last line, too, is coloured as a complete line before the end.
    // As text, not markup: the element appends a token's characters to the line instead of parsing it again.
    const partial = mayBecomeClosingFence(rest, code) ? '' : stripIndent(rest, code.indent);
    if (partial !== code.partial) {
      ops.push({ type: 'code-tail-text', text: partial });
      code.partial = partial;
    }
    this.buf = rest;
    return 'open';
  }
}

/**
 * What the fences nested in `tokens[from, to)` wait for (the highlighter
 * and their grammars), or `undefined` when they can be coloured now.
 */
function nestedLoads(ctx: RenderContext, tokens: Parameters<typeof nestedFenceWords>[1], from: number, to: number): Promise<unknown> | undefined {
  const langs = nestedFenceWords(ctx.md, tokens, from, to)
    .map(word => sanitizeLang(word))
    .filter(lang => resolveLanguage(lang) !== null);
  const hl = ctx.hl;
  // A fence in no known language is plain text whatever loads (its theme's rule is sent when it is there).
  if (langs.length === 0 || (hl && langs.every(lang => resolveLoadedLanguage(hl, lang) !== null))) return undefined;
  return Promise.all([ctx.highlighter, ...langs.map(lang => loadFenceLanguage(lang))]);
}

/** Starts loading the grammars of the fences in `tokens` without waiting for them. */
function startNestedLoads(ctx: RenderContext, tokens: Parameters<typeof nestedFenceWords>[1]): void {
  for (const word of nestedFenceWords(ctx.md, tokens, 0, tokens.length)) void loadFenceLanguage(sanitizeLang(word));
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
