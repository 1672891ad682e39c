import { expect } from 'chai';
import type { VllmChat } from '../../src/element/vllm-chat.js';
import { mount, parts, unmountAll } from './chat-fixture.js';

/** The last assistant message's body. */
function reply(el: VllmChat): HTMLElement {
  const all = parts(el, 'assistant');
  return all[all.length - 1]!.querySelector<HTMLElement>('.content')!;
}

/** `[display, annotation TeX]` of each `<math>` in `root`. */
function formulas(root: Element): [boolean, string][] {
  return [...root.querySelectorAll('math')].map(m => [
    m.getAttribute('display') === 'block',
    m.querySelector('annotation[encoding="application/x-tex"]')?.textContent ?? '',
  ]);
}

/** Sends `text` for the embedded server to stream back as the answer. */
function echo(el: VllmChat, text: string, rate = 0): ReturnType<VllmChat['send']> {
  return el.send(`[mock echo=1 rate=${rate}] ${text}`);
}

describe('<vllm-chat> math', () => {
  afterEach(unmountAll);

  it('renders $…$, \\(…\\), $$…$$ and \\[…\\] from a streamed reply as MathML', async () => {
    const el = await mount({ model: 'MyCoder' });
    const message = await echo(el, 'Inline $x^2$ and \\(\\sqrt{2}\\), display $$\\sum_{i=1}^n i$$ and\n\n\\[\n\\int_0^1 x\\,dx\n\\]\n\n$$\na\n\nb\n$$\n');
    expect(message.status, message.error?.message).to.equal('done');
    expect(formulas(reply(el))).to.deep.equal([
      [false, 'x^2'],
      [false, '\\sqrt{2}'],
      [true, '\\sum_{i=1}^n i'],
      [true, '\\int_0^1 x\\,dx'],
      [true, 'a\n\nb'],
    ]);
    const sqrt = reply(el).querySelector('msqrt');
    expect(sqrt?.namespaceURI).to.equal('http://www.w3.org/1998/Math/MathML');
    expect(sqrt!.getBoundingClientRect().width).to.be.greaterThan(0);
    // The message keeps the text exactly as received.
    expect(message.content).to.contain('\\(\\sqrt{2}\\)');
  });

  it('leaves currency and code as text', async () => {
    const el = await mount({ model: 'MyCoder' });
    await echo(el, 'Pay $5 and $10 today. `$x$` stays code:\n\n```tex\n$$y$$ \\(z\\)\n```\n');
    const body = reply(el);
    expect(body.querySelectorAll('math').length).to.equal(0);
    expect(body.querySelector('p')?.textContent).to.equal('Pay $5 and $10 today. $x$ stays code:');
    expect(parts(el, 'code-block')[0]?.textContent).to.equal('$$y$$ \\(z\\)');
  });

  it('shows an unclosed span as text while it streams, then math once it closes', async () => {
    const el = await mount({ model: 'MyCoder' });
    const seen: string[] = [];
    let watching = true;
    const watch = (): void => {
      const body = parts(el, 'assistant')[0]?.querySelector('.content');
      if (body?.textContent?.includes('$E') && !body.querySelector('math')) seen.push(body.textContent);
      if (body?.querySelector('[part~="math-error"]')) seen.push('math-error shown');
      if (watching) requestAnimationFrame(watch);
    };
    requestAnimationFrame(watch);
    await echo(el, 'Energy $E = m c^2 + \\frac{1}{2} m v^2 + \\alpha \\beta \\gamma$ done.', 20);
    watching = false;
    expect(seen.length, 'frames with the open span as text').to.be.greaterThan(0);
    expect(seen).to.not.include('math-error shown');
    expect(formulas(reply(el))).to.deep.equal([[false, 'E = m c^2 + \\frac{1}{2} m v^2 + \\alpha \\beta \\gamma']]);
  });

  it('shows TeX that cannot be typeset as text with its delimiters in part math-error', async () => {
    const el = await mount({ model: 'MyCoder' });
    const message = await echo(el, 'Broken $\\frac{1}{$ and \\(\\nosuch\\) but $ok$.');
    expect(message.status, message.error?.message).to.equal('done');
    expect(parts(el, 'math-error').map(e => e.textContent)).to.deep.equal(['$\\frac{1}{$', '\\(\\nosuch\\)']);
    expect(formulas(reply(el))).to.deep.equal([[false, 'ok']]);
  });

  it('keeps TeX as text with no-math, reflected as noMath', async () => {
    const el = await mount({ model: 'MyCoder', 'no-math': '' });
    expect(el.noMath).to.equal(true);
    await echo(el, 'Keep $x^2$ and $$y$$ as typed.');
    expect(reply(el).querySelectorAll('math').length).to.equal(0);
    expect(reply(el).textContent?.trim()).to.equal('Keep $x^2$ and $$y$$ as typed.');
    el.noMath = false;
    await el.updateComplete;
    expect(el.hasAttribute('no-math')).to.equal(false);
    await echo(el, 'Now $x^2$.');
    expect(formulas(reply(el))).to.deep.equal([[false, 'x^2']]);
  });
});
