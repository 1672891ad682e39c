/**
 * What the buttons of a code block do (the element wires them by delegation):
 * soft wrap, download, and the collapse of long finished blocks. The code
 * always comes from the block's `<code>` text, never from markup.
 */
import type { VllmChatStrings } from '../strings.js';
import { codeBlockSource } from './apply-patch.js';
import { codeFileName } from './code-file-name.js';
import { downloadText } from './download-text.js';

/** Toggles soft wrap of the button's block; `aria-pressed` says whether it is on. */
export function toggleWrap(button: HTMLButtonElement): void {
  const block = button.closest('.code-block');
  if (!block) return;
  const on = button.getAttribute('aria-pressed') !== 'true';
  button.setAttribute('aria-pressed', String(on));
  block.classList.toggle('wrap', on);
}

/** Saves the button's block as a file named after its language. */
export function downloadCode(button: HTMLButtonElement): void {
  const block = button.closest('.code-block');
  if (!block) return;
  downloadText(codeBlockSource(block), codeFileName(block.getAttribute('data-lang') ?? ''));
}

/**
 * Collapses every code block in `root` longer than `limit` lines (0: none),
 * with an `expand-button` under it; undoes it for blocks no longer longer.
 * Call only for finished messages: a streaming block never collapses.
 * O(lines of the blocks).
 */
export function collapseCodeBlocks(root: Element, limit: number, strings: VllmChatStrings): void {
  for (const block of root.querySelectorAll<HTMLElement>('.code-block')) {
    const lines = block.querySelectorAll('pre > code .line').length;
    const existing = block.querySelector<HTMLButtonElement>(':scope > [part~="expand-button"]');
    if (!(limit > 0 && lines > limit)) {
      existing?.remove();
      block.classList.remove('collapsed');
      continue;
    }
    // CSSOM, not a style attribute: strict `style-src` policies allow it.
    block.style.setProperty('--collapsed-lines', String(Math.floor(limit)));
    if (existing) {
      // Already collapsible: keep whether the reader expanded it.
      existing.dataset.lines = String(lines);
      continue;
    }
    const button = document.createElement('button');
    button.type = 'button';
    button.setAttribute('part', 'expand-button');
    button.className = 'expand-button';
    button.dataset.lines = String(lines);
    block.append(button);
    setExpanded(button, false, strings);
  }
}

/** Shows the button's block whole, or collapsed again. */
export function toggleExpand(button: HTMLButtonElement, strings: VllmChatStrings): void {
  setExpanded(button, button.getAttribute('aria-expanded') !== 'true', strings);
}

function setExpanded(button: HTMLButtonElement, expanded: boolean, strings: VllmChatStrings): void {
  const block = button.closest('.code-block');
  button.setAttribute('aria-expanded', String(expanded));
  button.textContent = expanded ? strings.collapse : strings.expand(Number(button.dataset.lines));
  block?.classList.toggle('collapsed', !expanded);
}
