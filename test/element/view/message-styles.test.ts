import { expect } from 'chai';
import { CODE_GROUP_LINES } from '../../../src/shared/code-block-layout.js';
import { messageBox } from '../../support/message-box.js';
import { insertHtml } from '../../../src/element/view/insert-html.js';
import { codeBlockHtml, plainLineHtml } from '../../../src/worker/render/code-block.js';

const nextFrame = () => new Promise(resolve => requestAnimationFrame(() => requestAnimationFrame(resolve)));

describe('message styles', () => {
  it('gives a code group that was never laid out the height of a laid-out group', async () => {
    // A short scroll box: only the first group is on screen, the middle ones are skipped.
    const { host, box } = messageBox();
    try {
      const lines = Array.from({ length: CODE_GROUP_LINES * 4 }, (_, i) => plainLineHtml(`line ${i}`));
      insertHtml(box, 'beforeend', codeBlockHtml({ lang: 'py', preClass: 'shiki', copyLabel: 'Copy' }, lines));
      await nextFrame();
      const groups = [...box.querySelectorAll<HTMLElement>('.code-group')];
      expect(groups).to.have.length(4);
      const laidOut = groups[0]!.getBoundingClientRect().height;
      const placeholder = groups[1]!.getBoundingClientRect().height;
      expect(laidOut).to.be.above(CODE_GROUP_LINES * 10);
      // groups[1] is off screen and was never laid out: its height is the placeholder.
      expect(Math.abs(placeholder - laidOut), `${placeholder} vs ${laidOut}`).to.be.below(1);
    } finally {
      host.remove();
    }
  });
});
