import { expect } from 'chai';
import { CODE_GROUP_LINES } from '../../src/shared/code-block-layout.js';
import { keptLines } from '../../src/element/view/group-colour.js';
import { mount, parts, unmountAll, waitFor } from './chat-fixture.js';
import { expectShikiColours } from '../support/code-colours.js';

describe('<vllm-chat> colour of code far off screen', function () {
  // Colours thousands of lines on a shared machine.
  this.timeout(120_000);
  afterEach(unmountAll);

  it('has every line of a reply that streamed faster than it was coloured coloured by the time it is scrolled back to', async () => {
    const el = await mount({ model: 'MyCoder' });
    el.style.height = '500px';
    const reply = await el.send('[mock rate=0 lines=3000 lang=ts]');
    expect(reply.status).to.equal('done');
    const code = /```\w*\n([\s\S]*?)\n```/.exec(reply.content)![1]!;
    const pre = parts(el, 'code-block')[0]!;
    expect(pre.textContent, 'the text, whole, whatever the colour').to.equal(code);

    const log = el.shadowRoot!.querySelector<HTMLElement>('.log')!;
    const groups = [...pre.querySelectorAll('.code-group')];
    expect(groups).to.have.length(Math.ceil(3000 / CODE_GROUP_LINES));
    const lines = code.split('\n');
    // The reader turns the wheel up: the log stops following the bottom.
    log.dispatchEvent(new WheelEvent('wheel', { deltaY: -100 }));
    // Back to the top, then to the middle of the block: each group shown is coloured as a one-pass highlight colours it.
    for (const index of [0, Math.floor(groups.length / 2)]) {
      const group = groups[index]!;
      group.scrollIntoView({ block: 'start' });
      await waitFor(
        () => keptLines(group) === 0 && group.querySelector('.line') && group.checkVisibility({ contentVisibilityAuto: true }),
        `group ${index} shown with its colour`,
        30_000,
      );
      const own = lines.slice(index * CODE_GROUP_LINES, (index + 1) * CODE_GROUP_LINES);
      expect(group.textContent).to.equal(own.join('\n') + '\n');
      if (index === 0) await expectShikiColours(group, own.join('\n'), 'ts', 'github-dark');
      else expect(group.querySelectorAll('.line [class^="c-"]').length, `group ${index} coloured`).to.be.above(CODE_GROUP_LINES);
    }
    expect(log.scrollTop).to.be.above(0);
  });
});
