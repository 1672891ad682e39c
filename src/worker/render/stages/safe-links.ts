/**
 * Links, autolinks and linkified URLs go only to `http:`, `https:`, `mailto:`
 * and relative URLs (safe-html.ts decides), and open in a new tab that cannot
 * reach back to the page. A refused URL leaves its text as text.
 */
import type { MarkdownIt } from 'markdown-it';
import { isSafeHref, linkRel, linkTarget } from '../safe-html.js';
import type { RenderStage } from './render-stage.js';

function installSafeLinks(md: MarkdownIt): void {
  // Every link syntax passes through validateLink before it becomes a token.
  md.validateLink = url => isSafeHref(url);
  // A bare `www.` link (GFM's extended autolink), not bare domains: `setup.py` is not a link.
  md.linkify.add('www.', { validate: wwwLinkLength, normalize: match => void (match.url = `http://${match.url}`) });
  md.core.ruler.push('vllm_safe_links', state => {
    for (const block of state.tokens) {
      for (const token of block.children ?? []) {
        if (token.type !== 'link_open') continue;
        const href = String(token.attrGet('href') ?? '');
        if (isSafeHref(href)) {
          token.attrSet('rel', linkRel);
          token.attrSet('target', linkTarget);
        } else {
          token.attrs = null;
          token.meta = { ...token.meta, unsafe: true };
        }
      }
    }
  });
  const rules = md.renderer.rules;
  // An unsafe link (e.g. `[x]()`) is rendered as its text: drop both tags.
  let unsafeDepth = 0;
  rules.link_open = (tokens, idx, opts, _env, self) => {
    if (tokens[idx]?.meta?.unsafe) {
      unsafeDepth++;
      return '';
    }
    return self.renderToken(tokens, idx, opts);
  };
  rules.link_close = (tokens, idx, opts, _env, self) => {
    if (unsafeDepth > 0) {
      unsafeDepth--;
      return '';
    }
    return self.renderToken(tokens, idx, opts);
  };
}

/**
 * Length of a `www.` link's rest (linkify-it hands us the text after `www.`):
 * a domain of letters, digits, `_` and `-` in dot-separated parts, then a
 * path up to a space or `<`, less trailing punctuation and unbalanced
 * closing parentheses (GFM's extended autolink rules). 0: not a link.
 */
function wwwLinkLength(text: string, pos: number): number {
  const match = /^[\p{L}\p{N}_-]+(?:\.[\p{L}\p{N}_-]+)*(?:[/?#][^\s<]*)?/u.exec(text.slice(pos));
  let link = match?.[0] ?? '';
  for (;;) {
    const trimmed = link.replace(/[?!.,:*_~'"]+$/, '');
    const opens = trimmed.split('(').length;
    const closes = trimmed.split(')').length;
    const next = trimmed.endsWith(')') && closes > opens ? trimmed.slice(0, -1) : trimmed;
    if (next === link) break;
    link = next;
  }
  return link.length;
}

export const safeLinks: RenderStage = { name: 'safe-links', markdown: installSafeLinks };
