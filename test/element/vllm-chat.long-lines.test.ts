import { expect } from 'chai';
import { mount, parts, unmountAll, waitFor } from './chat-fixture.js';
import type { VllmChat } from '../../src/element/vllm-chat.js';
import { expectShikiColours } from '../support/code-colours.js';

/** One line of dense TypeScript, `length` characters long. */
function longLine(length: number): string {
  let line = '';
  for (let i = 0; line.length < length; i++) line += `const t${i}: Record<string, number> = { a: ${i}, "k ${i}": f(${i}, 'x') }; `;
  return line.slice(0, length);
}

/** The text of the last assistant message of `el` ('' before one shows). */
function replyText(el: VllmChat): string {
  return parts(el, 'assistant').at(-1)?.textContent ?? '';
}

describe('<vllm-chat> a very long code line', function () {
  // Colours tens of thousands of characters on a shared machine.
  this.timeout(120_000);
  afterEach(unmountAll);

  it('streams a 20k+-character line plain at once and ends coloured, while another element keeps receiving text', async () => {
    const line = longLine(24_000);
    const prose = Array.from({ length: 2000 }, (_, i) => `word${i}`).join(' ');
    const other = await mount({ model: 'MyCoder' });
    const el = await mount({ model: 'MyCoder' });

    // The other element streams prose throughout (stopped once the line is coloured).
    const otherDone = other.send(`[mock rate=300 echo=1] ${prose}`);
    await waitFor(() => replyText(other).includes('word20'), 'the other reply to start', 60_000);

    // Frame by frame: is the long line on screen whole, is it coloured, and how far is the other reply?
    let plainFrames = 0;
    let coloured = false;
    const otherLengths = new Set<number>();
    let watching = true;
    const watch = () => {
      if (!watching) return;
      const shown = parts(el, 'code-block')[0]?.querySelector('.line');
      if (shown && shown.textContent === line) {
        if (shown.querySelector('[class^="c-"]')) coloured = true;
        else {
          plainFrames++;
          otherLengths.add(replyText(other).length);
        }
      }
      requestAnimationFrame(watch);
    };
    requestAnimationFrame(watch);

    const reply = await el.send(`[mock rate=0 echo=1] \`\`\`ts\n${line}\n\`\`\``);
    expect(reply.status).to.equal('done');
    await waitFor(() => coloured, 'the long line coloured', 100_000);
    watching = false;
    const stillStreaming = !replyText(other).endsWith('word1999');
    other.stop();
    await otherDone;

    // Plain as soon as it arrived (its colour came later, in slices, not in the take that showed it).
    expect(plainFrames, 'frames showing the whole line plain').to.be.at.least(2);
    // While the worker coloured the line, the other element's reply kept growing.
    expect(stillStreaming, 'the other reply still streaming when the line was coloured').to.equal(true);
    // and changed in a good share of those frames: colour-only slices are short while another reply's text arrives.
    expect(otherLengths.size, 'distinct lengths of the other reply while the line was plain').to.be.at.least(Math.max(3, Math.ceil(plainFrames * 0.4)));

    const pre = parts(el, 'code-block')[0]!;
    expect(pre.textContent).to.equal(line);
    await expectShikiColours(pre, line, 'ts', 'github-dark');
  });
});
