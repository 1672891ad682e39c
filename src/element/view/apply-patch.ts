/**
 * Applies the worker's `BlockOp`s to a message section on the main thread.
 *
 * A section is `[frozen block]* [tail]?` (see protocol.ts). The applier keeps
 * references to the tail nodes and to the open code block, so each op costs
 * DOM work proportional to the op itself: one `insertAdjacentHTML` of the new
 * markup, a removal of the old tail, never a search or a re-parse of what is
 * already on screen. Frozen blocks are touched again only by `replace` (a
 * reference definition that came after its use).
 *
 * Code lines are grouped into `.code-chunk` spans of `CODE_CHUNK_LINES` lines
 * inside `.code-group` spans of `CODE_GROUP_LINES`, by line index, so streamed
 * lines and lines rendered at once build the same DOM; groups off screen are
 * skipped by layout and paint (`content-visibility: auto`, message-styles.ts). Lines are separated by one
 * `\n` text node, so the `<code>` text is exactly the code.
 */
import type { BlockOp, HighlightedCode } from '../../shared/protocol.js';
import { CODE_CHUNK_LINES, CODE_GROUP_LINES, LINE_CLOSE, LINE_OPEN } from '../../shared/code-block-layout.js';
import { colourGroup, watchSkips } from './group-colour.js';
import { insertHtml, insertHtmlBefore } from './insert-html.js';
import type { FrameJob } from './frame-scheduler.js';

interface OpenCode {
  /** The block wrapper (`.code-block`). */
  block: Element;
  /** Its `<code>`, whose children are the chunks. */
  code: Element;
  /** Complete lines so far. */
  lines: number;
  /** Nodes of the partial line (its separator, its chunk or line node). */
  partial: ChildNode[];
  /** The partial line's text node and its text, when it was shown by `code-tail-text`. */
  partialText: Text | null;
  partialValue: string;
}

interface SectionState {
  /** Nodes of the markdown tail, in order. */
  tail: ChildNode[];
  open: OpenCode | null;
}

const states = new WeakMap<HTMLElement, SectionState>();

function stateOf(section: HTMLElement): SectionState {
  let state = states.get(section);
  // The section was emptied or replaced since (e.g. a cleared conversation): start over.
  const stale =
    state &&
    ((state.tail[0] && state.tail[0].parentNode !== section) ||
      (state.open && state.open.block.parentNode !== section));
  if (!state || stale) {
    state = { tail: [], open: null };
    states.set(section, state);
    watchSkips(section);
  }
  return state;
}

/**
 * Lines applied between two looks at the clock when a patch is spread over
 * frames: a few DOM chunks' worth (a look at the clock costs next to
 * nothing; a line costs about as much as it has tokens).
 */
export const STEP_LINES = 2 * CODE_CHUNK_LINES;

/**
 * Applies `ops` to `section`. With a `deadline` (a `performance.now()`
 * time), only until it passes, a step at least: the rest is returned, to be
 * called again with a later deadline until it returns nothing. A patch that
 * carries thousands of code lines (a backlog of text, or of colour) is then
 * spread over frames instead of holding one. Its `code-colour` ops, which
 * fill lines already on screen, go after its other ops, so text shows
 * first; not when a `replace` or `code-recolour` could replace the lines a
 * colour op fills.
 */
export function applyPatch(section: HTMLElement, ops: readonly BlockOp[], deadline = Infinity): FrameJob | void {
  if (deadline === Infinity) return applyInOrder(section, ops);
  const colourLast = !ops.some(op => op.type === 'replace' || op.type === 'code-recolour');
  const ordered = colourLast ? [...ops.filter(op => op.type !== 'code-colour'), ...ops.filter(op => op.type === 'code-colour')] : ops;
  return applyUntil(section, ordered, 0, 0, deadline);
}

/**
 * Applies `ops` from line `at` of op `index` on, in steps, until
 * `deadline`: a code op's lines `STEP_LINES` at a time, any other op
 * whole. The rest as a function of the next deadline, or nothing once all
 * are applied.
 */
function applyUntil(section: HTMLElement, ops: readonly BlockOp[], index: number, at: number, deadline: number): FrameJob | void {
  let stepped = false;
  while (index < ops.length) {
    // What is left of a small patch goes now: split, it would cost a turn in another frame for a step's worth.
    if (stepped && performance.now() >= deadline && linesFrom(ops, index, at) > STEP_LINES) {
      const [i, from] = [index, at];
      return next => applyUntil(section, ops, i, from, next);
    }
    const op = ops[index]!;
    stepped = true;
    if (isCodeOp(op) && op.lines.length - at > STEP_LINES) {
      applyInOrder(section, [part(op, at, at + STEP_LINES)]);
      at += STEP_LINES;
      continue;
    }
    applyInOrder(section, [at > 0 && isCodeOp(op) ? part(op, at, op.lines.length) : op]);
    index++;
    at = 0;
  }
}

