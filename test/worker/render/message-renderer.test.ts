import { expect } from 'chai';
import {
  getHighlighter,
  highlightStats,
  loadFenceLanguage,
  loadTheme,
  normalizeColor,
  PARTIAL_LINE_CAP,
  TOKENIZE_MAX_LINE_LENGTH,
} from '../../../src/worker/render/highlight.js';
import { markdownStats } from '../../../src/worker/render/markdown.js';
import { MessageRenderer } from '../../../src/worker/render/message-renderer.js';
import { FIRST_LINE_BATCH } from '../../../src/worker/render/colour-cursor.js';
import { lineSlices, SLICE_MAX } from '../../../src/worker/render/line-slices.js';
import { codeBlockSource } from '../../../src/element/view/apply-patch.js';
import {
  applyAll,
  randomChunks,
  renderOnce,
  renderOptions,
  renderStreamed,
  seeded,
} from '../../support/render-harness.js';
import { expectShikiColours } from '../../support/code-colours.js';

/** Real source files of several languages, cut to keep the suite fast. */
const sources: { path: string; lang: string; lines?: number }[] = [
  { path: '/test/fixtures/lru_cache.py', lang: 'python' },
  { path: '/test/fixtures/ring_buffer.c', lang: 'c' },
  // The first 260 lines of typescript/lib/lib.es5.d.ts (the dev server would transpile a .ts file).
  { path: '/test/fixtures/lib.es5.slice.d.ts.txt', lang: 'ts' },
  { path: '/node_modules/comlink/dist/esm/comlink.mjs', lang: 'js', lines: 220 },
  { path: '/node_modules/prismjs/themes/prism-okaidia.css', lang: 'css' },
  { path: '/node_modules/markdown-it/package.json', lang: 'json' },
  { path: '/node_modules/lit/README.md', lang: 'md' },
  { path: '/node_modules/tslib/tslib.html', lang: 'html' },
  { path: '/node_modules/playwright-core/bin/reinstall_chrome_beta_linux.sh', lang: 'sh' },
  { path: '/node_modules/tsscmp/.travis.yml', lang: 'yml' },
  { path: '/node_modules/eventsource-parser/README.md', lang: 'markdown', lines: 150 },
];

async function load(path: string, lines = 200): Promise<string> {
  const response = await fetch(path);
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
  const text = (await response.text()).replace(/\r\n?/g, '\n');
  return text.split('\n').slice(0, lines).join('\n').replace(/\n+$/, '');
}

