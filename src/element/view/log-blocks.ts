/**
 * The log's blocks: messages grouped by their place in the conversation, so
 * that the browser lays out (and skips, `content-visibility`) a block at a
 * time (vllm-chat.template.ts places them, vllm-chat.styles.ts sizes them,
 * restore-history.ts places a stored conversation a block at a time).
 */
import type { MessageView } from './message-view.js';

/**
 * Messages per block of the log. The log lays out its blocks and a block its
 * messages, so a message laid out anew (the growing reply, one scrolled into
 * view) costs the layout of its block and of the log's blocks, about
 * `LOG_BLOCK + messages / LOG_BLOCK` boxes, where a flat log passed over
 * every message in every frame that changed one.
 */
export const LOG_BLOCK = 32;

export interface LogBlock {
  /** The block's place in the conversation: it holds messages `key * LOG_BLOCK` to `(key + 1) * LOG_BLOCK - 1`. */
  key: number;
  views: MessageView[];
}

/** `views` (the first at `first` in the conversation) in blocks of `LOG_BLOCK`, each always holding the same positions. O(views). */
export function logBlocks(views: readonly MessageView[], first: number): LogBlock[] {
  const blocks: LogBlock[] = [];
  let block: LogBlock | undefined;
  views.forEach((view, i) => {
    const key = Math.floor((first + i) / LOG_BLOCK);
    if (block?.key !== key) blocks.push((block = { key, views: [] }));
    block.views.push(view);
  });
  return blocks;
}
