/**
 * MathML from Temml's markup, rebuilt from an allow-list: the one place
 * typeset math becomes markup (a companion of safe-html.ts, which the rest
 * of the worker uses).
 *
 * Temml builds its markup from escaped TeX and has no `eval`, fonts or
 * styles of its own, but its output is still the product of hostile text:
 * it is not passed on, it is read token by token and written again with
 * `safe-html.ts`'s escaping. Only MathML Core presentation elements (plus
 * `menclose`, which Temml uses for `\cancel`) and their presentation
 * attributes survive; anything else (a link, an image, an event handler, an
 * `id`, `annotation-xml`, which may hold HTML) is dropped with its content or
 * its attribute. Input that does not read as the tags and text Temml writes
 * is refused whole (null), so nothing half-understood is ever sent.
 *
 * `style` never survives: a strict CSP blocks inline styles, so the one
 * style that carries meaning, a colour (`\color`), becomes `mathcolor` /
 * `mathbackground`; spacing and borders are left to the element's styles.
 */
import { attr, escapeHtml } from './safe-html.js';

/** MathML Core's presentation elements (and `menclose`), without `maction` and `annotation-xml`. */
const elements = new Set([
  'math', 'semantics', 'annotation', 'mrow', 'mi', 'mn', 'mo', 'ms', 'mtext', 'mspace',
  'msub', 'msup', 'msubsup', 'munder', 'mover', 'munderover', 'mmultiscripts', 'mprescripts', 'none',
  'mfrac', 'msqrt', 'mroot', 'mstyle', 'merror', 'mpadded', 'mphantom', 'mtable', 'mtr', 'mtd', 'menclose',
]);

/** Presentation attributes: none of them loads, links or runs anything. */
const attributes = new Set([
  'display', 'displaystyle', 'scriptlevel', 'mathvariant', 'mathsize', 'mathcolor', 'mathbackground', 'dir',
  'fence', 'form', 'separator', 'stretchy', 'symmetric', 'largeop', 'movablelimits', 'lspace', 'rspace',
  'minsize', 'maxsize', 'accent', 'accentunder', 'linethickness', 'width', 'height', 'depth', 'voffset',
  'notation', 'columnalign', 'rowalign', 'columnspan', 'rowspan', 'encoding',
]);

/**
 * Values of the attributes above are words, numbers, lengths and `#rrggbb`
 * colours: no quotes, parentheses, colons or slashes, so no `url(…)` and no
 * scheme can pass.
 */
const safeValue = /^[\w .#%+-]{0,64}$/;

/** Temml's own class names (`tml-…`) are kept for the element's styles; any other is dropped. */
const safeClass = /^tml-[a-z0-9-]{1,32}$/;

/** A colour `\color` may leave in a style: `#rgb`/`#rrggbb` or a CSS colour name. */
const safeColour = /^(?:#[0-9a-fA-F]{3,8}|[a-zA-Z]{3,20})$/;

/** One tag or one run of text of Temml's markup; attributes always double-quoted, as Temml writes them. */
const tokenRe = /<(\/?)([a-z][a-z0-9-]*)((?:\s+[a-zA-Z][a-zA-Z0-9:-]*="[^"<>]*")*)\s*>|([^<>]+)/y;
const attrRe = /([a-zA-Z][a-zA-Z0-9:-]*)="([^"<>]*)"/g;

const entities: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#x27': "'", '#39': "'", nbsp: '\u00a0' };

/** Text of Temml's markup: the entities it writes, then any numeric reference. */
function decode(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|[a-z0-9]{2,8});/g, (whole, name: string) => {
    const known = entities[name];
    if (known !== undefined) return known;
    const code = name.startsWith('#x') ? parseInt(name.slice(2), 16) : name.startsWith('#') ? parseInt(name.slice(1), 10) : NaN;
    return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

/** The allowed attributes of one tag, written again. */
function rebuildAttributes(tag: string, source: string): string {
  let out = '';
  for (const [, rawName, rawValue] of source.matchAll(attrRe)) {
    const name = (rawName ?? '').toLowerCase();
    const value = decode(rawValue ?? '');
    if (name === 'style') {
      // Only the colour of `\color` / `\colorbox` carries meaning; see the header.
      for (const decl of value.split(';')) {
        const [prop, val] = decl.split(':').map(s => s.trim());
        if (prop === 'color' && val && safeColour.test(val)) out += attr('mathcolor', val);
        if (prop === 'background-color' && val && safeColour.test(val)) out += attr('mathbackground', val);
      }
    } else if (name === 'class') {
      const kept = value.split(/\s+/).filter(c => safeClass.test(c));
      if (kept.length) out += attr('class', kept.join(' '));
    } else if (name === 'encoding') {
      if (tag === 'annotation' && value === 'application/x-tex') out += attr(name, value);
    } else if (attributes.has(name) && safeValue.test(value)) {
      out += attr(name, value);
    }
  }
  return out;
}

/**
 * Temml's markup of one formula → safe MathML, or null when it is not one
 * `<math>` element made of tags and text as Temml writes them. O(markup).
 */
export function safeMathml(markup: string): string | null {
  let out = '';
  /** Open tags; `drop` tags are skipped together with their content. */
  const stack: { tag: string; drop: boolean }[] = [];
  let dropping = 0;
  let sawMath = false;
  tokenRe.lastIndex = 0;
  while (tokenRe.lastIndex < markup.length) {
    const at = tokenRe.lastIndex;
    const m = tokenRe.exec(markup);
    if (!m || m.index !== at) return null;
    const [, slash, rawTag, attrs, text] = m;
    if (text !== undefined) {
      if (stack.length === 0) return null;
      if (dropping === 0) out += escapeHtml(decode(text));
      continue;
    }
    const tag = (rawTag ?? '').toLowerCase();
    if (slash) {
      const open = stack.pop();
      if (!open || open.tag !== tag) return null;
      if (open.drop) dropping--;
      else if (dropping === 0) out += `</${tag}>`;
      continue;
    }
    if (stack.length === 0) {
      if (sawMath || tag !== 'math') return null;
      sawMath = true;
    }
    const drop = dropping > 0 || !elements.has(tag);
    stack.push({ tag, drop });
    if (drop) dropping++;
    else out += `<${tag}${rebuildAttributes(tag, attrs ?? '')}>`;
  }
  return sawMath && stack.length === 0 ? out : null;
}

/** TeX that could not be typeset, as text with its delimiters, in part `math-error` (a `<p>` for a block). */
export function mathErrorHtml(source: string, block: boolean): string {
  const tag = block ? 'p' : 'span';
  return `<${tag} part="math-error" class="math-error">${escapeHtml(source)}</${tag}>`;
}

/** A paragraph of already-safe inline HTML (display math followed by text on its closing line). */
export function paragraphHtml(innerHtml: string): string {
  return `<p>${innerHtml}</p>\n`;
}
