import { expect } from 'chai';
import { ThinkSplitter, type ThinkSplit } from '../../../src/worker/net/think-splitter.js';
import { randomChunks, seeded } from '../../support/random-chunks.js';

function split(chunks: string[]): ThinkSplit {
  const splitter = new ThinkSplitter();
  const total: ThinkSplit = { content: '', reasoning: '' };
  for (const part of [...chunks.map(c => splitter.feed(c)), splitter.end()]) {
    total.content += part.content;
    total.reasoning += part.reasoning;
  }
  return total;
}

/** [stream, expected reasoning, expected content] */
const cases: [string, string, string][] = [
  ['<think>reason</think>\n\nanswer', 'reason', '\n\nanswer'],
  ['  \n<think>\nr\n</think>a', '\nr\n', 'a'],
  ['no think here', '', 'no think here'],
  ['  hello', '', '  hello'],
  ['<thin', '', '<thin'],
  ['\n\n', '', '\n\n'],
  ['', '', ''],
  ['<think>unclosed </thi', 'unclosed </thi', ''],
  ['answer <think>later</think>', '', 'answer <think>later</think>'],
  ['<think></think>x', '', 'x'],
  ['<think>a</think>b<think>c</think>', 'a', 'b<think>c</think>'],
  ['<think>a <b> </ </th </think>end', 'a <b> </ </th ', 'end'],
  ['<Think>x</Think>y', '', '<Think>x</Think>y'],
  [' <think x>y', '', ' <think x>y'],
  ['<think>思考 🙂 代码</think>答案：好', '思考 🙂 代码', '答案：好'],
];

describe('ThinkSplitter', () => {
  it('splits each case in one pass as docs/api.md says', () => {
    for (const [stream, reasoning, content] of cases) {
      expect(split([stream]), JSON.stringify(stream)).to.deep.equal({ reasoning, content });
    }
  });

  it('gives the same split when the stream is cut at any one or two points', () => {
    for (const [stream, reasoning, content] of cases) {
      for (let i = 0; i <= stream.length; i++) {
        for (let j = i; j <= stream.length; j++) {
          const chunks = [stream.slice(0, i), stream.slice(i, j), stream.slice(j)];
          expect(split(chunks), `${JSON.stringify(stream)} at ${i},${j}`).to.deep.equal({ reasoning, content });
        }
      }
    }
  });

  it('gives the same split one character at a time and in seeded random chunkings', () => {
    for (const [stream, reasoning, content] of cases) {
      expect(split([...stream])).to.deep.equal({ reasoning, content });
      for (let seed = 1; seed <= 50; seed++) {
        const chunks = randomChunks(stream, seeded(seed), 5, 0);
        expect(split(chunks), `${JSON.stringify(stream)} seed ${seed}`).to.deep.equal({ reasoning, content });
      }
    }
  });

  it('passes content through unheld once the leading block is over', () => {
    const splitter = new ThinkSplitter();
    expect(splitter.feed('<think>r</think>')).to.deep.equal({ reasoning: 'r', content: '' });
    expect(splitter.feed('<thi')).to.deep.equal({ reasoning: '', content: '<thi' });
  });

  it('releases reasoning as it arrives, holding back only a possible closing tag', () => {
    const splitter = new ThinkSplitter();
    expect(splitter.feed('<think>step one </')).to.deep.equal({ reasoning: 'step one ', content: '' });
    expect(splitter.feed('b> two')).to.deep.equal({ reasoning: '</b> two', content: '' });
  });
});
