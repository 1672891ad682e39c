/**
 * Re-colours code blocks already on screen for a new theme (`theme` is live).
 * The worker highlights each block's exact text again; nothing is requested
 * from the model server.
 */
import type * as Comlink from 'comlink';
import type { WorkerApi } from '../../shared/protocol.js';
import { codeBlockSource, openCodeBlock, restyleCodeBlock } from './apply-patch.js';
import { addTokenStyles } from './message-styles.js';

/**
 * Restyles every `.code-block` inside `roots` with `theme`, one block at a
 * time (one frame's DOM work per block: O(its lines)). Stops as soon as
 * `current()` is false, i.e. the theme changed again meanwhile. A block that
 * is still growing is left alone: its stream re-colours it (`code-recolour`).
 */
export async function recolourCode(
  worker: Comlink.Remote<WorkerApi>,
  roots: readonly Element[],
  theme: string,
  current: () => boolean,
): Promise<void> {
  const blocks = roots.flatMap(root => [...root.querySelectorAll('.code-block')]);
  for (const block of blocks) {
    if (isOpen(block)) continue;
    const highlighted = await worker.highlight(codeBlockSource(block), block.getAttribute('data-lang') ?? '', theme);
    await new Promise(requestAnimationFrame);
    if (!current()) return;
    if (!block.isConnected || isOpen(block)) continue;
    addTokenStyles(highlighted.styles);
    restyleCodeBlock(block, highlighted);
  }
}

function isOpen(block: Element): boolean {
  const section = block.parentElement;
  return section !== null && openCodeBlock(section) === block;
}
