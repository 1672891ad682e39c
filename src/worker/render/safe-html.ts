/**
 * The only module of the worker that turns text into markup.
 *
 * Model and server text is hostile. Everything the worker sends as HTML is
 * either built here from escaped text, or produced by markdown-it's renderer
 * with raw HTML disabled, whose own output escapes every text and attribute
 * value; each renderer rule we override (links, images, fences, tables) builds
 * its markup with these functions. Nothing else may concatenate markup.
 * Typeset math is the one exception, and it has its own allow-list:
 * safe-mathml.ts.
 */

const escapes: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text as HTML text or attribute value: `& < > " '` escaped. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, ch => escapes[ch] ?? ch);
}

/** ` name="value"` with the value escaped; names are ours, never the model's. */
export function attr(name: string, value: string): string {
  return ` ${name}="${escapeHtml(value)}"`;
}

/**
 * A fence info word reduced to a harmless identifier: lower case letters,
 * digits and `+ # . _ -`, at most 32 characters (`c++`, `c#`, `objective-c`).
 */
export function sanitizeLang(info: string): string {
  return info
    .toLowerCase()
    .replace(/[^a-z0-9+#._-]/g, '')
    .slice(0, 32);
}

/** A value usable as part of a class name: `[a-z0-9-]` only. */
export function classToken(value: string): string {
  return value.toLowerCase().replace(/[^a-z0-9-]/g, '-').slice(0, 64);
}

// RFC 3986 §3.1: scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) followed by ":".
const schemeRe = /^([a-zA-Z][a-zA-Z0-9+.-]*):/;
const linkSchemes = new Set(['http', 'https', 'mailto']);
const imageSchemes = new Set(['http', 'https']);

function allowed(url: string, schemes: Set<string>, relative: boolean): boolean {
  // Browsers strip leading C0 controls and spaces and drop tabs/newlines
  // anywhere in a URL (WHATWG URL §4.4), so `java\tscript:` is `javascript:`.
  // markdown-it percent-encodes them, but refuse them outright all the same.
  if (url === '' || /[\u0000-\u0020\u007f]/.test(url)) return false;
  const scheme = schemeRe.exec(url);
  if (!scheme) return relative;
  return schemes.has((scheme[1] ?? '').toLowerCase());
}

/** Link targets: `http:`, `https:`, `mailto:` and relative URLs. */
export function isSafeHref(url: string): boolean {
  return allowed(url, linkSchemes, true);
}

/** Image sources when images are allowed: absolute `http:`/`https:` only. */
export function isSafeImageSrc(url: string): boolean {
  return allowed(url, imageSchemes, false);
}

/** Attributes every rendered link carries: a new tab that cannot reach back to us. */
export const linkRel = 'noopener noreferrer';
export const linkTarget = '_blank';

/** `<a href=… rel target>` around already-safe inner HTML, or the inner HTML alone for an unsafe URL. */
export function linkHtml(href: string, innerHtml: string): string {
  if (!isSafeHref(href)) return innerHtml;
  return `<a${attr('href', href)}${attr('rel', linkRel)}${attr('target', linkTarget)}>${innerHtml}</a>`;
}

/** `<img>` for an allowed source; never loads anything by itself otherwise (the caller decides). */
export function imageHtml(src: string, alt: string): string {
  return `<img${attr('src', src)}${attr('alt', alt)} loading="lazy" referrerpolicy="no-referrer">`;
}

/** `<span class="…">text</span>`; class names are ours (derived from colours), the text is escaped. */
export function spanHtml(className: string, text: string): string {
  return className ? `<span class="${escapeHtml(className)}">${escapeHtml(text)}</span>` : `<span>${escapeHtml(text)}</span>`;
}

/** A task list item's checkbox: shown, never editable (the model's list is not a form). */
export function checkboxHtml(checked: boolean): string {
  return `<input type="checkbox" class="task-checkbox" disabled${checked ? ' checked' : ''}>`;
}
