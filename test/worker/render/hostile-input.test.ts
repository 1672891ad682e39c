import { expect } from 'chai';
import fc from 'fast-check';
import { HOSTILE_PIECES, markupViolations } from '../../support/allowed-markup.js';
import { applyAll, renderOnce, renderOptions, renderStreamed } from '../../support/render-harness.js';

// Seeded and bounded: a failure prints its seed and shrunk input, and replays.
const SEED = 0x14b;

/** Documents made of hostile pieces, random text (any code point) and line breaks. */
const hostileText = fc
  .array(
    fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom(...HOSTILE_PIECES) },
      { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) },
      { weight: 1, arbitrary: fc.string({ unit: fc.constantFrom(...'<>[]()!`*_~$\\|#-:&;"\' \n\t/'), maxLength: 12 }) },
    ),
    { maxLength: 24 },
  )
  .map(parts => parts.join(''));

/** `text` cut at the given offsets (sorted, deduplicated, clamped). */
function cut(text: string, offsets: number[]): string[] {
  const points = [...new Set(offsets.map(o => o % (text.length + 1)))].sort((a, b) => a - b);
  const chunks: string[] = [];
  let from = 0;
  for (const at of points) {
    chunks.push(text.slice(from, at));
    from = at;
  }
  chunks.push(text.slice(from));
  return chunks;
}

describe('hostile input through the renderer', () => {
  it('puts only allow-listed elements, attributes and URLs in the DOM, images on or off', async function () {
    this.timeout(30_000);
    await fc.assert(
      fc.asyncProperty(hostileText, fc.boolean(), async (text, allowImages) => {
        const section = applyAll([await renderOnce(text, { ...renderOptions, allowImages })]);
        try {
          expect(markupViolations(section, { images: allowImages }), JSON.stringify(text)).to.deep.equal([]);
        } finally {
          section.remove();
        }
      }),
      { seed: SEED, numRuns: 150 },
    );
  });

  it('renders the same DOM streamed in any chunking as in one pass', async function () {
    this.timeout(30_000);
    await fc.assert(
      fc.asyncProperty(
        hostileText,
        fc.array(fc.nat(), { maxLength: 12 }),
        fc.array(fc.boolean(), { minLength: 1, maxLength: 13 }),
        async (text, offsets, takes) => {
          const once = applyAll([await renderOnce(text)]);
          const streamed = applyAll(
            await renderStreamed(cut(text, offsets), renderOptions, 'content', i => takes[i % takes.length]!),
          );
          try {
            expect(streamed.innerHTML, JSON.stringify(text)).to.equal(once.innerHTML);
            expect(markupViolations(streamed), JSON.stringify(text)).to.deep.equal([]);
          } finally {
            once.remove();
            streamed.remove();
          }
        },
      ),
      { seed: SEED, numRuns: 80 },
    );
  });

  it('renders a document of every hostile piece the same when split at every boundary', async function () {
    this.timeout(60_000);
    // Pieces that open a fence would turn the rest into code: they go last.
    const fences = HOSTILE_PIECES.filter(p => /^(```|~~~)/.test(p));
    const text = [...HOSTILE_PIECES.filter(p => !fences.includes(p)), '\n\n', ...fences, 'x <b>y</b> [z](javascript:1)\n'].join(' ');
    const once = applyAll([await renderOnce(text)]);
    const expected = once.innerHTML;
    expect(markupViolations(once)).to.deep.equal([]);
    once.remove();
    for (let i = 0; i <= text.length; i++) {
      const streamed = applyAll(await renderStreamed([text.slice(0, i), text.slice(i)]));
      expect(streamed.innerHTML, `split at ${i}`).to.equal(expected);
      streamed.remove();
    }
  });
});
