/**
 * Draws ```` ```mermaid ```` blocks as diagrams, on the main thread (Mermaid
 * measures text in a live DOM, which a worker does not have). Called by
 * MessageView only, once a message has stopped streaming: the worker marks a
 * code block whose mermaid fence closed (`code-close` with `diagram`, set as
 * `data-diagram` on the block by apply-patch.ts), and this module
 *
 * - loads Mermaid as a lazy chunk, the first time such a block exists (a
 *   page whose replies have no diagram never fetches it);
 * - draws each block in idle time (`requestIdleCallback`), one at a time,
 *   never inside the frames of a streaming reply;
 * - shows the SVG text Mermaid returns as an `<img>` with a `data:` URL: an
 *   image never runs script, never touches the page's styles, and its markup
 *   is never parsed into the document;
 * - adds part `diagram` (the box, inside the code block's wrapper) with part
 *   `diagram-source-button`, which toggles to the highlighted code and back.
 *
 * Source that Mermaid cannot parse or draw stays code, with nothing added.
 * The block's source is its `<code>` text (exactly the code), never markup.
 *
 * Mermaid lays a diagram out in a scratch node of the page with inline
 * styles, and the image is a `data:` URL: a page needs `style-src
 * 'unsafe-inline'` and `img-src data:` for diagrams, and Trusted Types
 * enforcement rules Mermaid out. Where the page's policy blocks either
 * (a `securitypolicyviolation` while drawing, or an image that does not
 * load), the block stays code with a short note, and no further diagram is
 * tried on the page; pages with such a policy set `no-diagrams`.
 */
import type { VllmChatStrings } from '../strings.js';
import { codeBlockSource } from './apply-patch.js';

type Mermaid = (typeof import('mermaid/dist/mermaid.esm.min.mjs'))['default'];

/** `data-diagram` on a code block: what became of it. The worker's marker is the empty value. */
const marks = { marked: '', queued: 'queued', drawn: 'drawn', failed: 'failed' } as const;

/** The code block's class while the diagram (not the code) is shown. */
const SHOWN = 'diagram-shown';

let mermaidModule: Promise<Mermaid> | undefined;
/** Mermaid keeps one global configuration and scratch DOM: one drawing at a time, page-wide. */
let queue: Promise<unknown> = Promise.resolve();
let serial = 0;
/** The page's policy blocked a diagram: every later one stays code at once (no repeated violations). */
let blocked = false;

function loadMermaid(): Promise<Mermaid> {
  // A dynamic import: the bundler makes Mermaid chunks next to the entry, loaded from its URL.
  // Mermaid's pre-bundled ES build loads as is in a browser (the main entry
  // imports CommonJS packages) and is already minified.
  mermaidModule ??= import('mermaid/dist/mermaid.esm.min.mjs').then(module => module.default);
  return mermaidModule;
}

function idle(): Promise<void> {
  return new Promise(resolve => {
    if (typeof requestIdleCallback === 'function') requestIdleCallback(() => resolve());
    else setTimeout(resolve, 0);
  });
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
 * when Mermaid cannot parse or draw it, `blocked` when the page's policy
 * stopped it.
 */
async function renderSvg(source: string, dark: boolean): Promise<Drawing> {
  const run = queue.then(async () => {
    if (blocked) throw new BlockedError();
    let violated = false;
    // What Mermaid and the image need; other violations of the page are not ours.
    const onViolation = (event: SecurityPolicyViolationEvent): void => {
      if (/^(?:style-src|img-src|trusted-types|require-trusted-types-for)/.test(event.effectiveDirective)) violated = true;
    };
    document.addEventListener('securitypolicyviolation', onViolation);
    let outcome: { svg: string | undefined } | { error: unknown };
    try {
      outcome = { svg: await drawSvg(source, dark) };
    } catch (error) {
      outcome = { error };
    }
    // Violation events are queued as tasks: let those of this drawing arrive.
    await new Promise(resolve => setTimeout(resolve, 0));
    document.removeEventListener('securitypolicyviolation', onViolation);
    if (violated) {
      blocked = true;
      throw new BlockedError();
    }
    if ('error' in outcome) throw outcome.error;
    return outcome.svg;
  });
  queue = run.catch(() => undefined);
  try {
    const svg = await run;
    return svg === undefined ? { failed: 'unparsable' } : { svg };
  } catch (error) {
    return { failed: error instanceof BlockedError ? 'blocked' : 'unparsable' };
  }
}

/** The page's Content-Security-Policy or Trusted Types stopped Mermaid. */
class BlockedError extends Error {}

async function drawSvg(source: string, dark: boolean): Promise<string | undefined> {
  const mermaid = await loadMermaid();
  mermaid.initialize({
    startOnLoad: false,
    // Strict: no click handlers, no HTML in labels survives sanitizing.
    securityLevel: 'strict',
    theme: dark ? 'dark' : 'default',
    // SVG text labels: an `<img>` does not render HTML inside `foreignObject` reliably, and none is needed.
    htmlLabels: false,
    flowchart: { htmlLabels: false },
    // A failure throws instead of drawing Mermaid's error picture: the block then stays code.
    suppressErrorRendering: true,
  });
  if (!(await mermaid.parse(source, { suppressErrors: true }))) return undefined;
  const { svg } = await mermaid.render(`vllm-chat-diagram-${++serial}`, source);
  return svg;
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
