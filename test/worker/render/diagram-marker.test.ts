import { expect } from 'chai';
import type { BlockOp, RenderOptions } from '../../../src/shared/protocol.js';
import { applyAll, randomChunks, renderOnce, renderOptions, renderStreamed, seeded } from '../../support/render-harness.js';

/** Which code blocks of the rendered text carry the diagram marker, in order. */
async function markedOnce(text: string, options: RenderOptions = renderOptions): Promise<boolean[]> {
  const section = applyAll([await renderOnce(text, options)]);
  const marks = [...section.querySelectorAll('.code-block')].map(block => block.hasAttribute('data-diagram'));
  section.remove();
  return marks;
}

function html(patches: Parameters<typeof applyAll>[0]): string {
  const section = applyAll(patches);
  const result = section.innerHTML;
  section.remove();
  return result;
}

const SAMPLES = [
  'Intro\n\n```mermaid\ngraph TD\n  A --> B\n```\n\nAfter.',
  '```mermaid\nsequenceDiagram\n  A->>B: hi\n```',
  '~~~Mermaid\npie\n  "a": 1\n~~~\n\n```python\nx = 1\n```\n',
  '  ```mermaid\n  graph LR\n    X --> Y\n  ```\n\n- item\n\n  ```mermaid\n  graph LR\n  ```\n',
  '```mermaid\ngraph TD\n  A --> B\n',
];

describe('the diagram marker of a mermaid fence (worker side)', () => {
  it('marks a top-level mermaid fence only once its closing fence arrived', async () => {
    expect(await markedOnce(SAMPLES[0]!)).to.deep.equal([true]);
    // Closed by the last line, with no newline after it.
    expect(await markedOnce(SAMPLES[1]!)).to.deep.equal([true]);
    // Any fence character and case; other languages are never marked.
    expect(await markedOnce(SAMPLES[2]!)).to.deep.equal([true, false]);
    // Indented top-level fences count; fences nested in a list stay code.
    expect(await markedOnce(SAMPLES[3]!)).to.deep.equal([true, false]);
    // Cut off by the end of the text: not a finished diagram.
    expect(await markedOnce(SAMPLES[4]!)).to.deep.equal([false]);
  });

  it('marks nothing with noDiagrams', async () => {
    expect(await markedOnce(SAMPLES[0]!, { ...renderOptions, noDiagrams: true })).to.deep.equal([false]);
  });

  it('is sent with the code-close of the take that saw the closing fence, never before', async () => {
    const text = SAMPLES[0]!;
    const closeAt = text.indexOf('```\n\nAfter');
    const patches = await renderStreamed([...text]);
    const firstMarked = patches.findIndex(p => (p.content ?? []).some((op: BlockOp) => op.type === 'code-close' && op.diagram));
    // Chunk i is the character at i; the closing fence's line ends at its newline.
    expect(firstMarked).to.equal(closeAt + 3);
  });

  it('streams to the same DOM as a one-shot render, at random chunkings and every split point', async () => {
    for (const [n, text] of SAMPLES.entries()) {
      const expected = html([await renderOnce(text)]);
      for (let seed = 1; seed <= 4; seed++) {
        const random = seeded(seed);
        const got = html(await renderStreamed(randomChunks(text, random, 12), renderOptions, 'content', () => random() < 0.7));
        expect(got, `sample ${n}, seed ${seed}`).to.equal(expected);
      }
      for (let i = 1; i < text.length; i++) {
        const got = html(await renderStreamed([text.slice(0, i), text.slice(i)]));
        expect(got, `sample ${n}, split at ${i}`).to.equal(expected);
      }
    }
  });
});
