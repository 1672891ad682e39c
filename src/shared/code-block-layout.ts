/**
 * The shape of a code block's DOM, shared by the worker that writes whole
 * blocks as HTML (render/code-block.ts), the element that appends streamed
 * lines (view/apply-patch.ts) and the styles that size what is not laid out
 * yet (view/message-styles.ts). A streamed block and a block rendered in one
 * shot must be the same DOM, and the styles must know that DOM's sizes: so
 * each value is defined here, once.
 *
 *     <code>
 *       <span class="code-group">                 CODE_GROUP_LINES lines
 *         <span class="code-chunk">…</span>        CODE_CHUNK_LINES lines each
 *       </span>
 *     </code>
 */

/**
 * A line of code, as the worker writes it around the line's tokens: what a
 * `code-colour` op fills is what lies between the two.
 */
export const LINE_OPEN = '<span class="line">';
export const LINE_CLOSE = '</span>';

/**
 * Lines per `.code-chunk`: a plain block, so the browser lays out a growing
 * block's last chunk again, not all of its lines. Chunks are cut by line
 * index, so where a line lands never depends on how the text was streamed.
 *
 * Small, because that last chunk is one inline formatting context laid out
 * again in every frame that adds to it: with many chats streaming on a page,
 * this re-layout was the largest part of a frame's layout, and it shrank with
 * the chunk (bench scenario `ten`, traced). A chunk also contains its paint
 * (message-styles.ts), so it is all that such a frame paints again. An extra
 * block per few lines costs the browser next to nothing.
 */
export const CODE_CHUNK_LINES = 20;

/**
 * Lines per `.code-group` (a whole number of chunks): the unit that is laid
 * out lazily (`content-visibility: auto`). The browser pays a little per
 * frame for every such element, on screen or not, so groups are bigger than
 * chunks; but a group that stops being the last one is painted whole once,
 * so they are not much bigger.
 */
export const CODE_GROUP_LINES = 200;

/**
 * `line-height` of a code block, unitless (a multiple of its font size). The
 * placeholder height of a group that was never laid out is derived from it.
 */
export const CODE_LINE_HEIGHT = 1.45;

/**
 * Height, in `em` of the code font, that a group which was never laid out
 * takes (`contain-intrinsic-block-size`): exactly a full group's lines, so
 * the scroll height does not jump when groups are laid out for the first
 * time. After that, `auto` remembers each group's real size.
 */
export const CODE_GROUP_PLACEHOLDER_EM = CODE_GROUP_LINES * CODE_LINE_HEIGHT;
