import { expect } from 'chai';
import { createMarkdown, lineStarts, topLevelBlocks } from '../../../src/worker/render/markdown.js';
import { MessageRenderer } from '../../../src/worker/render/message-renderer.js';
import { expectShikiColours } from '../../support/code-colours.js';
import { apply, applyAll, newSection, randomChunks, renderOnce, renderOptions, renderStreamed, seeded } from '../../support/render-harness.js';

/** Every split point and a few seeded random chunkings of `text` build the DOM of a one-shot render. */
async function expectStreamedLikeOnce(text: string, seed: number): Promise<string> {
  const expected = applyAll([await renderOnce(text)]).innerHTML;
  for (let i = 1; i < text.length; i++) {
    const html = applyAll(await renderStreamed([text.slice(0, i), text.slice(i)])).innerHTML;
    expect(html, `split at ${i}: ${JSON.stringify(text.slice(Math.max(0, i - 10), i))}|`).to.equal(expected);
  }
  for (let n = 0; n < 6; n++) {
    const random = seeded(seed + n);
    const html = applyAll(await renderStreamed(randomChunks(text, random, 8), renderOptions, 'content', () => random() < 0.7)).innerHTML;
    expect(html, `seed ${seed + n}`).to.equal(expected);
  }
  document.querySelectorAll('.markdown').forEach(el => el.remove());
  return expected;
}

const md = createMarkdown(renderOptions, code => `<pre>${code.length}</pre>`);

