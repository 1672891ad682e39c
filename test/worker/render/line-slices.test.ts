import { expect } from 'chai';
import { lineSlices, SLICE_MAX, SLICE_MIN } from '../../../src/worker/render/line-slices.js';

/** The slices of `text`, as strings. */
function pieces(text: string): string[] {
  const out: string[] = [];
  let from = 0;
  for (const end of lineSlices(text)) {
    out.push(text.slice(from, end));
    from = end;
  }
  return out;
}

describe('lineSlices: where a long line is cut to be tokenized in slices', () => {
  it('leaves a line up to a slice long whole', () => {
    expect(lineSlices('')).to.deep.equal([0]);
    expect(lineSlices('x'.repeat(SLICE_MAX))).to.deep.equal([SLICE_MAX]);
  });

  it('cuts a longer line into slices that join to the line, each at most a slice long and all but the last at least the minimum', () => {
    const line = Array.from({ length: 500 }, (_, i) => `v${i} = f(${i}, "s ${i}");`).join(' ');
    const parts = pieces(line);
    expect(parts.join('')).to.equal(line);
    expect(parts.length).to.be.greaterThan(line.length / SLICE_MAX);
    for (const part of parts) expect(part.length).to.be.at.most(SLICE_MAX);
    for (const part of parts.slice(0, -1)) expect(part.length).to.be.at.least(SLICE_MIN);
  });

  it('cuts after the whitespace that follows a separator, outside quoted text', () => {
    // Quoted text full of separators and spaces, and one unquoted ", " between strings.
    const quoted = `"${'a, b; c { d } '.repeat(12)}"`;
    const line = Array.from({ length: 40 }, () => quoted).join(', ');
    for (const part of pieces(line).slice(0, -1)) expect(part.endsWith('", ')).to.equal(true);
  });

  it('cuts after any whitespace or separator when there is no separator followed by whitespace', () => {
    const line = 'word '.repeat(400);
    for (const part of pieces(line).slice(0, -1)) expect(part.endsWith(' ')).to.equal(true);
  });

  it('cuts a line with no whitespace or separator at the slice length, never inside a surrogate pair', () => {
    for (const line of ['x'.repeat(5000), '😀'.repeat(2000), `x${'😀'.repeat(2000)}`]) {
      const parts = pieces(line);
      expect(parts.join('')).to.equal(line);
      for (const part of parts) {
        expect(part.length).to.be.within(1, SLICE_MAX);
        expect(/^[\uDC00-\uDFFF]/.test(part), 'starts with a low surrogate').to.equal(false);
        expect(/[\uD800-\uDBFF]$/.test(part), 'ends with a high surrogate').to.equal(false);
      }
    }
  });

  it('cuts a line where it cuts any line that starts with it, up to the cut (a streamed line is cut as a whole one)', () => {
    const line = Array.from({ length: 300 }, (_, i) => `k${i}:'v ${i}',`).join('');
    const ends = lineSlices(line);
    for (const end of ends.slice(0, -1)) {
      const longer = line.slice(0, end) + 'x'.repeat(SLICE_MAX + 1);
      expect(lineSlices(longer).filter(e => e <= end)).to.deep.equal(ends.filter(e => e <= end));
    }
  });
});
