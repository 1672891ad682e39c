/**
 * Re-colours code blocks already on screen for a new theme (`theme` is live),
 * or colours the lines a stopped reply left plain. The worker highlights each
 * block's exact text again; nothing is requested from the model server.
 * Called by MessageView only.
 */
import type { HighlightedCode } from '../../shared/protocol.js';
import { codeBlockSource, openCodeBlock, restyleCodeBlock } from './apply-patch.js';
import { addTokenStyles } from './message-styles.js';

/**
 * Restyles every `.code-block` inside `root`, one block at a time (one
 * frame's DOM work per block: O(its lines)). Stops as soon as `current()` is
 * false, i.e. the theme changed again meanwhile; returns whether it was not.
 * A block that is still growing is left alone: its stream re-colours it
 * (`code-recolour`). `apply` puts a block's new lines on screen: by default
 * they replace its lines (a new theme).
 */
export async function recolourCode(
  root: Element,
  highlight: (code: string, lang: string) => Promise<HighlightedCode>,
  current: () => boolean,
  apply: (block: Element, highlighted: HighlightedCode) => void = restyleCodeBlock,
): Promise<boolean> {
  for (const block of [...root.querySelectorAll('.code-block')]) {
    if (isOpen(block)) continue;
    const highlighted = await highlight(codeBlockSource(block), block.getAttribute('data-lang') ?? '');
    await new Promise(requestAnimationFrame);
    if (!current()) return false;
    if (!block.isConnected || isOpen(block)) continue;
    addTokenStyles(highlighted.styles);
    apply(block, highlighted);
  }
  return current();
}

function isOpen(block: Element): boolean {
  const section = block.parentElement;
  return section !== null && openCodeBlock(section) === block;
}
