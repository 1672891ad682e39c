import { expect } from 'chai';
import { createMarkdown, lineStarts, topLevelBlocks } from '../../../src/worker/render/markdown.js';
import { applyAll, renderOnce, renderOptions } from '../../support/render-harness.js';

const md = createMarkdown({ renderFence: code => `<pre>${code.length}</pre>` });

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
    expect(html).to.contain('<th dir="ltr" class="align-center">a</th>');
    expect(html).to.contain('<td class="align-right"><s>2</s></td>');
    expect(html).not.to.contain('style=');
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