type CodeOp = Extract<BlockOp, { type: 'code-lines' | 'code-colour' }>;

/** The ops whose lines a patch spread over frames applies a step at a time. */
function isCodeOp(op: BlockOp): op is CodeOp {
  return op.type === 'code-lines' || op.type === 'code-colour';
}

/** Code lines of `ops` from line `at` of op `index` on (O(ops left): a patch has few ops). */
function linesFrom(ops: readonly BlockOp[], index: number, at: number): number {
  let lines = -at;
  for (let i = index; i < ops.length; i++) {
    const op = ops[i]!;
    if (isCodeOp(op)) lines += op.lines.length;
  }
  return lines;
}

/** Lines `from` to `to` of a code op, as an op of their own. */
function part(op: CodeOp, from: number, to: number): CodeOp {
  const lines = op.lines.slice(from, to);
  return op.type === 'code-lines' ? { type: 'code-lines', lines } : { ...op, from: op.from + from, lines };
}

/** Applies `ops` in order to `section`. */
function applyInOrder(section: HTMLElement, ops: readonly BlockOp[]): void {
  const state = stateOf(section);
  for (const op of ops) {
    switch (op.type) {
      case 'append':
        insertHtmlBefore(section, state.tail[0] ?? state.open?.block ?? null, op.html);
        break;
      case 'tail':
        state.open = null;
        replaceTail(section, state, op.html);
        break;
      case 'code-open': {
        state.open = null;
        replaceTail(section, state, '');
        insertHtml(section, 'beforeend', op.html);
        const block = section.lastElementChild;
        const code = block?.querySelector('pre > code');
        if (!block || !code) throw new Error('applyPatch: code-open html has no <pre><code>.');
        state.open = { block, code, lines: 0, partial: [], partialText: null, partialValue: '' };
        break;
      }
      case 'code-lines':
        if (!state.open) break;
        // The partial line, if shown, is now among the complete lines; the
        // worker sends the new partial line after them.
        dropPartial(state.open);
        appendLines(state.open.code, state.open.lines, op.lines);
        state.open.lines += op.lines.length;
        break;
      case 'code-tail':
        if (!state.open) break;
        dropPartial(state.open);
        if (op.html) state.open.partial = appendLines(state.open.code, state.open.lines, [op.html]);
        break;
      case 'code-tail-text':
        if (state.open) setPartialText(state.open, op.text);
        break;
      case 'code-close':
        // Frozen as it stands, partial line included. A finished diagram fence
        // is marked for diagrams.ts (an empty marker: the source is the code text).
        if (op.diagram) state.open?.block.setAttribute('data-diagram', '');
        state.open = null;
        break;
      case 'replace': {
        // Rare (a late reference definition): finding the block is O(its index), once.
        const frozen = section.children[op.index];
        if (!frozen || state.tail.includes(frozen) || frozen === state.open?.block) {
          throw new Error(`applyPatch: replace names block ${op.index}, which is not a frozen block.`);
        }
        insertHtml(frozen, 'beforebegin', op.html);
        frozen.remove();
        break;
      }
      case 'code-colour': {
        // O(1) to find the block (an indexed child) and each line (by its index), O(op) to fill them.
        const block = section.children[op.index];
        const code = block?.querySelector('pre > code');
        if (!code) throw new Error(`applyPatch: code-colour names block ${op.index}, which is not a code block.`);
        colourLines(code, op.from, op.lines);
        break;
      }
      case 'code-recolour': {
        const open = state.open;
        if (!open) break;
        open.code.parentElement?.setAttribute('class', op.preClass);
        open.code.replaceChildren();
        open.partial = [];
        open.partialText = null;
        open.partialValue = '';
        appendLines(open.code, 0, op.lines);
        open.lines = op.lines.length;
        break;
      }
    }
  }
}

function replaceTail(section: HTMLElement, state: SectionState, html: string): void {
  for (const node of state.tail) node.remove();
  state.tail = [];
  if (!html) return;
  const before = section.lastChild;
  insertHtml(section, 'beforeend', html);
  // Collect what was inserted: O(tail nodes).
  for (let node = before ? before.nextSibling : section.firstChild; node; node = node.nextSibling) state.tail.push(node);
}

function dropPartial(open: OpenCode): void {
  for (const node of open.partial) node.remove();
  open.partial = [];
  open.partialText = null;
  open.partialValue = '';
}

/**
 * Shows the partial line as plain `text`. A line that grew by a token (the
 * common case while code streams) gets only the token's characters appended
 * to its text node: no markup is parsed and no element is made or styled
 * again. Otherwise the line is made anew, an empty line span (the one parse
 * per line) filled with a text node, which is the DOM `plainLineHtml` parses to.
 */
