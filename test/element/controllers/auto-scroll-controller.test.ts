import { expect } from 'chai';
import { sendKeys } from '@web/test-runner-commands';
import type { VllmChat } from '../../../src/element/vllm-chat.js';
import { mount, parts, unmountAll, waitFor } from '../chat-fixture.js';

const log = (el: VllmChat) => el.shadowRoot!.querySelector<HTMLElement>('[role="log"]')!;
const gap = (s: HTMLElement) => s.scrollHeight - s.scrollTop - s.clientHeight;
/**
 * The gap the reader sees: read in a ResizeObserver callback of the next
 * frame, after that frame's layout and before its paint, so it holds whether
 * the element follows per patch, in rAF or after layout. Observers run in
 * creation order: this one runs after any the element made before it.
 */
const paintedGap = (s: HTMLElement) =>
  new Promise<number>(resolve => {
    const observer = new ResizeObserver(() => {
      observer.disconnect();
      resolve(gap(s));
    });
    observer.observe(s.lastElementChild ?? s);
  });
/** Until the reply has grown by 200 px more than now. */
const moreContent = (s: HTMLElement) => {
  const height = s.scrollHeight;
  return waitFor(() => s.scrollHeight > height + 200, 'more content');
};
const frames = async (n: number) => {
  for (let i = 0; i < n; i++) await new Promise(r => requestAnimationFrame(r));
};

