import { expect } from 'chai';
import type { ChatMessage } from '../../src/shared/chat-message.js';
import { frameScheduler } from '../../src/element/view/frame-scheduler.js';
import { mount, parts, servers, unmountAll } from './chat-fixture.js';

const COUNT = 10;

/** The reply to `prompt` as the server sends it without streaming: the text every element must end with. */
async function reference(prompt: string): Promise<string> {
  const response = await fetch(`${servers.crossOrigin}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'MyCoder', messages: [{ role: 'user', content: prompt }] }),
  });
  const body = (await response.json()) as { choices: { message: { content: string } }[] };
  return body.choices[0]!.message.content;
}

/** The fenced code of a reply. */
function codeOf(content: string): string {
  const open = /```[^\n]*\n/.exec(content)!;
  const start = open.index + open[0].length;
  return content.slice(start, content.indexOf('\n```', start));
}

describe('<vllm-chat> × 10 on one page', () => {
  afterEach(unmountAll);

  it('streams ten replies at once, every one exact, served by one frame loop in turn', async function () {
    this.timeout(60_000);
    const grid = document.createElement('div');
    grid.style.cssText = 'display:grid;grid-template-columns:repeat(5,1fr);height:600px';
    document.body.append(grid);
    const elements = [];
    for (let i = 0; i < COUNT; i++) {
      const el = await mount({ endpoint: servers.crossOrigin, model: 'MyCoder' }, grid);
      el.style.cssText = 'display:block;height:290px;min-width:0';
      elements.push(el);
    }
    const prompts = elements.map((_, i) => `写一段代码 #${i} [mock lines=40 lang=ts rate=400]`);
    const expected = await reference(prompts[0]!.replace('rate=400', 'rate=0'));

    // Frame requests by anything but this test's own frame counter.
    const pageRequestAnimationFrame = window.requestAnimationFrame;
    let requests = 0;
    window.requestAnimationFrame = callback => {
      requests++;
      return pageRequestAnimationFrame.call(window, callback);
    };
    const stats = { ...frameScheduler().stats };
    let frames = 0;
    let streaming = true;
    const counter = () => {
      if (!streaming) return;
      frames++;
      pageRequestAnimationFrame.call(window, counter);
    };
    pageRequestAnimationFrame.call(window, counter);
    let replies: ChatMessage[];
    try {
      replies = await Promise.all(elements.map((el, i) => el.send(prompts[i]!)));
    } finally {
      streaming = false;
      window.requestAnimationFrame = pageRequestAnimationFrame;
      grid.remove();
    }

    for (const [i, reply] of replies.entries()) {
      expect(reply.status, `element ${i}: ${reply.error?.message ?? ""}`).to.equal('done');
      expect(reply.content, `element ${i}`).to.equal(expected);
      expect(parts(elements[i]!, 'code-block')[0]!.textContent, `element ${i}`).to.equal(codeOf(expected));
    }
    const after = frameScheduler().stats;
    // Every element's patches went through the page's scheduler (each reply is many patches).
    expect(after.served - stats.served).to.be.at.least(COUNT * 2);
    // Fair: while a patch waited, at most one patch of each other element went first (one each, in turn).
    expect(after.maxOvertaken).to.be.at.most(COUNT - 1);
    // One frame loop for the page, not one per element: about a frame request per frame.
    expect(after.requests - stats.requests).to.be.at.most(frames + 2);
    expect(requests, `${requests} frame requests in ${frames} frames`).to.be.at.most(frames + 2);
  });
});