function setPartialText(open: OpenCode, text: string): void {
  const shown = open.partialText;
  if (shown && text.startsWith(open.partialValue)) {
    shown.appendData(text.slice(open.partialValue.length));
    open.partialValue = text;
    return;
  }
  dropPartial(open);
  if (!text) return;
  open.partial = appendLines(open.code, open.lines, [LINE_OPEN + LINE_CLOSE]);
  // The partial line is the code's last line: the last line of its last chunk of its last group.
  const line = open.code.lastElementChild?.lastElementChild?.lastElementChild;
  if (!line) throw new Error('applyPatch: code-tail-text found no line to fill.');
  const node = document.createTextNode(text);
  line.append(node);
  open.partialText = node;
  open.partialValue = text;
}

/**
 * Appends lines `first, first + 1, …` to `code`, one `insertAdjacentHTML` per
 * chunk touched. Returns the nodes it created outside existing lines (for the
 * partial line: removing them restores the code exactly).
 */
function appendLines(code: Element, first: number, lines: readonly string[]): ChildNode[] {
  const created: ChildNode[] = [];
  let i = 0;
  while (i < lines.length) {
    const index = first + i;
    let group = code.lastElementChild;
    let chunk = group?.lastElementChild ?? null;
    if (index > 0 && chunk) {
      const newline = document.createTextNode('\n');
      chunk.append(newline);
      created.push(newline);
    }
    if (index % CODE_GROUP_LINES === 0 || !group) {
      group = document.createElement('span');
      group.className = 'code-group';
      code.append(group);
      created.push(group);
      chunk = null;
    }
    if (index % CODE_CHUNK_LINES === 0 || !chunk) {
      chunk = document.createElement('span');
      chunk.className = 'code-chunk';
      group.append(chunk);
      created.push(chunk);
    }
    const count = Math.min(CODE_CHUNK_LINES - (index % CODE_CHUNK_LINES), lines.length - i);
    const last = chunk.lastChild;
    insertHtml(chunk, 'beforeend', lines.slice(i, i + count).join('\n'));
    if (created[created.length - 1] !== chunk) {
      for (let node = last ? last.nextSibling : chunk.firstChild; node; node = node.nextSibling) created.push(node);
    }
    i += count;
  }
  return created;
}

/**
 * Colours line spans `from, from + 1, …` of `code` with `lines`, group by
 * group, in place (group-colour.ts: a group the browser skips gets them when
 * it shows it). A line is found by its index (groups and chunks have fixed
 * sizes), never by a search.
 */
function colourLines(code: Element, from: number, lines: readonly string[]): void {
  let i = 0;
  while (i < lines.length) {
    const index = from + i;
    const group = code.children[Math.floor(index / CODE_GROUP_LINES)];
    if (!group) throw new Error(`applyPatch: code-colour names line ${index}, which is not on screen.`);
    const count = Math.min(CODE_GROUP_LINES - (index % CODE_GROUP_LINES), lines.length - i);
    colourGroup(group, index % CODE_GROUP_LINES, lines.slice(i, i + count));
    i += count;
  }
}

/** The code block of `section` that is still growing, if any (a theme change leaves it to the worker). */
export function openCodeBlock(section: HTMLElement): Element | null {
  const open = states.get(section)?.open;
  return open && open.block.parentNode === section ? open.block : null;
}

/** The code of a code block (`.code-block` or any element inside it), exactly as shown. */
export function codeBlockSource(block: Element): string {
  return block.closest('.code-block')?.querySelector('pre > code')?.textContent ?? '';
}

/**
 * Fills a frozen code block's lines with `highlighted`'s, in place, as
 * `code-colour` ops fill them (lines a stopped reply left plain): the same
 * line boxes, and a group the browser skips keeps its colour until shown
 * (group-colour.ts). `highlighted` is the block's own text: one line each.
 * O(lines).
 */
export function fillCodeBlock(block: Element, highlighted: HighlightedCode): void {
  const code = (block.closest('.code-block') ?? block).querySelector('pre > code');
  if (!code) return;
  const groups = code.children.length;
  const last = code.lastElementChild;
  // The lines on screen: whole groups, then the last one's, counted from its text (it may be collapsed).
  const lines = last ? (groups - 1) * CODE_GROUP_LINES + (last.textContent ?? '').split('\n').length : 0;
  // A line's inside, as a `code-colour` op carries it.
  const inside = (line: string) => (line.startsWith(LINE_OPEN) && line.endsWith(LINE_CLOSE) ? line.slice(LINE_OPEN.length, -LINE_CLOSE.length) : line);
  colourLines(code, 0, highlighted.lines.slice(0, lines).map(inside));
}

/** Replaces a frozen code block's lines and theme class (after a theme change). O(lines). */
export function restyleCodeBlock(block: Element, highlighted: HighlightedCode): void {
  const wrapper = block.closest('.code-block') ?? block;
  const pre = wrapper.querySelector('pre');
  const code = pre?.querySelector('code');
  if (!pre || !code) return;
  pre.className = highlighted.preClass;
  code.replaceChildren();
  appendLines(code, 0, highlighted.lines);
}
