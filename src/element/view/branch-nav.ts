/**
 * The version switcher of a message that has several versions (regenerated
 * or edited): `branch-prev`, `branch-label` (`2 / 3`) and `branch-next`.
 * Plain buttons, so they are in the tab order; named in the UI language;
 * disabled at the ends and while a reply streams. Hidden with one version.
 */
import type { VllmChatStrings } from '../strings.js';

export class BranchNav {
  readonly root: HTMLElement;
  readonly prev: HTMLButtonElement;
  readonly next: HTMLButtonElement;
  #label: HTMLElement;

  constructor(strings: VllmChatStrings, step: (delta: -1 | 1, button: HTMLButtonElement) => void) {
    const doc = document;
    this.root = doc.createElement('span');
    this.root.className = 'branches';
    this.root.setAttribute('role', 'group');
    this.root.hidden = true;
    const button = (part: string, text: string, delta: -1 | 1) => {
      const b = doc.createElement('button');
      b.type = 'button';
      b.className = `action ${part}`;
      b.setAttribute('part', part);
      b.textContent = text;
      b.addEventListener('click', () => step(delta, b));
      return b;
    };
    this.prev = button('branch-prev', '‹', -1);
    this.next = button('branch-next', '›', 1);
    this.#label = doc.createElement('span');
    this.#label.className = 'branch-label';
    this.#label.setAttribute('part', 'branch-label');
    this.root.append(this.prev, this.#label, this.next);
    this.relabel(strings);
  }

  /** Shows version `index` (1-based) of `count`; `busy`: a reply streams, nothing switches. */
  show(index: number, count: number, busy: boolean): void {
    this.root.hidden = count < 2;
    const text = `${index} / ${count}`;
    if (this.#label.textContent !== text) this.#label.textContent = text;
    this.prev.disabled = busy || index <= 1;
    this.next.disabled = busy || index >= count;
  }

  relabel(strings: VllmChatStrings): void {
    this.root.setAttribute('aria-label', strings.versions);
    this.prev.setAttribute('aria-label', strings.previousVersion);
    this.next.setAttribute('aria-label', strings.nextVersion);
  }
}
