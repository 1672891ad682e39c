/**
 * The page's one diagram frame: a hidden `<iframe sandbox="allow-scripts">`
 * of diagram-frame.html, shipped with the bundle and loaded from its URL,
 * where Mermaid turns diagram source into SVG text. Made on the first
 * diagram, then reused by every element on the page.
 *
 * Why a frame: Mermaid lays a diagram out in a live DOM with inline styles
 * and sanitizes through an HTML sink, which a page with a strict
 * `style-src` or Trusted Types refuses. The frame has its own policy (a meta
 * tag in its page), and without `allow-same-origin` its origin is opaque:
 * Mermaid cannot touch this page. What it sends back is only trusted to be a
 * string: diagrams.ts shows it as an image, never parses it into the page.
 *
 * The page's policy needs `frame-src` for the bundle's origin. A frame that
 * the policy blocks, or that does not say it is ready in time, makes the
 * frame unavailable for the rest of the page's life; a drawing that takes
 * too long discards the frame (the next diagram makes a fresh one).
 */
import { diagramAssets } from './diagram-assets.js';

/** The `type` of every message between the element and the frame. */
const TYPE = 'vllm-chat-diagram';
/** Mermaid's script is megabytes: on a slow link or a busy machine it takes a while to arrive and compile. */
const READY_MS = 30_000;
/** One drawing; Mermaid caught in a pathological source should not hold every later diagram. */
const DRAW_MS = 15_000;
/** The longest SVG text accepted (as a `data:` URL it becomes the image's `src`). */
const MAX_SVG_CHARS = 4 * 1024 * 1024;

/** A message from the frame that passed `frameReply`. */
export type FrameReply = { ready: true } | { loadFailed: true } | { id: number; svg: string } | { id: number; failed: true };

/** What became of one drawing in the frame: the SVG text, or why there is none. */
export type FrameDrawing = { svg: string } | { failed: 'unparsable' | 'unavailable' | 'timeout' };

/**
 * Reads `event` as a reply of the frame whose window is `frameWindow`, or
 * `undefined` when it is not one: from another window, from an origin other
 * than an opaque one (`"null"`), or of another shape. Any window on the page
 * can post to it, so nothing else is believed.
 */
export function frameReply(event: MessageEvent, frameWindow: Window | null): FrameReply | undefined {
  if (frameWindow === null || event.source !== frameWindow || event.origin !== 'null') return undefined;
  const data: unknown = event.data;
  if (typeof data !== 'object' || data === null) return undefined;
  const { type, ready, loadFailed, id, svg, failed } = data as Record<string, unknown>;
  if (type !== TYPE) return undefined;
  if (ready === true) return { ready: true };
  if (loadFailed === true) return { loadFailed: true };
  if (typeof id !== 'number' || !Number.isSafeInteger(id)) return undefined;
  if (typeof svg === 'string') return svg.length <= MAX_SVG_CHARS && /^<svg[\s>]/.test(svg) ? { id, svg } : undefined;
  if (failed === true) return { id, failed: true };
  return undefined;
}

interface Frame {
  element: HTMLIFrameElement;
  /** Resolves true once Mermaid is loaded in the frame, false if it never will be. */
  ready: Promise<boolean>;
  /** Each drawing asked for and not answered yet, by id. */
  pending: Map<number, (reply: { svg: string } | { failed: true }) => void>;
  dispose(): void;
}

let current: Frame | undefined;
let lastId = 0;
/** The frame could not start once: the page's policy or network will not let it (no retry, no repeated violations). */
let unavailable = false;

function startFrame(): Frame {
  const assets = diagramAssets();
  const url = new URL(assets.frame);
  // The frame's policy allows the script that its own (hashed) script adds, whatever its origin.
  url.searchParams.set('script', assets.script);
  const element = document.createElement('iframe');
  element.setAttribute('sandbox', 'allow-scripts');
  element.setAttribute('aria-hidden', 'true');
  element.tabIndex = -1;
  element.title = 'vllm-chat diagrams';
  // Laid out (Mermaid measures its text there) but out of sight. Set through
  // the CSSOM, which a `style-src` without 'unsafe-inline' allows.
  Object.assign(element.style, {
    position: 'fixed',
    left: '-10000px',
    top: '0',
    width: '1000px',
    height: '800px',
    border: '0',
    visibility: 'hidden',
    pointerEvents: 'none',
  });

  let settle: (ready: boolean) => void = () => undefined;
  const ready = new Promise<boolean>(resolve => (settle = resolve));
  const timer = setTimeout(() => settle(false), READY_MS);
  const pending: Frame['pending'] = new Map();
  const onMessage = (event: MessageEvent): void => {
    const reply = frameReply(event, element.contentWindow);
    if (!reply) return;
    if ('ready' in reply) settle(true);
    else if ('loadFailed' in reply) settle(false);
    else pending.get(reply.id)?.(reply);
  };
  // A page policy without our `frame-src` blocks the frame's page; say so at once instead of at the time limit.
  const onViolation = (event: SecurityPolicyViolationEvent): void => {
    if (/^(?:frame-src|child-src|default-src)/.test(event.effectiveDirective) && event.blockedURI.startsWith(url.origin)) settle(false);
  };
  void ready.then(() => {
    clearTimeout(timer);
    document.removeEventListener('securitypolicyviolation', onViolation);
  });
  addEventListener('message', onMessage);
  document.addEventListener('securitypolicyviolation', onViolation);
  element.src = url.href;
  (document.body ?? document.documentElement).append(element);
  return {
    element,
    ready,
    pending,
    dispose() {
      settle(false);
      removeEventListener('message', onMessage);
      element.remove();
      for (const answer of pending.values()) answer({ failed: true });
    },
  };
}

/** Drops `frame`: the next drawing makes a fresh one. */
function discard(frame: Frame): void {
  frame.dispose();
  if (current === frame) current = undefined;
}

/**
 * Draws `source` in the page's diagram frame, making it on first use. One
 * drawing at a time is enough (the caller queues them); each has a time limit.
 */
export async function drawInFrame(source: string, dark: boolean): Promise<FrameDrawing> {
  if (unavailable) return { failed: 'unavailable' };
  const frame = (current ??= startFrame());
  if (!(await frame.ready)) {
    unavailable = true;
    discard(frame);
    return { failed: 'unavailable' };
  }
  const id = ++lastId;
  const reply = await new Promise<{ svg: string } | { failed: true } | undefined>(resolve => {
    const timer = setTimeout(() => resolve(undefined), DRAW_MS);
    frame.pending.set(id, answer => {
      clearTimeout(timer);
      resolve(answer);
    });
    // The frame's origin is opaque: no origin can be named as the target. The
    // window is the frame's own, which only its page (ours) could navigate.
    frame.element.contentWindow?.postMessage({ type: TYPE, id, source, dark }, '*');
  });
  frame.pending.delete(id);
  if (reply === undefined) {
    discard(frame);
    return { failed: 'timeout' };
  }
  return 'svg' in reply ? { svg: reply.svg } : { failed: 'unparsable' };
}
