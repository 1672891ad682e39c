import { expect } from 'chai';
import fc from 'fast-check';
import { HOSTILE_PIECES, markupViolations } from '../support/allowed-markup.js';
import { applyAll, renderOnce, renderOptions } from '../support/render-harness.js';
import { mount, parts, servers, unmountAll } from './chat-fixture.js';

// The model's text over real SSE from the embedded server (`echo=1` answers
// with the prompt), streamed by the worker, applied by the element.
const SEED = 0x14b;

const hostileText = fc
  .array(fc.oneof(fc.constantFrom(...HOSTILE_PIECES), fc.string({ unit: 'binary', maxLength: 8 })), { minLength: 1, maxLength: 12 })
  .map(parts => parts.join('').replace(/\0/g, '').trim())
  .filter(text => text !== '');

describe('<vllm-chat> with hostile replies', () => {
  afterEach(unmountAll);

  it('shows only allow-listed markup, the same as a one-pass render, for any streamed reply', async function () {
    this.timeout(120_000);
    for (const allowImages of [false, true]) {
      const el = await mount({ endpoint: servers.crossOrigin, model: 'MyCoder', ...(allowImages ? { 'allow-images': '' } : {}) });
      await fc.assert(
        fc.asyncProperty(hostileText, async text => {
          // rate=2000: many small SSE events, so the reply arrives in many network chunks.
          const reply = await el.send(`[mock echo=1 rate=2000] ${text}`);
          expect(reply.status, reply.error?.message).to.equal('done');
          expect(reply.content).to.equal(text);
          const shown = parts(el, 'assistant').at(-1)!.querySelector<HTMLElement>('.content')!;
          expect(markupViolations(shown, { images: allowImages }), JSON.stringify(text)).to.deep.equal([]);
          const once = applyAll([await renderOnce(text, { ...renderOptions, allowImages })]);
          try {
            expect(shown.innerHTML, JSON.stringify(text)).to.equal(once.innerHTML);
          } finally {
            once.remove();
          }
        }),
        { seed: SEED + Number(allowImages), numRuns: 12 },
      );
      el.clear();
    }
  });
});
