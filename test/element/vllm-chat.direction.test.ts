import { expect } from 'chai';
import { sendKeys } from '@web/test-runner-commands';
import { catchFallbackCopy, mount, part, parts, unmountAll } from './chat-fixture.js';

const code = 'def factorial(n: int) -> int:\n    return 1 if n < 2 else n * factorial(n - 1)';
const fence = '```python\n' + code + '\n```';

/** Three answers, each with a code block, inline code and a list. */
const replies = [
  { lang: 'English', dir: 'ltr', text: `Here is a factorial:\n\n${fence}\n\nCall it as \`factorial(5)\`:\n\n1. it returns 120\n2. it recurses` },
  { lang: 'Chinese', dir: 'ltr', text: `这是一个递归阶乘函数：\n\n${fence}\n\n调用 \`factorial(5)\`：\n\n1. 返回 120\n2. 递归调用` },
  { lang: 'Arabic', dir: 'rtl', text: `هذه دالة المضروب:\n\n${fence}\n\nاستدعها بـ \`factorial(5)\`:\n\n1. تعيد 120\n2. تستدعي نفسها` },
] as const;

const direction = (el: Element) => getComputedStyle(el).direction;
const box = (el: Element) => el.getBoundingClientRect();

/** Left edge of the `index`-th character of `node`'s text. */
function charLeft(node: Node, index: number): number {
  const range = document.createRange();
  range.setStart(node, index);
  range.setEnd(node, index + 1);
  return range.getBoundingClientRect().left;
}

/** The text nodes under `el`, in order. */
function textNodes(el: Element): Text[] {
  const nodes: Text[] = [];
  const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) if ((node as Text).length) nodes.push(node as Text);
  return nodes;
}

async function copyOf(message: Element): Promise<string> {
  const copied = catchFallbackCopy();
  try {
    const button = message.querySelector<HTMLElement>('[part~="copy-button"]')!;
    button.focus();
    await sendKeys({ press: 'Enter' });
    return await copied.text;
  } finally {
    copied.restore();
  }
}

for (const page of ['rtl', 'ltr'] as const) {
  describe(`direction in a ${page} page`, () => {
    before(() => {
      document.body.style.direction = page;
    });
    after(() => {
      document.body.style.direction = '';
    });
    afterEach(unmountAll);

    it('shows code left to right, and each answer in the direction of its own text', async () => {
      const el = await mount({ model: 'MyCoder' });
      for (const reply of replies) {
        const message = await el.send(`${reply.text} [mock echo=1]`);
        expect(message.content).to.equal(reply.text);
        const view = parts(el, 'assistant').at(-1)!;
        const pre = view.querySelector('pre[part~="code-block"]')!;
        expect(direction(pre), `${reply.lang}: code block`).to.equal('ltr');
        expect(getComputedStyle(pre).unicodeBidi).to.equal('isolate');
        // Drawn left to right: `def` starts at the left, the final `:` ends the first line on the right.
        const line = textNodes(pre.querySelector('.line')!);
        const [first, last] = [line[0]!, line.at(-1)!];
        expect(first.data.charAt(0) + last.data.at(-1)).to.equal('d:');
        expect(charLeft(first, 0), `${reply.lang}: "def" left of ":"`).to.be.lessThan(charLeft(last, last.length - 1));
        const inline = view.querySelector('p code')!;
        expect(direction(inline), `${reply.lang}: inline code`).to.equal('ltr');
        expect(getComputedStyle(inline).unicodeBidi).to.equal('isolate');
        for (const p of view.querySelectorAll('p')) expect(direction(p), `${reply.lang}: ${p.textContent}`).to.equal(reply.dir);
        for (const li of view.querySelectorAll('li')) expect(direction(li), `${reply.lang}: ${li.textContent}`).to.equal(reply.dir);
        // The list numbers stand on the side the text starts from.
        const li = view.querySelector('li')!;
        const list = view.querySelector('ol')!;
        const startGap = reply.dir === 'ltr' ? box(li).left - box(list).left : box(list).right - box(li).right;
        expect(startGap, `${reply.lang}: room for the numbers at the start`).to.be.greaterThan(10);
        expect(await copyOf(view), `${reply.lang}: copied code`).to.equal(code);
      }
      // The reader's own messages (the directive at their end) read in the direction of their text too.
      const users = parts(el, 'user');
      expect(users.map(u => direction(u.querySelector('.text')!))).to.deep.equal(replies.map(r => r.dir));
    });

    it(`lays out the chrome ${page === 'rtl' ? 'mirrored' : 'left to right'}, with the figures of the stats in order`, async () => {
      const el = await mount({ model: 'MyCoder' });
      await el.send('[mock echo=1] Hello there, how are you today?');
      const input = part(el, 'input');
      const send = part(el, 'send-button');
      const log = el.shadowRoot!.querySelector('[role="log"]')!;
      const user = parts(el, 'user')[0]!;
      expect(direction(input)).to.equal(page);
      if (page === 'rtl') {
        expect(box(send).right, 'send button left of the input').to.be.at.most(box(input).left + 1);
        expect(box(user).left - box(log).left, 'own message on the left').to.be.lessThan(box(log).right - box(user).right);
      } else {
        expect(box(send).left, 'send button right of the input').to.be.at.least(box(input).right - 1);
        expect(box(log).right - box(user).right, 'own message on the right').to.be.lessThan(box(user).left - box(log).left);
      }
      const stats = el.shadowRoot!.querySelector('[part~="assistant"] .stats')!;
      const text = stats.textContent ?? '';
      const figures = [...text.matchAll(/\d+/g)];
      expect(figures.length, text).to.be.at.least(2);
      const node = stats.firstChild!;
      const [a, b] = figures;
      expect(charLeft(node, a!.index), `"${text}" drawn in order`).to.be.lessThan(charLeft(node, b!.index));
    });
  });
}

describe('direction from the dir attribute', () => {
  afterEach(unmountAll);

  it('mirrors the chrome of an element with dir="rtl" in a left-to-right page, code still left to right', async () => {
    const el = await mount({ model: 'MyCoder', dir: 'rtl' });
    await el.send(`[mock echo=1] ${replies[0].text}`);
    expect(box(part(el, 'send-button')).right).to.be.at.most(box(part(el, 'input')).left + 1);
    expect(direction(part(el, 'code-block'))).to.equal('ltr');
    expect(direction(el.shadowRoot!.querySelector('[part~="assistant"] p')!)).to.equal('ltr');
  });
});
