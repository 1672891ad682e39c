/**
 * Colour for code lines that are shown plain, applied when the browser shows
 * them.
 *
 * Colour that follows the text (`code-colour` ops, apply-patch.ts) fills the
 * line spans already on screen. A code group the browser skips (off screen,
 * `content-visibility: auto`, message-styles.ts) is not drawn, so filling its
 * lines showed nothing and cost the page a parse and the nodes of every
 * token: a reply that streamed faster than it could be coloured gets the
 * colour of thousands of lines far above the reader once its text is in,
 * and the page spent its frames on it. A skipped group's line HTML is kept
 * instead, and its lines are filled when the browser stops skipping it
 * (`contentvisibilityautostatechange`, as the group comes near the
 * viewport; it may be drawn plain for a frame first). A group whose state
 * was never reported is filled at once, as before.
 *
 * The kept HTML is the worker's safe markup, which goes through `parseHtml`
 * (insert-html.ts) like any other. A group collapsed to its text
 * (code-collapser.ts) keeps its colour here too, and gets it once it is
 * rebuilt and shown.
 */
import { CODE_CHUNK_LINES } from '../../shared/code-block-layout.js';
import { insertHtml, parseHtml } from './insert-html.js';

/** Groups the browser reported as skipped. */
const skipped = new WeakSet<Element>();
/** A group's kept colour: line index within the group → the line's inner HTML. */
const kept = new WeakMap<Element, Map<number, string>>();
/** Roots whose groups' skip reports are listened to. */
const watched = new WeakSet<Element>();

/**
 * Listens to the skip reports of the code groups inside `root`; once per
 * root. In the capture phase: the event does not bubble.
 */
export function watchSkips(root: Element): void {
  if (watched.has(root)) return;
  watched.add(root);
  root.addEventListener('contentvisibilityautostatechange', onSkip, { capture: true });
}

function onSkip(event: Event): void {
  const group = event.target as Element;
  if (!group.classList.contains('code-group')) return;
  if ((event as ContentVisibilityAutoStateChangeEvent).skipped) {
    skipped.add(group);
  } else {
    skipped.delete(group);
    flushGroup(group);
  }
}

/**
 * Colours lines `first, first + 1, …` of `group` (indices within the group)
 * with `lines` (each a line span's inner HTML), now or, while the browser
 * skips the group or it is collapsed to its text (a finished reply's code,
 * coloured after a stop), once it shows it. Throws when a line is not there.
 */
export function colourGroup(group: Element, first: number, lines: readonly string[]): void {
  // A collapsed group has no line spans until it is rebuilt (code-collapser.ts), which fills what is kept.
  const spans = group.firstElementChild === null ? undefined : lineSpans(group, first, lines.length);
  const waiting = kept.get(group);
  if (spans && !skipped.has(group) && !waiting) {
    fill(spans, lines);
    return;
  }
  const map = waiting ?? new Map<number, string>();
  lines.forEach((html, i) => map.set(first + i, html));
  kept.set(group, map);
  if (!skipped.has(group)) flushGroup(group);
}

/** Fills `group`'s kept lines, unless the browser skips it or it is collapsed to its text (no line spans). */
export function flushGroup(group: Element): void {
  const map = kept.get(group);
  if (!map || skipped.has(group) || group.firstElementChild === null) return;
  kept.delete(group);
  const indices = [...map.keys()];
  fill(
    indices.map(index => lineSpans(group, index, 1)[0]!),
    indices.map(index => map.get(index)!),
  );
}

/** Lines kept for `group`, for tests. */
export function keptLines(group: Element): number {
  return kept.get(group)?.size ?? 0;
}

/** Line spans `first … first + count - 1` of `group`; O(count), never a search. */
function lineSpans(group: Element, first: number, count: number): Element[] {
  const spans: Element[] = [];
  let chunk: Element | undefined;
  for (let index = first; index < first + count; index++) {
    if (!chunk || index % CODE_CHUNK_LINES === 0) chunk = group.children[Math.floor(index / CODE_CHUNK_LINES)];
    const line = chunk?.children[index % CODE_CHUNK_LINES];
    if (!line) throw new Error(`applyPatch: code-colour names line ${index} of a group, which is not on screen.`);
    spans.push(line);
  }
  return spans;
}

/**
 * Replaces the insides of `spans` with `lines`, in place: the line spans,
 * their chunks and the newlines between them stay, so the line boxes and the
 * scroll position do not move. One parse for all the lines, each in a span
 * of its own whose nodes move into the line on screen.
 */
function fill(spans: readonly Element[], lines: readonly string[]): void {
  if (spans.length === 0) return;
  const parsed = parseHtml(spans[0]!, lines.map(lineHtml => `<span>${lineHtml}</span>`).join('')).children;
  const whole = parsed.length === lines.length;
  spans.forEach((line, i) => {
    const inside = whole ? parsed[i] : undefined;
    if (inside) {
      line.replaceChildren(...inside.childNodes);
    } else {
      // Not one span per line (markup the worker never makes): each line parsed alone.
      line.replaceChildren();
      insertHtml(line, 'beforeend', lines[i] ?? '');
    }
  });
}
