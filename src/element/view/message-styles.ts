/**
 * Styles of rendered messages: markdown, code blocks, and the token colour
 * classes the worker sends with its patches.
 *
 * No inline styles anywhere (a strict `style-src` blocks them): token colours
 * are classes (`c-rrggbb[aa]`, `t-<theme>`) whose rules are added to one
 * constructed stylesheet, which CSP allows. Every shadow root adopts it.
 */
import { css, unsafeCSS } from 'lit';
import { CODE_GROUP_LINES, CODE_GROUP_PLACEHOLDER_EM, CODE_LINE_HEIGHT } from '../../shared/code-block-layout.js';

/** Markdown and code block styles, for the element's `static styles`. */
export const messageStyles = css`
  .markdown {
    overflow-wrap: anywhere;
    line-height: 1.5;
  }
  .markdown > :first-child {
    margin-top: 0;
  }
  .markdown > :last-child {
    margin-bottom: 0;
  }
  .markdown :is(p, ul, ol, blockquote, table, .code-block) {
    margin: 0.6em 0;
  }
  .markdown :is(h1, h2, h3, h4, h5, h6) {
    margin: 0.9em 0 0.4em;
    line-height: 1.25;
  }
  .markdown blockquote {
    padding-inline-start: 0.8em;
    border-inline-start: 3px solid color-mix(in srgb, currentColor 30%, transparent);
    opacity: 0.9;
  }
  /*
   * Blocks carry the direction of their own text ('dir', decided in the
   * worker); a block whose direction is not known yet is held back, hidden.
   * Code reads left to right in any page and any answer, isolated from the
   * text around it, so 'def f() -> int:' never shows as ':def f() -> int'.
   */
  .markdown [hidden] {
    display: none;
  }
  :is(.code-block, pre, code, math, [part~='tool-call'], [part~='math-error']) {
    direction: ltr;
    unicode-bidi: isolate;
  }
  .markdown a {
    color: var(--vllm-chat-link-color, #2f81f7);
  }
  .markdown img {
    max-width: 100%;
  }
  /* A wide table scrolls sideways inside the message, under its copy button. */
  .markdown .table-block {
    margin: 0.6em 0;
  }
  .markdown .table-bar {
    display: flex;
    justify-content: flex-end;
    font-size: 0.8em;
  }
  .markdown .table-scroll {
    max-width: 100%;
    overflow-x: auto;
  }
  .markdown .table-scroll > table {
    margin: 0;
  }
  .markdown table {
    border-collapse: collapse;
  }
  .markdown .contains-task-list {
    padding-left: 1.2em;
  }
  .markdown .task-list-item {
    list-style: none;
  }
  .markdown .task-checkbox {
    margin: 0 0.4em 0 -1.2em;
    vertical-align: -0.1em;
  }
  .markdown :is(th, td) {
    border: 1px solid color-mix(in srgb, currentColor 25%, transparent);
    padding: 0.25em 0.6em;
  }
  .markdown .align-left {
    text-align: left;
  }
  .markdown .align-center {
    text-align: center;
  }
  .markdown .align-right {
    text-align: right;
  }
  .markdown math[display='block'] {
    margin: 0.6em 0;
    overflow-x: auto;
    overflow-y: hidden;
  }
  .markdown .math-error {
    white-space: pre-wrap;
    font-family: var(--vllm-chat-code-font, ui-monospace, SFMono-Regular, Menlo, Consolas, monospace);
    font-size: 0.9em;
    color: var(--vllm-chat-error, #d1242f);
  }
  .markdown :not(pre) > code {
    font-family: var(--vllm-chat-code-font, ui-monospace, SFMono-Regular, Menlo, Consolas, monospace);
    font-size: 0.9em;
    padding: 0.1em 0.3em;
    border-radius: 4px;
    background: color-mix(in srgb, currentColor 10%, transparent);
  }

  .code-block {
    border-radius: 6px;
    overflow: hidden;
    border: 1px solid color-mix(in srgb, currentColor 15%, transparent);
  }
  .code-header {
    display: flex;
    align-items: center;
    justify-content: space-between;
    gap: 0.5em;
    padding: 0.2em 0.6em;
    font-size: 0.8em;
    background: color-mix(in srgb, currentColor 8%, transparent);
  }
  .code-lang {
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .code-actions {
    display: flex;
    flex: none;
    gap: 0.2em;
  }
  .code-button,
  .expand-button {
    font: inherit;
    cursor: pointer;
    border: 0;
    border-radius: 4px;
    padding: 0.1em 0.5em;
    background: transparent;
    color: inherit;
  }
  .code-button:hover,
  .code-button:focus-visible,
  .code-button[aria-pressed='true'],
  .expand-button:hover,
  .expand-button:focus-visible {
    background: color-mix(in srgb, currentColor 15%, transparent);
  }
  .expand-button {
    display: block;
    width: 100%;
    border-radius: 0;
    font-size: 0.8em;
    padding: 0.3em;
    background: color-mix(in srgb, currentColor 8%, transparent);
  }
  /* A drawn diagram (diagrams.ts): the box sits first in its code block and hides the rest until toggled. */
  .code-block.diagram-shown > :not([part~='diagram']),
  .code-block:not(.diagram-shown) .diagram-image {
    display: none;
  }
  .diagram-bar {
    display: flex;
    justify-content: flex-end;
    padding: 0.2em 0.6em;
    font-size: 0.8em;
    background: color-mix(in srgb, currentColor 8%, transparent);
  }
  .diagram-note {
    margin: 0;
    padding: 0.2em 0.6em;
    font-size: 0.8em;
    opacity: 0.8;
  }
  .diagram-image {
    display: block;
    max-width: 100%;
    height: auto;
    margin: 0.75em auto;
  }
  pre[part='code-block'] {
    margin: 0;
    padding: 0.7em 0.9em;
    overflow-x: auto;
    font-family: var(--vllm-chat-code-font, ui-monospace, SFMono-Regular, Menlo, Consolas, monospace);
    font-size: 0.85em;
    line-height: ${unsafeCSS(CODE_LINE_HEIGHT)};
    tab-size: 4;
    white-space: pre;
  }
  /*
   * A block, not the default inline: the chunks are then plain block
   * children, and a growing last chunk does not make the browser lay out one
   * inline formatting context holding every chunk of the block.
   */
  pre[part='code-block'] > code {
    display: block;
  }
  /*
   * A group (code-block-layout.ts): off-screen groups skip style, layout and
   * paint. Its placeholder height is a full group's lines until it was laid
   * out once; "auto" then remembers the real size. The chunks inside are
   * plain blocks: the browser keeps the layout of the full ones while the
   * last one grows.
   *
   * content-visibility implies paint containment, which clips what overflows
   * the group's box: a group as wide as the block would cut every line
   * longer than the block off at its edge, also when the block is scrolled
   * sideways. A group is therefore as wide as its longest line (at least the
   * block's width), and keeps the width it was laid out with while skipped,
   * so the block's horizontal scroll range does not change as groups come
   * and go.
   */
  .code-group {
    display: block;
    width: max-content;
    min-width: 100%;
    content-visibility: auto;
    contain-intrinsic-inline-size: auto 0px;
    contain-intrinsic-block-size: auto ${unsafeCSS(CODE_GROUP_PLACEHOLDER_EM)}em;
  }
  /*
   * Paint containment makes each chunk a stacking context that the browser
   * paints as one cached unit: a frame that adds to the last chunk repaints
   * that chunk, and copies the others it keeps in view as they were. Without
   * it every visible line of the block was painted again in each such frame.
   * The price is a clip per chunk for the compositor's layering step to walk,
   * far less than the painting it saves (bench scenario \`ten\`, traced). It
   * hides nothing a line shows: a chunk is as wide as its group, which
   * content-visibility already clips at the same edges.
   */
  .code-chunk {
    display: block;
    contain: paint;
  }
  /* Soft wrap: lines break at the block's width; groups no longer need to be as wide as their longest line. */
  .code-block.wrap pre[part='code-block'] {
    white-space: pre-wrap;
    overflow-wrap: anywhere;
  }
  .code-block.wrap .code-group {
    width: auto;
    min-width: 0;
    contain-intrinsic-inline-size: none;
  }
  /* A collapsed block shows its first lines (line-height 1.45em plus the padding). */
  .code-block.collapsed pre[part='code-block'] {
    max-height: calc(var(--collapsed-lines, 20) * 1.45em + 1.4em);
    overflow-y: hidden;
  }
  /*
   * Line numbers are generated content: not in the code's text, a copy or a
   * selection. A group is style-contained (content-visibility), which scopes
   * counters to it, so each group starts its own count at its first line.
   */
  :host([line-numbers]) pre[part='code-block'] .code-group {
    counter-reset: line calc((sibling-index() - 1) * ${unsafeCSS(CODE_GROUP_LINES)});
  }
  :host([line-numbers]) pre[part='code-block'] .line {
    counter-increment: line;
  }
  :host([line-numbers]) pre[part='code-block'] .line::before {
    content: counter(line);
    display: inline-block;
    min-width: 3ch;
    margin-right: 1.2ch;
    text-align: right;
    opacity: 0.5;
    user-select: none;
    -webkit-user-select: none;
    pointer-events: none;
  }
  /*
   * The last group of a block is always laid out: in a streaming block it is
   * the one that grows, so the log's height follows every new line (even
   * while the reader has scrolled away) and a group just created is never
   * measured at its placeholder height. One group per block: bounded cost.
   *
   * It has the containment that content-visibility: auto implies, so a group
   * that stops being the last changes only whether it may be skipped. A
   * change of containment makes the browser rebuild the group's layout
   * objects, a burst of style work at every new group of a long block.
   */
  .code-group:last-child {
    content-visibility: visible;
    contain: layout style paint;
  }
  .f-i {
    font-style: italic;
  }
  .f-b {
    font-weight: bold;
  }
  .f-u {
    text-decoration: underline;
  }
  .f-s {
    text-decoration: line-through;
  }
  .f-u.f-s {
    text-decoration: underline line-through;
  }
`;

/** Colour rules of token and theme classes, shared by every `<vllm-chat>` of the page. */
export const tokenStyleSheet: CSSStyleSheet = new CSSStyleSheet();

const added = new Set<string>();
// Only the rules the worker makes: one class selector, colour declarations.
const ruleShape = /^\.(?:c-[0-9a-f]{6}(?:[0-9a-f]{2})?|t-[a-z0-9-]{1,64})\{(?:(?:background-color|color):#[0-9a-f]{6}(?:[0-9a-f]{2})?;?)*\}$/;

/** Adds rules once each (deduplicated by text); anything not shaped like ours is ignored. */
export function addTokenStyles(rules: readonly string[] | undefined): void {
  if (!rules) return;
  for (const rule of rules) {
    if (added.has(rule) || !ruleShape.test(rule)) continue;
    added.add(rule);
    tokenStyleSheet.insertRule(rule, tokenStyleSheet.cssRules.length);
  }
}
