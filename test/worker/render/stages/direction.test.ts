import { expect } from 'chai';
import { directionSamples, firstStrong } from '../../../../src/worker/render/stages/direction.js';
import { MessageRenderer } from '../../../../src/worker/render/message-renderer.js';
import { apply, applyAll, newSection, randomChunks, renderOnce, renderOptions, renderStreamed, seeded } from '../../../support/render-harness.js';

/** `tag[index]/…` from `root` to `el`: the same place in two renders of one answer. */
function pathOf(el: Element, root: Element): string {
  const steps: string[] = [];
  for (let at: Element | null = el; at && at !== root; at = at.parentElement) {
    steps.unshift(`${at.tagName}[${at.parentElement ? [...at.parentElement.children].indexOf(at) : 0}]`);
  }
  return steps.join('/');
}

const directed = 'p, h1, h2, h3, h4, h5, h6, ul, ol, li, blockquote, table, th, td';

describe('direction stage', () => {
  it('finds the first strong character of the source, skipping code spans and character references', () => {
    expect(firstStrong('hello مرحبا', false)).to.equal('ltr');
    expect(firstStrong('مرحبا hello', false)).to.equal('rtl');
    expect(firstStrong('שלום', false)).to.equal('rtl');
    expect(firstStrong('这是', false)).to.equal('ltr');
    expect(firstStrong('`npm i` تثبيت', false)).to.equal('rtl');
    expect(firstStrong('``a ` b`` مرحبا', false)).to.equal('rtl');
    expect(firstStrong('&amp; &#1575; שלום', false)).to.equal('rtl');
    expect(firstStrong('**123** 42 hello', false)).to.equal('ltr');
    expect(firstStrong('\\`x` שלום', false)).to.equal('ltr');
    // No closing run: the backticks are literal and what follows counts.
    expect(firstStrong('`x مرحبا', false)).to.equal('ltr');
    expect(firstStrong('1. 2024', false)).to.equal(null);
  });

  it('leaves undecided what more text could still decide otherwise', () => {
    expect(firstStrong('2024 ', true)).to.equal('pending');
    expect(firstStrong('`npm', true)).to.equal('pending');
    expect(firstStrong('&am', true)).to.equal('pending');
    expect(firstStrong('&#15', true)).to.equal('pending');
    // Decided: no later text can change these.
    expect(firstStrong('12 مرحبا `x', true)).to.equal('rtl');
    expect(firstStrong('`x` hello', true)).to.equal('ltr');
  });

  it('gives each block the direction of its own text, and inline code left-to-right', async () => {
    const section = applyAll([await renderOnce(directionSamples[0]!)]);
    const [first, last] = [...section.querySelectorAll('p')];
    expect(first?.getAttribute('dir')).to.equal('rtl');
    expect(last?.getAttribute('dir')).to.equal('rtl');
    expect(last?.querySelector('code')?.getAttribute('dir')).to.equal('ltr');
    expect(section.querySelector('.code-block')?.getAttribute('dir')).to.equal('ltr');
    expect(getComputedStyle(section.querySelector('pre')!).direction).to.equal('ltr');

    const zh = applyAll([await renderOnce(directionSamples[1]!)]);
    expect(zh.querySelector('ol')?.getAttribute('dir')).to.equal('ltr');
    expect([...zh.querySelectorAll('li')].map(li => li.getAttribute('dir'))).to.deep.equal(['ltr', 'ltr', 'ltr']);
    expect(zh.querySelector('table')?.getAttribute('dir')).to.equal('ltr');
    // A cell of figures only has no direction of its own: it reads as its table does.
    expect([...zh.querySelectorAll('td')].map(td => td.getAttribute('dir'))).to.deep.equal(['ltr', null, null, null]);

    const mixed = applyAll([await renderOnce(directionSamples[2]!)]);
    expect(mixed.querySelector('h1')?.getAttribute('dir')).to.equal('ltr');
    expect(mixed.querySelector('p')?.getAttribute('dir')).to.equal('rtl');
    expect([...mixed.querySelectorAll('ul > li')].map(li => li.getAttribute('dir'))).to.deep.equal(['rtl', null, 'ltr']);
    expect(mixed.querySelector('ul')?.getAttribute('dir')).to.equal('rtl');
    expect(mixed.querySelector('blockquote')?.getAttribute('dir')).to.equal('ltr');
    expect(mixed.querySelector(':scope > p:last-child')?.getAttribute('dir')).to.equal('ltr');
    for (const el of [zh, mixed, section]) el.remove();
  });

  it('renders streamed answers as one-shot ones: every split point and seeded random chunkings', async () => {
    for (const [n, text] of directionSamples.entries()) {
      const once = applyAll([await renderOnce(text)]);
      expect(once.querySelector('[hidden]'), 'nothing hidden at the end').to.equal(null);
      for (let at = 1; at < text.length; at++) {
        const streamed = applyAll(await renderStreamed([text.slice(0, at), text.slice(at)]));
        expect(streamed.innerHTML, `sample ${n} split at ${at}`).to.equal(once.innerHTML);
        streamed.remove();
      }
      for (let seed = 0; seed < 8; seed++) {
        const random = seeded(4200 + 10 * n + seed);
        const chunks = randomChunks(text, random, 12);
        const streamed = applyAll(await renderStreamed(chunks, renderOptions, 'content', () => random() < 0.7));
        expect(streamed.innerHTML, `sample ${n} seed ${seed}`).to.equal(once.innerHTML);
        streamed.remove();
      }
      once.remove();
    }
  });

  it('never shows a block in one direction and then in the other while it streams', async () => {
    for (const [n, text] of directionSamples.entries()) {
      const renderer = new MessageRenderer(renderOptions);
      const section = newSection();
      const shown = new Map<string, string>();
      for (const ch of text) {
        renderer.feed('content', ch);
        apply(section, await renderer.take());
        for (const el of section.querySelectorAll(directed)) {
          if (el.closest('[hidden]')) continue;
          const path = pathOf(el, section);
          const dir = getComputedStyle(el).direction;
          const before = shown.get(path);
          expect(before === undefined || before === dir, `sample ${n}: ${path} went from ${before} to ${dir} at ${JSON.stringify(ch)}`).to.equal(true);
          shown.set(path, dir);
        }
      }
      renderer.end();
      apply(section, await renderer.take());
      section.remove();
    }
  });

  it('holds back a streaming block until its first strong character, then shows it in that direction', async () => {
    const renderer = new MessageRenderer(renderOptions);
    const section = newSection();
    section.dir = 'ltr';
    renderer.feed('content', 'مرحبا\n\n1. ');
    apply(section, await renderer.take());
    expect(section.querySelector('ol')?.hidden).to.equal(true);
    renderer.feed('content', '42 ');
    apply(section, await renderer.take());
    expect(section.querySelector('ol')?.hidden).to.equal(true);
    renderer.feed('content', 'خطوة');
    apply(section, await renderer.take());
    const ol = section.querySelector('ol')!;
    expect(ol.hidden).to.equal(false);
    expect(ol.getAttribute('dir')).to.equal('rtl');
    section.remove();
  });
});