describe('auto-scroll', () => {
  afterEach(unmountAll);

  it('follows a growing reply while the reader stays at the bottom', async () => {
    const el = await mount({ model: 'MyCoder' });
    const scroller = log(el);
    const pending = el.send('[mock rate=400 lines=120 lang=py]');
    await waitFor(() => scroller.scrollHeight > scroller.clientHeight * 3, 'a long reply');
    for (let i = 0; i < 10; i++) {
      await frames(2);
      expect(await paintedGap(scroller)).to.be.lessThan(30);
    }
    await pending;
    await frames(2);
    expect(await paintedGap(scroller)).to.be.lessThan(30);
    expect(parts(el, 'jump-button')).to.have.length(0);
  });

  it('reads no scroll offset in the scroll events of its own following (no extra layout per frame)', async () => {
    const el = await mount({ model: 'MyCoder' });
    const scroller = log(el);
    const pending = el.send('[mock rate=400 lines=200 lang=py]');
    await waitFor(() => scroller.scrollHeight > scroller.clientHeight * 2, 'a long reply');
    // Reads of the log's layout while its scroll event is dispatched: a capture listener
    // runs before the element's own at the target, a listener added now runs after it.
    let inScroll = false;
    let scrollEvents = 0;
    let reads = 0;
    scroller.addEventListener('scroll', () => ((inScroll = true), scrollEvents++), { capture: true });
    scroller.addEventListener('scroll', () => (inScroll = false));
    for (const name of ['scrollTop', 'scrollHeight', 'clientHeight'] as const) {
      const getter = Object.getOwnPropertyDescriptor(Element.prototype, name)!.get!;
      const setter = Object.getOwnPropertyDescriptor(Element.prototype, name)?.set;
      Object.defineProperty(scroller, name, {
        configurable: true,
        get() {
          if (inScroll) reads++;
          return getter.call(this);
        },
        set: setter ? (v: number) => setter.call(scroller, v) : undefined,
      });
    }
    await moreContent(scroller);
    await frames(2);
    expect(scrollEvents, 'scroll events while following').to.be.greaterThan(3);
    expect(reads, 'layout reads in those events').to.equal(0);
    expect(await paintedGap(scroller)).to.be.lessThan(30);
    el.stop();
    await pending;
  });

  it('stops following when the reader scrolls up with the wheel, and jump to latest re-attaches', async () => {
    const el = await mount({ model: 'MyCoder' });
    const scroller = log(el);
    const pending = el.send('[mock rate=100 lines=400 lang=py]');
    await waitFor(() => scroller.scrollHeight > scroller.clientHeight * 2, 'a long reply');
    scroller.dispatchEvent(new WheelEvent('wheel', { deltaY: -300, bubbles: true }));
    scroller.scrollTop = 100;
    await moreContent(scroller);
    await frames(2);
    expect(scroller.scrollTop).to.equal(100);
    const jump = await waitFor(() => parts(el, 'jump-button')[0], 'the jump button');
    jump.click();
    await frames(1);
    expect(await paintedGap(scroller)).to.be.lessThan(30);
    await moreContent(scroller);
    await frames(2);
    expect(await paintedGap(scroller)).to.be.lessThan(30);
    el.stop();
    await pending;
  });

  it('stops following when the reader swipes the log down (touch) to read earlier lines', async () => {
    const el = await mount({ model: 'MyCoder' });
    const scroller = log(el);
    const pending = el.send('[mock rate=100 lines=400 lang=py]');
    await waitFor(() => scroller.scrollHeight > scroller.clientHeight * 2, 'a long reply');
    const touch = (type: string) => new TouchEvent(type, { bubbles: true, cancelable: false });
    scroller.dispatchEvent(touch('touchstart'));
    scroller.dispatchEvent(touch('touchmove'));
    scroller.scrollTop = 100;
    scroller.dispatchEvent(touch('touchend'));
    await moreContent(scroller);
    await frames(2);
    expect(scroller.scrollTop).to.equal(100);
    await waitFor(() => parts(el, 'jump-button')[0], 'the jump button');
    el.stop();
    await pending;
  });

  it('stops following when the reader pages up with the keyboard, and follows again at the bottom', async () => {
    const el = await mount({ model: 'MyCoder' });
    const scroller = log(el);
    const pending = el.send('[mock rate=100 lines=400 lang=py]');
    await waitFor(() => scroller.scrollHeight > scroller.clientHeight * 3, 'a long reply');
    scroller.focus();
    await sendKeys({ press: 'PageUp' });
    await sendKeys({ press: 'PageUp' });
    await waitFor(() => gap(scroller) > scroller.clientHeight, 'the page to scroll up');
    const top = scroller.scrollTop;
    await frames(20);
    expect(scroller.scrollTop).to.be.at.most(top);
    expect(gap(scroller)).to.be.greaterThan(scroller.clientHeight);
    // Back at the bottom by the reader's own keys: following resumes.
    await sendKeys({ press: 'End' });
    await waitFor(() => parts(el, 'jump-button').length === 0, 'following again');
    await moreContent(scroller);
    await frames(2);
    expect(await paintedGap(scroller)).to.be.lessThan(30);
    el.stop();
    await pending;
  });

  it('stops following when the reader drags the scrollbar up (pointer), not when content merely grows', async () => {
    const el = await mount({ model: 'MyCoder' });
    const scroller = log(el);
    const pending = el.send('[mock rate=100 lines=400 lang=py]');
    await waitFor(() => scroller.scrollHeight > scroller.clientHeight * 2, 'a long reply');
    expect(parts(el, 'jump-button')).to.have.length(0);
    scroller.dispatchEvent(new PointerEvent('pointerdown', { bubbles: true }));
    scroller.scrollTop = 50;
    await waitFor(() => parts(el, 'jump-button').length, 'the jump button');
    dispatchEvent(new PointerEvent('pointerup'));
    await moreContent(scroller);
    await frames(2);
    expect(scroller.scrollTop).to.equal(50);
    el.stop();
    await pending;
  });
});

/**
 * Coming back to the bottom while a fast reply streams. A reader's scroll
 * toward the bottom ends where the bottom was when the gesture began (a
 * smooth wheel or key scroll animates toward that offset over several
 * frames; an instant one lands there and its scroll event comes a frame
 * later), and the reply keeps growing in between: the view must follow
 * again all the same.
 */
