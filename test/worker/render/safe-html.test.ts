import { expect } from 'chai';
import { markupViolations } from '../../support/allowed-markup.js';
import { escapeHtml, isSafeHref, isSafeImageSrc, sanitizeLang } from '../../../src/worker/render/safe-html.js';
import { MessageRenderer } from '../../../src/worker/render/message-renderer.js';
import { applyAll, randomChunks, renderOptions, seeded } from '../../support/render-harness.js';
import type { RenderedPatch } from '../../../src/worker/render/message-renderer.js';

const hostile = [
  '<img src=x onerror="window.pwned=1">',
  '<script>window.pwned=1</script>',
  '<svg onload="window.pwned=1"><circle/></svg>',
  '<iframe src="javascript:window.pwned=1"></iframe>',
  '[click](javascript:window.pwned=1) [data](data:text/html,<script>window.pwned=1</script>)',
  '<javascript:window.pwned=1> and javascript:window.pwned=1 and <http://ok.example/a"onmouseover="x>',
  '![img](javascript:window.pwned=1) ![img2](https://example.com/x.png "t") ![d](data:image/png;base64,AAAA)',
  '[ref]\n\n[ref]: javascript:window.pwned=1',
  '```"><img src=x onerror=window.pwned=1>\ncode <img src=x onerror=window.pwned=1>\n```',
  '- ```<svg/onload=window.pwned=1>\n  </code></pre><img src=x onerror=window.pwned=1>\n  ```',
  '`<b onclick=window.pwned=1>` <a href="javascript:x">a</a> &lt;img&gt; &#60;script&#62;',
  '| <img src=x onerror=window.pwned=1> | b |\n|---|---|\n| [x](javascript:y) | <script>z</script> |',
].join('\n\n');

async function stream(text: string, section: 'content' | 'reasoning', allowImages = false): Promise<RenderedPatch[]> {
  const renderer = new MessageRenderer({ ...renderOptions, allowImages });
  const patches: RenderedPatch[] = [];
  for (const chunk of randomChunks(text, seeded(3), 12)) {
    renderer.feed(section, chunk);
    patches.push(await renderer.take());
  }
  renderer.end();
  patches.push(await renderer.take());
  return patches;
}

describe('safe-html', () => {
  it('escapes text and attribute values', () => {
    expect(escapeHtml(`<a href="x" onclick='y'>&`)).to.equal('&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;');
  });

  it('reduces a fence info string to a harmless language word', () => {
    expect(sanitizeLang('"><img src=x onerror=alert(1)>')).to.equal('imgsrcxonerroralert1');
    expect(sanitizeLang('C++')).to.equal('c++');
  });

  it('allows only http, https, mailto and relative links, and only http(s) images', () => {
    for (const ok of ['https://a.example/x', 'http://a', 'mailto:a@b.c', '/path', 'rel/x?y#z', '#frag', '//cdn.example/x'])
      expect(isSafeHref(ok), ok).to.equal(true);
    for (const bad of ['javascript:alert(1)', 'JavaScript:x', 'data:text/html,x', 'vbscript:x', 'file:///etc', ' javascript:x', 'java\tscript:x', ''])
      expect(isSafeHref(bad), bad).to.equal(false);
    expect(isSafeImageSrc('https://a/x.png')).to.equal(true);
    expect(isSafeImageSrc('/x.png')).to.equal(false);
    expect(isSafeImageSrc('data:image/png;base64,AA')).to.equal(false);
  });

  for (const section of ['content', 'reasoning'] as const) {
    for (const allowImages of [false, true]) {
      it(`never turns hostile ${section} into live HTML (images ${allowImages ? 'allowed' : 'as links'})`, async () => {
        delete (window as { pwned?: unknown }).pwned;
        const root = applyAll(await stream(hostile, section, allowImages), section);
        // One allow-list for every hostile-input test (test/support/allowed-markup.ts).
        expect(markupViolations(root, { images: allowImages })).to.deep.equal([]);
        // The hostile text is still there, as text.
        expect(root.textContent).to.contain('<script>window.pwned=1</script>');
        expect(root.textContent).to.contain('code <img src=x onerror=window.pwned=1>');
        const lang = root.querySelector('.code-block')?.getAttribute('data-lang') ?? '';
        expect(lang).to.match(/^[a-z0-9+#._-]*$/);
        for (const a of root.querySelectorAll('a')) {
          expect(a.getAttribute('rel')).to.equal('noopener noreferrer');
          expect(a.getAttribute('target')).to.equal('_blank');
        }
        expect(root.querySelectorAll('img').length).to.equal(allowImages ? 1 : 0);
        await new Promise(resolve => requestAnimationFrame(() => setTimeout(resolve, 50)));
        expect((window as { pwned?: unknown }).pwned).to.equal(undefined);
        root.remove();
      });
    }
  }
});
