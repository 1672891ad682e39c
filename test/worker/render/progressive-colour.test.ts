import { expect } from 'chai';
import type { BlockOp } from '../../../src/shared/protocol.js';
import { plainLineHtml } from '../../../src/worker/render/code-block.js';
import { highlightCode, MessageRenderer, type RenderedPatch } from '../../../src/worker/render/message-renderer.js';
import { applyAll, randomChunks, renderOnce, renderOptions, seeded } from '../../support/render-harness.js';
import { expectShikiColours } from '../../support/code-colours.js';
import { lineSlices } from '../../../src/worker/render/line-slices.js';
import { LINE_BATCH } from '../../../src/worker/render/colour-cursor.js';

/**
 * A deadline already past: every take shows all its text, code lines plain,
 * and colours one batch of what is plain (the least a take does, unless
 * its text brought more lines than a batch). No wall-clock timing decides
 * what these tests see.
 */
const PAST = 0;

/** Takes until nothing is plain any more, waiting for grammars that load; returns the patches. */
async function drain(renderer: MessageRenderer, deadline: number): Promise<RenderedPatch[]> {
  const patches: RenderedPatch[] = [];
  for (let i = 0; i < 10_000; i++) {
    const patch = await renderer.take(deadline);
    patches.push(patch);
    if (patch.more) continue;
    if (!patch.loading) return patches;
    await patch.loading;
  }
  throw new Error('drain: colour never caught up');
}

/** Streams `chunks`, taking after each with a deadline from `deadlineOf` (past or none), then drains. */
async function streamProgressive(
  chunks: readonly string[],
  deadlineOf: (index: number) => number | undefined,
  name: 'content' | 'reasoning' = 'content',
): Promise<RenderedPatch[]> {
  const renderer = new MessageRenderer(renderOptions);
  const patches: RenderedPatch[] = [];
  for (let i = 0; i < chunks.length; i++) {
    renderer.feed(name, chunks[i] ?? '');
    const deadline = deadlineOf(i);
    if (deadline !== undefined) patches.push(await renderer.take(deadline));
  }
  renderer.end();
  patches.push(...(await drain(renderer, PAST)));
  return patches;
}

function opsOf(patches: readonly RenderedPatch[], name: 'content' | 'reasoning' = 'content'): BlockOp[] {
  return patches.flatMap(p => p[name] ?? []);
}

async function load(path: string, lines: number): Promise<string> {
  const response = await fetch(path);
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
  const text = (await response.text()).replace(/\r\n?/g, '\n');
  return text.split('\n').slice(0, lines).join('\n').replace(/\n+$/, '');
}

