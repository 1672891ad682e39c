import { expect } from 'chai';
import { emulateMedia } from '@web/test-runner-commands';
import { mount, part, parts, unmountAll } from './chat-fixture.js';

const rgb = (hex: string) => {
  const probe = document.createElement('span');
  probe.style.color = hex;
  document.body.append(probe);
  const value = getComputedStyle(probe).color;
  probe.remove();
  return value;
};

describe('<vllm-chat> styling', () => {
  let sheet: HTMLStyleElement | undefined;
  afterEach(async () => {
    unmountAll();
    sheet?.remove();
    sheet = undefined;
    await emulateMedia({ colorScheme: 'light' });
  });

  it('is not restyled by the page CSS that matches everything', async () => {
    sheet = document.createElement('style');
    sheet.textContent =
      '* { color: rgb(255, 0, 0); font-size: 40px; line-height: 9; text-transform: uppercase; letter-spacing: 3px; font-family: serif; }';
    document.head.append(sheet);
    const el = await mount({ model: 'MyCoder' });
    await el.send('[mock rate=0 echo=1] plain words');
    for (const node of [part(el, 'input'), parts(el, 'assistant')[0]!]) {
      const style = getComputedStyle(node);
      expect(style.color).to.not.equal('rgb(255, 0, 0)');
      expect(style.fontSize).to.not.equal('40px');
      expect(style.textTransform).to.equal('none');
      expect(style.letterSpacing).to.equal('normal');
    }
  });

  it('follows prefers-color-scheme, and the page can force a scheme or set colours', async () => {
    const el = await mount();
    const frame = el.shadowRoot!.querySelector('.frame')!;
    await emulateMedia({ colorScheme: 'light' });
    expect(getComputedStyle(frame).backgroundColor).to.equal(rgb('#ffffff'));
    await emulateMedia({ colorScheme: 'dark' });
    expect(getComputedStyle(frame).backgroundColor).to.equal(rgb('#0d1117'));
    el.style.colorScheme = 'light';
    expect(getComputedStyle(frame).backgroundColor).to.equal(rgb('#ffffff'));
    el.style.setProperty('--vllm-chat-background', 'rgb(1, 2, 3)');
    el.style.setProperty('--vllm-chat-accent', 'rgb(4, 5, 6)');
    expect(getComputedStyle(frame).backgroundColor).to.equal('rgb(1, 2, 3)');
    expect(getComputedStyle(part(el, 'send-button')).backgroundColor).to.equal('rgb(4, 5, 6)');
  });

  it('shows a line longer than the block in every group of a long code block when it is scrolled sideways', async () => {
    const box = document.createElement('div');
    box.style.cssText = 'width: 420px; height: 600px;';
    document.body.append(box);
    try {
      const el = await mount({ model: 'MyCoder' }, box);
      el.style.height = '600px';
      await el.send('[mock rate=0 lines=450 lang=ts]');
      const frames = () => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
      // The last follow to the bottom runs in the next frame; scroll only after it.
      await frames();
      const pre = parts(el, 'code-block')[0]!;
      const groups = [...pre.querySelectorAll('.code-group')];
      expect(groups.length, 'groups').to.equal(3);
      // The growing last group has the containment content-visibility: auto
      // implies, so becoming an earlier group changes no containment (which
      // would rebuild its layout objects).
      const contain = getComputedStyle(groups[2]!).contain;
      expect(contain === 'content' || ['layout', 'style', 'paint'].every(c => contain.includes(c)), contain).to.equal(true);
      for (const [i, group] of groups.entries()) {
        // The widest line of the group, brought on screen and scrolled to its middle.
        const lines = [...group.querySelectorAll<HTMLElement>('.line')];
        const widths = lines.map(line => line.getBoundingClientRect().width);
        const wide = lines[widths.indexOf(Math.max(...widths))]!;
        expect(wide.getBoundingClientRect().width, `group ${i}: a line wider than the block`).to.be.above(2 * pre.clientWidth);
        wide.scrollIntoView({ block: 'center' });
        pre.scrollLeft = wide.getBoundingClientRect().width / 2;
        await frames();
        const line = wide.getBoundingClientRect();
        const view = pre.getBoundingClientRect();
        const hit = el.shadowRoot!.elementFromPoint(view.left + view.width / 2, line.top + line.height / 2);
        expect(hit && wide.contains(hit), `group ${i}: the middle of the line is hit, not ${hit?.className}`).to.equal(true);
      }
    } finally {
      box.remove();
    }
  });

  it('uses no style attributes, so a strict style-src policy holds', async () => {
    const el = await mount({ model: 'MyCoder' });
    await el.send('[mock rate=0 reasoning=5 lines=20 lang=py]');
    await el.send('[mock error=500]');
    expect(el.shadowRoot!.querySelectorAll('[style]')).to.have.length(0);
    expect(el.shadowRoot!.querySelectorAll('style')).to.have.length(0);
  });
});
