import { expect } from 'chai';
import { sendKeys } from '@web/test-runner-commands';
import { catchDownloads, catchFallbackCopy, mount, part, parts, unmountAll, waitFor } from './chat-fixture.js';
import type { VllmChat } from '../../src/element/vllm-chat.js';
import { expectShikiColours } from '../support/code-colours.js';
import { CODE_CHUNK_LINES } from '../../src/shared/code-block-layout.js';

/** Sends `markdown` and has the server stream it back as the reply. */
function echo(el: VllmChat, markdown: string, rate = 0) {
  return el.send(`[mock rate=${rate} echo=1] ${markdown}`);
}

/**
 * The streamed block once it shows `lines` lines. (While the fence's opener
 * line is still partial, the markdown tail shows it as a one-line block,
 * which the streamed block then replaces.)
 */
function streamedBlock(el: VllmChat, lines: number): HTMLElement | undefined {
  const pre = parts(el, 'code-block')[0];
  return pre && pre.querySelectorAll('.line').length >= lines ? pre : undefined;
}

const python = 'def add(a, b):\n    return a + b\n\nprint(add(1, 2))';

describe('<vllm-chat> code blocks', function () {
  // Streams at a set rate on a shared machine.
  this.timeout(60_000);
  afterEach(unmountAll);

  it('heads each block with its language as written and named wrap, download and copy buttons', async () => {
    const el = await mount({ model: 'MyCoder' });
    await echo(el, `\`\`\`Python title="x"\n${python}\n\`\`\`\n\n\`\`\`\nplain\n\`\`\``);
    expect(parts(el, 'code-language').map(p => p.textContent)).to.deep.equal(['Python', '']);
    for (const name of ['copy-button', 'download-button', 'wrap-button']) {
      const buttons = parts(el, name);
      expect(buttons, name).to.have.length(2);
      for (const b of buttons) {
        expect(b.tagName).to.equal('BUTTON');
        expect(b.getAttribute('aria-label')).to.match(/^(Copy|Download|Wrap)$/);
      }
    }
    expect(part(el, 'wrap-button').getAttribute('aria-pressed')).to.equal('false');
  });

  it('names the buttons in Chinese for a zh element', async () => {
    const el = await mount({ model: 'MyCoder', lang: 'zh-CN' });
    await echo(el, `\`\`\`py\n${python}\n\`\`\`\n\n| a | b |\n|---|---|\n| 1 | 2 |`);
    expect(part(el, 'download-button').getAttribute('aria-label')).to.equal('下载');
    expect(part(el, 'wrap-button').getAttribute('aria-label')).to.equal('自动换行');
    expect(part(el, 'table-copy-button').getAttribute('aria-label')).to.equal('复制表格');
  });

  it('has the whole header from the first streamed line: the code does not move when the header fills', async () => {
    const el = await mount({ model: 'MyCoder' });
    const done = el.send('[mock rate=60 lines=25 lang=py]');
    const pre = await waitFor(() => streamedBlock(el, 2), 'the code block', 40_000);
    const header = pre.previousElementSibling as HTMLElement;
    expect(header.querySelector('[part="download-button"]')).to.not.equal(null);
    expect(header.querySelector('[part="wrap-button"]')).to.not.equal(null);
    const top = pre.getBoundingClientRect().top - header.getBoundingClientRect().top;
    const height = header.offsetHeight;
    await waitFor(() => pre.querySelectorAll('.line').length >= 7, 'more lines', 40_000);
    expect(el.messages.at(-1)!.status).to.equal('streaming');
    expect(header.offsetHeight).to.equal(height);
    expect(pre.getBoundingClientRect().top - header.getBoundingClientRect().top).to.equal(top);
    el.stop();
    await done;
  });

  it('downloads the code as a file named with the language extension, .txt when unknown', async () => {
    const el = await mount({ model: 'MyCoder' });
    await echo(el, `\`\`\`python\n${python}\n\`\`\`\n\n\`\`\`nosuchlang\n<b>x</b> & y\n\`\`\``);
    const { made, clicked } = catchDownloads(() => {
      for (const button of parts(el, 'download-button')) button.click();
    });
    expect(clicked.map(c => c.name)).to.deep.equal(['code.py', 'code.txt']);
    expect(clicked.every(c => c.href.startsWith('blob:'))).to.equal(true);
    expect(await Promise.all(made.map(b => b.text()))).to.deep.equal([python, '<b>x</b> & y']);
  });

  it('soft-wraps a block from its wrap button, also from the keyboard, and says so with aria-pressed', async () => {
    const el = await mount({ model: 'MyCoder' });
    el.style.width = '320px';
    await echo(el, `\`\`\`js\nconst long = "${'word '.repeat(60)}";\n\`\`\``);
    const pre = part(el, 'code-block');
    const button = part(el, 'wrap-button');
    expect(getComputedStyle(pre).whiteSpace).to.equal('pre');
    expect(pre.scrollWidth).to.be.greaterThan(pre.clientWidth);
    button.focus();
    await sendKeys({ press: 'Enter' });
    expect(button.getAttribute('aria-pressed')).to.equal('true');
    expect(getComputedStyle(pre).whiteSpace).to.equal('pre-wrap');
    expect(pre.scrollWidth).to.be.at.most(pre.clientWidth);
    await sendKeys({ press: 'Space' });
    expect(button.getAttribute('aria-pressed')).to.equal('false');
    expect(getComputedStyle(pre).whiteSpace).to.equal('pre');
  });

  it('keeps every line inside the chunk and the group that clip it, unwrapped and wrapped', async () => {
    // Chunks and groups contain their paint (message-styles.ts): a line that
    // reached past either box would be cut off where it leaves it.
    const el = await mount({ model: 'MyCoder' });
    el.style.width = '360px';
    const lines = Array.from({ length: 2 * CODE_CHUNK_LINES + 5 }, (_, i) => `const v${i} = ${i}; // 第${i}行`);
    // No spaces where the long lines wrap: a space at a soft wrap hangs past the line's edge, drawn as nothing.
    lines[3] = `const wide = "${'中文注释'.repeat(30)}"; // 宽`;
    lines[CODE_CHUNK_LINES + 4] = `const x = 1; // ${'abcdefghij'.repeat(30)}`;
    await echo(el, `\`\`\`ts\n${lines.join('\n')}\n\`\`\``);
    const pre = part(el, 'code-block');
    const inside = (label: string) => {
      const shown = [...pre.querySelectorAll<HTMLElement>('.line')];
      expect(shown, label).to.have.length(lines.length);
      for (const [i, line] of shown.entries()) {
        const box = line.getBoundingClientRect();
        for (const clip of [line.closest('.code-chunk')!, line.closest('.code-group')!]) {
          const edge = clip.getBoundingClientRect();
          const where = `${label}, line ${i} in ${clip.className}`;
          expect(box.left, where).to.be.at.least(edge.left - 0.5);
          expect(box.right, where).to.be.at.most(edge.right + 0.5);
          expect(box.top, where).to.be.at.least(edge.top - 0.5);
          expect(box.bottom, where).to.be.at.most(edge.bottom + 0.5);
        }
      }
    };
    expect(pre.scrollWidth).to.be.greaterThan(pre.clientWidth);
    inside('unwrapped');
    pre.scrollLeft = pre.scrollWidth;
    inside('scrolled to the end');
    part(el, 'wrap-button').click();
    await el.updateComplete;
    expect(pre.scrollWidth).to.be.at.most(pre.clientWidth);
    inside('wrapped');
  });

  it('shows line numbers that are not in the text, a selection or the copied code', async () => {
    const el = await mount({ model: 'MyCoder', 'line-numbers': '' });
    expect(el.lineNumbers).to.equal(true);
    const reply = await el.send('[mock rate=0 lines=450 lang=py]');
    const code = /```python\n([\s\S]*?)\n```/.exec(reply.content)![1]!;
    const pre = part(el, 'code-block');
    const line = pre.querySelector('.line')!;
    expect(getComputedStyle(line, '::before').content).to.equal('counter(line)');
    expect(getComputedStyle(line, '::before').userSelect).to.equal('none');
    // Groups are style-contained: each starts counting where the previous one ended.
    const groups = [...pre.querySelectorAll('.code-group')];
    expect(groups.map(g => getComputedStyle(g).counterReset)).to.deep.equal(['line 0', 'line 200', 'line 400']);
    expect(pre.textContent).to.equal(code);

    const selection = document.getSelection()!;
    selection.removeAllRanges();
    const range = document.createRange();
    const lines = pre.querySelectorAll('.line');
    range.setStart(lines[0]!, 0);
    range.setEnd(lines[9]!, lines[9]!.childNodes.length);
    selection.addRange(range);
    const firstTen = code.split('\n').slice(0, 10).join('\n');
    expect(selection.toString()).to.equal(firstTen);
    // The selection copied with the keyboard and pasted back.
    await sendKeys({ press: 'Control+C' });
    selection.removeAllRanges();
    const input = part(el, 'input') as HTMLTextAreaElement;
    input.focus();
    await sendKeys({ press: 'Control+V' });
    await waitFor(() => input.value, 'the paste');
    expect(input.value).to.equal(firstTen);
    input.value = '';

    const copied = catchFallbackCopy();
    try {
      // A real key press: execCommand('copy') needs user activation.
      part(el, 'copy-button').focus();
      await sendKeys({ press: 'Enter' });
      expect(await copied.text).to.equal(code);
    } finally {
      copied.restore();
    }
    el.lineNumbers = false;
    await el.updateComplete;
    expect(el.hasAttribute('line-numbers')).to.equal(false);
    expect(getComputedStyle(line, '::before').content).to.equal('none');
  });

  it('collapses a finished block longer than collapse-lines, never while it streams, and expands it', async () => {
    const el = await mount({ model: 'MyCoder', 'collapse-lines': '5' });
    expect(el.collapseLines).to.equal(5);
    const done = el.send('[mock rate=80 lines=30 lang=py]');
    const pre = await waitFor(() => streamedBlock(el, 9), 'more lines than collapse-lines', 40_000);
    expect(el.messages.at(-1)!.status).to.equal('streaming');
    expect(parts(el, 'expand-button')).to.have.length(0);
    expect(pre.clientHeight).to.equal(pre.scrollHeight);
    await done;
    const button = part(el, 'expand-button');
    expect(button.getAttribute('aria-expanded')).to.equal('false');
    expect(button.textContent).to.equal('Show all 30 lines');
    const lineHeight = pre.querySelector('.line')!.getBoundingClientRect().height;
    expect(pre.clientHeight).to.be.lessThan(lineHeight * 8);
    expect(pre.scrollHeight).to.be.greaterThan(lineHeight * 25);
    button.click();
    expect(button.getAttribute('aria-expanded')).to.equal('true');
    expect(pre.clientHeight).to.equal(pre.scrollHeight);
    button.click();
    expect(button.getAttribute('aria-expanded')).to.equal('false');
    expect(pre.clientHeight).to.be.lessThan(pre.scrollHeight);

    // A short block gets no button; raising the limit past the block removes it; 0 never collapses.
    await el.send('[mock rate=0 lines=3 lang=py]');
    expect(parts(el, 'expand-button')).to.have.length(1);
    el.collapseLines = 50;
    await el.updateComplete;
    expect(parts(el, 'expand-button')).to.have.length(0);
    el.setAttribute('collapse-lines', '2');
    await el.updateComplete;
    expect(parts(el, 'expand-button')).to.have.length(2);
    el.collapseLines = 0;
    await el.updateComplete;
    expect(parts(el, 'expand-button')).to.have.length(0);
    expect(pre.clientHeight).to.equal(pre.scrollHeight);
  });

  it('colours a streamed line of 5,000+ characters as Shiki does', async () => {
    const el = await mount({ model: 'MyCoder' });
    const long = `const data = [${Array.from({ length: 300 }, (_, i) => `'item${i}', ${i * 7}, f(${i})`).join(', ')}];`;
    expect(long.length).to.be.greaterThan(5000);
    const code = `let a = 1;\n${long}\nlet b = "end";`;
    await echo(el, `\`\`\`ts\n${code}\n\`\`\``, 2000);
    const pre = part(el, 'code-block');
    expect(pre.textContent).to.equal(code);
    expect(pre.querySelectorAll('.line')[1]!.querySelectorAll('span').length).to.be.greaterThan(300);
    await expectShikiColours(pre, code, 'ts', 'github-dark');
  });
});
