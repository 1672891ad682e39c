import { expect } from 'chai';
import { ChunkShape, type ParsedChunk } from '../../../src/worker/net/chunk-shape.js';

/** A chunk as vLLM writes it (Python's json.dumps: ASCII-escaped, no spaces). */
function vllmChunk(content: string, finish: string | null = null): string {
  const text = JSON.stringify(content).replace(/[\u007f-\uffff]/g, c => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return (
    `{"id":"chatcmpl-9f2","object":"chat.completion.chunk","created":1732500000,"model":"Qwen2.5-Coder",` +
    `"choices":[{"index":0,"delta":{"content":${text}},"logprobs":null,"finish_reason":${finish === null ? 'null' : JSON.stringify(finish)}}]}`
  );
}

function parsed(data: string): ParsedChunk {
  const chunk = JSON.parse(data) as Record<string, unknown>;
  const choice = (chunk.choices as Record<string, unknown>[])[0]!;
  return { chunk, choice, delta: choice.delta as Record<string, unknown> };
}

function learnt(): ChunkShape {
  const shape = new ChunkShape();
  const first = vllmChunk('def ');
  shape.learn(first, parsed(first));
  return shape;
}

describe('ChunkShape', () => {
  it('gives what JSON.parse gives for chunks of the learnt shape, escapes and hostile text included', () => {
    const shape = learnt();
    const texts = [
      'x', '', '你好，世界', '😀 emoji', 'say "hi"', 'back\\slash', 'tab\tnew\nline', '\u0000\u001f', '</script><img onerror=x>',
      '"},"logprobs":null,"finish_reason":"stop"}]}', '\\"', 'a"b', '\u2028\u2029',
    ];
    for (const text of texts) {
      const data = vllmChunk(text);
      const fast = shape.match(data);
      expect(fast, JSON.stringify(text)).to.not.equal(undefined);
      // What the reader takes from a chunk: the delta, the model, usage and finish reason.
      const full = parsed(data);
      expect(fast!.delta).to.deep.equal(full.delta);
      expect([fast!.chunk.model, fast!.chunk.usage, fast!.choice?.finish_reason]).to.deep.equal([
        full.chunk.model,
        full.chunk.usage,
        full.choice?.finish_reason,
      ]);
    }
  });

  it('leaves to the full parse what is not that shape or not valid JSON', () => {
    const shape = learnt();
    const prefix = vllmChunk('').slice(0, vllmChunk('').indexOf('"content":"') + 11);
    const suffix = vllmChunk('').slice(prefix.length);
    // The finish chunk, another id, a role chunk: other bytes around the text.
    expect(shape.match(vllmChunk('x', 'stop'))).to.equal(undefined);
    expect(shape.match(vllmChunk('x').replace('chatcmpl-9f2', 'chatcmpl-000'))).to.equal(undefined);
    expect(shape.match(vllmChunk('x').replace('"delta":{', '"delta":{"role":"assistant",'))).to.equal(undefined);
    // The same bytes around text that is not one JSON string body.
    const raw = (body: string) => prefix + body + suffix;
    expect(() => JSON.parse(raw('a"b'))).to.throw();
    expect(shape.match(raw('a"b'))).to.equal(undefined);
    expect(shape.match(raw('line\nbreak'))).to.equal(undefined);
    expect(shape.match(raw('bad \\x escape'))).to.equal(undefined);
    expect(shape.match(raw('","x":"'))).to.equal(undefined);
  });

  it('learns only from a chunk whose text it can find once and put back', () => {
    const twice = '{"choices":[{"delta":{"content":"a"}}],"content":"b"}';
    const shape = new ChunkShape();
    shape.learn(twice, parsed(twice));
    expect(shape.match(twice)).to.equal(undefined);
    const notString = '{"choices":[{"delta":{"content":null}}]}';
    shape.learn(notString, parsed(notString));
    expect(shape.match(notString)).to.equal(undefined);
    // `content` under another key than choices[0].delta is not the text.
    const elsewhere = '{"choices":[{"delta":{"x":1}}],"meta":{"content":"a"}}';
    shape.learn(elsewhere, { ...parsed(elsewhere), delta: { content: 'a' } });
    expect(shape.match(elsewhere)).to.equal(undefined);
  });
});
