/**
 * `![alt](src)` shows as an image only when the render options allow images
 * and the source is absolute `http:`/`https:`; otherwise it is a link with the
 * alt text, so nothing loads by itself.
 */
import type { MarkdownIt } from 'markdown-it';
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
    return linkHtml(src, escapeHtml(alt || src));
  };
}

export const images: RenderStage = { name: 'images', markdown: installImages };
