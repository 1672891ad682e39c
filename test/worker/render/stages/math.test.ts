import { expect } from 'chai';
import { MessageRenderer } from '../../../../src/worker/render/message-renderer.js';
import { mathSamples, mathStats, typeset } from '../../../../src/worker/render/stages/math.js';
import { safeMathml } from '../../../../src/worker/render/safe-mathml.js';
import { apply, applyAll, newSection, randomChunks, renderOnce, renderOptions, renderStreamed, seeded } from '../../../support/render-harness.js';

/** The section a one-shot render of `text` builds. */
async function once(text: string, noMath = false): Promise<HTMLElement> {
  return applyAll([await renderOnce(text, { ...renderOptions, noMath })]);
}

/** `[display, TeX of the annotation]` of each formula in `root`. */
function formulas(root: Element): [boolean, string][] {
  return [...root.querySelectorAll('math')].map(m => [
    m.getAttribute('display') === 'block',
    m.querySelector('annotation[encoding="application/x-tex"]')?.textContent ?? '',
  ]);
}

afterEach(() => document.querySelectorAll('.markdown').forEach(el => el.remove()));

describe('math stage', () => {
  it('renders each delimiter as MathML with the TeX as written in its annotation', async () => {
    const root = await once('a $x^2$ b \\(\\alpha_1\\) c $$\\sum_i i$$ d \\[E = mc^2\\] e\n\n$$\n\\frac{1}{2}\n\n+ y\n$$\n\n\\[\nz\n\\]\n');
    expect(formulas(root)).to.deep.equal([
      [false, 'x^2'],
      [false, '\\alpha_1'],
      [true, '\\sum_i i'],
      [true, 'E = mc^2'],
      [true, '\\frac{1}{2}\n\n+ y'],
      [true, 'z'],
    ]);
    // MathML, not text that looks like it: the browser lays out an <mfrac>.
    const frac = root.querySelector('mfrac');
    expect(frac?.namespaceURI).to.equal('http://www.w3.org/1998/Math/MathML');
    expect(frac?.getBoundingClientRect().height).to.be.greaterThan(0);
    // Display math inside a paragraph stays in that paragraph; `$$` and `\[` starting a line are blocks.
    expect(root.querySelector('p')?.querySelectorAll('math').length).to.equal(4);
    expect([...root.children].filter(el => el.tagName.toLowerCase() === 'math').length).to.equal(2);
  });

  it('leaves currency, spaced dollars and escaped dollars as text', async () => {
    const text = 'It costs $5 and $10; $20,000 and $30,000; a $ x$ and $y $ and \\$z\\$; 5$ and $5.';
    const root = await once(text);
    expect(root.querySelectorAll('math').length).to.equal(0);
    expect(root.textContent?.trim()).to.equal('It costs $5 and $10; $20,000 and $30,000; a $ x$ and $y $ and $z$; 5$ and $5.');
  });

  it('never takes what is inside code for math, inline or fenced', async () => {
    const root = await once('    $indented$\n\n`$x$` and `\\(y\\)` and $a `b` c$\n\n```tex\n$$z$$ \\[w\\]\n```\n\n- nested\n\n  ```\n  $q$\n  ```\n');
    expect(root.querySelectorAll('math').length).to.equal(0);
    expect([...root.querySelectorAll('code')].map(c => c.textContent)).to.deep.equal(['$indented$\n', '$x$', '\\(y\\)', 'b', '$$z$$ \\[w\\]', '$q$']);
  });

  it('keeps \\( \\) \\[ \\] as written outside code (delimiters, not escapes)', async () => {
    const root = await once('An unclosed \\(x and a lone \\] stay as written; \\* is still an escape.');
    expect(root.textContent?.trim()).to.equal('An unclosed \\(x and a lone \\] stay as written; * is still an escape.');
  });

  it('shows an unclosed span as text until it closes, then math in its place', async () => {
    const renderer = new MessageRenderer(renderOptions);
    const section = newSection();
    const step = async (text: string) => {
      renderer.feed('content', text);
      apply(section, await renderer.take());
    };
    await step('Energy $E = mc');
    expect(section.querySelectorAll('math').length).to.equal(0);
    expect(section.textContent).to.equal('Energy $E = mc');
    await step('^2$ and\n\n$$\n\\int_0^1');
    expect(formulas(section)).to.deep.equal([[false, 'E = mc^2']]);
    expect(section.textContent).to.contain('$$\n\\int_0^1');
    await step(' x\\,dx\n\nstill open\n');
    expect(formulas(section)).to.deep.equal([[false, 'E = mc^2']]);
    await step('$$\nAfter.');
    expect(formulas(section)).to.deep.equal([
      [false, 'E = mc^2'],
      [true, '\\int_0^1 x\\,dx\n\nstill open'],
    ]);
    renderer.end();
    apply(section, await renderer.take());
    expect(section.innerHTML).to.equal((await once('Energy $E = mc^2$ and\n\n$$\n\\int_0^1 x\\,dx\n\nstill open\n$$\nAfter.')).innerHTML);
  });

  it('shows TeX that cannot be typeset as text, delimiters included, in part math-error', async () => {
    const root = await once('Bad $\\frac{1}{$ and \\(\\nosuchmacro{x}\\) here.\n\n$$\n\\begin{nosuchenv}\n$$\n');
    const errors = [...root.querySelectorAll('[part="math-error"]')].map(e => e.textContent);
    expect(errors).to.deep.equal(['$\\frac{1}{$', '\\(\\nosuchmacro{x}\\)', '$$\n\\begin{nosuchenv}\n$$']);
    expect(root.querySelectorAll('math').length).to.equal(0);
    expect(typeset('\\frac{', false)).to.equal(null);
  });

  it('leaves TeX as text with noMath', async () => {
    const root = await once('$x^2$ and $$y$$ and\n\n$$\nz\n$$\n', true);
    expect(root.querySelectorAll('math, [part="math-error"]').length).to.equal(0);
    expect(root.textContent).to.contain('$x^2$ and $$y$$ and');
  });

  it('cannot produce links, images, styles, foreign classes or handlers from TeX', async () => {
    const tex = [
      '$\\href{javascript:window.pwned=1}{x}$',
      '$\\url{javascript:window.pwned=1}$',
      '$\\style{background:url(https://evil.example/x)}{x}$',
      '$\\class{copy-button}{x}$',
      '$\\htmlData{onclick=window.pwned=1}{x}$',
      '$\\htmlId{x}{y}$',
      '$\\includegraphics{https://evil.example/x.png}$',
      '$\\color{red}{r}\\colorbox{blue}{b}\\boxed{c}$',
      '$\\text{<img src=x onerror=window.pwned=1>}$',
      '$\\begin{array}{|c|}\\hline a\\\\ \\hline\\end{array}\\tag{1}$',
    ].join(' ');
    const root = await once(tex);
    for (const el of root.querySelectorAll('math, math *')) {
      expect(el.namespaceURI, el.tagName).to.equal('http://www.w3.org/1998/Math/MathML');
      for (const { name, value } of [...el.attributes]) {
        expect(['href', 'src', 'style', 'id', 'xlink:href'].includes(name) || name.startsWith('on'), `${name} on <${el.tagName}>`).to.equal(false);
        if (name === 'class') expect(value).to.match(/^tml-[a-z0-9-]+( tml-[a-z0-9-]+)*$/);
      }
    }
    expect(root.querySelectorAll('a, img, [href], [style], .copy-button').length).to.equal(0);
    // `\color` survives as MathML's own colour attribute.
    expect(root.querySelector('[mathcolor="#ff0000"]')).to.not.equal(null);
    expect(root.textContent).to.contain('<img src=x onerror=window.pwned=1>');
    await new Promise(resolve => setTimeout(resolve, 50));
    expect((window as { pwned?: unknown }).pwned).to.equal(undefined);
  });

  it('rebuilds MathML from an allow-list and refuses what does not read as MathML', () => {
    expect(
      safeMathml(
        '<math display="block" onclick="x()" style="color:red;background:url(x)"><mi href="javascript:x" class="tml-a evil" mathvariant="url(x)">a&amp;&lt;</mi>' +
          '<a href="https://x"><mi>b</mi></a><annotation-xml encoding="text/html"><div>h</div></annotation-xml>' +
          '<annotation encoding="text/html">t</annotation><maction actiontype="statusline"><mi>c</mi></maction></math>',
      ),
    ).to.equal(
      '<math display="block" mathcolor="red"><mi class="tml-a">a&amp;&lt;</mi><annotation>t</annotation></math>',
    );
    for (const bad of ['<div>x</div>', '<math><mi>x</mi>', '<math><mi>x</mo></math>', '<math><mi a=b>x</mi></math>', 'text', '<math></math><math></math>', '<math><mi>x</mi></math>tail'])
      expect(safeMathml(bad), bad).to.equal(null);
  });

  it('typesets each formula of the open tail once, not on every take', async () => {
    const renderer = new MessageRenderer(renderOptions);
    renderer.feed('content', 'A paragraph with $a_{901}$ and \\(b_{902}\\) that goes on');
    await renderer.take();
    const before = mathStats.typeset;
    for (let i = 0; i < 20; i++) {
      renderer.feed('content', ' and on');
      await renderer.take();
    }
    expect(mathStats.typeset).to.equal(before);
  });

  it('scans text with many unclosed openers once, not once per opener', async () => {
    const text = 'x \\( $$ \\[ $a '.repeat(4000);
    const before = mathStats.scanned;
    const root = await once(text);
    expect(mathStats.scanned - before).to.be.below(4 * text.length);
    expect(root.querySelectorAll('math').length).to.equal(0);
  });

  for (const [n, sample] of mathSamples.entries()) {
    it(`streams math sample ${n} to the same DOM as one shot, split at every boundary and in random chunks`, async () => {
      const expected = (await once(sample)).innerHTML;
      expect(expected).to.satisfy((html: string) => html.includes('<math') || html.includes('math-error') || n === 2);
      for (let i = 1; i < sample.length; i++) {
        const html = applyAll(await renderStreamed([sample.slice(0, i), sample.slice(i)])).innerHTML;
        expect(html, `split at ${i}: ${JSON.stringify(sample.slice(Math.max(0, i - 10), i))}|`).to.equal(expected);
      }
      for (let seed = 0; seed < 8; seed++) {
        const random = seeded(4000 + 100 * n + seed);
        const html = applyAll(await renderStreamed(randomChunks(sample, random, 6), renderOptions, 'content', () => random() < 0.7)).innerHTML;
        expect(html, `seed ${4000 + 100 * n + seed}`).to.equal(expected);
      }
      document.querySelectorAll('.markdown').forEach(el => el.remove());
    });
  }
});