/** Prose, two fenced blocks (one whose grammar loads mid-stream), a list and a closing paragraph. */
function document2(first: string, firstLang: string, second: string, secondLang: string): string {
  const fence = (code: string) => '`'.repeat(Math.max(3, ...(code.match(/`+/g) ?? []).map(run => run.length + 1)));
  return (
    `Here is **${firstLang}**, then ${secondLang}:\n\n` +
    `${fence(first)}${firstLang}\n${first}\n${fence(first)}\n\n` +
    `- a point\n- another *one*\n\n` +
    `${fence(second)}${secondLang}\n${second}\n${fence(second)}\n\nDone.\n`
  );
}

describe('Progressive colour: code shows plain at once and is coloured in place', () => {
  it('shows every line of a take plain when the deadline has passed, then colours them with code-colour ops', async () => {
    const code = Array.from({ length: 40 }, (_, i) => `const v${i} = f(${i}, "s${i}"); // ${i}`).join('\n');
    const renderer = new MessageRenderer(renderOptions);
    // Grammar and theme ready first, so this test sees the deadline at work, not a grammar load.
    await renderer.prepare('TypeScript');
    renderer.feed('content', '```ts\n' + code + '\nconst partial = ');
    const first = await renderer.take(PAST);
    const lines = (first.content ?? []).flatMap(op => (op.type === 'code-lines' ? op.lines : []));
    expect(lines).to.deep.equal(code.split('\n').map(plainLineHtml));
    const tail = (first.content ?? []).filter(op => op.type === 'code-tail-text');
    expect(tail).to.deep.equal([{ type: 'code-tail-text', text: 'const partial = ' }]);
    expect(first.more).to.equal(true);
    expect((first.content ?? []).some(op => op.type === 'code-colour')).to.equal(false);

    const later = await drain(renderer, PAST);
    const colour = opsOf(later).filter(op => op.type === 'code-colour');
    expect(colour.length).to.be.greaterThan(1);
    // In order, from the first line, each line once, in the block that was opened (block 0).
    let next = 0;
    for (const op of colour) {
      if (op.type !== 'code-colour') continue;
      expect(op.index).to.equal(0);
      expect(op.from).to.equal(next);
      next += op.lines.length;
    }
    expect(next).to.equal(40);
    // Caught up, the partial line stays plain until it completes: it is not sent again.
    expect(opsOf(later).filter(op => op.type === 'code-tail' || op.type === 'code-tail-text')).to.deep.equal([]);

    renderer.feed('content', '1;\n```\n');
    renderer.end();
    const rest = await drain(renderer, PAST);
    const section = applyAll([first, ...later, ...rest]);
    const once = applyAll([await renderOnce('```ts\n' + code + '\nconst partial = 1;\n```\n')]);
    expect(section.innerHTML).to.equal(once.innerHTML);
    await expectShikiColours(section.querySelector('pre')!, code + '\nconst partial = 1;', 'ts', renderOptions.theme);
    section.remove();
    once.remove();
  });

  it('ends like a one-shot render in the new theme when the theme changes while colour is behind', async () => {
    const light = { ...renderOptions, theme: 'github-light' };
    const code = Array.from({ length: 200 }, (_, i) => `const v${i} = f(${i}, "s${i}"); // ${i}`).join('\n');
    const head = code.split('\n').slice(0, 120).join('\n');
    const rest = code.split('\n').slice(120).join('\n');
    const renderer = new MessageRenderer(renderOptions);
    await renderer.prepare('TypeScript');
    renderer.feed('content', '```ts\n' + head + '\nconst partial = ');
    const patches = [await renderer.take(PAST)];
    // One batch coloured: most lines are still plain when the theme changes.
    patches.push(await renderer.take(PAST));
    expect(patches.at(-1)!.more, 'colour still behind').to.equal(true);
    expect(opsOf(patches).some(op => op.type === 'code-colour')).to.equal(true);
    renderer.setTheme(light.theme);
    renderer.feed('content', '1;\n' + rest + '\n```\n\nAfter.\n');
    const switched = await renderer.take(PAST);
    patches.push(switched);
    expect((switched.content ?? []).some(op => op.type === 'code-recolour'), 'the open block coloured again').to.equal(true);
    renderer.end();
    patches.push(...(await drain(renderer, PAST)));
    const section = applyAll(patches);
    const once = applyAll([await renderOnce('```ts\n' + head + '\nconst partial = 1;\n' + rest + '\n```\n\nAfter.\n', light)]);
    expect(section.innerHTML).to.equal(once.innerHTML);
    const all = head + '\nconst partial = 1;\n' + rest;
    await expectShikiColours(section.querySelector('pre')!, all, 'ts', light.theme);
    section.remove();
    once.remove();
  });

  it('ends like a one-shot render in the new theme when the theme changes half-way through colouring a long line', async () => {
    const light = { ...renderOptions, theme: 'github-light' };
    const long = Array.from({ length: 60 }, (_, i) => `k${i}: f("v ${i}", [${i}, 'w']),`).join(' ');
    expect(lineSlices(long).length).to.be.at.least(4);
    const head = `const a = 1;\nconst b = 2;\nconst o = { ${long} };`;
    const rest = `const c = \`${long}\`;\nlet d = 4;`;
    const renderer = new MessageRenderer(renderOptions);
    await renderer.prepare('TypeScript');
    renderer.feed('content', '```ts\n' + head + '\nconst partial = ');
    const patches = [await renderer.take(PAST), await renderer.take(PAST), await renderer.take(PAST)];
    // The short lines, then one slice of the long line: it is still plain.
    expect(patches.at(-1)!.more, 'colour still behind').to.equal(true);
    const coloured = opsOf(patches).flatMap(op => (op.type === 'code-colour' ? op.lines : []));
    expect(coloured, 'lines coloured before the change').to.have.length(2);
    renderer.setTheme(light.theme);
    renderer.feed('content', '1;\n' + rest + '\n```\n\nAfter.\n');
    patches.push(await renderer.take(PAST));
    renderer.end();
    patches.push(...(await drain(renderer, PAST)));
    const section = applyAll(patches);
    const text = '```ts\n' + head + '\nconst partial = 1;\n' + rest + '\n```\n\nAfter.\n';
    const once = applyAll([await renderOnce(text, light)]);
    expect(section.innerHTML).to.equal(once.innerHTML);
    await expectShikiColours(section.querySelector('pre')!, head + '\nconst partial = 1;\n' + rest, 'ts', light.theme);
    // The element's own re-colouring of a finished block (recolour-code.ts): the same lines.
    const whole = await highlightCode(head + '\nconst partial = 1;\n' + rest, 'ts', light.theme);
    const parsed = document.createElement('code');
    parsed.innerHTML = whole.lines.join('\n');
    expect([...parsed.children].map(line => line.outerHTML)).to.deep.equal([...once.querySelectorAll('.line')].map(line => line.outerHTML));
    section.remove();
    once.remove();
  });

  it('does not hold prose after a code block behind its colour', async () => {
    const code = Array.from({ length: 200 }, (_, i) => `x_${i} = [${i}] * ${i}  # n`).join('\n');
    const renderer = new MessageRenderer(renderOptions);
    await renderer.prepare('Python');
    renderer.feed('content', '```python\n' + code + '\n```\n\nA paragraph after the code.\n\nAnd a second one.\n');
    const patch = await renderer.take(PAST);
    expect(patch.more).to.equal(true);
    const section = applyAll([patch]);
    expect(section.querySelector('pre')?.textContent).to.equal(code);
    expect([...section.querySelectorAll('p')].map(p => p.textContent)).to.deep.equal([
      'A paragraph after the code.',
      'And a second one.',
    ]);
    section.remove();
  });

  it('colours nothing in a take past its deadline that brings more new lines than a batch, and goes on once the text slows', async () => {
    const line = (i: number) => `const v${i} = f(${i}); // ${i}`;
    const renderer = new MessageRenderer(renderOptions);
    await renderer.prepare('TypeScript');
    const colourOf = (patch: RenderedPatch) => (patch.content ?? []).filter(op => op.type === 'code-colour');

    renderer.feed('content', '```ts\n' + Array.from({ length: 3 }, (_, i) => `${line(i)}\n`).join(''));
    expect(colourOf(await renderer.take(PAST))).to.deep.equal([]);
    // Three plain lines, then a flood: the text outruns colour, which waits.
    renderer.feed('content', Array.from({ length: LINE_BATCH + 1 }, (_, i) => `${line(i + 3)}\n`).join(''));
    const flood = await renderer.take(PAST);
    expect(colourOf(flood)).to.deep.equal([]);
    expect(flood.more).to.equal(true);
    // A take with a line or two: one batch of colour again, from the first plain line.
    renderer.feed('content', `${line(LINE_BATCH + 4)}\n`);
    const slow = colourOf(await renderer.take(PAST));
    expect(slow.map(op => op.type === 'code-colour' && op.from)).to.deep.equal([0]);
  });

  it('shows a fence nested in a list at once, plain, and renders its block again coloured once its grammar loads', async () => {
    // Elixir: loaded by nothing before this test in this page.
    const code = 'defmodule Greeter do\n  def hello(name), do: "Hello, #{name}"\nend';
    const indented = code.split('\n').map(line => `   ${line}`).join('\n');
    const text = `Steps:\n\n1. Define it:\n\n   \`\`\`elixir\n${indented}\n   \`\`\`\n\n2. Call it.\n\nAfter the list.\n`;
    const renderer = new MessageRenderer(renderOptions);
    renderer.feed('content', text);
    const first = await renderer.take(Number.MAX_SAFE_INTEGER);
    const shown = applyAll([first]);
    // The list froze in this take, its nested code shown as plain lines, without waiting for the grammar.
    expect(shown.querySelector('li pre')?.textContent).to.equal(code);
    expect(shown.querySelector('li pre [class^="c-"], li pre [class*=" c-"]')).to.equal(null);
    expect(first.loading).to.be.an.instanceOf(Promise);
    shown.remove();
    renderer.end();
    const rest = await drain(renderer, PAST);
    expect(opsOf(rest).some(op => op.type === 'replace' && op.index === 1)).to.equal(true);
    const section = applyAll([first, ...rest]);
    const once = applyAll([await renderOnce(text)]);
    expect(section.innerHTML).to.equal(once.innerHTML);
    await expectShikiColours(section.querySelector('li pre')!, code, 'elixir', renderOptions.theme);
    section.remove();
    once.remove();
  });

  it('shows a block plain while its grammar loads and colours it once loaded, like one pass', async () => {
    // Rust: loaded by nothing before this test in this page.
    const code = 'fn main() {\n    let s = "a /* not a comment */";\n    /* a\n       comment */\n    println!("{}", s);\n}';
    const text = 'Rust:\n\n```rust\n' + code + '\n```\n';
    const renderer = new MessageRenderer(renderOptions);
    renderer.feed('content', text);
    const first = await renderer.take(Number.MAX_SAFE_INTEGER);
    const lines = (first.content ?? []).flatMap(op => (op.type === 'code-lines' ? op.lines : []));
    expect(lines).to.deep.equal(code.split('\n').map(plainLineHtml));
    expect(first.loading).to.be.an.instanceOf(Promise);
    renderer.end();
    const rest = await drain(renderer, PAST);
    expect(opsOf(rest).some(op => op.type === 'code-colour')).to.equal(true);
    const section = applyAll([first, ...rest]);
    expect(section.innerHTML).to.equal(applyAll([await renderOnce(text)]).innerHTML);
    await expectShikiColours(section.querySelector('pre')!, code, 'rust', renderOptions.theme);
    document.querySelectorAll('.markdown').forEach(el => el.remove());
  });

  const sources = [
    { path: '/test/fixtures/lru_cache.py', lang: 'python' },
    { path: '/test/fixtures/lib.es5.slice.d.ts.txt', lang: 'ts' },
    { path: '/test/fixtures/ring_buffer.c', lang: 'c' },
  ];
  for (const [n, source] of sources.entries()) {
    it(`ends plain-then-colour streaming of ${source.path.split('/').pop()} in random chunks with the DOM of one take`, async () => {
      const first = await load(source.path, 160);
      const second = await load(sources[(n + 1) % sources.length]!.path, 60);
      const text = document2(first, source.lang, second, sources[(n + 1) % sources.length]!.lang);
      const expected = applyAll([await renderOnce(text)]);
      for (let seed = 0; seed < 4; seed++) {
        const random = seeded(7000 + 10 * n + seed);
        const chunks = randomChunks(text, random, 60);
        // Takes past their deadline, takes with time to spare, and no take at all, mixed.
        const patches = await streamProgressive(chunks, () => {
          const r = random();
          return r < 0.5 ? PAST : r < 0.7 ? undefined : Infinity;
        });
        const section = applyAll(patches);
        expect(section.innerHTML, `seed ${7000 + 10 * n + seed}`).to.equal(expected.innerHTML);
        section.remove();
      }
      expected.remove();
    });
  }

  it('ends with the DOM of one take when a document is split at every boundary and every take is past its deadline', async () => {
    const text =
      'Intro *para*.\n\n```js\nconst s = `multi\nline ${x}`;\n/* open\ncomment */ let y = 2;\n```\n\n' +
      '- list with fence:\n\n  ```py\n  def f(): pass\n  ```\n\n~~~python\nx = """doc\nstring"""\n~~~\nEnd.\n';
    const expected = applyAll([await renderOnce(text)]).innerHTML;
    for (let i = 1; i < text.length; i++) {
      const html = applyAll(await streamProgressive([text.slice(0, i), text.slice(i)], () => PAST)).innerHTML;
      expect(html, `split at ${i}: ${JSON.stringify(text.slice(Math.max(0, i - 10), i))}|`).to.equal(expected);
    }
    document.querySelectorAll('.markdown').forEach(el => el.remove());
  });

  /** A minified-looking line: strings with spaces and separators, a template, a comment, an emoji (a surrogate pair). */
  function longLine(items: number): string {
    return Array.from({ length: items }, (_, i) => `o.k${i}={a:"v ${i}, w;",b:[${i},f('x y')],c:\`t\${${i}}\`/* ${i} */,e:"\u{1F600}😀"};`).join('');
  }

  it('ends with the DOM of one take when a long line is cut at every point while it streams, every take past its deadline', async function () {
    // A stream and its colouring per split point.
    this.timeout(240_000);
    const long = longLine(8);
    expect(lineSlices(long).length, 'slices of the long line').to.be.at.least(2);
    expect(lineSlices(long.slice(0, 340)).length, 'slices of the second long line').to.equal(2);
    const text = `Intro.\n\n\`\`\`js\nconst a = \`x\n${long}\ny\`;\n${long.slice(0, 340)}\nlet z = 1;\n\`\`\`\nDone.\n`;
    const once = applyAll([await renderOnce(text)]);
    const expected = once.innerHTML;
    await expectShikiColours(once.querySelector('pre')!, `const a = \`x\n${long}\ny\`;\n${long.slice(0, 340)}\nlet z = 1;`, 'js', renderOptions.theme);
    once.remove();
    const from = text.indexOf('```js');
    const to = text.indexOf('```\nDone');
    for (let i = from; i <= to; i++) {
      const section = applyAll(await streamProgressive([text.slice(0, i), text.slice(i)], () => PAST));
      expect(section.innerHTML, `split at ${i}`).to.equal(expected);
      section.remove();
    }
  });

  it('ends with the DOM of one take when long lines stream in random chunks with takes past, within and without a deadline', async function () {
    this.timeout(120_000);
    const long = longLine(40);
    const text = `Code:\n\n\`\`\`ts\nlet s = "a";\n${long}\n/* open\n${long}\n*/ let t = 2;\n${long.slice(0, 700)}\n\`\`\`\n\nAfter.\n`;
    const expected = applyAll([await renderOnce(text)]);
    for (let seed = 0; seed < 6; seed++) {
      const random = seeded(9100 + seed);
      const patches = await streamProgressive(randomChunks(text, random, 300), () => {
        const r = random();
        return r < 0.5 ? PAST : r < 0.7 ? undefined : r < 0.85 ? performance.now() + 2 : Infinity;
      });
      const section = applyAll(patches);
      expect(section.innerHTML, `seed ${9100 + seed}`).to.equal(expected.innerHTML);
      section.remove();
    }
    expected.remove();
  });

  it('colours reasoning the same way, in its own section', async () => {
    const code = await load(sources[0]!.path, 80);
    const text = 'Thinking:\n\n```python\n' + code + '\n```\nSo.\n';
    const random = seeded(99);
    const patches = await streamProgressive(randomChunks(text, random, 30), () => PAST, 'reasoning');
    expect(opsOf(patches, 'reasoning').some(op => op.type === 'code-colour')).to.equal(true);
    const section = applyAll(patches, 'reasoning');
    expect(section.innerHTML).to.equal(applyAll([await renderOnce(text, renderOptions, 'reasoning')], 'reasoning').innerHTML);
    document.querySelectorAll('.markdown').forEach(el => el.remove());
  });
});
