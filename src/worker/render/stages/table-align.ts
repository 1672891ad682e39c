/**
 * GFM table cell alignment as a class (`align-left|right|center`, styled in
 * message-styles.ts): markdown-it writes `style="text-align:…"`, and inline
 * styles are blocked by a strict CSP.
 */
import type { MarkdownIt, Token } from 'markdown-it';
import type { RenderStage } from './render-stage.js';

function alignToClass(token: Token): void {
  const style = token.attrGet('style');
  if (style === null) return;
  token.attrs = (token.attrs ?? []).filter(([name]) => name !== 'style');
  const align = /text-align:(left|right|center)/.exec(String(style))?.[1];
  if (align) token.attrJoin('class', `align-${align}`);
}

function installTableAlign(md: MarkdownIt): void {
  md.core.ruler.push('vllm_table_align', state => {
    for (const token of state.tokens) {
      if (token.type === 'th_open' || token.type === 'td_open') alignToClass(token);
    }
  });
}

export const tableAlign: RenderStage = { name: 'table-align', markdown: installTableAlign };
