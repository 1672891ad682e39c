import { expect } from 'chai';
import { applyPatch, codeBlockSource, restyleCodeBlock } from '../../../src/element/view/apply-patch.js';
import { CODE_CHUNK_LINES, CODE_GROUP_LINES } from '../../../src/shared/code-block-layout.js';
import { codeBlockHtml, codeBlockShell, plainLineHtml } from '../../../src/worker/render/code-block.js';

const shell = codeBlockShell({ lang: 'py', preClass: 'shiki t-github-dark', copyLabel: 'Copy' });
const line = (text: string) => plainLineHtml(text);

function section(): HTMLElement {
  const el = document.createElement('div');
  document.body.append(el);
  return el;
}

describe('applyPatch', () => {
  it('appends frozen blocks before the tail and replaces only the tail', () => {
    const s = section();
    applyPatch(s, [{ type: 'tail', html: '<p>draft</p>' }]);
    const frozen = s.firstElementChild;
    applyPatch(s, [{ type: 'append', html: '<p>one</p>\n' }, { type: 'tail', html: '<p>draft 2</p><p>x</p>' }]);
    expect(s.innerHTML).to.equal('<p>one</p>\n<p>draft 2</p><p>x</p>');
    const one = s.firstElementChild;
    applyPatch(s, [{ type: 'append', html: '<p>two</p>\n' }, { type: 'tail', html: '' }]);
    expect(s.innerHTML).to.equal('<p>one</p>\n<p>two</p>\n');
    expect(s.firstElementChild).to.equal(one);
    expect(frozen?.isConnected).to.equal(false);
  });

  it('streams code lines into fixed chunks with a replaceable partial line', () => {
    const s = section();
    applyPatch(s, [{ type: 'tail', html: '<p>t</p>' }, { type: 'code-open', html: shell }]);
    expect(s.querySelector('p')).to.equal(null);
    const lines = Array.from({ length: CODE_CHUNK_LINES + 5 }, (_, i) => `l${i}`);
    applyPatch(s, [{ type: 'code-lines', lines: lines.slice(0, 99).map(line) }, { type: 'code-tail', html: line('par') }]);
    const pre = s.querySelector('pre')!;
    expect(pre.textContent).to.equal(lines.slice(0, 99).join('\n') + '\npar');
    // The partial line starts the second chunk; completing lines replaces it.
    applyPatch(s, [{ type: 'code-tail', html: line('partial') }]);
    applyPatch(s, [{ type: 'code-lines', lines: lines.slice(99).map(line) }, { type: 'code-tail', html: line('end') }]);
    expect(pre.textContent).to.equal(lines.join('\n') + '\nend');
    applyPatch(s, [{ type: 'code-close' }, { type: 'append', html: '<p>after</p>' }]);
    const chunks = pre.querySelectorAll('.code-chunk');
    expect(chunks.length).to.equal(2);
    expect(chunks[0]!.querySelectorAll('.line').length).to.equal(CODE_CHUNK_LINES);
    expect(s.lastElementChild?.outerHTML).to.equal('<p>after</p>');
    expect(codeBlockSource(pre)).to.equal(lines.join('\n') + '\nend');
  });

  it('builds the same DOM from lines one by one as from all lines at once, and as the worker does', () => {
    const count = CODE_GROUP_LINES + CODE_CHUNK_LINES + 7;
    const lines = Array.from({ length: count }, (_, i) => line(`x${i}`));
    const a = section();
    applyPatch(a, [{ type: 'code-open', html: shell }]);
    // A partial line shown at each step, including where a group starts.
    for (const l of lines) applyPatch(a, [{ type: 'code-tail', html: l }, { type: 'code-lines', lines: [l] }]);
    applyPatch(a, [{ type: 'code-close' }]);
    const b = section();
    applyPatch(b, [{ type: 'code-open', html: shell }, { type: 'code-lines', lines }, { type: 'code-close' }]);
    expect(a.innerHTML).to.equal(b.innerHTML);
    const c = section();
    c.innerHTML = codeBlockHtml({ lang: 'py', preClass: 'shiki t-github-dark', copyLabel: 'Copy' }, lines);
    expect(c.querySelector('pre')!.outerHTML).to.equal(b.querySelector('pre')!.outerHTML);
    // Groups of whole chunks; the code's text is exactly the lines.
    const groups = [...b.querySelectorAll('pre > code > .code-group')];
    expect(groups.length).to.equal(2);
    expect(groups[0]!.querySelectorAll(':scope > .code-chunk').length).to.equal(CODE_GROUP_LINES / CODE_CHUNK_LINES);
    expect(groups[0]!.querySelectorAll('.line').length).to.equal(CODE_GROUP_LINES);
    expect(groups[1]!.querySelectorAll(':scope > .code-chunk').length).to.equal(2);
    expect(b.querySelector('code')!.textContent).to.equal(Array.from({ length: count }, (_, i) => `x${i}`).join('\n'));
  });

  it('replaces one frozen block by its index, keeping the others, the tail and the newline after it', () => {
    const s = section();
    applyPatch(s, [{ type: 'append', html: '<p>a</p>\n<p>b [r]</p>\n' }, { type: 'code-open', html: shell }, { type: 'code-close' }]);
    applyPatch(s, [{ type: 'append', html: '<p>c</p>\n' }, { type: 'tail', html: '<p>open</p>' }]);
    const [a, , code, c] = [...s.children];
    applyPatch(s, [{ type: 'replace', index: 1, html: '<p>b <a href="https://r">r</a></p>' }]);
    expect([...s.children].map(el => el.textContent)).to.deep.equal(['a', 'b r', code!.textContent, 'c', 'open']);
    expect(s.children[0]).to.equal(a);
    expect(s.children[3]).to.equal(c);
    expect(s.innerHTML.startsWith('<p>a</p>\n<p>b <a href="https://r">r</a></p>\n<div')).to.equal(true);
    // The tail is not a frozen block.
    expect(() => applyPatch(s, [{ type: 'replace', index: 4, html: '<p>x</p>' }])).to.throw(/not a frozen block/);
  });

  it('restyles a frozen code block for another theme', () => {
    const s = section();
    applyPatch(s, [{ type: 'code-open', html: shell }, { type: 'code-lines', lines: [line('a'), line('b')] }, { type: 'code-close' }]);
    restyleCodeBlock(s.querySelector('.code-block')!, { lines: [line('a'), line('b')], preClass: 'shiki t-github-light', styles: [] });
    expect(s.querySelector('pre')!.className).to.equal('shiki t-github-light');
    expect(s.querySelector('pre')!.textContent).to.equal('a\nb');
  });
});
