import { expect } from 'chai';
import { lastChatBody, mount, servers, unmountAll } from './chat-fixture.js';

const REPLIES = 60;

describe('<vllm-chat> in a long session', () => {
  afterEach(unmountAll);

  it('posts no more to the worker for the 60th reply than for the 2nd, and the server still gets the whole history', async function () {
    this.timeout(180_000);
    const el = await mount({ endpoint: servers.crossOrigin, model: 'MyCoder' });
    // Everything the page posts to its worker (Comlink calls: sync, stream, …) per reply, in JSON characters.
    const posted: number[] = [];
    let bytes = 0;
    const post = Worker.prototype.postMessage;
    Worker.prototype.postMessage = function (this: Worker, message: unknown, ...rest: [StructuredSerializeOptions?]) {
      bytes += JSON.stringify(message)?.length ?? 0;
      return post.call(this, message, ...rest);
    } as typeof post;
    try {
      for (let i = 0; i < REPLIES; i++) {
        bytes = 0;
        const reply = await el.send(`第 ${String(i).padStart(2, '0')} 轮 [mock lines=12 lang=ts rate=0]`);
        expect(reply.status, `reply ${i}: ${reply.error?.message ?? ""}`).to.equal('done');
        posted.push(bytes);
      }
    } finally {
      Worker.prototype.postMessage = post;
    }
    // Each turn sends the previous reply and the new question, whatever came before.
    const history = el.messages.slice(0, -1).reduce((n, m) => n + m.content.length, 0);
    expect(history).to.be.above(20 * posted[1]!);
    expect(posted.at(-1), posted.join(' ')).to.be.at.most(posted[1]! + 64);
    const body = (await lastChatBody(servers.crossOrigin)) as { messages: { role: string; content: string }[] };
    expect(body.messages).to.deep.equal(el.messages.slice(0, -1).map(({ role, content }) => ({ role, content })));
  });
});
