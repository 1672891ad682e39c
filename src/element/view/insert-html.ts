/**
 * The only module that inserts HTML into the DOM.
 *
 * Its input is markup made by the worker's safe-markup module from escaped
 * text (src/worker/render/safe-html.ts); model and server text never reaches it
 * unescaped. It goes through the `vllm-chat` Trusted Types policy, so a site
 * that enforces Trusted Types sees exactly one place where HTML comes from.
 */
import { trustedTypesPolicy } from '../../shared/trusted-types.js';

// With Trusted Types enforced, the policy returns a TrustedHTML object, which
// the DOM accepts wherever it accepts an HTML string.
function trusted(html: string): string {
  return trustedTypesPolicy().createHTML(html);
}

/** `insertAdjacentHTML` through the policy. One parse of `html`, nothing else touched. */
export function insertHtml(target: Element, position: InsertPosition, html: string): void {
  target.insertAdjacentHTML(position, trusted(html));
}

/** Inserts `html` into `parent` before `ref` (at the end when `ref` is null). */
export function insertHtmlBefore(parent: Element, ref: ChildNode | null, html: string): void {
  if (ref === null) {
    insertHtml(parent, 'beforeend', html);
  } else if (ref instanceof Element) {
    insertHtml(ref, 'beforebegin', html);
  } else {
    const range = document.createRange();
    range.selectNode(ref);
    parent.insertBefore(range.createContextualFragment(trusted(html)), ref);
  }
}

/** `html` parsed once, in the context of `context`, as a fragment not yet in the document. */
export function parseHtml(context: Element, html: string): DocumentFragment {
  const range = document.createRange();
  range.selectNodeContents(context);
  return range.createContextualFragment(trusted(html));
}
