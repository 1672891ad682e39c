/**
 * `![alt](src)` shows as an image only when the render options allow images
 * and the source is absolute `http:`/`https:`; otherwise it is a link with the
 * alt text, so nothing loads by itself.
 */
import type { MarkdownIt, Token } from 'markdown-it';
import type { RenderOptions } from '../../../shared/protocol.js';
import { escapeHtml, imageHtml, isSafeImageSrc, linkHtml } from '../safe-html.js';
import type { RenderStage } from './render-stage.js';

function installImages(md: MarkdownIt, options: RenderOptions): void {
  md.renderer.rules.image = (tokens, idx, opts, env, self) => {
    const token = tokens[idx];
    if (!token) return '';
    const src = String(token.attrGet('src') ?? '');
    const alt = self.renderInlineAsText(token.children ?? [], opts, env);
    if (options.allowImages === true && isSafeImageSrc(src)) return imageHtml(src, alt);
    // A badge (`[![build](…svg)](…)`): a link inside a link would split into two; its alt text is the link text.
    if (insideLink(tokens, idx)) return escapeHtml(alt || src);
    return linkHtml(src, escapeHtml(alt || src));
  };
}

/** True when inline token `idx` sits inside a link that is rendered as a link. O(idx). */
function insideLink(tokens: readonly Token[], idx: number): boolean {
  const open: boolean[] = [];
  for (let i = 0; i < idx; i++) {
    const token = tokens[i];
    if (token?.type === 'link_open') open.push(!token.meta?.unsafe);
    else if (token?.type === 'link_close') open.pop();
  }
  return open.includes(true);
}

export const images: RenderStage = { name: 'images', markdown: installImages };
