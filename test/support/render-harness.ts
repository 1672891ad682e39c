/**
 * Drives the worker's renderer in the test page and applies its patches to a
 * real DOM section, as the element does.
 */
import type { BlockOp, RenderOptions, RenderSection } from '../../src/shared/protocol.js';
import { MessageRenderer, type RenderedPatch } from '../../src/worker/render/message-renderer.js';
import { applyPatch } from '../../src/element/view/apply-patch.js';
import { addTokenStyles, messageStyles, tokenStyleSheet } from '../../src/element/view/message-styles.js';

export const renderOptions: RenderOptions = { theme: 'github-dark', labels: { copy: 'Copy' } };

export { randomChunks, seeded } from './random-chunks.js';

let styled = false;
/** A fresh section in the document, with the element's styles applied. */
export function newSection(): HTMLElement {
  if (!styled) {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(messageStyles.cssText);
    document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet, tokenStyleSheet];
    styled = true;
  }
  const section = document.createElement('div');
  section.className = 'markdown';
  document.body.append(section);
  return section;
}

/** Applies a patch's ops of one section and its styles. */
export function apply(section: HTMLElement, patch: RenderedPatch, name: RenderSection = 'content'): void {
  addTokenStyles(patch.styles);
  const ops: BlockOp[] | undefined = patch[name];
  if (ops) applyPatch(section, ops);
}

/** One-shot: everything fed, ended, one take. */
export async function renderOnce(text: string, options: RenderOptions = renderOptions, name: RenderSection = 'content'): Promise<RenderedPatch> {
  const renderer = new MessageRenderer(options);
  renderer.feed(name, text);
  renderer.end();
  return renderer.take();
}

/** Streams `chunks`, taking after every `takeEvery` chunks (1: each chunk); returns all patches. */
export async function renderStreamed(
  chunks: readonly string[],
  options: RenderOptions = renderOptions,
  name: RenderSection = 'content',
  takeEvery: (index: number) => boolean = () => true,
): Promise<RenderedPatch[]> {
  const renderer = new MessageRenderer(options);
  const patches: RenderedPatch[] = [];
  for (let i = 0; i < chunks.length; i++) {
    renderer.feed(name, chunks[i] ?? '');
    if (takeEvery(i)) patches.push(await renderer.take());
  }
  renderer.end();
  patches.push(await renderer.take());
  return patches;
}

/** Applies patches to a new section; returns it. */
export function applyAll(patches: readonly RenderedPatch[], name: RenderSection = 'content'): HTMLElement {
  const section = newSection();
  for (const patch of patches) apply(section, patch, name);
  return section;
}
