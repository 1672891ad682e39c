/**
 * Keeps the conversation scrolled to the newest text while, and only while,
 * the reader is at the bottom.
 *
 * Detaching is decided by the reader's intent, never by growth: content that
 * grows moves the bottom away without any scroll by the reader, so "not at the
 * bottom" alone cannot mean "the reader scrolled up". A wheel or touch
 * gesture, a scrolling key, or a pointer press on the scroller (the scrollbar)
 * marks the scrolls that follow as the reader's. A reader's scroll upward
 * detaches; one downward never does, and re-attaches once it reaches the
 * bottom as it was when the gesture began, or comes within the slack of the
 * bottom as it is now, whichever happens first.
 *
 * The first of those two is what makes coming back work while a reply
 * streams fast: a wheel notch or a scrolling key animates the view over
 * several frames toward the offset that was the bottom when it was pressed,
 * and even an instant scroll reports its event a frame later; the reply grows
 * meanwhile, so the scroll lands short of the bottom as it is by then, often
 * by more than the slack.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { frameScheduler } from '../view/frame-scheduler.js';

/** Distance from the bottom, in CSS pixels, that still counts as "at the bottom". */
const SLACK = 24;
/** How long after a gesture its scroll events are still attributed to the reader. */
const INTENT_MS = 600;
const scrollKeys = new Set(['ArrowUp', 'ArrowDown', 'PageUp', 'PageDown', 'Home', 'End', ' ']);
const upKeys = new Set(['ArrowUp', 'PageUp', 'Home']);

export class AutoScrollController implements ReactiveController {
  #scroller: HTMLElement | undefined;
  #attached = true;
  #intentUntil = 0;
  #pointerDown = false;
  /** `scrollTop` after the last follow: the view moving above it is the reader's doing. */
  #placedTop = 0;
  /**
   * `scrollTop` at the last scroll event: tells a scroll up from a scroll
   * down. Unknown until the first one: reading it when the scroller is
   * observed would lay the element out in the task that first renders it
   * (and restores a stored conversation), one more long task.
   */
  #lastTop: number | undefined;
  /** The largest `scrollTop` when the reader's current gesture began: reaching it is reaching the bottom. */
  #gestureBottom = Infinity;

  constructor(
    private readonly host: ReactiveControllerHost,
    /** Called when following starts or stops (to show the "jump to latest" button). */
    private readonly onChange: (attached: boolean) => void = () => host.requestUpdate(),
  ) {
    host.addController(this);
  }

  /** True while new content keeps the view at the bottom. */
  get attached(): boolean {
    return this.#attached;
  }

