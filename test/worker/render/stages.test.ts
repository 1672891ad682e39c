import { expect } from 'chai';
import type { RenderOptions } from '../../../src/shared/protocol.js';
import { MessageRenderer, type RenderedPatch } from '../../../src/worker/render/message-renderer.js';
import { renderStages, type RenderStage } from '../../../src/worker/render/stages/index.js';
import { directionSamples } from '../../../src/worker/render/stages/direction.js';
import { tablesSamples } from '../../../src/worker/render/stages/tables.js';
import { taskListsSamples } from '../../../src/worker/render/stages/task-lists.js';
import { mathSamples } from '../../../src/worker/render/stages/math.js';
import { applyAll, randomChunks, renderOptions, seeded } from '../../support/render-harness.js';

/** A sample text, rendered with the default render options unless it names its own. */
type Sample = string | { text: string; options: RenderOptions };

/**
 * Samples of every registered stage, keyed by its name: texts that exercise
 * the stage across block boundaries, in lists and quotes, and at the end of
 * the text. A stage registered without an entry here fails this file.
 */
const samples: Record<string, readonly Sample[]> = {
  'safe-links': [
    'See [a](https://x.example) and https://l.example/p\n<mailto:a@b.c> [b](javascript:x) [c]() [d](/rel)\n\n' +
      '- [e](https://e.example/1 "title")\n- [f](data:text/html,x)\n\n> [q](http://q.example)\nlazy\n\n' +
      '[r]: https://example.com/r\n\nUse [r] and [missing].',
    'Bare www.example.com/path?q=1, and (www.x.example/a_(b)). Not setup.py.\n\nUse [late] here.\n\n[late]: https://late.example',
  ],
  images: [
    '[![build](https://ci.example/badge.svg)](https://ci.example/run) after\n\n- [![b](https://e.example/b.png)](https://e.example)',
    '![cat](https://example.com/cat.png) ![rel](/x.png) ![js](javascript:alert(1))\n\n> ![q](http://e.example/q.png)\n\n- ![](https://e.example/empty.png)',
    {
      text: '![cat](https://example.com/cat.png) ![rel](/x.png) ![*em* alt](data:image/png;base64,AA)\n\n> ![q](http://e.example/q.png)',
      options: { ...renderOptions, allowImages: true },
    },
  ],
  math: mathSamples,
  tables: tablesSamples,
  'task-lists': taskListsSamples,
  direction: directionSamples,
  'table-align': [
    'Intro\n\n| a | b | c | d |\n|:--|:-:|--:|---|\n| 1 | 2 | 3 | 4 |\n| ~~x~~ | [l](https://e.example) | `c` | |\n\nAfter.\n\n' +
      '> | q | r |\n> |--:|:--|\n> | 5 | 6 |',
  ],
};

function sampleText(sample: Sample): string {
  return typeof sample === 'string' ? sample : sample.text;
}

function sampleOptions(sample: Sample): RenderOptions {
  return typeof sample === 'string' ? renderOptions : sample.options;
}

async function once(text: string, options: RenderOptions, stages: readonly RenderStage[] = renderStages): Promise<RenderedPatch> {
  const renderer = new MessageRenderer(options, stages);
  renderer.feed('content', text);
  renderer.end();
  return renderer.take();
}

/** Feeds `chunks`, taking after a chunk when `takeAfter` says so and at the end. */
async function streamed(
  chunks: readonly string[],
  options: RenderOptions,
  takeAfter: () => boolean = () => true,
  stages: readonly RenderStage[] = renderStages,
): Promise<RenderedPatch[]> {
  const renderer = new MessageRenderer(options, stages);
  const patches: RenderedPatch[] = [];
  for (const chunk of chunks) {
    renderer.feed('content', chunk);
    if (takeAfter()) patches.push(await renderer.take());
  }
  renderer.end();
  patches.push(await renderer.take());
  return patches;
}

function html(patches: readonly RenderedPatch[]): string {
  const section = applyAll(patches);
  const result = section.innerHTML;
  section.remove();
  return result;
}

