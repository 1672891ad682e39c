/**
 * Finished code far from the viewport, kept as its text alone: a group of
 * `CODE_GROUP_LINES` highlighted lines is thousands of nodes (a line, its
 * tokens, their text), and a long session holds hundreds of such groups that
 * nobody looks at. A collapsed group holds one text node with exactly the
 * same text, so the code's `textContent`, copy, selection and the browser's
 * find-in-page see the same code; it gets its colours back before it comes
 * near the viewport. What is kept meanwhile is where its spans start and end
 * and their classes (group-runs.ts), a word per token: the markup itself, as
 * a string, was several times the text it wraps, for every group of the
 * session.
 *
 * A block of finished messages off screen is itself skipped
 * (`content-visibility: auto`, vllm-chat.styles.ts), and an
 * IntersectionObserver reports nothing for targets inside a skipped subtree:
 * the block itself (which is not inside one) is observed with the same
 * margin, and when it is far its groups collapse. Only far: the browser skips
 * a block just outside the viewport too, and collapsing those would re-colour
 * code at every scroll. When the browser shows a skipped block again
 * (`contentvisibilityautostatechange`), its groups are observed anew, and the
 * observer's first report for each gives the near ones their markup before
 * they are seen. A message whose parent is the scroller itself (no block) is
 * its own unit.
 *
 * Only groups of finished replies are watched: a streaming block's last
 * group is still growing under `applyPatch`. A group is rebuilt from its own
 * text and the classes the worker's safe markup gave it, as elements and
 * text nodes; one of another shape keeps its markup, serialized from nodes
 * that the worker's safe markup built, which goes back through `insertHtml`,
 * the one way markup enters the DOM.
 */
import { flushGroup } from './group-colour.js';
import { groupRuns, rebuildGroup } from './group-runs.js';
import { insertHtml } from './insert-html.js';

/**
 * How far beyond the log's edges groups stay highlighted: about two groups'
 * height, so scrolling, even by pages, and measuring the neighbours of what
 * is on screen meet highlighted code. In pixels, not a share of the log: a
 * small log (or one not fully laid out yet) must not shrink "near" to nothing.
 */
const MARGIN = '10000px 0px';

/** A collapsed group's runs (group-runs.ts), or its markup when it has another shape. */
const kept = new WeakMap<Element, Uint32Array | string>();

/** Collapses `group` to its text; O(group). Returns whether it changed. */
export function collapseGroup(group: Element): boolean {
  if (kept.has(group) || group.childElementCount === 0) return false;
  kept.set(group, groupRuns(group) ?? group.innerHTML);
  group.textContent = group.textContent ?? '';
  return true;
}

/** Restores `group`'s highlighted markup; O(group). Returns whether it changed. */
export function expandGroup(group: Element): boolean {
  const markup = kept.get(group);
  if (markup === undefined) return false;
  kept.delete(group);
  if (typeof markup === 'string') {
    group.replaceChildren();
    insertHtml(group, 'beforeend', markup);
  } else rebuildGroup(group, group.textContent ?? '', markup);
  // Colour that came while it was collapsed (group-colour.ts), if it is shown.
  flushGroup(group);
  return true;
}

/**
 * Bytes kept beside a collapsed group's text (0 when it is not collapsed),
 * what collapsing costs in memory; markup counts one byte a character, the
 * least a string of it takes.
 */
export function keptBytes(group: Element): number {
  const markup = kept.get(group);
  return markup === undefined ? 0 : typeof markup === 'string' ? markup.length : markup.byteLength;
}

export class CodeCollapser {
  #root: Element | undefined;
  #observer: IntersectionObserver | undefined;
  /** Observes the blocks (skippers) themselves: their groups get no report while skipped. */
  #blocks: IntersectionObserver | undefined;
  #watched = new Set<Element>();
  /** The blocks observed, so that a new root observes them too. */
  #blockSet = new Set<Element>();
  /** Blocks whose skip events this collapser listens to. */
  #skippers = new WeakSet<Element>();
  /**
   * Messages watched before they were placed in a block: theirs is known
   * after the log renders them (`settle`). Weakly: a message dropped before
   * it was placed (the conversation was cleared) is not kept for it.
   */
  #unplaced = new Set<WeakRef<Element>>();

