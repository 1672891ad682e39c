import { expect } from 'chai';
import type { Patch } from '../../../src/shared/protocol.js';
import { mergePatches } from '../../../src/worker/session/stream-session.js';
import { applyAll, randomChunks, renderOnce, renderStreamed, seeded } from '../../support/render-harness.js';

const reply = [
  '好的，下面是实现：',
  '',
  '```ts',
  ...Array.from({ length: 120 }, (_, i) => `export const value${i} = compute(${i}, "s${i}"); // 第 ${i} 行`),
  '```',
  '',
  '- one',
  '- two with `code`',
  '',
  '```py',
  'def f(x):',
  '    return x * 2',
  '```',
  '说明完毕。',
].join('\n');

describe('mergePatches', () => {
  for (const seed of [1, 2, 3]) {
    it(`gives the DOM of the patches applied one by one, for any grouping (seed ${seed})`, async () => {
      const random = seeded(seed);
      const patches = (await renderStreamed(randomChunks(reply, random, 30))) as Patch[];
      // Merge runs of 1–4 consecutive patches, as the stream session does while a patch is in flight.
      const merged: Patch[] = [];
      for (let i = 0; i < patches.length; ) {
        const n = 1 + Math.floor(random() * 4);
        merged.push(patches.slice(i, i + n).reduce((a, b) => mergePatches(a, b)));
        i += n;
      }
      expect(merged.length).to.be.below(patches.length);
      const one = applyAll(patches).innerHTML;
      expect(applyAll(merged).innerHTML).to.equal(one);
      expect(applyAll([await renderOnce(reply)]).innerHTML).to.equal(one);
    });
  }

  it('joins text deltas and styles, keeps the newer stats and the end, and drops a partial line replaced next', () => {
    const a: Patch = {
      contentDelta: 'ab',
      styles: ['.x{}'],
      stats: { tokens: 1, elapsedMs: 1 },
      content: [{ type: 'code-lines', lines: ['<span class="line">1</span>'] }, { type: 'code-tail', html: 'par' }],
    };
    const b: Patch = {
      contentDelta: 'c',
      reasoningDelta: 'r',
      styles: ['.y{}'],
      stats: { tokens: 2, elapsedMs: 5 },
      content: [{ type: 'code-lines', lines: ['<span class="line">2</span>'] }],
      end: { status: 'done' },
    };
    expect(mergePatches(a, b)).to.deep.equal({
      contentDelta: 'abc',
      reasoningDelta: 'r',
      styles: ['.x{}', '.y{}'],
      stats: { tokens: 2, elapsedMs: 5 },
      content: [
        { type: 'code-lines', lines: ['<span class="line">1</span>'] },
        { type: 'code-lines', lines: ['<span class="line">2</span>'] },
      ],
      end: { status: 'done' },
    });
    // A partial line before a close is what the block freezes with: kept.
    const closing = mergePatches(a, { content: [{ type: 'code-close' }] });
    expect(closing.content?.map(op => op.type)).to.deep.equal(['code-lines', 'code-tail', 'code-close']);
    // A partial line sent as text is replaced the same way.
    const text: Patch = { content: [{ type: 'code-tail-text', text: 'pa' }] };
    expect(mergePatches(text, { content: [{ type: 'code-tail-text', text: 'par' }] }).content).to.deep.equal([{ type: 'code-tail-text', text: 'par' }]);
    expect(mergePatches(text, { content: [{ type: 'code-close' }] }).content?.map(op => op.type)).to.deep.equal(['code-tail-text', 'code-close']);
  });

  it('keeps tool-call pieces and ops in order', () => {
    const a: Patch = { toolCallDeltas: [{ index: 0, id: 'c', name: 'f' }], toolCalls: [{ index: 0, ops: [{ type: 'code-open', html: 'x' }] }] };
    const b: Patch = { toolCallDeltas: [{ index: 0, arguments: '{}' }], toolCalls: [{ index: 0, ops: [{ type: 'code-tail', html: 'y' }] }] };
    const merged = mergePatches(a, b);
    expect(merged.toolCallDeltas).to.deep.equal([...a.toolCallDeltas!, ...b.toolCallDeltas!]);
    expect(merged.toolCalls).to.deep.equal([...a.toolCalls!, ...b.toolCalls!]);
  });
});
