/**
 * The HTML of a code block: its shell (wrapper, header with the language and
 * the wrap, download and copy buttons, empty `<pre part="code-block">`) and
 * its lines. Every code block goes through
 * these functions, streamed or not, so a streamed block and a block rendered
 * in one shot are the same DOM.
 *
 *     <div class="code-block" dir="ltr" data-lang="py">
 *       <div class="code-header"><span part="code-language">py</span>
 *         <span class="code-actions"><button part="wrap-button" aria-pressed="false">…</button>
 *           <button part="download-button">…</button><button part="copy-button">…</button></span></div>
 *       <pre part="code-block" class="shiki t-github-dark"><code>
 *         <span class="code-group">                          (CODE_GROUP_LINES lines each)
 *           <span class="code-chunk"><span class="line">…</span>\n…</span>   (CODE_CHUNK_LINES lines each)
 *         </span>
 *       </code></pre>
 *     </div>
 *
 * The sizes are those of shared/code-block-layout.ts. The `<code>` text is
 * exactly the code: lines are separated by one `\n` text node, the last line
 * has none. A chunk's last newline sits inside the chunk
 * (a newline between two blocks would render as an empty line).
 *
 * The buttons carry only parts and labels: the element wires them by
 * delegation and reads the code from the `<code>` text, never from markup.
 * The whole header is in the shell, so nothing moves when the first line
 * arrives.
 */
import { CODE_CHUNK_LINES, CODE_GROUP_LINES, LINE_CLOSE, LINE_OPEN } from '../../shared/code-block-layout.js';
import { attr, escapeHtml } from './safe-html.js';

/** What a code block's shell shows. */
export interface CodeBlockHead {
  /** Sanitized language word of the fence, `''` when none. */
  lang: string;
  /** The fence's language word as written (shown as text), `''` when none. */
  label?: string;
  /** Classes of the `<pre>`: `shiki t-<theme>`. */
  preClass: string;
  /** Accessible name and text of the copy button. */
  copyLabel: string;
  /** Accessible name and text of the download button. */
  downloadLabel?: string;
  /** Accessible name and text of the soft-wrap toggle. */
  wrapLabel?: string;
}

/** Longest language word shown in the header; longer info words are cut. */
const LABEL_MAX = 40;

/** The shell of a code block, with an empty `<code>`. */
export function codeBlockShell(head: CodeBlockHead): string {
  const label = [...(head.label ?? head.lang)].slice(0, LABEL_MAX).join('');
  return (
    // Code reads left to right in any page and any answer (the element's styles also isolate it).
    `<div class="code-block" dir="ltr"${attr('data-lang', head.lang)}>` +
    `<div class="code-header"><span part="code-language" class="code-lang">${escapeHtml(label)}</span>` +
    `<span class="code-actions">` +
    `<button type="button" part="wrap-button" class="code-button" aria-pressed="false"${attr('aria-label', head.wrapLabel ?? 'Wrap')}>${escapeHtml(head.wrapLabel ?? 'Wrap')}</button>` +
    `<button type="button" part="download-button" class="code-button"${attr('aria-label', head.downloadLabel ?? 'Download')}>${escapeHtml(head.downloadLabel ?? 'Download')}</button>` +
    `<button type="button" part="copy-button" class="copy-button code-button"${attr('aria-label', head.copyLabel)}>${escapeHtml(head.copyLabel)}</button>` +
    `</span></div><pre part="code-block"${attr('class', head.preClass)}><code></code></pre></div>`
  );
}

/** One line's HTML from its already-made token spans. */
export function lineHtml(tokensHtml: string): string {
  return `${LINE_OPEN}${tokensHtml}${LINE_CLOSE}`;
}

/** One line shown as plain text (unknown language, or a partial line too long to re-tokenize). */
export function plainLineHtml(text: string): string {
  return `${LINE_OPEN}${escapeHtml(text)}${LINE_CLOSE}`;
}

/**
 * A whole code block as static HTML, chunked exactly as the main-thread
 * applier chunks streamed lines (used for fences nested in lists and quotes,
 * which are rendered as part of their markdown block).
 */
export function codeBlockHtml(head: CodeBlockHead, lines: readonly string[]): string {
  const shell = codeBlockShell(head);
  const at = shell.lastIndexOf('</code>');
  let body = '';
  for (let i = 0; i < lines.length; i += CODE_CHUNK_LINES) {
    if (i % CODE_GROUP_LINES === 0) body += `${i > 0 ? '</span>' : ''}<span class="code-group">`;
    const chunk = lines.slice(i, i + CODE_CHUNK_LINES).join('\n');
    const more = i + CODE_CHUNK_LINES < lines.length ? '\n' : '';
    body += `<span class="code-chunk">${chunk}${more}</span>`;
  }
  if (lines.length > 0) body += '</span>';
  return shell.slice(0, at) + body + shell.slice(at);
}
