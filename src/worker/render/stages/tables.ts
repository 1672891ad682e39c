/**
 * GFM tables (markdown-it's own `table` rule parses them): each table sits in
 * a wrapper that scrolls sideways inside the message when the table is wider,
 * under a bar with the table's copy button. The button carries only its part
 * and label; the element copies the table's cells as shown (tab-separated).
 */
import type { MarkdownIt } from 'markdown-it';
import type { RenderOptions } from '../../../shared/protocol.js';
import { attr, escapeHtml } from '../safe-html.js';

export const tablesStage = {
  name: 'tables',
  markdown(md: MarkdownIt, options: RenderOptions): void {
    const label = options.labels.copyTable ?? 'Copy table';
    const open =
      `<div class="table-block"><div class="table-bar">` +
      `<button type="button" part="table-copy-button" class="code-button"${attr('aria-label', label)}>${escapeHtml(label)}</button>` +
      `</div><div class="table-scroll">`;
    md.renderer.rules.table_open = (tokens, idx, opts, _env, self) => open + self.renderToken(tokens, idx, opts);
    md.renderer.rules.table_close = (tokens, idx, opts, _env, self) => `${self.renderToken(tokens, idx, opts).trimEnd()}</div></div>\n`;
  },
};

/** Inputs for the streamed == one-shot test of every stage. */
export const tablesSamples: string[] = [
  '| a | b |\n|---|---|\n| 1 | 2 |\n| 3 | 4 |\n',
  'Before\n\n| left | centre | right |\n|:-----|:------:|------:|\n| `x|y` | **b** | 3 |\n| a \\| b | | 10 |\n\nAfter\n',
  '| wide |' + ' col |'.repeat(30) + '\n|---|' + '---|'.repeat(30) + '\n| v |' + ' value |'.repeat(30) + '\n',
  '| only header |\n|---|\n\n- item\n\n| x | y |\n| - | - |\n| 1 | 2\n',
];
