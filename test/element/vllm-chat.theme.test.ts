import { expect } from 'chai';
import { createHighlighter } from 'shiki';
import { createJavaScriptRegexEngine } from 'shiki/engine/javascript';
import type { VllmChat } from '../../src/element/vllm-chat.js';
import { expectShikiColours } from '../support/code-colours.js';
import { mount, part, requests, servers, unmountAll, waitFor } from './chat-fixture.js';

/** Any CSS colour as the browser computes it (`rgb(…)` / `rgba(…)`). */
const probe = document.createElement('span');
function computed(color: string): string {
  document.body.append(probe);
  probe.style.color = '';
  probe.style.color = color;
  const value = getComputedStyle(probe).color;
  probe.remove();
  return value;
}

/** The colour each non-space character of the block shows, in order. */
function shownColours(pre: HTMLElement): string[] {
  const out: string[] = [];
  const walker = document.createTreeWalker(pre, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const colour = getComputedStyle(node.parentElement!).color;
    for (const ch of node.textContent ?? '') if (ch.trim()) out.push(colour);
  }
  return out;
}

/** Shiki's colour of each non-space character of `code` in `theme`. */
async function shikiColours(code: string, lang: 'python', theme: string): Promise<string[]> {
  const hl = await createHighlighter({ themes: [theme], langs: [lang], engine: createJavaScriptRegexEngine() });
  const { tokens, fg } = hl.codeToTokens(code, { lang, theme });
  const out: string[] = [];
  for (const line of tokens) for (const t of line) for (const ch of t.content) if (ch.trim()) out.push(computed(t.color ?? fg ?? ''));
  return out;
}

async function codeReply(el: VllmChat): Promise<string> {
  const reply = await el.send('[mock rate=0 lines=30 lang=py]');
  return /```python\n([\s\S]*?)\n```/.exec(reply.content)![1]!;
}

describe('<vllm-chat> theme', function () {
  this.timeout(60_000);
  afterEach(unmountAll);

  it('colours code with Shiki colours of the theme attribute', async () => {
    const el = await mount({ model: 'MyCoder', theme: 'github-light' });
    const code = await codeReply(el);
    expect(shownColours(part(el, 'code-block'))).to.deep.equal(await shikiColours(code, 'python', 'github-light'));
  });

  it('re-colours a block already shown when the theme changes, without a new request', async () => {
    const el = await mount({ model: 'MyCoder', endpoint: servers.crossOrigin });
    const code = await codeReply(el);
    const pre = part(el, 'code-block');
    const dark = await shikiColours(code, 'python', 'github-dark');
    expect(shownColours(pre)).to.deep.equal(dark);
    const chats = async () => (await requests(servers.crossOrigin)).filter(r => r.path === '/v1/chat/completions').length;
    const requestsBefore = await chats();
    el.theme = 'github-light';
    const light = await shikiColours(code, 'python', 'github-light');
    expect(light).to.not.deep.equal(dark);
    await waitFor(() => JSON.stringify(shownColours(part(el, 'code-block'))) === JSON.stringify(light), 'the light colours');
    expect(part(el, 'code-block').textContent).to.equal(code);
    const bg = getComputedStyle(part(el, 'code-block')).backgroundColor;
    expect(bg).to.equal(computed('#fff'));
    expect(await chats()).to.equal(requestsBefore);
  });

  it('re-colours a fence nested in a list when the theme changes', async () => {
    const el = await mount({ model: 'MyCoder' });
    const code = 'def f(x):\n    return [x * 2 for x in "ab"]';
    await el.send(`[mock rate=0 echo=1] - an item:\n\n  \`\`\`python\n  ${code.replace('\n', '\n  ')}\n  \`\`\`\n`);
    const pre = () => part(el, 'code-block');
    expect(pre().closest('li')).to.not.equal(null);
    expect(shownColours(pre())).to.deep.equal(await shikiColours(code, 'python', 'github-dark'));
    el.theme = 'github-light';
    const light = await shikiColours(code, 'python', 'github-light');
    await waitFor(() => JSON.stringify(shownColours(pre())) === JSON.stringify(light), 'the light colours');
    expect(pre().textContent).to.equal(code);
  });

  it('re-colours a reply mid-stream and streams the rest in the new theme', async () => {
    const el = await mount({ model: 'MyCoder' });
    // A finished block above, in the old theme.
    const first = await codeReply(el);
    const done = el.send('[mock rate=150 lines=60 lang=py]');
    const pres = () => el.shadowRoot!.querySelectorAll<HTMLElement>('pre[part~="code-block"]');
    // Re-queried: until its opener line is complete, the fence shows in the tail, and that element is then replaced.
    const pre = await waitFor(() => {
      const block = pres()[1];
      return block && block.querySelectorAll('.line').length >= 10 ? block : undefined;
    }, 'ten lines of the streaming block', 40_000);
    expect(pre.className).to.contain('t-github-dark');
    el.theme = 'github-light';
    // Before the reply ends, what is shown is already light: the growing block and the one above.
    await waitFor(() => pre.className.includes('t-github-light') && pres()[0]!.className.includes('t-github-light'), 'light blocks', 40_000);
    const shownWhileStreaming = pre.querySelectorAll('.line').length;
    expect(el.messages.at(-1)!.status, 'still streaming after the switch').to.equal('streaming');
    const message = await done;
    expect(shownWhileStreaming).to.be.lessThan(60);
    const code = /```python\n([\s\S]*?)\n```/.exec(message.content)![1]!;
    expect(pre.textContent).to.equal(code);
    await expectShikiColours(pre, code, 'python', 'github-light');
    // The block above is off screen by now, and far off-screen code is kept as its text
    // (code-collapser.ts): brought into view, it shows its lines again, in the new theme.
    const above = pres()[0]!;
    expect(above.textContent).to.equal(first);
    above.scrollIntoView({ block: 'center' });
    await waitFor(() => above.querySelectorAll('.line').length > 0, 'the lines of the block above, back in view', 10_000);
    await expectShikiColours(above, first, 'python', 'github-light');
  });
});