  /** The scrolling element whose viewport decides; watched groups move to a new one. */
  observe(root: Element): void {
    if (root === this.#root) return;
    this.#observer?.disconnect();
    this.#blocks?.disconnect();
    this.#root = root;
    this.#observer = new IntersectionObserver(entries => this.#onChange(entries), { root, rootMargin: MARGIN });
    this.#blocks = new IntersectionObserver(entries => this.#onBlock(entries), { root, rootMargin: MARGIN });
    for (const group of this.#watched) this.#observer.observe(group);
    for (const block of this.#blockSet) this.#blocks.observe(block);
  }

  /**
   * Watches the code groups of a finished message section (again, after its
   * code was re-coloured); `message`, when given, is the element whose
   * parent block may skip the section. The section may have been filled
   * while skipped or not yet placed (a stored conversation): a fresh
   * observation of its block then reports whether it is far. (A reply that
   * just finished streaming was on screen: whether the browser skips it is
   * only decided in a later frame.)
   */
  watch(section: Element, message?: Element): void {
    const groups = [...section.querySelectorAll('.code-group')].filter(g => !this.#watched.has(g));
    for (const group of groups) {
      this.#watched.add(group);
      this.#observer?.observe(group);
    }
    if (!message) return;
    const block = this.#blockOf(message);
    if (block) this.#observeBlock(block, groups.length > 0);
    else this.#unplaced.add(new WeakRef(message));
  }

  /** Observes the blocks of messages watched before they were placed (call after the log renders). */
  settle(): void {
    for (const ref of this.#unplaced) {
      const message = ref.deref();
      const block = message && this.#blockOf(message);
      if (message && !block) continue;
      this.#unplaced.delete(ref);
      if (block) this.#observeBlock(block, true);
    }
  }

  /** The block that may skip `message`: its parent, or itself when its parent is the scroller; `null` before it is placed. */
  #blockOf(message: Element): Element | null {
    const parent = message.parentElement;
    if (!parent) return null;
    return parent === this.#root ? message : parent;
  }

  /** Observes `block` (afresh when it has new groups: a block already observed reports only when it comes or goes). */
  #observeBlock(block: Element, fresh: boolean): void {
    if (!this.#skippers.has(block)) {
      this.#skippers.add(block);
      block.addEventListener('contentvisibilityautostatechange', this.#onSkip);
    }
    if (this.#blockSet.has(block) && !fresh) return;
    this.#blockSet.add(block);
    this.#blocks?.unobserve(block);
    this.#blocks?.observe(block);
  }

  /** Stops watching groups and blocks that left the document (cleared, re-coloured) and expands nothing. */
  prune(): void {
    for (const group of this.#watched) {
      if (group.isConnected) continue;
      this.#watched.delete(group);
      this.#observer?.unobserve(group);
    }
    for (const block of this.#blockSet) {
      if (block.isConnected) continue;
      this.#blockSet.delete(block);
      this.#blocks?.unobserve(block);
    }
  }

  readonly #onSkip = (event: Event): void => {
    // Only the block's own report counts: its code groups (content-visibility: auto too) report to themselves.
    if (event.target !== event.currentTarget) return;
    const block = event.currentTarget as Element;
    if (!(event as ContentVisibilityAutoStateChangeEvent).skipped) this.#reobserve(block);
  };

  /** A fresh observation of `block`'s groups reports their state now: near ones expand, far ones stay text. */
  #reobserve(block: Element): void {
    for (const group of block.querySelectorAll('.code-group')) {
      if (!this.#watched.has(group)) continue;
      this.#observer?.unobserve(group);
      this.#observer?.observe(group);
    }
  }

  #onBlock(entries: IntersectionObserverEntry[]): void {
    for (const entry of entries) {
      const block = entry.target;
      if (entry.isIntersecting) this.#reobserve(block);
      else if (block.isConnected && (entry.rootBounds?.height ?? 0) > 0) {
        // Its groups are no longer observed while it is far: the browser computes every observed
        // target's intersection each frame, and a long session's far groups would make that grow
        // with the conversation. The block coming near observes them again (`#reobserve`).
        for (const group of block.querySelectorAll('.code-group')) {
          if (!this.#watched.has(group)) continue;
          collapseGroup(group);
          this.#observer?.unobserve(group);
        }
      }
    }
  }

  disconnect(): void {
    this.#observer?.disconnect();
    this.#observer = undefined;
    this.#blocks?.disconnect();
    this.#blocks = undefined;
    this.#root = undefined;
  }

  #onChange(entries: IntersectionObserverEntry[]): void {
    for (const entry of entries) {
      if (entry.isIntersecting) expandGroup(entry.target);
      // A log without a height (not laid out yet, or sized to nothing) has no
      // "far": every group would count as off screen and lose its colours
      // until the log got a size.
      else if (entry.target.isConnected && (entry.rootBounds?.height ?? 0) > 0) collapseGroup(entry.target);
    }
  }
}