describe('auto-scroll: back to the bottom while a fast reply streams', () => {
  afterEach(unmountAll);

  /**
   * A mounted element that has already answered once, now streaming a long
   * reply at `rate` tokens/s: fast enough that the bottom moves by more than
   * the slack while a scroll animates, or between a scroll and its event.
   */
  async function streamingAfterAnEarlierReply(rate: number) {
    const el = await mount({ model: 'MyCoder' });
    await el.send('[mock rate=0 lines=10 lang=py]');
    const scroller = log(el);
    const pending = el.send(`[mock rate=${rate} lines=4000 lang=py]`);
    await waitFor(() => scroller.scrollHeight > scroller.clientHeight * 4, 'a long reply');
    return { el, scroller, pending };
  }

  /**
   * One turn of the wheel as Chromium handles it: the `wheel` event, then,
   * unless cancelled, a scroll by its delta toward the offset clamped where
   * the bottom is now, animated over frames when smooth scrolling is on.
   */
  function turnWheel(scroller: HTMLElement, deltaY: number, behavior: ScrollBehavior): void {
    const wheel = new WheelEvent('wheel', { deltaY, bubbles: true, cancelable: true, composed: true });
    if (scroller.dispatchEvent(wheel)) scroller.scrollBy({ top: deltaY, behavior });
  }

  /** Until the view has not moved for a few frames (a scroll has landed) or it follows again. */
  async function landed(el: VllmChat, scroller: HTMLElement): Promise<void> {
    let last = -1;
    let still = 0;
    await waitFor(() => {
      still = scroller.scrollTop === last ? still + 1 : 0;
      last = scroller.scrollTop;
      return still >= 5 || parts(el, 'jump-button').length === 0;
    }, 'the scroll to land');
  }

  async function expectFollowing(el: VllmChat, scroller: HTMLElement): Promise<void> {
    await frames(2);
    expect(parts(el, 'jump-button'), 'the jump button').to.have.length(0);
    await moreContent(scroller);
    await frames(2);
    expect(await paintedGap(scroller)).to.be.lessThan(30);
  }

  for (const behavior of ['smooth', 'instant'] as const) {
    it(`follows again when the reader wheels back down to the bottom (${behavior} scrolling)`, async () => {
      const { el, scroller, pending } = await streamingAfterAnEarlierReply(1500);
      turnWheel(scroller, -600, behavior);
      await waitFor(() => parts(el, 'jump-button')[0], 'the jump button');
      await landed(el, scroller);
      expect(gap(scroller)).to.be.greaterThan(300);
      // A fast spin, one notch per frame, each past the bottom as it is then.
      for (let i = 0; i < 3; i++) {
        turnWheel(scroller, gap(scroller) + 200, behavior);
        await frames(1);
      }
      await landed(el, scroller);
      await expectFollowing(el, scroller);
      el.stop();
      await pending;
    });
  }

  it('follows again when the reader holds PageDown until the bottom', async () => {
    const { el, scroller, pending } = await streamingAfterAnEarlierReply(400);
    scroller.focus();
    await sendKeys({ press: 'PageUp' });
    await sendKeys({ press: 'PageUp' });
    await waitFor(() => parts(el, 'jump-button')[0], 'the jump button');
    await landed(el, scroller);
    for (let i = 0; i < 40 && gap(scroller) > scroller.clientHeight; i++) await sendKeys({ press: 'PageDown' });
    await sendKeys({ press: 'PageDown' });
    await sendKeys({ press: 'PageDown' });
    await landed(el, scroller);
    await expectFollowing(el, scroller);
    el.stop();
    await pending;
  });

  it('follows again when the reader drags the scrollbar to the end', async () => {
    const { el, scroller, pending } = await streamingAfterAnEarlierReply(1500);
    scroller.dispatchEvent(new PointerEvent('pointerdown', { bubbles: true }));
    scroller.scrollTop = 50;
    await waitFor(() => parts(el, 'jump-button')[0], 'the jump button');
    // The thumb dragged to the end of its track, one move per frame.
    for (let i = 0; i < 3; i++) {
      scroller.scrollTop = scroller.scrollHeight;
      await frames(1);
    }
    dispatchEvent(new PointerEvent('pointerup'));
    await expectFollowing(el, scroller);
    el.stop();
    await pending;
  });

  it('follows again when a touch fling carries the view to the bottom', async () => {
    const { el, scroller, pending } = await streamingAfterAnEarlierReply(1500);
    const touch = (type: string) => new TouchEvent(type, { bubbles: true, cancelable: false });
    scroller.dispatchEvent(touch('touchstart'));
    scroller.dispatchEvent(touch('touchmove'));
    scroller.scrollBy({ top: -600, behavior: 'instant' });
    scroller.dispatchEvent(touch('touchend'));
    await waitFor(() => parts(el, 'jump-button')[0], 'the jump button');
    await landed(el, scroller);
    // A fling: the finger leaves, the view glides on toward the bottom of that moment.
    scroller.dispatchEvent(touch('touchstart'));
    scroller.dispatchEvent(touch('touchmove'));
    scroller.dispatchEvent(touch('touchend'));
    scroller.scrollBy({ top: gap(scroller), behavior: 'smooth' });
    await landed(el, scroller);
    await expectFollowing(el, scroller);
    el.stop();
    await pending;
  });
});
