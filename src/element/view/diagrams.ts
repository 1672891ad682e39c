/**
 * Draws ```` ```mermaid ```` blocks as diagrams. Called by MessageView only,
 * once a message has stopped streaming: the worker marks a code block whose
 * mermaid fence closed (`code-close` with `diagram`, set as `data-diagram` on
 * the block by apply-patch.ts), and this module
 *
 * - has the page's sandboxed diagram frame draw it (diagram-frame.ts: Mermaid
 *   measures text in a live DOM, which a worker does not have, and lays it
 *   out with inline styles, which a strict page does not allow); a page
 *   whose replies have no diagram never makes the frame;
 * - draws each block in idle time (`requestIdleCallback`), one at a time,
 *   never inside the frames of a streaming reply;
 * - shows the SVG text the frame returns as an `<img>` with a `data:` URL: an
 *   image never runs script, never touches the page's styles, and its markup
 *   is never parsed into the document;
 * - adds part `diagram` (the box, inside the code block's wrapper) with part
 *   `diagram-source-button`, which toggles to the highlighted code and back.
 *
 * Source that Mermaid cannot parse or draw (in time) stays code, with nothing
 * added. The block's source is its `<code>` text (exactly the code), never
 * markup.
 *
 * The page's policy needs `frame-src` for the bundle's origin and `img-src
 * data:`. Where it blocks either (the frame never gets ready, or the image
 * does not load), the block stays code with a short note, and no further
 * diagram is tried on the page.
 */
import type { VllmChatStrings } from '../strings.js';
import { codeBlockSource } from './apply-patch.js';
import { drawInFrame } from './diagram-frame.js';
import { whenIdle } from '../when-idle.js';

/** `data-diagram` on a code block: what became of it. The worker's marker is the empty value. */
const marks = { marked: '', queued: 'queued', drawn: 'drawn', failed: 'failed' } as const;

/** The code block's class while the diagram (not the code) is shown. */
const SHOWN = 'diagram-shown';

/** One drawing at a time, page-wide, so that each one's time limit in the frame is its own. */
let queue: Promise<unknown> = Promise.resolve();
/** The page's policy blocked a diagram: every later one stays code at once (no repeated violations). */
let blocked = false;

function idle(): Promise<void> {
  return new Promise(resolve => whenIdle(resolve, 2000));
}

/** Whether the code block's theme is dark (its background's relative luminance), so the diagram matches it. */
function isDark(block: Element): boolean {
  const pre = block.querySelector('pre');
  const match = pre ? /rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)/.exec(getComputedStyle(pre).backgroundColor) : null;
  if (!match) return false;
  const [r, g, b] = [match[1], match[2], match[3]].map(c => Number(c) / 255) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b < 0.5;
}

/**
 * Mermaid's SVG with its size fixed from its `viewBox` (it says `width="100%"`,
 * which an `<img>` would resolve to a default box), as a `data:` URL.
 */
