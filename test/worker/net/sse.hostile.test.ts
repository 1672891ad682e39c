import { expect } from 'chai';
import fc from 'fast-check';
import { decodeSse as decode } from '../../support/sse-decode.js';

// Random event streams in every framing the WHATWG rules allow, cut into
// random byte chunks (inside UTF-8 sequences and `\r\n` pairs too): the
// decoder must give, chunked, what it gives in one pass, and that must be
// what the stream says. Seeded and bounded.
const SEED = 0x14b;

/** Field values: any code point but CR and LF (they end a line). */
const value = fc.string({ unit: 'binary', maxLength: 16 }).map(s => s.replace(/[\r\n]/g, ''));

type Line = { kind: 'data'; value: string; space: boolean } | { kind: 'other'; text: string };

const line: fc.Arbitrary<Line> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('data' as const), value, space: fc.boolean() }) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.constantFrom(':', 'id:', 'retry:', 'unknown:', 'dat:', 'data ', 'DATA:'), value)
      .map(([field, v]) => ({ kind: 'other' as const, text: field + v })),
  },
);

const stream = fc.record({
  bom: fc.boolean(),
  newline: fc.constantFrom('\n', '\r\n', '\r'),
  events: fc.array(fc.array(line, { minLength: 1, maxLength: 4 }), { maxLength: 10 }),
  terminated: fc.boolean(),
});

type Stream = typeof stream extends fc.Arbitrary<infer T> ? T : never;

/** The stream's text and the data of the events it dispatches (WHATWG "dispatch the event"). */
function model(s: Stream): { text: string; data: string[] } {
  let text = s.bom ? '\uFEFF' : '';
  const data: string[] = [];
  s.events.forEach((lines, i) => {
    const values: string[] = [];
    for (const l of lines) {
      if (l.kind === 'data') {
        text += `data:${l.space ? ' ' : ''}${l.value}${s.newline}`;
        // "If value starts with a U+0020 SPACE character, remove it from value."
        values.push(l.space ? l.value : l.value.replace(/^ /, ''));
      } else text += l.text + s.newline;
    }
    // The last event of an unterminated stream is never dispatched.
    const last = i === s.events.length - 1;
    if (!last || s.terminated) text += s.newline;
    if (values.length && (!last || s.terminated)) data.push(values.join('\n'));
  });
  return { text, data };
}

function cut(bytes: Uint8Array, offsets: number[]): Uint8Array[] {
  const points = [...new Set(offsets.map(o => o % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let from = 0;
  for (const at of points) {
    chunks.push(bytes.subarray(from, at));
    from = at;
  }
  chunks.push(bytes.subarray(from));
  return chunks;
}

describe('SseDecoder on random streams', () => {
  it('dispatches exactly the events the stream holds, in one pass and in any byte chunking', () => {
    fc.assert(
      fc.property(stream, fc.array(fc.nat(), { maxLength: 24 }), (s, offsets) => {
        const { text, data } = model(s);
        const bytes = new TextEncoder().encode(text);
        const once = decode([bytes]);
        expect(once.map(e => e.data), JSON.stringify(text)).to.deep.equal(data);
        expect(decode(cut(bytes, offsets)), JSON.stringify(text)).to.deep.equal(once);
      }),
      { seed: SEED, numRuns: 400 },
    );
  });

  it('gives the same events for a random stream split at every byte', () => {
    const [s] = fc.sample(stream.filter(x => x.events.length >= 6), { seed: SEED, numRuns: 1 });
    const bytes = new TextEncoder().encode(model(s!).text);
    const once = decode([bytes]);
    for (let i = 0; i <= bytes.length; i++) {
      expect(decode([bytes.subarray(0, i), bytes.subarray(i)]), `split at byte ${i}`).to.deep.equal(once);
    }
  });
});