describe('markdown', () => {
  it('groups tokens into top-level blocks with their first line', () => {
    const tokens = md.parse('# h\n\npara\nmore\n\n- a\n  - b\n\n```js\nx\n```\n', {});
    const blocks = topLevelBlocks(tokens);
    expect(blocks.map(b => b.line)).to.deep.equal([0, 2, 5, 8]);
    expect(blocks.map(b => tokens[b.from]?.type)).to.deep.equal(['heading_open', 'paragraph_open', 'bullet_list_open', 'fence']);
    expect(blocks[3]?.fence?.info).to.equal('js');
  });

  it('finds line starts', () => {
    expect(lineStarts('a\nbc\n')).to.deep.equal([0, 2, 5]);
    expect(lineStarts('a\nbc')).to.deep.equal([0, 2, 4]);
  });

  it('shows raw HTML as text', () => {
    expect(md.render('<b>x</b>\n\n<div onclick=y>z</div>')).to.equal('<p dir="ltr">&lt;b&gt;x&lt;/b&gt;</p>\n<p dir="ltr">&lt;div onclick=y&gt;z&lt;/div&gt;</p>\n');
  });

  it('adds rel and target to links and autolinks, and keeps unsafe ones as text', () => {
    const html = md.render('[a](https://x.example) https://l.example/p <mailto:a@b.c> [b](javascript:x) [c]()');
    expect(html).to.equal(
      '<p dir="ltr"><a href="https://x.example" rel="noopener noreferrer" target="_blank">a</a> ' +
        '<a href="https://l.example/p" rel="noopener noreferrer" target="_blank">https://l.example/p</a> ' +
        '<a href="mailto:a@b.c" rel="noopener noreferrer" target="_blank">mailto:a@b.c</a> ' +
        '[b](javascript:x) c</p>\n',
    );
  });

  it('renders images as links unless allowed, then only http(s)', async () => {
    const text = '![cat](https://example.com/cat.png) ![rel](/x.png)';
    const asLinks = applyAll([await renderOnce(text)]);
    expect(asLinks.querySelectorAll('img').length).to.equal(0);
    expect([...asLinks.querySelectorAll('a')].map(a => a.textContent)).to.deep.equal(['cat', 'rel']);
    const images = applyAll([await renderOnce(text, { ...renderOptions, allowImages: true })]);
    expect([...images.querySelectorAll('img')].map(i => i.getAttribute('src'))).to.deep.equal(['https://example.com/cat.png']);
    asLinks.remove();
    images.remove();
  });

  it('renders GFM tables with alignment classes instead of inline styles, and strikethrough', () => {
    const html = md.render('| a | b |\n|:-:|--:|\n| 1 | ~~2~~ |');
    expect(html).to.match(/<th dir="ltr" class="align-center">a<\/th>|<th class="align-center" dir="ltr">a<\/th>/);
    expect(html).to.match(/<td[^>]* class="align-right"[^>]*><s>2<\/s><\/td>/);
    expect(html).not.to.contain('style=');
  });

  it('linkifies a bare www. link (not a bare domain or file name), without trailing punctuation', () => {
    expect(md.render('See www.example.com/a?b=1. (www.example.org) or example.com, setup.py and xwww.example.com')).to.equal(
      '<p dir="ltr">See <a href="http://www.example.com/a?b=1" rel="noopener noreferrer" target="_blank">www.example.com/a?b=1</a>. ' +
        '(<a href="http://www.example.org" rel="noopener noreferrer" target="_blank">www.example.org</a>) ' +
        'or example.com, setup.py and xwww.example.com</p>\n',
    );
  });

  it('renders an image inside a link as one link: around the image, or around its alt text when images are off', async () => {
    const text = '[![build](https://ci.example/badge.svg)](https://ci.example/job) and [![](https://ci.example/b.svg)](https://ci.example/b)';
    const asText = applyAll([await renderOnce(text)]);
    expect([...asText.querySelectorAll('a')].map(a => [a.getAttribute('href'), a.textContent])).to.deep.equal([
      ['https://ci.example/job', 'build'],
      ['https://ci.example/b', 'https://ci.example/b.svg'],
    ]);
    const images = applyAll([await renderOnce(text, { ...renderOptions, allowImages: true })]);
    const links = [...images.querySelectorAll('a')];
    expect(links.map(a => a.getAttribute('href'))).to.deep.equal(['https://ci.example/job', 'https://ci.example/b']);
    expect(links.map(a => a.querySelector('img')?.getAttribute('src'))).to.deep.equal(['https://ci.example/badge.svg', 'https://ci.example/b.svg']);
    asText.remove();
    images.remove();
  });

  it('links a reference whose definition comes after its use, streamed or not, replacing a frozen block', async () => {
    const text =
      'Use [r] and [s][].\n\nMiddle [t].\n\n```js\nlet x = a[i];\n```\n\n[r]: https://example.com/r\n\n' +
      '- more [s]\n- and [t]\n\n[s]: https://example.com/s "S"\n[t]: https://example.com/t\n\nEnd [nothing].\n';
    const html = await expectStreamedLikeOnce(text, 500);
    const root = document.createElement('div');
    root.innerHTML = html;
    expect([...root.querySelectorAll('a')].map(a => `${a.textContent} ${a.getAttribute('href')}`)).to.deep.equal([
      'r https://example.com/r',
      's https://example.com/s',
      't https://example.com/t',
      's https://example.com/s',
      't https://example.com/t',
    ]);
    expect(root.textContent).to.contain('End [nothing].');

    // Streamed: the first paragraph froze before the definitions and is replaced, once per definition that names it.
    const renderer = new MessageRenderer(renderOptions);
    const section = newSection();
    renderer.feed('content', 'Use [r].\n\nNext.\n\n');
    apply(section, await renderer.take());
    const first = section.querySelector('p')!;
    expect(first.textContent).to.equal('Use [r].');
    // A definition is final once a block after it starts (a title may follow on its next line).
    renderer.feed('content', '[r]: https://example.com/r\n\nLast.\n\nOpen');
    const patch = await renderer.take();
    expect(patch.content?.filter(op => op.type === 'replace')).to.deep.equal([
      { type: 'replace', index: 0, html: '<p dir="ltr">Use <a href="https://example.com/r" rel="noopener noreferrer" target="_blank">r</a>.</p>' },
    ]);
    apply(section, patch);
    expect(first.isConnected).to.equal(false);
    expect(section.querySelector('p a')?.getAttribute('href')).to.equal('https://example.com/r');
  });

  it('re-highlights fences nested in lists and quotes with their block, streamed like one shot', async () => {
    const code = 'def f(x):\n    return [x * 2 for x in range(3)]  # "s"';
    const nested = code.replace(/\n/g, '\n   ');
    const text = `1. step one:\n   \`\`\`python\n   ${nested}\n   \`\`\`\n2. two\n\n> quoted:\n> \`\`\`python\n> ${code.replace(/\n/g, '\n> ')}\n> \`\`\`\n\nafter\n`;
    const html = await expectStreamedLikeOnce(text, 700);
    const root = newSection();
    root.innerHTML = html;
    const pres = root.querySelectorAll('pre[part="code-block"]');
    expect(pres.length).to.equal(2);
    for (const pre of pres) {
      expect(pre.textContent).to.equal(code);
      await expectShikiColours(pre, code, 'python', renderOptions.theme);
    }
    root.remove();
  });

  it('renders an unterminated table, list and fence sensibly while streaming', async () => {
    const { MessageRenderer } = await import('../../../src/worker/render/message-renderer.js');
    const renderer = new MessageRenderer(renderOptions);
    renderer.feed('content', '| a | b |\n|---|---|\n| 1 |');
    const patch = await renderer.take();
    expect(patch.content?.[0]).to.deep.include({ type: 'tail' });
    expect(JSON.stringify(patch.content)).to.contain('<td>1</td>');
  });
});