export function svgImageUrl(svg: string): string {
  const sized = svg.replace(/^<svg\b[^>]*>/, tag => {
    const box = /\bviewBox="[-\d.]+[\s,]+[-\d.]+[\s,]+([\d.]+)[\s,]+([\d.]+)"/.exec(tag);
    if (!box) return tag;
    return tag
      .replace(/\s(?:width|height)="[^"]*"/g, '')
      .replace(/\sstyle="[^"]*"/, '')
      .replace(/^<svg\b/, `<svg width="${box[1]}" height="${box[2]}"`);
  });
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(sized)}`;
}

/** What became of one drawing: the SVG text, or why there is none. */
type Drawing = { svg: string } | { failed: 'unparsable' | 'blocked' };

/**
 * Renders `source` to SVG text, one drawing at a time page-wide: `unparsable`
 * when Mermaid cannot parse or draw it in time, `blocked` when the frame
 * cannot be used on this page.
 */
async function renderSvg(source: string, dark: boolean): Promise<Drawing> {
  const run = queue.then(() => (blocked ? undefined : drawInFrame(source, dark)));
  queue = run.catch(() => undefined);
  const drawing = await run;
  if (drawing === undefined) return { failed: 'blocked' };
  if ('svg' in drawing) return drawing;
  if (drawing.failed === 'unavailable') {
    blocked = true;
    return { failed: 'blocked' };
  }
  return { failed: 'unparsable' };
}

function sourceButton(block: Element): HTMLButtonElement | null {
  return block.querySelector<HTMLButtonElement>(':scope > [part~="diagram"] [part~="diagram-source-button"]');
}

/** Shows the code (pressed) or the diagram of the button's block. */
function toggleSource(button: HTMLButtonElement): void {
  const block = button.closest('.code-block');
  if (!block) return;
  const source = button.getAttribute('aria-pressed') !== 'true';
  button.setAttribute('aria-pressed', String(source));
  block.classList.toggle(SHOWN, !source);
}

/** Puts the diagram box at the top of `block` (or replaces its image), showing the diagram. */
function show(block: HTMLElement, url: string, dark: boolean, strings: VllmChatStrings): void {
  let box = block.querySelector<HTMLElement>(':scope > [part~="diagram"]');
  if (!box) {
    box = document.createElement('div');
    box.setAttribute('part', 'diagram');
    box.className = 'diagram';
    const bar = document.createElement('div');
    bar.className = 'diagram-bar';
    const button = document.createElement('button');
    button.type = 'button';
    button.setAttribute('part', 'diagram-source-button');
    button.className = 'code-button';
    button.setAttribute('aria-pressed', 'false');
    button.addEventListener('click', () => toggleSource(button));
    bar.append(button);
    const image = document.createElement('img');
    image.className = 'diagram-image';
    // An `img-src` without `data:` blocks the image: back to the code, with the note.
    image.addEventListener('error', () => {
      blocked = true;
      box?.remove();
      block.classList.remove(SHOWN);
      giveUp(block, true, strings);
    });
    box.append(bar, image);
    block.prepend(box);
    block.classList.add(SHOWN);
  }
  const image = box.querySelector('img');
  if (image) image.src = url;
  block.classList.toggle('diagram-dark', dark);
  relabel(block, strings);
}

function relabel(block: Element, strings: VllmChatStrings): void {
  const button = sourceButton(block);
  if (button) {
    button.textContent = strings.diagramSource;
    button.setAttribute('aria-label', strings.diagramSource);
  }
  const image = block.querySelector<HTMLImageElement>(':scope > [part~="diagram"] img');
  if (image) image.alt = strings.diagram;
  const note = block.querySelector(':scope > .diagram-note');
  if (note) note.textContent = strings.diagramBlocked;
}

/** The block stays code; with `note` when the page's policy is why. */
function giveUp(block: HTMLElement, note: boolean, strings: VllmChatStrings): void {
  block.dataset.diagram = marks.failed;
  if (!note || block.querySelector(':scope > .diagram-note')) return;
  const text = document.createElement('p');
  text.className = 'diagram-note';
  text.textContent = strings.diagramBlocked;
  block.prepend(text);
}

/** Draws one block; the block stays code when Mermaid fails. */
async function draw(block: HTMLElement, strings: () => VllmChatStrings): Promise<void> {
  await idle();
  if (!block.isConnected) return;
  const dark = isDark(block);
  const drawing = await renderSvg(codeBlockSource(block), dark);
  if (!block.isConnected) return;
  if ('failed' in drawing) {
    giveUp(block, drawing.failed === 'blocked', strings());
    return;
  }
  block.dataset.diagram = marks.drawn;
  show(block, svgImageUrl(drawing.svg), dark, strings());
}

/**
 * Draws every marked block of `section` not drawn yet, each in idle time.
 * Call once the message has stopped streaming. Resolves when all are done.
 */
export function drawDiagrams(section: Element, strings: () => VllmChatStrings): Promise<void> {
  const blocks = [...section.querySelectorAll<HTMLElement>(`.code-block[data-diagram="${marks.marked}"]`)];
  for (const block of blocks) block.dataset.diagram = marks.queued;
  return Promise.all(blocks.map(block => draw(block, strings))).then(() => undefined);
}

/** Draws again the diagrams of `section` whose code theme turned from dark to light or back. */
export function redrawDiagrams(section: Element, strings: () => VllmChatStrings): Promise<void> {
  const blocks = [...section.querySelectorAll<HTMLElement>(`.code-block[data-diagram="${marks.drawn}"]`)].filter(
    block => isDark(block) !== block.classList.contains('diagram-dark'),
  );
  return Promise.all(
    blocks.map(async block => {
      await idle();
      const dark = isDark(block);
      const drawing = await renderSvg(codeBlockSource(block), dark);
      if ('svg' in drawing && block.isConnected) show(block, svgImageUrl(drawing.svg), dark, strings());
    }),
  ).then(() => undefined);
}

/** Re-reads the diagrams' words (the language changed). */
export function relabelDiagrams(section: Element, strings: VllmChatStrings): void {
  for (const block of section.querySelectorAll(`.code-block[data-diagram="${marks.drawn}"], .code-block[data-diagram="${marks.failed}"]`)) {
    relabel(block, strings);
  }
}