/** Prose, the code in a fence long enough not to be closed by the code, a list and a table. */
function answer(code: string, lang: string): string {
  const longest = Math.max(2, ...(code.match(/^ {0,3}`+/gm) ?? []).map(run => run.trim().length));
  const fence = '`'.repeat(longest + 1);
  return (
    `这是 **${lang}** 的例子 — an example with \`inline code\` and a https://example.com/x link.\n\n` +
    `${fence}${lang}\n${code}\n${fence}\n\n` +
    `1. first point\n2. second point with *emphasis*\n   - nested 🙂\n\n` +
    `| key | value |\n| :-- | --: |\n| a | 1 |\n| b | 2 |\n\nDone.\n`
  );
}

describe('MessageRenderer', () => {
  for (const [n, source] of sources.entries()) {
    it(`streams ${source.path.split('/').pop()} in random chunks to the same DOM and colours as a one-shot render`, async () => {
      const code = await load(source.path, source.lines);
      const text = answer(code, source.lang);
      const once = applyAll([await renderOnce(text)]);
      const random = seeded(1000 + n);
      const chunks = randomChunks(text, random, 40);
      const streamed = applyAll(await renderStreamed(chunks, renderOptions, 'content', () => random() < 0.6));
      expect(streamed.innerHTML).to.equal(once.innerHTML);
      const blocks = streamed.querySelectorAll('pre[part="code-block"]');
      expect(blocks.length).to.equal(1);
      const pre = blocks[0]!;
      expect(pre.textContent).to.equal(code);
      expect(codeBlockSource(pre)).to.equal(code);
      await expectShikiColours(pre, code, source.lang, renderOptions.theme);
      once.remove();
      streamed.remove();
    });
  }

  it('gives the same DOM when a mixed document is split at every boundary', async () => {
    const text =
      'Title\n=====\n\nIntro *para* with a [link](https://example.com) and <b>raw</b>.\n' +
      'Lazy line\n\n- item one\n- item two\n\n  continued loose\n\n' +
      'a | b\n--|--\n1 | 2\n\n> quote\nlazy quote\n\n' +
      '```js\nconst s = `multi\nline ${x}`;\n```\n\n' +
      '- list with fence:\n\n  ```py\n  def f(): pass\n  ```\n\nSub\n---\n[r]: https://example.com/r\n\nUse [r].\n';
    const expected = applyAll([await renderOnce(text)]).innerHTML;
    for (let i = 1; i < text.length; i++) {
      const html = applyAll(await renderStreamed([text.slice(0, i), text.slice(i)])).innerHTML;
      expect(html, `split at ${i}: ${JSON.stringify(text.slice(Math.max(0, i - 10), i))}|`).to.equal(expected);
    }
    document.querySelectorAll('.markdown').forEach(el => el.remove());
  });

  it('renders reasoning with the same renderer into its own ops', async () => {
    const renderer = new MessageRenderer(renderOptions);
    renderer.feed('reasoning', 'Think about `x`\n\n```py\nx = 1\n```\n');
    renderer.feed('content', 'Answer.');
    renderer.end();
    const patch = await renderer.take();
    const reasoning = applyAll([patch], 'reasoning');
    const content = applyAll([patch], 'content');
    expect(reasoning.querySelector('pre[part="code-block"]')?.textContent).to.equal('x = 1');
    expect(content.innerHTML).to.equal('<p dir="ltr">Answer.</p>\n');
    expect(await renderer.take()).to.deep.equal({});
  });

  it('shows a backlog at once when a take has a deadline, coloured in slices, to the same DOM and colours as one take', async () => {
    const code = await load(sources[2]!.path, 300);
    const text = answer(code, sources[2]!.lang);
    const renderer = new MessageRenderer(renderOptions);
    await renderer.prepare('TypeScript');
    renderer.feed('content', text);
    renderer.end();
    const patches = [];
    // A deadline already past: the first take shows every line plain; each take colours its first (smallest) batches.
    for (let i = 0; i < 100; i++) {
      const patch = await renderer.take(0);
      patches.push(patch);
      if (!patch.more) break;
    }
    const shown = patches.flatMap(p => p.content ?? []).filter(op => op.type === 'code-lines');
    expect(shown).to.have.length(1);
    const slices = patches.filter(p => p.content?.some(op => op.type === 'code-colour'));
    expect(slices.length).to.be.greaterThan(2);
    const first = slices[0]!.content!.flatMap(op => (op.type === 'code-colour' ? op.lines : []));
    expect(first.length).to.equal(FIRST_LINE_BATCH);
    expect(patches.at(-1)?.more).to.equal(undefined);
    expect(await renderer.take()).to.deep.equal({});
    const sliced = applyAll(patches);
    expect(sliced.innerHTML).to.equal(applyAll([await renderOnce(text)]).innerHTML);
    const pre = sliced.querySelector('pre')!;
    expect(pre.textContent).to.equal(code);
    await expectShikiColours(pre, code, sources[2]!.lang, renderOptions.theme);
  });

  it('keeps a fenced block open while streaming and shows the partial line', async () => {
    const renderer = new MessageRenderer(renderOptions);
    renderer.feed('content', 'Intro\n\n```python\nprint(1)\nprint(');
    const first = await renderer.take();
    const types = first.content?.map(op => op.type);
    expect(types).to.deep.equal(['append', 'code-open', 'code-lines', 'code-tail-text']);
    const section = applyAll([first]);
    expect(section.querySelector('pre')?.textContent).to.equal('print(1)\nprint(');
    renderer.feed('content', '2)\n``');
    const second = await renderer.take();
    // The partial "``" may become the closing fence: it is not shown.
    expect(second.content?.map(op => op.type)).to.deep.equal(['code-lines']);
    renderer.feed('content', '`\nafter');
    const third = await renderer.take();
    expect(third.content?.map(op => op.type)).to.deep.equal(['code-close', 'tail']);
  });

  it('shows the growing code line plain and tokenizes each line once, when it completes, to the one-shot DOM', async () => {
    const code = await load('/test/fixtures/lru_cache.py', 60);
    const text = `\`\`\`python\n${code}\n\`\`\`\n`;
    const renderer = new MessageRenderer(renderOptions);
    const patches = [];
    let total = 0;
    // One character per take, as a fast stream's takes see the last line grow.
    for (const char of text) {
      renderer.feed('content', char);
      const before = highlightStats.chars;
      const patch = await renderer.take();
      patches.push(patch);
      const spent = highlightStats.chars - before;
      total += spent;
      if (char !== '\n') expect(spent, 'a take that completes no line tokenizes nothing').to.equal(0);
      // The partial line goes as text, never as markup.
      expect((patch.content ?? []).some(op => op.type === 'code-tail')).to.equal(false);
    }
    renderer.end();
    patches.push(await renderer.take());
    // Each character of the code at most once (lines of a batch are tokenized joined by their newlines).
    expect(total).to.be.at.most(code.length);
    const streamed = applyAll(patches);
    expect(streamed.innerHTML).to.equal(applyAll([await renderOnce(text)]).innerHTML);
    await expectShikiColours(streamed.querySelector('pre')!, code, 'python', renderOptions.theme);
  });

  it('handles \\r\\n split across chunks like a one-shot render', async () => {
    const text = 'a\r\nb\r\n\r\n```c\r\nint x;\r\n```\r\nend\r';
    const once = applyAll([await renderOnce(text)]);
    expect(once.querySelector('pre')?.textContent).to.equal('int x;');
    expect(once.querySelector('p')?.textContent).to.equal('a\nb');
    expect(applyAll(await renderStreamed([...text])).innerHTML).to.equal(once.innerHTML);
  });

  it('streams a line at the length limit with the partial-line re-tokenizing capped', async function () {
    // Thousands of takes, each showing the partial line again.
    this.timeout(90_000);
    // At the length limit: shown plain, never tokenized, however it streams.
    const line = Array.from({ length: 9000 }, (_, i) => `f${i}(a,"s");`).join('').slice(0, TOKENIZE_MAX_LINE_LENGTH);
    expect(line).to.have.length(TOKENIZE_MAX_LINE_LENGTH);
    const text = `\`\`\`js\n${line}\n\`\`\`\n`;
    const random = seeded(7);
    const chunks = randomChunks(text, random, 40);
    const renderer = new MessageRenderer(renderOptions);
    const patches = [];
    let worst = 0;
    let total = 0;
    for (const chunk of chunks) {
      renderer.feed('content', chunk);
      const before = highlightStats.chars;
      patches.push(await renderer.take());
      const spent = highlightStats.chars - before;
      total += spent;
      if (!chunk.endsWith('\n')) worst = Math.max(worst, spent);
    }
    renderer.end();
    patches.push(await renderer.take());
    // Each take re-tokenizes at most the capped partial line; the line is tokenized once when it completes.
    expect(worst).to.be.at.most(PARTIAL_LINE_CAP);
    expect(total).to.be.below(3 * line.length);
    const streamed = applyAll(patches);
    const pre = streamed.querySelector('pre')!;
    expect(pre.textContent).to.equal(line);
    expect(streamed.innerHTML).to.equal(applyAll([await renderOnce(text)]).innerHTML);
    await expectShikiColours(pre, line, 'js', renderOptions.theme);
  });

  it('tokenizes a long line below the length limit once it completes, like one pass', async () => {
    const line = Array.from({ length: 900 }, (_, i) => `x${i}=${i};`).join(' ').slice(0, TOKENIZE_MAX_LINE_LENGTH - 1);
    const code = `let a = 1;\n${line}\nconst s = "done";`;
    const text = `\`\`\`js\n${code}\n\`\`\`\n`;
    const patches = await renderStreamed(randomChunks(text, seeded(9), 40));
    const pre = applyAll(patches).querySelector('pre')!;
    expect(pre.querySelectorAll('.line')[1]!.children.length).to.be.greaterThan(100);
    await expectShikiColours(pre, code, 'js', renderOptions.theme);
  });

  it('colours a line of 5,000+ characters in slices spread over takes, each op holding whole lines, like one shot', async () => {
    const long = `const data = [${Array.from({ length: 400 }, (_, i) => `'item ${i}', ${i * 7}, f(${i}) /* c */`).join(', ')}];`;
    expect(long.length).to.be.within(5_000, TOKENIZE_MAX_LINE_LENGTH);
    // A string opened before and closed after: the grammar state runs through the long line.
    const code = `let a = 1;\n${long}\nconst s = \`multi\n${long.slice(0, 6000)}\nend\`;\nlet b = 2;`;
    const text = `Intro\n\n\`\`\`ts\n${code}\n\`\`\`\n`;

    const once = applyAll([await renderOnce(text)]);
    const pre = once.querySelector('pre')!;
    expect(pre.textContent).to.equal(code);
    await expectShikiColours(pre, code, 'ts', renderOptions.theme);
    const shown = pre.querySelectorAll('.line')[1]!;
    expect(shown.querySelectorAll('span').length, 'spans on the long line').to.be.greaterThan(500);

    // Streamed with a deadline already passed: the first take shows every line plain, each later
    // take colours one slice (the least a take does), and a long line goes out whole once its last
    // slice is done; the result equals the one-shot render.
    const renderer = new MessageRenderer(renderOptions);
    renderer.feed('content', text);
    renderer.end();
    const patches = [];
    for (let i = 0; i < 500; i++) {
      const patch = await renderer.take(performance.now());
      patches.push(patch);
      if (!patch.more) break;
    }
    const colour = patches.flatMap(p => p.content ?? []).filter(op => op.type === 'code-colour');
    const slices = lineSlices(long).length + lineSlices(long.slice(0, 6000)).length;
    expect(patches.length, 'takes').to.be.at.least(slices);
    const coloured = colour.flatMap(op => (op.type === 'code-colour' ? op.lines : []));
    expect(coloured).to.have.length(code.split('\n').length);
    expect(applyAll(patches).innerHTML).to.equal(once.innerHTML);
  });

  it('colours a long line in slices with the colours of a one-pass Shiki highlight, but for a few characters at the cuts', async () => {
    // Minified-looking code: strings with spaces, nested calls, a template, a regex.
    const long = Array.from({ length: 300 }, (_, i) => `o.k${i}={a:"v ${i} w",b:[${i},f(g(${i}),'x y')],c:\`t\${${i}}\`,r:/a b+/g};`).join('');
    const code = `function f(a) {\n  ${long}\n  return a;\n}`;
    const hl = await getHighlighter();
    const theme = await loadTheme(renderOptions.theme);
    const lang = (await loadFenceLanguage('js'))!;
    const shiki = hl.codeToTokensBase(code, { lang, theme, tokenizeMaxLineLength: 0, tokenizeTimeLimit: 0 });
    const pre = applyAll([await renderOnce(`\`\`\`js\n${code}\n\`\`\`\n`)]).querySelector('pre')!;
    await expectShikiColours(pre, code, 'js', renderOptions.theme);
    // Character by character against Shiki's one pass (spaces show no colour and are not counted).
    const fg = normalizeColor(hl.getTheme(theme).fg);
    const colourOf = (color: string | undefined) => {
      const hex = normalizeColor(color);
      return hex === fg ? null : hex;
    };
    const want: (string | null)[] = [];
    for (const token of shiki[1]!) for (const ch of token.content) if (!/\s/.test(ch)) want.push(colourOf(token.color));
    const got: (string | null)[] = [];
    const walker = document.createTreeWalker(pre.querySelectorAll('.line')[1]!, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const hex = [...node.parentElement!.classList].find(c => c.startsWith('c-'));
      for (const ch of node.nodeValue ?? '') if (!/\s/.test(ch)) got.push(hex ? hex.slice(2) : null);
    }
    expect(got).to.have.length(want.length);
    const same = want.filter((w, i) => w === got[i]).length;
    expect(long.length).to.be.greaterThan(20 * SLICE_MAX);
    expect(same / want.length, 'share of characters in their one-pass colour').to.be.greaterThan(0.99);
  });

  it('does work per take that does not grow with the length of the answer', async () => {
    const renderer = new MessageRenderer(renderOptions);
    renderer.feed('content', 'Here is the file:\n\n```python\n');
    await renderer.take();
    const perTake: number[] = [];
    for (let i = 0; i < 20_000; i += 10) {
      let lines = '';
      for (let j = i; j < i + 10; j++) lines += `value_${j} = compute(${j}, "s${j}")  # line ${j}\n`;
      renderer.feed('content', lines + 'partial = (');
      const before = markdownStats.parsedChars + highlightStats.chars;
      await renderer.take();
      perTake.push(markdownStats.parsedChars + highlightStats.chars - before);
      renderer.feed('content', '1)\n');
    }
    const early = Math.max(...perTake.slice(100, 200)); // lines 1,000-2,000
    const late = Math.max(...perTake.slice(1900)); // lines 19,000-20,000
    expect(late).to.be.at.most(early * 1.2);

    // Prose: the open paragraph is re-parsed, frozen paragraphs are not.
    const prose = new MessageRenderer(renderOptions);
    const prosePerTake: number[] = [];
    for (let i = 0; i < 20_000; i += 10) {
      let para = '';
      for (let j = i; j < i + 10; j++) para += `Paragraph ${j} says something *useful* about line ${j}.\n\n`;
      prose.feed('content', para + 'The open para');
      const before = markdownStats.parsedChars;
      await prose.take();
      prosePerTake.push(markdownStats.parsedChars - before);
      prose.feed('content', 'graph.\n\n');
    }
    const proseEarly = Math.max(...prosePerTake.slice(100, 200));
    const proseLate = Math.max(...prosePerTake.slice(1900));
    expect(proseLate).to.be.at.most(proseEarly * 1.2);
  });
});
