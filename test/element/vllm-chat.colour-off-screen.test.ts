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

  it('colours, in place, the code of a reply stopped while its colour was behind the text', async () => {
    // Lines Shiki colours (each holds a keyword) that show no token: plain.
    const plainLines = (root: Element) =>
      [...root.querySelectorAll('.line')].filter(l => l.childElementCount === 0 && /\b(export|function|const|return|interface)\b/.test(l.textContent ?? '')).length;
    // Whether colour is behind the text when the stop comes depends on the machine's pace: a few tries.
    for (let attempt = 1; ; attempt++) {
      const el = await mount({ model: 'MyCoder' });
      el.style.height = '500px';
      const done = el.send('[mock rate=0 lines=8000 lang=ts]');
      const pre = await waitFor(() => {
        const block = parts(el, 'code-block')[0];
        return block && block.querySelectorAll('.code-group').length >= 10 ? block : undefined;
      }, 'the first groups of code', 30_000);
      el.stop();
      const reply = await done;
      expect(reply.status).to.equal('stopped');
      // Right after the stop, before anything could colour them.
      const groups = [...pre.querySelectorAll('.code-group')];
      const plainGroups = groups.map((group, index) => ({ group, index, plain: plainLines(group) })).filter(g => g.plain > 0);
      if (plainGroups.length === 0) {
        expect(attempt, 'tries whose colour had caught up with the text at the stop').to.be.below(5);
        el.remove();
        continue;
      }
      const last = groups.at(-1)!;
      const lastLines = [...last.querySelectorAll('.line')];
      const code = pre.textContent ?? '';
      const log = el.shadowRoot!.querySelector<HTMLElement>('.log')!;
      log.dispatchEvent(new WheelEvent('wheel', { deltaY: -100 }));
      // Each group that was plain, once shown, has every line coloured; the last and the first of them
      // as a one-pass highlight of the block colours them (the block is coloured once the worker has
      // highlighted its text: the first checked may wait for it).
      const exact = new Set([plainGroups[0]!.index, plainGroups.at(-1)!.index]);
      for (const { group, index } of plainGroups.reverse()) {
        group.scrollIntoView({ block: 'start' });
        await waitFor(
          () => keptLines(group) === 0 && plainLines(group) === 0 && group.checkVisibility({ contentVisibilityAuto: true }),
          `group ${index} coloured`,
          30_000,
        );
        if (exact.has(index)) await expectShikiColours(group, code, 'ts', 'github-dark', index * CODE_GROUP_LINES);
      }
      // In place: the last group, on screen at the stop, has the same line elements it had then.
      expect([...last.querySelectorAll('.line')].every((line, i) => line === lastLines[i]), 'the same line elements').to.equal(true);
      expect(pre.textContent).to.equal(code);
      return;
    }
  });
});
