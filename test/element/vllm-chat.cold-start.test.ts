import { expect } from 'chai';
import { holdShiki, mount, parts, unmountAll, waitFor } from './chat-fixture.js';

const coloured = (pre: Element) => pre.querySelector('[class^="c-"], [class*=" c-"]');
const TRANSPARENT = 'rgba(0, 0, 0, 0)';

describe('<vllm-chat> on a fresh page', function () {
  // Streams at a set rate on a shared machine.
  this.timeout(60_000);
  afterEach(async () => {
    await holdShiki('?on=0');
    unmountAll();
  });

  // This file runs in a page of its own: the page's worker starts here, with no grammar or theme loaded yet.
  it('shows the first reply’s prose and code lines while the highlighter’s grammar and theme are held back; theme, then colour, follow', async () => {
    await holdShiki('?on=1');
    const el = await mount({ model: 'MyCoder' });
    const done = el.send('[mock rate=100 lines=6 lang=py]');

    const prose = () => parts(el, 'assistant')[0]?.querySelector('p')?.textContent?.trim();
    await waitFor(prose, 'the first prose of the reply');
    const pre = await waitFor(() => {
      const block = parts(el, 'code-block')[0];
      return block && block.querySelectorAll('.line').length >= 6 ? block : undefined;
    }, 'the code block with its lines');

    // The prose and every code line showed while the theme and grammars were still on hold.
    expect((await holdShiki()).held, 'grammar and theme requests held while the text shows').to.be.greaterThan(0);
    expect(prose(), 'the prose before the block').to.match(/\w/);
    expect(coloured(pre), 'no colour yet').to.equal(null);
    expect(getComputedStyle(pre).backgroundColor, 'no theme yet').to.equal(TRANSPARENT);

    // The theme alone: the block takes its background while its lines wait for the grammar.
    await holdShiki('?release=themes');
    await waitFor(() => getComputedStyle(pre).backgroundColor !== TRANSPARENT, 'the theme’s background on the block');
    expect(coloured(pre), 'no colour before the grammar').to.equal(null);

    await holdShiki('?release=langs');
    await waitFor(() => coloured(pre), 'the code lines coloured once the grammar loads');
    const reply = await done;
    expect(reply.status).to.equal('done');
  });
});
