import { expect } from 'chai';
import { applyPatch, codeBlockSource, restyleCodeBlock, STEP_LINES } from '../../../src/element/view/apply-patch.js';
import type { BlockOp } from '../../../src/shared/protocol.js';
import { CODE_CHUNK_LINES, CODE_GROUP_LINES } from '../../../src/shared/code-block-layout.js';
import { codeBlockHtml, codeBlockShell, plainLineHtml } from '../../../src/worker/render/code-block.js';
import { escapeHtml } from '../../../src/worker/render/safe-html.js';
import { newSection } from '../../support/render-harness.js';

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
    applyPatch(s, [{ type: 'code-lines', lines: lines.slice(0, CODE_CHUNK_LINES - 1).map(line) }, { type: 'code-tail', html: line('par') }]);
    const pre = s.querySelector('pre')!;
    expect(pre.textContent).to.equal(lines.slice(0, CODE_CHUNK_LINES - 1).join('\n') + '\npar');
    // The partial line starts the second chunk; completing lines replaces it.
    applyPatch(s, [{ type: 'code-tail', html: line('partial') }]);
    applyPatch(s, [{ type: 'code-lines', lines: lines.slice(CODE_CHUNK_LINES - 1).map(line) }, { type: 'code-tail', html: line('end') }]);
    expect(pre.textContent).to.equal(lines.join('\n') + '\nend');
    applyPatch(s, [{ type: 'code-close' }, { type: 'append', html: '<p>after</p>' }]);
    const chunks = pre.querySelectorAll('.code-chunk');
    expect(chunks.length).to.equal(2);
    expect(chunks[0]!.querySelectorAll('.line').length).to.equal(CODE_CHUNK_LINES);
    expect(s.lastElementChild?.outerHTML).to.equal('<p>after</p>');
    expect(codeBlockSource(pre)).to.equal(lines.join('\n') + '\nend');
  });

  it('shows a code-tail-text line as the DOM of code-tail with that text escaped, appending to it while it grows', () => {
    const a = section();
    const b = section();
    applyPatch(a, [{ type: 'code-open', html: shell }]);
    applyPatch(b, [{ type: 'code-open', html: shell }]);
    const lines = Array.from({ length: CODE_CHUNK_LINES + 2 }, (_, i) => `x${i}`);
    const hostile = '<img src=x onerror="alert(1)"> & </span>';
    for (const [i, text] of lines.entries()) {
      // Each line grows token by token, then completes; hostile text on one of them.
      const full = i === 3 ? hostile : `${text} = f(${i});`;
      for (let end = 1; end <= full.length; end += 3) {
        applyPatch(a, [{ type: 'code-tail-text', text: full.slice(0, end) }]);
        applyPatch(b, [{ type: 'code-tail', html: line(full.slice(0, end)) }]);
        expect(a.innerHTML).to.equal(b.innerHTML);
      }
      applyPatch(a, [{ type: 'code-lines', lines: [line(full)] }]);
      applyPatch(b, [{ type: 'code-lines', lines: [line(full)] }]);
    }
    expect(a.querySelector('img')).to.equal(null);
    const pre = a.querySelector('pre')!;
    // A growing line keeps its text node; a line that does not extend the shown one is made anew.
    applyPatch(a, [{ type: 'code-tail-text', text: 'ab' }]);
    const node = pre.querySelector('.code-group:last-child .code-chunk:last-child .line:last-child')!.firstChild;
    applyPatch(a, [{ type: 'code-tail-text', text: 'abc' }]);
    expect(pre.querySelector('.code-group:last-child .code-chunk:last-child .line:last-child')!.firstChild).to.equal(node);
    applyPatch(a, [{ type: 'code-tail-text', text: 'xyz' }]);
    applyPatch(b, [{ type: 'code-tail', html: line('xyz') }]);
    expect(a.innerHTML).to.equal(b.innerHTML);
    // Gone with an empty text, with code-tail, and at code-close as it stands.
    applyPatch(a, [{ type: 'code-tail-text', text: '' }]);
    applyPatch(b, [{ type: 'code-tail', html: '' }]);
    expect(a.innerHTML).to.equal(b.innerHTML);
    applyPatch(a, [{ type: 'code-tail-text', text: 'q' }, { type: 'code-tail', html: line('r') }, { type: 'code-tail-text', text: 'end' }, { type: 'code-close' }]);
    applyPatch(b, [{ type: 'code-tail', html: line('end') }, { type: 'code-close' }]);
    expect(a.innerHTML).to.equal(b.innerHTML);
    expect(codeBlockSource(pre)).to.equal(lines.map((t, i) => (i === 3 ? hostile : `${t} = f(${i});`)).join('\n') + '\nend');
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

  it('colours lines shown plain in place: same nodes, same boxes, same scroll position', () => {
    // In a scrolling box with the element's styles, so boxes are laid out as on a page.
    const box = document.createElement('div');
    box.style.cssText = 'height: 300px; overflow: auto; font: 14px monospace';
    document.body.append(box);
    const s = newSection();
    box.append(s);
    const count = CODE_GROUP_LINES + CODE_CHUNK_LINES + 7;
    const texts = Array.from({ length: count }, (_, i) => `let v${i} = s${i}; // <${i}> &`);
    applyPatch(s, [{ type: 'append', html: '<p>before</p>\n' }, { type: 'code-open', html: shell }]);
    applyPatch(s, [{ type: 'code-lines', lines: texts.map(line) }, { type: 'code-tail', html: line('partial') }]);
    box.scrollTop = 2000;
    const scroll = box.scrollTop;
    expect(scroll).to.be.greaterThan(0);
    const code = s.querySelector('pre > code')!;
    const nodes = [...code.querySelectorAll('*')];
    const lines = [...code.querySelectorAll('.line')];
    const boxes = lines.map(el => el.getBoundingClientRect().toJSON() as DOMRect);
    const text = code.textContent;

    // Coloured insides for lines across a chunk and a group boundary, as the worker sends them.
    const from = CODE_CHUNK_LINES - 3;
    const coloured = texts.slice(from, CODE_GROUP_LINES + 5).map(t => {
      const [word, rest] = [t.slice(0, 3), t.slice(3)];
      return `<span class="c-ff7b72">${escapeHtml(word)}</span>${escapeHtml(rest)}`;
    });
    applyPatch(s, [{ type: 'code-colour', index: 1, from, lines: coloured }]);

    expect(code.textContent).to.equal(text);
    expect(box.scrollTop).to.equal(scroll);
    const after = [...code.querySelectorAll('.line')];
    expect(after).to.deep.equal(lines);
    // Every element that was there is still there, in order, plus one token span per coloured line.
    expect([...code.querySelectorAll('*')].filter(el => !el.matches('.c-ff7b72'))).to.deep.equal(nodes);
    expect(code.querySelectorAll('.c-ff7b72').length).to.equal(coloured.length);
    after.forEach((el, i) => {
      const r = el.getBoundingClientRect();
      expect([r.x, r.y, r.height], `line ${i}`).to.deep.equal([boxes[i]!.x, boxes[i]!.y, boxes[i]!.height]);
      // A text run split in two is measured per run, each rounded to layout units (1/64 px).
      expect(r.width, `line ${i}`).to.be.closeTo(boxes[i]!.width, 0.1);
      if (i >= from && i < from + coloured.length) expect(el.innerHTML).to.equal(coloured[i - from]);
      else expect(el.outerHTML).to.equal(line(i < count ? texts[i]! : 'partial'));
    });
    // A block that is not a code block, or a line that is not on screen, is a broken stream: say so.
    expect(() => applyPatch(s, [{ type: 'code-colour', index: 0, from: 0, lines: ['x'] }])).to.throw(/not a code block/);
    expect(() => applyPatch(s, [{ type: 'code-colour', index: 1, from: count + 1, lines: ['x'] }])).to.throw(/not on screen/);
    box.remove();
  });

  it('spreads a patch of many code lines over calls with a deadline, text before colour, to the DOM of applying it at once', () => {
    const whole = section();
    const spread = section();
    const texts = Array.from({ length: 5 * STEP_LINES + 7 }, (_, i) => `v${i} = ${i};`);
    const shown = 2 * STEP_LINES + 3;
    const first: BlockOp[] = [{ type: 'code-open', html: shell }, { type: 'code-lines', lines: texts.slice(0, shown).map(line) }];
    applyPatch(whole, first);
    applyPatch(spread, first);
    // Colour for the lines on screen, then the lines after them and a partial line, as a backlog's patch carries.
    const patch: BlockOp[] = [
      { type: 'code-colour', index: 0, from: 0, lines: texts.slice(0, shown).map(text => `<span class="c-ff7b72">${escapeHtml(text)}</span>`) },
      { type: 'code-lines', lines: texts.slice(shown).map(line) },
      { type: 'code-tail-text', text: 'partial' },
    ];
    applyPatch(whole, patch);
    const code = spread.querySelector('pre > code')!;
    // A deadline already past: one step per call.
    let rest = applyPatch(spread, patch, 0);
    let calls = 1;
    const linesAfterFirst = code.querySelectorAll('.line').length;
    const colouredAfterFirst = code.querySelectorAll('.c-ff7b72').length;
    while (rest) {
      // Colour waits until every new line and the partial line are shown.
      if (code.querySelectorAll('.c-ff7b72').length > 0) expect(code.textContent).to.equal(texts.join('\n') + '\npartial');
      rest = rest(0);
      calls++;
    }
    expect(linesAfterFirst).to.equal(shown + STEP_LINES);
    expect(colouredAfterFirst).to.equal(0);
    // A step per call: the new lines a step at a time (4 calls for 3 steps and 4 lines), the partial
    // line, then the colour (2 calls: a rest of no more than a step goes with the step before it).
    expect(texts.length - shown).to.equal(3 * STEP_LINES + 4);
    expect(shown).to.equal(2 * STEP_LINES + 3);
    expect(calls).to.equal(4 + 1 + 2);
    expect(spread.innerHTML).to.equal(whole.innerHTML);
    expect(code.querySelectorAll('.c-ff7b72').length).to.equal(shown);
    // With time left, or no deadline, the same patch goes in one call.
    const once = section();
    applyPatch(once, first);
    expect(applyPatch(once, patch, performance.now() + 60_000)).to.equal(undefined);
    expect(once.innerHTML).to.equal(whole.innerHTML);
  });

  it('applies a patch of a few lines whole, even past its deadline, and one that may replace coloured lines in order', () => {
    const s = section();
    applyPatch(s, [{ type: 'code-open', html: shell }, { type: 'code-lines', lines: [line('a'), line('b')] }]);
    const small: BlockOp[] = [
      { type: 'code-colour', index: 0, from: 0, lines: ['<span class="c-ff7b72">a</span>'] },
      { type: 'code-lines', lines: Array.from({ length: STEP_LINES - 2 }, (_, i) => line(`n${i}`)) },
      { type: 'code-tail-text', text: 'p' },
    ];
    expect(applyPatch(s, small, 0)).to.equal(undefined);
    expect(s.querySelectorAll('.line').length).to.equal(STEP_LINES + 1);
    expect(s.querySelector('.c-ff7b72')?.textContent).to.equal('a');
    // A theme change replaces the open block's lines: a colour op before it must not land after it.
    const recoloured: BlockOp[] = [
      { type: 'code-colour', index: 0, from: 1, lines: ['<span class="c-ff7b72">b</span>'] },
      { type: 'code-recolour', preClass: 'shiki t-github-light', lines: Array.from({ length: 3 * STEP_LINES }, (_, i) => line(`r${i}`)) },
    ];
    let rest = applyPatch(s, recoloured, 0);
    while (rest) rest = rest(0);
    expect(s.querySelectorAll('.c-ff7b72').length).to.equal(0);
    expect(s.querySelector('pre')!.className).to.equal('shiki t-github-light');
    expect(s.querySelectorAll('.line').length).to.equal(3 * STEP_LINES);
  });

  it('restyles a frozen code block for another theme', () => {
    const s = section();
    applyPatch(s, [{ type: 'code-open', html: shell }, { type: 'code-lines', lines: [line('a'), line('b')] }, { type: 'code-close' }]);
    restyleCodeBlock(s.querySelector('.code-block')!, { lines: [line('a'), line('b')], preClass: 'shiki t-github-light', styles: [] });
    expect(s.querySelector('pre')!.className).to.equal('shiki t-github-light');
    expect(s.querySelector('pre')!.textContent).to.equal('a\nb');
  });
});
