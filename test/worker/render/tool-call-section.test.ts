import { expect } from 'chai';
import { MessageRenderer, type RenderedPatch } from '../../../src/worker/render/message-renderer.js';
import { applyPatch, codeBlockSource } from '../../../src/element/view/apply-patch.js';
import { addTokenStyles } from '../../../src/element/view/message-styles.js';
import { newSection, randomChunks, renderOptions, seeded } from '../../support/render-harness.js';

/** Applies every patch's ops of call `index` to a new section. */
function applyCall(patches: readonly RenderedPatch[], index: number): HTMLElement {
  const section = newSection();
  for (const patch of patches) {
    addTokenStyles(patch.styles);
    for (const call of patch.toolCalls ?? []) if (call.index === index) applyPatch(section, call.ops);
  }
  return section;
}

async function once(args: readonly string[]): Promise<RenderedPatch> {
  const renderer = new MessageRenderer(renderOptions);
  args.forEach((text, index) => renderer.feedToolCall(index, text));
  renderer.end();
  return renderer.take();
}

async function streamed(args: readonly string[], seed: number): Promise<RenderedPatch[]> {
  const random = seeded(seed);
  const renderer = new MessageRenderer(renderOptions);
  const patches: RenderedPatch[] = [];
  const pieces = args.map(text => randomChunks(text, random, 6));
  for (let round = 0; pieces.some(p => p.length); round++) {
    pieces.forEach((list, index) => {
      const piece = list.shift();
      if (piece !== undefined || round === 0) renderer.feedToolCall(index, piece ?? '');
    });
    if (random() < 0.6) patches.push(await renderer.take());
  }
  renderer.end();
  patches.push(await renderer.take());
  return patches;
}

const samples = [
  '{"expression": "6 * 7"}',
  '{"city": "Paris", "days": [1, 2, 3], "metric": true, "note": null, "nested": {"a": "\\u00e9 \\"q\\""}}',
  '{\n  "multi": "line",\n  "n": -1.5e3\n}',
  '',
  '{"html": "<img src=x onerror=alert(1)>", "cut',
];

describe('tool call arguments', () => {
  // First in this file, which runs in a page of its own: the highlighter and JSON's grammar have not loaded yet.
  it('show at once, plain, while the highlighter and JSON load, are then coloured in place, and end as the one-shot render', async () => {
    const text = samples[2]!;
    const renderer = new MessageRenderer(renderOptions);
    renderer.feedToolCall(0, text.slice(0, 20));
    // A deadline, as a stream's takes have: text does not wait for colour.
    const patches = [await renderer.take(performance.now() + 5)];
    const early = applyCall(patches, 0);
    expect(early.querySelector('pre code')?.textContent, 'the first line and the partial one').to.equal(text.slice(0, 20));
    expect(early.querySelector('pre [class*="c-"]'), 'no colour yet').to.equal(null);
    const recoloured = () => patches.some(p => p.toolCalls?.some(call => call.ops.some(op => op.type === 'code-recolour')));
    for (let i = 0; i < 20 && !recoloured(); i++) {
      const loading = patches.at(-1)!.loading;
      expect(loading, 'a take is due once something loads').to.be.instanceOf(Promise);
      await loading;
      patches.push(await renderer.take(performance.now() + 5));
    }
    expect(recoloured(), 'the lines on screen coloured in place').to.equal(true);
    expect(applyCall(patches, 0).querySelector('pre [class*="c-"]'), 'coloured').to.not.equal(null);
    renderer.feedToolCall(0, text.slice(20));
    renderer.end();
    patches.push(await renderer.take(performance.now() + 5));
    expect(applyCall(patches, 0).innerHTML).to.equal(applyCall([await once([text])], 0).innerHTML);
  });

  it('render as one JSON code block, coloured by Shiki, with the arguments exactly as its text', async () => {
    const section = applyCall([await once([samples[1]!])], 0);
    const block = section.querySelector('.code-block')!;
    expect(block.getAttribute('data-lang')).to.equal('json');
    expect(codeBlockSource(block)).to.equal(samples[1]);
    expect(section.querySelectorAll('pre [class*="c-"]').length, 'coloured tokens').to.be.greaterThan(3);
  });

  for (let seed = 1; seed <= 12; seed++) {
    it(`streamed in random fragments gives the one-shot DOM (seed ${seed})`, async () => {
      const one = await once(samples);
      const many = await streamed(samples, seed);
      for (let index = 0; index < samples.length; index++) {
        expect(applyCall(many, index).innerHTML, `call ${index}`).to.equal(applyCall([one], index).innerHTML);
        expect(codeBlockSource(applyCall(many, index).querySelector('.code-block')!)).to.equal(samples[index]);
      }
    });
  }

  it('never turns argument text into markup', async () => {
    const section = applyCall([await once(['{"a": "<img src=x onerror=alert(1)><script>alert(2)</script>"}'])], 0);
    expect(section.querySelector('img, script')).to.equal(null);
    expect(section.textContent).to.contain('<img src=x onerror=alert(1)>');
  });
});
