/**
 * A code group's markup in a compact form, kept while the group is collapsed
 * to its text (code-collapser.ts): the group's text stays in the DOM, and
 * what is kept beside it is only where each span starts and ends and which
 * classes it has, one 32-bit word per token instead of the token's markup
 * (its `<span class="c-xxxxxx">…</span>`, several times the token's text).
 *
 * Only the shape the worker's code blocks have is encoded (spans whose only
 * attribute is `class`, and text); anything else gives `undefined`, and the
 * caller keeps the markup as a string. Rebuilding creates elements and text
 * nodes (`textContent`, never HTML parsing): the text is the group's own, the
 * class names are ones the worker's safe markup had put in the DOM.
 *
 * A word's low two bits say what it is:
 * - `TEXT`: a text node of `word >>> 2` characters;
 * - `SPAN_TEXT`: a span (class `(word >>> 2) & CLASS_MASK`) holding one text
 *   node of `word >>> SPAN_LENGTH_SHIFT` characters: a token, the common case;
 * - `OPEN`: a span (class `word >>> 2`) whose children follow, up to `CLOSE`.
 * Class 0 is a span without a `class` attribute.
 */

const TEXT = 0;
const SPAN_TEXT = 1;
const OPEN = 2;
const CLOSE = 3;
const CLASS_BITS = 10;
const CLASS_MASK = (1 << CLASS_BITS) - 1;
const SPAN_LENGTH_SHIFT = 2 + CLASS_BITS;
/** Longest token text a `SPAN_TEXT` word holds; a longer one is `OPEN`, `TEXT`, `CLOSE`. */
const SPAN_LENGTH_MAX = 2 ** (32 - SPAN_LENGTH_SHIFT) - 1;
/** Longest text a `TEXT` word holds (a group's text is far shorter). */
const TEXT_MAX = 2 ** 30 - 1;

/** Every class attribute value seen, by index (0: none); theme colours and font styles, so few. */
const classNames: string[] = [''];
const classIndex = new Map<string, number>([['', 0]]);

function classOf(span: Element): number | undefined {
  const attributes = span.attributes;
  if (attributes.length === 0) return 0;
  if (attributes.length > 1 || attributes[0]!.name !== 'class') return undefined;
  const value = attributes[0]!.value;
  // An empty `class=""` would come back as no attribute: not this shape.
  if (value === '') return undefined;
  let index = classIndex.get(value);
  if (index === undefined) {
    index = classNames.push(value) - 1;
    classIndex.set(value, index);
  }
  return index;
}

/** The runs of `group`'s children, or `undefined` when they are not the shape of code. O(nodes). */
export function groupRuns(group: Element): Uint32Array | undefined {
  const words: number[] = [];
  const encode = (parent: Node): boolean => {
    for (let node = parent.firstChild; node; node = node.nextSibling) {
      if (node.nodeType === Node.TEXT_NODE) {
        const length = (node as Text).length;
        if (length > TEXT_MAX) return false;
        // Adjacent text nodes would come back as one: not this shape.
        if (length === 0 || node.previousSibling?.nodeType === Node.TEXT_NODE) return false;
        words.push(length * 4 + TEXT);
        continue;
      }
      if (node.nodeType !== Node.ELEMENT_NODE || (node as Element).localName !== 'span' || (node as Element).namespaceURI !== group.namespaceURI) return false;
      const cls = classOf(node as Element);
      if (cls === undefined) return false;
      const only = node.firstChild;
      if (only && only === node.lastChild && only.nodeType === Node.TEXT_NODE && cls <= CLASS_MASK && (only as Text).length <= SPAN_LENGTH_MAX && (only as Text).length > 0) {
        words.push((((only as Text).length * 2 ** SPAN_LENGTH_SHIFT) >>> 0) + cls * 4 + SPAN_TEXT);
        continue;
      }
      words.push(cls * 4 + OPEN);
      if (!encode(node)) return false;
      words.push(CLOSE);
    }
    return true;
  };
  return encode(group) ? Uint32Array.from(words) : undefined;
}

/** Replaces `group`'s children with the nodes `runs` describe, cut from `text`. O(nodes). */
export function rebuildGroup(group: Element, text: string, runs: Uint32Array): void {
  const doc = group.ownerDocument;
  const root = doc.createDocumentFragment();
  const open: Node[] = [root];
  let at = 0;
  const span = (cls: number): HTMLElement => {
    const element = doc.createElement('span');
    if (cls > 0) element.className = classNames[cls]!;
    open.at(-1)!.appendChild(element);
    return element;
  };
  for (const word of runs) {
    const kind = word & 3;
    if (kind === TEXT) {
      const length = word >>> 2;
      open.at(-1)!.appendChild(doc.createTextNode(text.slice(at, (at += length))));
    } else if (kind === SPAN_TEXT) {
      const length = word >>> SPAN_LENGTH_SHIFT;
      span((word >>> 2) & CLASS_MASK).textContent = text.slice(at, (at += length));
    } else if (kind === OPEN) open.push(span(word >>> 2));
    else open.pop();
  }
  group.replaceChildren(root);
}
