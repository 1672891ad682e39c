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