/** Streamed at seeded random chunkings and at every split point, each compared with the one-shot render. */
async function expectStreamedEqualsOnce(text: string, options: RenderOptions, stages: readonly RenderStage[], label: string): Promise<void> {
  const expected = html([await once(text, options, stages)]);
  for (let seed = 1; seed <= 4; seed++) {
    const random = seeded(seed);
    const chunks = randomChunks(text, random, 12);
    const got = html(await streamed(chunks, options, () => random() < 0.7, stages));
    expect(got, `${label}, seed ${seed}`).to.equal(expected);
  }
  for (let i = 1; i < text.length; i++) {
    const got = html(await streamed([text.slice(0, i), text.slice(i)], options, () => true, stages));
    expect(got, `${label}, split at ${i}: ${JSON.stringify(text.slice(Math.max(0, i - 10), i))}|`).to.equal(expected);
  }
}

describe('render stages', () => {
  it('have unique kebab-case names', () => {
    const names = renderStages.map(stage => stage.name);
    for (const name of names) expect(name).to.match(/^[a-z0-9]+(-[a-z0-9]+)*$/);
    expect(new Set(names).size).to.equal(names.length);
  });

  it('each have samples here, and every sample belongs to a registered stage', () => {
    const names = renderStages.map(stage => stage.name);
    const missing = names.filter(name => (samples[name]?.length ?? 0) === 0);
    expect(missing, 'registered stages without samples in stages.test.ts').to.deep.equal([]);
    expect(Object.keys(samples).filter(name => !names.includes(name)), 'samples of no registered stage').to.deep.equal([]);
  });

  for (const stage of renderStages) {
    describe(stage.name, () => {
      it('streams each sample to the same DOM as a one-shot render, at random chunkings and every split point', async () => {
        const list = samples[stage.name] ?? [];
        expect(list.length, `samples of ${stage.name}`).to.be.greaterThan(0);
        for (const [n, sample] of list.entries()) {
          await expectStreamedEqualsOnce(sampleText(sample), sampleOptions(sample), renderStages, `${stage.name} sample ${n}`);
        }
      });

      it('changes the render of each sample (the samples exercise it)', async () => {
        const without = renderStages.filter(other => other !== stage);
        for (const [n, sample] of (samples[stage.name] ?? []).entries()) {
          const withStage = JSON.stringify((await once(sampleText(sample), sampleOptions(sample))).content);
          const withoutStage = JSON.stringify((await once(sampleText(sample), sampleOptions(sample), without)).content);
          expect(withStage, `${stage.name} sample ${n}`).not.to.equal(withoutStage);
        }
      });
    });
  }

  it('runs a post-render pass on every markdown block, frozen or tail, and streamed equals one-shot with it', async () => {
    // Marks each block's first tag; a pass that saw several blocks at once would mark only the first.
    const marker: RenderStage = { name: 'marker', postRender: block => block.replace(/^<([a-z0-9]+)/, '<$1 data-post=""') };
    const stages = [...renderStages, marker];
    const text = 'One\n\n- a\n- b\n\n> quote\n\n```js\nx\n```\n\n| h |\n|---|\n| c |\n\nLast';
    const shown = applyAll([await once(text, renderOptions, stages)]);
    expect([...shown.children].map(el => `${el.tagName}:${el.hasAttribute('data-post')}`)).to.deep.equal([
      'P:true',
      'UL:true',
      'BLOCKQUOTE:true',
      // A top-level fence streams through the code path, which no pass sees.
      'DIV:false',
      // A table sits in its scroll box with its copy button (stages/tables.ts).
      'DIV:true',
      'P:true',
    ]);
    shown.remove();
    const tail = await streamed(['One\n\nTw'], renderOptions, () => true, stages);
    expect(JSON.stringify(tail[0]?.content)).to.match(/<p data-post=\\"\\"[^>]*>Tw<\/p>/);
    await expectStreamedEqualsOnce(text, renderOptions, stages, 'marker');
  });
});
