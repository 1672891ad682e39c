import { expect } from 'chai';
import { CodeCollapser, collapseGroup, expandGroup, keptBytes } from '../../../src/element/view/code-collapser.js';
import { applyAll, renderOnce } from '../../support/render-harness.js';

async function frames(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise(r => requestAnimationFrame(r));
}

/** A reply with one 2,400-line TypeScript block (twelve groups), rendered as the element renders it. */
async function longCode(): Promise<{ section: HTMLElement; code: string }> {
  const lines = Array.from({ length: 2400 }, (_, i) => `const value${i} = compute(${i}, "text ${i}") + ${i} * 2; // line ${i}`);
  const code = lines.join('\n');
  const section = applyAll([await renderOnce(`Intro.\n\n\`\`\`ts\n${code}\n\`\`\`\n\nDone.\n`)]);
  return { section, code };
}

const groupsOf = (root: Element) => [...root.querySelectorAll('.code-group')];

/** Every element an IntersectionObserver observes from now until `restore()`: the browser computes each one's intersection every frame. */
function spyObserved(): { observed: Set<Element>; restore(): void } {
  const observed = new Set<Element>();
  const { observe, unobserve } = IntersectionObserver.prototype;
  IntersectionObserver.prototype.observe = function (this: IntersectionObserver, target: Element) {
    observed.add(target);
    observe.call(this, target);
  };
  IntersectionObserver.prototype.unobserve = function (this: IntersectionObserver, target: Element) {
    observed.delete(target);
    unobserve.call(this, target);
  };
  return {
    observed,
    restore: () => Object.assign(IntersectionObserver.prototype, { observe, unobserve }),
  };
}

const nodes = (root: Node) => {
  let n = 0;
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_ALL);
  while (walker.nextNode()) n++;
  return n;
};

