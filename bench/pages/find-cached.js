// Finding the reply's elements once and keeping them while they stay in the
// document: the per-frame probe must not walk a DOM of 40,000 lines.

/**
 * Returns `find()`'s element, calling it again only when the kept one left the document.
 * @param {() => Element | null} find
 * @returns {() => Element | null}
 */
export function findCached(find) {
  /** @type {Element | null} */
  let kept = null;
  return () => {
    if (kept?.isConnected) return kept;
    kept = find();
    return kept;
  };
}

/**
 * The last element matching `selector` under `root`, searching open shadow roots too.
 * @param {ParentNode} root @param {string} selector
 * @returns {Element | null}
 */
export function deepLast(root, selector) {
  /** @type {Element | null} */
  let found = null;
  const visit = (/** @type {ParentNode} */ node) => {
    if (node instanceof Element && node.shadowRoot) visit(node.shadowRoot);
    for (const el of node.querySelectorAll('*')) {
      if (el.matches(selector)) found = el;
      if (el.shadowRoot) visit(el.shadowRoot);
    }
  };
  visit(root);
  return found;
}

/**
 * The last child of `parent` whose tag is `tag`: replies are a handful of
 * top-level blocks, so this is cheap even when the code block is huge.
 * @param {Element | null | undefined} parent @param {string} tag
 */
export function lastChildTag(parent, tag) {
  if (!parent) return null;
  for (let el = parent.lastElementChild; el; el = el.previousElementSibling) if (el.tagName === tag) return el;
  return null;
}
