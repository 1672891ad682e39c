import { expect } from 'chai';
import { SseDecoder, type SseEvent } from '../../../src/worker/net/sse.js';
import { decodeSse as decode } from '../../support/sse-decode.js';
import { randomChunks, seeded } from '../../support/random-chunks.js';

// Every line ending, both field forms, CJK and emoji (split inside their UTF-8
// bytes by the chunkings below), ignored fields, comments and empty events.
const corpus =
  '\uFEFF: a comment line\n' +
  'data: 你好，世界\n\n' +
  'data:no-space\r\n\r\n' +
  'data: line1\rdata: line2\r\r' +
  'id: 7\nretry: 1000\ndata: 🙂 emoji 🧑‍💻\n\n' +
  '\n\n\r\n' +
  'event: ping\n\n' +
  'data\n\n' +
  'data:  two spaces\n\n' +
  'unknown: field\ndata: after unknown\n\n' +
  'event: error\ndata: {"error":1}\n\n' +
  'data: first\ndata:\ndata: third\n\n' +
  'data: {"choices":[{"delta":{"content":"代码 ✓"}}]}\r\n\r\n' +
  'data: [DONE]\r\r';

const expected: SseEvent[] = [
  { data: '你好，世界' },
  { data: 'no-space' },
  { data: 'line1\nline2' },
  { data: '🙂 emoji 🧑‍💻' },
  { data: '' },
  { data: ' two spaces' },
  { data: 'after unknown' },
  { data: '{"error":1}', event: 'error' },
  { data: 'first\n\nthird' },
  { data: '{"choices":[{"delta":{"content":"代码 ✓"}}]}' },
  { data: '[DONE]' },
];

const bytes = new TextEncoder().encode(corpus);

describe('SseDecoder', () => {
  it('decodes the corpus in one pass as the WHATWG rules say', () => {
    expect(decode([bytes])).to.deep.equal(expected);
  });

  it('gives the same events when the bytes are split at any single boundary', () => {
    for (let i = 0; i <= bytes.length; i++) {
      const events = decode([bytes.subarray(0, i), bytes.subarray(i)]);
      expect(events, `split at byte ${i}`).to.deep.equal(expected);
    }
  });

  it('gives the same events when fed one byte at a time', () => {
    const chunks = Array.from(bytes, (_, i) => bytes.subarray(i, i + 1));
    expect(decode(chunks)).to.deep.equal(expected);
  });

  it('gives the same events for 300 seeded random chunkings', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const chunks = randomChunks(bytes, seeded(seed), 23, 0);
      expect(decode(chunks), `seed ${seed}`).to.deep.equal(expected);
    }
  });

  it('drops an event that the end of the stream leaves without its empty line', () => {
    const cut = new TextEncoder().encode('data: kept\n\ndata: lost\n');
    expect(decode([cut])).to.deep.equal([{ data: 'kept' }]);
  });

  it('emits an event completed by a trailing carriage return only at the end', () => {
    const decoder = new SseDecoder();
    expect(decoder.feed(new TextEncoder().encode('data: x\r\r'))).to.deep.equal([]);
    expect(decoder.end()).to.deep.equal([{ data: 'x' }]);
  });

  it('decodes a character split across chunks once, whole', () => {
    const decoder = new SseDecoder();
    const emoji = new TextEncoder().encode('data: 🙂\n\n');
    expect(decoder.feed(emoji.subarray(0, 8))).to.deep.equal([]);
    expect(decoder.feed(emoji.subarray(8))).to.deep.equal([{ data: '🙂' }]);
  });

  it('keeps a byte order mark that is not at the start of the stream', () => {
    const events = decode([new TextEncoder().encode('data: a\n\ndata: \uFEFFb\n\n')]);
    expect(events).to.deep.equal([{ data: 'a' }, { data: '\uFEFFb' }]);
  });
});
