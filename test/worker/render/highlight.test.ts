import { expect } from 'chai';
import { languagesNamedIn, resolveLanguage } from '../../../src/worker/render/languages.js';
import {
  getHighlighter,
  highlightCode,
  normalizeColor,
  resolveLoadedLanguage,
  TOKENIZE_OPTIONS,
  warmLanguage,
} from '../../../src/worker/render/highlight.js';
import { applyAll, renderOnce } from '../../support/render-harness.js';
import { expectShikiColours } from '../../support/code-colours.js';

describe('highlight', () => {
  it('maps the usual fence words to Shiki languages', () => {
    const cases: Record<string, string> = {
      py: 'py', js: 'js', ts: 'ts', sh: 'sh', shell: 'shell', bash: 'bash', zsh: 'zsh', 'c++': 'cpp', cpp: 'cpp',
      yml: 'yml', md: 'md', rs: 'rs', golang: 'go', html: 'html', jsx: 'jsx', tsx: 'tsx', json: 'json', sql: 'sql',
      dockerfile: 'docker', python: 'python', c: 'c',
    };
    for (const [word, id] of Object.entries(cases)) expect(resolveLanguage(word), word).to.equal(id);
  });

  it('finds the languages a prompt names, distinct names only, in order', () => {
    expect(languagesNamedIn('写一段很长的 TypeScript 代码，再用 python 重写')).to.deep.equal(['typescript', 'python']);
    expect(languagesNamedIn('C++ 和 C# 的例子')).to.deep.equal(['cpp', 'csharp']);
    expect(languagesNamedIn('Let us go: is C or R better? Shell out.')).to.deep.equal(['shell']);
    expect(languagesNamedIn('rust, go, java, kotlin', 2)).to.deep.equal(['rust', 'java']);
    expect(languagesNamedIn('javascript:alert(1) typescripts')).to.deep.equal(['javascript']);
  });

  it('warms a named language up: loaded (and its top-level rules compiled) before any fence asks', async () => {
    const hl = await getHighlighter();
    expect(resolveLoadedLanguage(hl, 'kotlin')).to.equal(null);
    await warmLanguage('kotlin', 'github-dark');
    expect(resolveLoadedLanguage(hl, 'kotlin')).to.equal('kotlin');
    await warmLanguage('nosuchlang', 'github-dark');
  });

  it('treats unknown and plain fence words as plain text', () => {
    for (const word of ['', 'text', 'plaintext', 'nosuchlang', 'img src=x']) expect(resolveLanguage(word), word).to.equal(null);
  });

  for (const word of ['golang', 'c++', 'zsh', 'tsx', 'dockerfile', 'rs']) {
    it(`highlights a "${word}" fence with the colours of one-pass Shiki`, async () => {
      const code = {
        golang: 'package main\n\nfunc main() {\n\tprintln("hi") // 你好\n}',
        'c++': '#include <vector>\ntemplate <typename T> T id(T x) { return x; }',
        zsh: 'for f in *.txt; do\n  echo "$f" | wc -l\ndone',
        tsx: 'export const A = (p: { n: number }) => <div className="x">{p.n}</div>;',
        dockerfile: 'FROM node:20\nRUN npm ci \\\n  && npm test',
        rs: 'fn main() {\n    let s = r#"raw"#;\n    println!("{s}");\n}',
      }[word]!;
      const section = applyAll([await renderOnce(`\`\`\`${word}\n${code}\n\`\`\``)]);
      const pre = section.querySelector('pre')!;
      expect(pre.textContent).to.equal(code);
      expect(pre.querySelectorAll('[class^="c-"]').length).to.be.at.least(2);
      await expectShikiColours(pre, code, word, 'github-dark');
      section.remove();
    });
  }

  it('uses one span per run of a colour and none for the foreground', async () => {
    const code = 'const total = items.map(item => item.price * 2);\nconsole.log(total, "done");';
    const section = applyAll([await renderOnce(`\`\`\`ts\n${code}\n\`\`\``)]);
    const pre = section.querySelector('pre')!;
    const hl = await getHighlighter();
    const tokens = hl.codeToTokensBase(code, { lang: 'typescript', theme: 'github-dark', ...TOKENIZE_OPTIONS }).flat();
    const spans = [...pre.querySelectorAll('.line > span')];
    expect(spans.length).to.be.greaterThan(0);
    expect(spans.length).to.be.below(tokens.filter(t => t.content.trim() !== '').length);
    const fg = normalizeColor(hl.getTheme('github-dark').fg)!;
    expect(pre.querySelectorAll(`.c-${fg}`).length, 'spans in the foreground colour').to.equal(0);
    // Every span has a colour or a font style of its own; neighbours differ.
    for (const span of spans) expect(span.className, span.outerHTML).to.match(/\b(c-[0-9a-f]{6,8}|f-[ibus])\b/);
    for (const line of pre.querySelectorAll('.line')) {
      const kids = [...line.children];
      kids.slice(1).forEach((span, i) => {
        const adjacent = kids[i]!.nextSibling === span;
        if (adjacent) expect(span.className, line.innerHTML).to.not.equal(kids[i]!.className);
      });
    }
    await expectShikiColours(pre, code, 'ts', 'github-dark');
    section.remove();
  });

  it('shows an unknown language as escaped text, one span per line', async () => {
    const section = applyAll([await renderOnce('```nosuchlang\n<b>x</b>\n\ny\n```')]);
    const lines = [...section.querySelectorAll('pre .line')];
    expect(lines.map(l => l.innerHTML)).to.deep.equal(['&lt;b&gt;x&lt;/b&gt;', '', 'y']);
    expect(section.querySelector('.code-block')?.getAttribute('data-lang')).to.equal('nosuchlang');
    section.remove();
  });

  it('re-highlights a whole block for another theme with its own styles', async () => {
    const result = await highlightCode('const a = 1;\n// c', 'js', 'github-light');
    expect(result.preClass).to.equal('shiki t-github-light');
    expect(result.lines).to.have.length(2);
    expect(result.styles.some(rule => rule.startsWith('.t-github-light{'))).to.equal(true);
    const fallback = await highlightCode('x', 'js', 'no-such-theme');
    expect(fallback.preClass).to.equal('shiki t-github-dark');
  });

  it('normalizes colours to class-safe hex', () => {
    expect(normalizeColor('#ABC')).to.equal('aabbcc');
    expect(normalizeColor('#11223380')).to.equal('11223380');
    expect(normalizeColor('red')).to.equal(null);
    expect(normalizeColor('#12345')).to.equal(null);
  });
});
