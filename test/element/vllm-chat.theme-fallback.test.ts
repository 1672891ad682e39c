import { expect } from 'chai';
import { holdShiki, mount, parts, unmountAll, waitFor } from './chat-fixture.js';

const TRANSPARENT = 'rgba(0, 0, 0, 0)';
/** github-dark's background (#24292e), the theme a theme that cannot load falls back to. */
const FALLBACK_BACKGROUND = 'rgb(36, 41, 46)';

describe('<vllm-chat> with a theme whose module cannot load', function () {
  this.timeout(60_000);
  afterEach(async () => {
    await holdShiki('?on=0');
    unmountAll();
  });

  // A page of its own: no theme has loaded in its worker before this test.
  it('gives blocks shown before the failure the fallback theme’s colours, as it gives later ones', async () => {
    await holdShiki('?on=1');
    await holdShiki('?fail=nord');
    const el = await mount({ model: 'MyCoder', theme: 'nord' });
    const done = el.send('[mock rate=0 lines=4 lang=py] first');
    const first = await waitFor(() => {
      const block = parts(el, 'code-block')[0];
      return block && block.querySelectorAll('.line').length >= 4 ? block : undefined;
    }, 'the first block, shown while the theme is held');
    expect(getComputedStyle(first).backgroundColor, 'no theme yet').to.equal(TRANSPARENT);

    // nord's module answers 404: the worker falls back to github-dark.
    await holdShiki('?release=themes');
    await holdShiki('?release=langs');
    expect((await done).status).to.equal('done');
    await waitFor(() => getComputedStyle(first).backgroundColor === FALLBACK_BACKGROUND, 'the fallback’s background on the block shown before it');
    expect(getComputedStyle(first).color, 'and its foreground').to.equal('rgb(225, 228, 232)');

    const second = await el.send('[mock rate=0 lines=4 lang=py] second');
    expect(second.status).to.equal('done');
    const later = await waitFor(() => parts(el, 'code-block')[1], 'the second reply’s block');
    await waitFor(() => getComputedStyle(later).backgroundColor === FALLBACK_BACKGROUND, 'the fallback on a later block');
    expect(getComputedStyle(later).color).to.equal(getComputedStyle(first).color);
  });
});