describe('CodeCollapser', () => {
  it('keeps a collapsed group’s text exactly, and gives it back its markup', async () => {
    const { section, code } = await longCode();
    const group = section.querySelector('.code-group')!;
    const html = group.innerHTML;
    expect(collapseGroup(group)).to.equal(true);
    expect(group.childNodes.length).to.equal(1);
    expect(section.querySelector('pre > code')!.textContent).to.equal(code);
    expect(expandGroup(group)).to.equal(true);
    expect(group.innerHTML).to.equal(html);
    expect(expandGroup(group)).to.equal(false);
    section.remove();
  });

  it('keeps a word per token of a collapsed group, several times less than its markup, and rebuilds every group exactly', async () => {
    const { section, code } = await longCode();
    const groups = [...section.querySelectorAll('.code-group')];
    const html = groups.map(g => g.innerHTML);
    const tokens = section.querySelectorAll('.code-group .line > span').length;
    expect(tokens, 'the code is highlighted').to.be.above(groups.length * 200);
    const inside = groups.reduce((n, g) => n + nodes(g) - 1, 0);
    let kept = 0;
    for (const group of groups) {
      expect(collapseGroup(group)).to.equal(true);
      kept += keptBytes(group);
    }
    const markup = html.reduce((n, h) => n + h.length, 0);
    expect(kept * 4, `${kept} bytes kept for ${markup} characters of markup`).to.be.below(markup);
    // At most two words per node (a span's start and end): nothing per character.
    expect(kept).to.be.at.most(inside * 8);
    expect(section.querySelector('pre > code')!.textContent).to.equal(code);
    groups.forEach(g => expandGroup(g));
    expect(groups.map(g => g.innerHTML)).to.deep.equal(html);
    expect(groups.map(keptBytes)).to.deep.equal(groups.map(() => 0));
    section.remove();
  });

  it('rebuilds spans without a class, empty spans, nested spans and empty lines exactly', () => {
    const group = document.createElement('span');
    group.className = 'code-group';
    group.innerHTML =
      '<span class="code-chunk"><span class="line"><span class="c-ff0000 italic">x &lt;y&gt;</span><span>y</span>z<span class="c-00ff00"></span></span>\n<span class="line"></span>\n<span class="line"><span class="a"><span class="b">q</span>r</span></span></span>';
    const html = group.innerHTML;
    expect(collapseGroup(group)).to.equal(true);
    expect(group.textContent).to.equal('x <y>yz\n\nqr');
    expect(keptBytes(group) * 2, 'kept as runs').to.be.below(html.length);
    expect(expandGroup(group)).to.equal(true);
    expect(group.innerHTML).to.equal(html);
  });

  it('keeps the markup of a group of another shape, and gives it back unchanged', () => {
    const group = document.createElement('span');
    group.className = 'code-group';
    // An attribute other than class, an element other than span, and text nodes side by side.
    group.innerHTML = '<span class="code-chunk"><span class="line" title="t">a</span>\n<b>b</b><span></span></span>';
    group.firstChild!.appendChild(document.createTextNode('c'));
    group.firstChild!.appendChild(document.createTextNode('d'));
    const html = group.innerHTML;
    expect(collapseGroup(group)).to.equal(true);
    expect(group.textContent).to.equal('a\nbcd');
    expect(keptBytes(group)).to.equal(html.length);
    expect(expandGroup(group)).to.equal(true);
    expect(group.innerHTML).to.equal(html);
  });

  it('collapses finished code far off screen to a fraction of its nodes; find, copy and scrolling back still work', async function () {
    this.timeout(30_000);
    const scroller = document.createElement('div');
    scroller.style.cssText = 'height:200px;overflow:auto';
    document.body.append(scroller);
    const { section, code } = await longCode();
    scroller.append(section);
    const before = nodes(section);
    const collapser = new CodeCollapser();
    collapser.observe(scroller);
    collapser.watch(section);
    await frames(4);
    const after = nodes(section);
    expect(after * 2, `${before} → ${after} nodes`).to.be.below(before);
    // The text is all there: the code, and what find-in-page searches.
    expect(section.querySelector('pre > code')!.textContent).to.equal(code);
    const groups = [...section.querySelectorAll('.code-group')];
    expect(groups[0]!.querySelector('.line'), 'the group on screen stays highlighted').to.not.equal(null);
    expect(groups.at(-1)!.querySelector('.line'), 'the last group, far below, is collapsed').to.equal(null);
    // Chromium's find-in-page as script sees it (`window.find`, not in the DOM typings).
    const find = (window as unknown as { find(text: string): boolean }).find;
    expect(find.call(window, 'line 2387')).to.equal(true);
    // Scrolled to the end: the groups there are highlighted again, the text unchanged.
    window.getSelection()?.removeAllRanges();
    scroller.scrollTop = scroller.scrollHeight;
    await frames(4);
    expect(groups.at(-1)!.querySelector('.line')).to.not.equal(null);
    expect(groups[0]!.querySelector('.line'), 'the first group, now far above, is collapsed').to.equal(null);
    expect(section.querySelector('pre > code')!.textContent).to.equal(code);
    collapser.disconnect();
    scroller.remove();
  });

  it('collapses the code of a message the browser skips off screen (no observer report reaches it), and restores it near', async function () {
    this.timeout(30_000);
    const scroller = document.createElement('div');
    scroller.style.cssText = 'height:200px;overflow:auto';
    document.body.append(scroller);
    const { section, code } = await longCode();
    // As a finished message: skipped by the browser while off screen (vllm-chat.styles.ts).
    const message = document.createElement('article');
    message.style.cssText = 'content-visibility:auto;contain-intrinsic-block-size:auto 200px';
    message.append(section);
    const spacer = document.createElement('div');
    spacer.style.height = '30000px';
    scroller.append(message, spacer);
    const { observed, restore } = spyObserved();
    const collapser = new CodeCollapser();
    try {
      collapser.observe(scroller);
      collapser.watch(section, message);
      await frames(4);
      expect(groupsOf(section)[0]!.querySelector('.line'), 'on screen: highlighted').to.not.equal(null);
      expect(groupsOf(section).filter(g => observed.has(g)), 'near: its groups observed').to.have.length(12);
      // Past the end of the message: the browser skips it, and every group is text.
      scroller.scrollTop = scroller.scrollHeight;
      await frames(4);
      expect(groupsOf(section).filter(g => observed.has(g)), 'far: its groups no longer observed').to.have.length(0);
    } finally {
      restore();
    }
    const groupList = groupsOf(section);
    expect(section.checkVisibility({ contentVisibilityAuto: true }), 'its content skipped').to.equal(false);
    expect(groupList.filter(g => g.querySelector('.line')), 'groups still highlighted').to.have.length(0);
    expect(section.querySelector('pre > code')!.textContent).to.equal(code);
    // Back at the top: the groups near the viewport have their markup again.
    scroller.scrollTop = 0;
    await frames(4);
    expect(groupList[0]!.querySelector('.line'), 'back on screen: highlighted').to.not.equal(null);
    expect(section.querySelector('pre > code')!.textContent).to.equal(code);
    collapser.disconnect();
    scroller.remove();
  });

  it('forgets groups that left the document', async () => {
    const scroller = document.createElement('div');
    scroller.style.cssText = 'height:200px;overflow:auto';
    document.body.append(scroller);
    const { section } = await longCode();
    scroller.append(section);
    const collapser = new CodeCollapser();
    collapser.observe(scroller);
    collapser.watch(section);
    await frames(3);
    const last = section.querySelectorAll('.code-group')[11]!;
    section.remove();
    collapser.prune();
    scroller.append(last);
    await frames(3);
    // Unwatched: staying as it was left, whatever the viewport does.
    expect(last.querySelector('.line')).to.equal(null);
    collapser.disconnect();
    scroller.remove();
  });
});