  /** The element that scrolls; listeners move with it. */
  observe(scroller: HTMLElement): void {
    if (scroller === this.#scroller) return;
    this.#unlisten();
    this.#scroller = scroller;
    this.#lastTop = undefined;
    scroller.addEventListener('wheel', this.#onWheel, { passive: true });
    scroller.addEventListener('touchstart', this.#onTouchStart, { passive: true });
    scroller.addEventListener('touchmove', this.#onGesture, { passive: true });
    scroller.addEventListener('keydown', this.#onKey);
    scroller.addEventListener('pointerdown', this.#onPointerDown);
    scroller.addEventListener('scroll', this.#onScroll, { passive: true });
    addEventListener('pointerup', this.#onPointerUp);
  }

  hostDisconnected(): void {
    frameScheduler().cancel(this);
    this.#unlisten();
    this.#scroller = undefined;
  }

  /**
   * After content grew: stays at the bottom when attached. O(1): one layout
   * read and one write. Not while a pointer is down on the scroller: the
   * reader may be dragging the scrollbar, and must not be fought.
   */
  follow(): void {
    const s = this.#scroller;
    if (!s || !this.#attached || this.#pointerDown) return;
    // A touch or wheel may have moved the view up before its scroll event
    // arrives (a patch can land first): the view is above where we put it,
    // and the reader just acted, so they scrolled. Do not pull them back.
    if (s.scrollTop + 1 < this.#placedTop && performance.now() < this.#intentUntil) {
      this.#set(false);
      return;
    }
    s.scrollTop = s.scrollHeight;
    this.#placedTop = s.scrollTop;
    // #onScroll skips our own scroll events: the reader's next scroll is measured from here.
    this.#lastTop = this.#placedTop;
  }

  /**
   * `follow()` in the next animation frame, once however many times it is
   * called before it. Streaming may apply several patches between two frames;
   * following after each would force a style and layout pass per patch, while
   * in the frame's own callback (the page's one, shared by every element,
   * frame-scheduler.ts) it costs the one pass the frame makes anyway, before
   * the new text is painted, and every element's follow shares that pass.
   */
  followSoon(): void {
    frameScheduler().afterPatches(this, () => this.follow());
  }

  /** Scrolls to the newest content and follows it again. */
  jumpToLatest(): void {
    this.#intentUntil = 0;
    this.#set(true);
    this.follow();
  }

  #atBottom(s: HTMLElement): boolean {
    return s.scrollHeight - s.scrollTop - s.clientHeight <= SLACK;
  }

  #set(attached: boolean): void {
    if (attached === this.#attached) return;
    this.#attached = attached;
    // Following starts from where the reader is: `follow()` must not take
    // the view being above an older placement for a scroll up.
    if (attached && this.#scroller) this.#placedTop = this.#scroller.scrollTop;
    this.onChange(attached);
  }

  /** True while scrolls are attributed to the reader. */
  #byReader(): boolean {
    return this.#pointerDown || performance.now() < this.#intentUntil;
  }

  /**
   * Attributes the scrolls of the next moments to the reader. A gesture
   * begins at a touch or a press on the scroller, or at the first wheel turn
   * or key after a pause; the bottom is noted then, because that is where a
   * scroll toward the bottom started then will land.
   */
  #markIntent(begins = false): void {
    const s = this.#scroller;
    if (s && (begins || !this.#byReader())) this.#gestureBottom = s.scrollHeight - s.clientHeight;
    this.#intentUntil = performance.now() + INTENT_MS;
  }

  #onWheel = (event: WheelEvent): void => {
    this.#markIntent();
    // Scrolling up is leaving the bottom even before the scroll event lands.
    const s = this.#scroller;
    if (event.deltaY < 0 && s && s.scrollHeight > s.clientHeight) this.#set(false);
  };

  #onTouchStart = (): void => this.#markIntent(true);

  #onGesture = (): void => this.#markIntent();

  #onKey = (event: KeyboardEvent): void => {
    if (!scrollKeys.has(event.key)) return;
    this.#markIntent();
    // End goes to the bottom, wherever it is by the time a smooth scroll lands there.
    if (event.key === 'End') this.jumpToLatest();
    // Like a wheel turned up: leaving the bottom before the (smooth) scroll lands.
    const s = this.#scroller;
    if (upKeys.has(event.key) && s && s.scrollHeight > s.clientHeight) this.#set(false);
  };

  #onPointerDown = (): void => {
    this.#markIntent(true);
    this.#pointerDown = true;
  };

  #onPointerUp = (): void => {
    if (this.#pointerDown) this.#markIntent();
    this.#pointerDown = false;
  };

  #onScroll = (): void => {
    const s = this.#scroller;
    if (!s) return;
    // Following, with no gesture of the reader: this is our own scroll (or
    // the browser's), and nothing below would change. Scroll events run at
    // the start of a frame, after the patches applied between frames: a read
    // of the offsets here would lay the page out once more in every frame,
    // before the patches of the frame and the frame's own layout.
    if (this.#attached && !this.#byReader()) return;
    const top = s.scrollTop;
    const moved = top - (this.#lastTop ?? top);
    this.#lastTop = top;
    if (this.#atBottom(s)) {
      this.#set(true);
      return;
    }
    if (!this.#byReader()) return;
    if (moved < 0) this.#set(false);
    else if (moved > 0 && top >= this.#gestureBottom - SLACK) this.#set(true);
    // A fling or a long smooth scroll goes on after the gesture's last
    // event; while detached nothing else scrolls, so its scrolls stay the reader's.
    if (!this.#attached) this.#intentUntil = performance.now() + INTENT_MS;
  };

  #unlisten(): void {
    const s = this.#scroller;
    if (!s) return;
    s.removeEventListener('wheel', this.#onWheel);
    s.removeEventListener('touchstart', this.#onTouchStart);
    s.removeEventListener('touchmove', this.#onGesture);
    s.removeEventListener('keydown', this.#onKey);
    s.removeEventListener('pointerdown', this.#onPointerDown);
    s.removeEventListener('scroll', this.#onScroll);
    removeEventListener('pointerup', this.#onPointerUp);
  }
}
