/**
 * The chrome of `<vllm-chat>`: layout, composer, buttons, message frames.
 * Adopted as a constructed stylesheet (allowed under `style-src 'self'`).
 *
 * The page's CSS reaches the element only through the documented custom
 * properties and `::part`. Page rules that match the host itself (`* {…}`,
 * `vllm-chat {…}`) win over `:host` (CSS Scoping: the outer context wins), so
 * nothing visible is styled on the host: `.frame` resets every property with
 * `all: initial` (custom properties excepted) and styles from there, so no
 * inherited font, colour, line height or text transform of the page leaks in.
 * Colours use `light-dark()`: they follow `prefers-color-scheme`, and a page
 * forces one scheme with `vllm-chat { color-scheme: dark }`.
 */
import { css, unsafeCSS } from 'lit';
import { LOG_BLOCK } from './view/log-blocks.js';

export const vllmChatStyles = css`
  :host {
    display: block;
    position: relative;
    min-height: 240px;
    height: 480px;
    color-scheme: light dark;
    --_bg: var(--vllm-chat-background, light-dark(#ffffff, #0d1117));
    --_surface: var(--vllm-chat-surface, light-dark(#f6f8fa, #161b22));
    --_user-bg: var(--vllm-chat-user-background, light-dark(#ddf4ff, #1c2d41));
    --_text: var(--vllm-chat-text, light-dark(#1f2328, #e6edf3));
    --_muted: var(--vllm-chat-muted, light-dark(#59636e, #9198a1));
    --_border: var(--vllm-chat-border, light-dark(#d1d9e0, #3d444d));
    --_accent: var(--vllm-chat-accent, light-dark(#0969da, #4493f8));
    --_accent-text: var(--vllm-chat-accent-text, #ffffff);
    --_error: var(--vllm-chat-error, light-dark(#d1242f, #f85149));
    --_font: var(--vllm-chat-font, system-ui, -apple-system, 'Segoe UI', 'PingFang SC', 'Microsoft YaHei', 'Noto Sans CJK SC', sans-serif);
    --_code-font: var(--vllm-chat-code-font, ui-monospace, 'SFMono-Regular', 'Cascadia Code', Menlo, Consolas, monospace);
    --_radius: var(--vllm-chat-radius, 8px);
    --_space: var(--vllm-chat-spacing, 8px);
  }
  .frame {
    all: initial;
    color-scheme: inherit;
    display: flex;
    flex-direction: column;
    position: relative;
    box-sizing: border-box;
    height: 100%;
    overflow: hidden;
    background: var(--_bg);
    color: var(--_text);
    font-family: var(--_font);
    font-size: var(--vllm-chat-font-size, 15px);
    line-height: 1.55;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    text-align: start;
  }
  :host([hidden]) {
    display: none;
  }
  *,
  *::before,
  *::after {
    box-sizing: border-box;
  }
  button,
  select,
  textarea {
    font: inherit;
    color: inherit;
  }
  :focus-visible {
    outline: 2px solid var(--_accent);
    outline-offset: 2px;
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    margin: -1px;
    padding: 0;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
    border: 0;
  }

  .toolbar {
    display: flex;
    align-items: center;
    justify-content: flex-end;
    gap: var(--_space);
    padding: calc(var(--_space) * 0.75) calc(var(--_space) * 1.5);
    border-bottom: 1px solid var(--_border);
    font-size: 0.85em;
    color: var(--_muted);
  }
  .toolbar .model {
    display: flex;
    align-items: center;
    gap: calc(var(--_space) / 2);
    margin-inline-end: auto;
  }
  select,
  .toolbar button,
  .action,
  .editing button {
    background: var(--_surface);
    border: 1px solid var(--_border);
    border-radius: calc(var(--_radius) * 0.75);
    padding: 2px 10px;
    cursor: pointer;
  }
  button:disabled {
    cursor: default;
    opacity: 0.5;
  }

  .log {
    flex: 1 1 auto;
    min-height: 0;
    overflow-y: auto;
    /*
     * The browser keeps what is on screen in place when content above it
     * changes height: a block scrolled near is laid out for the first time
     * and its guessed height becomes its real one, which would otherwise
     * move the text being read by thousands of pixels.
     */
    overflow-anchor: auto;
    /*
     * Its layout and paint are its own: a growing reply repaints and lays out
     * this log, not the page around it nor the other chats on it.
     */
    contain: content;
    padding: calc(var(--_space) * 2);
    /*
     * Block flow, not a column flexbox: a message that grows (the streaming
     * reply) or is laid out for the first time (scrolled into view) then
     * costs its own layout and the offsets below it. A flexbox ran its
     * algorithm over every message on each such change, so a frame of a
     * long conversation cost layout in proportion to its length.
     */
    display: block;
    scroll-padding-bottom: var(--_space);
  }
  .message {
    max-width: 100%;
    min-width: 0;
  }
  /*
   * A block of messages (view/log-blocks.ts): its messages' margins stay
   * inside it. A block off screen skips style, layout and paint: a long
   * conversation costs the browser what is near the viewport. Its text stays
   * in the DOM, so find-in-page, selection and copy still reach it (a found
   * match is rendered as it is scrolled to). Blocks, not messages: the browser
   * checks every content-visibility: auto element in each frame that lays
   * out or scrolls, and one per message made every frame of a long
   * conversation cost in proportion to its length. Its height before it was
   * first laid out is a guess; "auto" then remembers the real one.
   *
   * The last block is never skipped: it holds the streaming reply (always the
   * last message), and following it measures it. Always the last block, not
   * the one with a streaming message: a change of containment makes the
   * browser rebuild the block's layout objects, a burst of work at every
   * send in a block of long replies.
   */
  .log-block {
    display: flow-root;
    content-visibility: auto;
    contain-intrinsic-block-size: auto ${unsafeCSS(LOG_BLOCK * 6)}em;
  }
  .log-block:last-child {
    content-visibility: visible;
  }
  .log-block + .log-block,
  .message + .message {
    margin-top: calc(var(--_space) * 2);
  }
  .message.user {
    /* At the end of the line, as wide as its text. */
    width: fit-content;
    margin-inline-start: auto;
    max-width: min(85%, 48em);
    background: var(--_user-bg);
    border-radius: var(--_radius);
    padding: var(--_space) calc(var(--_space) * 1.5);
  }
  .message.user .text {
    white-space: pre-wrap;
    overflow-wrap: anywhere;
    /* Each line in the direction of its own text: a pasted line of code stays left to right. */
    unicode-bidi: plaintext;
  }
  .message .attachments {
    display: flex;
    flex-wrap: wrap;
    /* A file's name chip keeps its own height beside a tall thumbnail. */
    align-items: flex-start;
    gap: calc(var(--_space) / 2);
    margin-top: calc(var(--_space) / 2);
  }
  .message .attachments .thumbnail {
    max-width: 12em;
    max-height: 8em;
    border-radius: 4px;
    object-fit: contain;
  }
  .attachment-note {
    flex-basis: 100%;
    margin: 0;
    font-size: 0.85em;
    color: var(--_muted);
  }
  .message.assistant[data-status='streaming'] .content:empty::after {
    content: '';
    display: inline-block;
    width: 0.6em;
    height: 1.1em;
    vertical-align: text-bottom;
    background: var(--_muted);
    animation: blink 1s steps(2) infinite;
  }
  @keyframes blink {
    50% {
      opacity: 0;
    }
  }
  @media (prefers-reduced-motion: reduce) {
    .message.assistant[data-status='streaming'] .content:empty::after {
      animation: none;
    }
  }

  .reasoning {
    margin-bottom: var(--_space);
    border-inline-start: 3px solid var(--_border);
    padding-inline-start: calc(var(--_space) * 1.5);
    color: var(--_muted);
    font-size: 0.92em;
  }
  .reasoning summary {
    cursor: pointer;
    user-select: none;
  }

  /* A tool's result: text as the tool returned it, set apart from the answers. */
  .message.tool {
    border-inline-start: 3px solid var(--_accent);
    padding-inline-start: calc(var(--_space) * 1.5);
    font-family: var(--_code-font);
    font-size: 0.9em;
  }
  .message.tool .text {
    white-space: pre-wrap;
    overflow-wrap: anywhere;
  }
  .tool-calls:empty {
    display: none;
  }
  .tool-call {
    margin-top: var(--_space);
  }
  .tool-call-head {
    font-size: 0.9em;
    color: var(--_muted);
    margin-bottom: calc(var(--_space) / 2);
    overflow-wrap: anywhere;
  }
  .tool-call-name {
    font-family: var(--_code-font);
    color: var(--_text);
  }

  .meta {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: var(--_space);
    margin-top: calc(var(--_space) / 2);
    font-size: 0.8em;
    color: var(--_muted);
    min-height: 1.6em;
  }
  .message.user .meta {
    justify-content: flex-end;
  }
  /* Its own direction, isolated: in a right-to-left page its figures keep their order. */
  .stats {
    unicode-bidi: plaintext;
  }
  .actions {
    display: inline-flex;
    gap: calc(var(--_space) / 2);
    margin-inline-start: auto;
  }
  .action {
    padding: 0 8px;
    font-size: 1em;
    opacity: 0.85;
  }
  .action:hover {
    opacity: 1;
  }
  .branches {
    display: inline-flex;
    align-items: center;
    gap: calc(var(--_space) / 2);
  }
  .branches[hidden] {
    display: none;
  }
  .branch-label {
    font-variant-numeric: tabular-nums;
    unicode-bidi: isolate;
  }
  /* While a reply streams, and on any reply but the last, history cannot be rewritten. */
  .log.busy .action.regenerate,
  .log.busy .action.edit,
  .message.assistant:not(:last-child) .action.regenerate,
  .message[data-status='streaming'] .actions {
    display: none;
  }

  .error {
    margin-top: var(--_space);
    padding: var(--_space) calc(var(--_space) * 1.5);
    border: 1px solid var(--_error);
    border-radius: var(--_radius);
    color: var(--_error);
    background: color-mix(in srgb, var(--_error) 8%, transparent);
    overflow-wrap: anywhere;
  }
  .error .hint {
    margin: calc(var(--_space) / 2) 0 0;
    color: var(--_text);
  }

  .jump {
    position: absolute;
    inset-inline-end: calc(var(--_space) * 2);
    bottom: 5.5em;
    background: var(--_accent);
    color: var(--_accent-text);
    border: 0;
    border-radius: 999px;
    padding: calc(var(--_space) / 2) calc(var(--_space) * 1.5);
    box-shadow: 0 2px 8px rgb(0 0 0 / 0.25);
    cursor: pointer;
  }

  .composer {
    display: grid;
    grid-template-columns: auto 1fr auto;
    align-items: end;
    gap: var(--_space);
    padding: calc(var(--_space) * 1.5);
    border-top: 1px solid var(--_border);
  }
  .notice {
    display: flex;
    align-items: center;
    justify-content: space-between;
    gap: var(--_space);
    padding: calc(var(--_space) * 0.75) calc(var(--_space) * 1.5);
    border-top: 1px solid var(--_error);
    color: var(--_error);
    font-size: 0.85em;
  }
  .editing {
    grid-column: 1 / -1;
    display: flex;
    align-items: center;
    justify-content: space-between;
    gap: var(--_space);
    font-size: 0.85em;
    color: var(--_muted);
  }
  .attach {
    min-height: 2.6em;
    padding: 0 calc(var(--_space) * 1.25);
    background: var(--_surface);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    cursor: pointer;
  }
  .pending {
    grid-column: 1 / -1;
    display: flex;
    flex-wrap: wrap;
    gap: calc(var(--_space) / 2);
    margin: 0;
    padding: 0;
    list-style: none;
  }
  .chip {
    display: inline-flex;
    align-items: center;
    gap: calc(var(--_space) / 2);
    max-width: 100%;
    padding: calc(var(--_space) / 4) calc(var(--_space) * 0.75);
    border: 1px solid var(--_border);
    border-radius: 999px;
    background: var(--_surface);
    font-size: 0.85em;
    overflow-wrap: anywhere;
  }
  .chip .thumbnail {
    width: 1.6em;
    height: 1.6em;
    object-fit: cover;
    border-radius: 4px;
  }
  .chip button {
    border: 0;
    background: none;
    color: inherit;
    cursor: pointer;
    padding: 0 calc(var(--_space) / 4);
  }
  .refusal {
    grid-column: 1 / -1;
    display: flex;
    align-items: center;
    justify-content: space-between;
    gap: var(--_space);
    color: var(--_error);
    font-size: 0.85em;
  }
  textarea {
    resize: none;
    field-sizing: content;
    min-height: 2.6em;
    max-height: 40vh;
    width: 100%;
    padding: calc(var(--_space) * 0.9) calc(var(--_space) * 1.25);
    background: var(--_surface);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    line-height: 1.45;
  }
  textarea::placeholder {
    color: var(--_muted);
  }
  .send,
  .stop {
    min-height: 2.6em;
    padding: 0 calc(var(--_space) * 2);
    border-radius: var(--_radius);
    border: 1px solid transparent;
    cursor: pointer;
    font-weight: 600;
  }
  .send {
    background: var(--_accent);
    color: var(--_accent-text);
  }
  .stop {
    background: var(--_surface);
    border-color: var(--_error);
    color: var(--_error);
  }
`;
