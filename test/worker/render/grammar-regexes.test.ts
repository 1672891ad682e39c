import { expect } from 'chai';
import { createHighlighterCore, type HighlighterCore, type LanguageRegistration } from 'shiki/core';
import { createJavaScriptRegexEngine } from 'shiki/engine/javascript';
import { bundledLanguages } from 'shiki/langs';
import githubDark from 'shiki/themes/github-dark.mjs';
// The build's conversion itself, as it runs when the bundle is made.
import { CONVERTED_LANGUAGES, grammarRegexes, scannerSources } from '../../../scripts/grammar-regexes.js';
import { addGrammarRegexes, grammarRegex, grammarRegexStats } from '../../../src/worker/render/grammar-regexes.js';
import { TOKENIZE_OPTIONS } from '../../../src/worker/render/highlight.js';

/** Code that reaches deep into each grammar: strings, templates, generics, heredocs, raw strings, macros. */
const samples: Record<string, string> = {
  typescript: [
    "import { type A, b as c } from './x.js';",
    'export abstract class Box<T extends Record<string, unknown> = {}> implements I<T> {',
    '  private readonly map = new Map<string, T[]>(); // a comment',
    '  async *items(this: Box<T>, ...rest: readonly [number, string?]): AsyncGenerator<T> {',
    '    const re = /^(?<y>\\d{4})-(\\d\\d)$/giu, s = `${this.map.size} and ${`nested ${1 + 2}`}`;',
    '    for await (const [k, v] of Object.entries(rest)) yield v satisfies T as unknown as T;',
    '    /** @param x doc */ label: while (true) { break label; }',
    '  }',
    '}',
    'enum E { A = 1 << 2, B = "b" } declare module "m" { export = E; }',
  ].join('\n'),
  python: [
    '@dataclass(frozen=True)',
    'class Point(Base, metaclass=Meta):',
    '    """Doc string with "quotes" inside."""',
    '    async def f(self, *args: int, **kw: str) -> list[int]:',
    "        return [x ** 2 for x in range(10) if x % 2 == 0] + f'{self.x!r:>10} {{literal}}'",
    "    s = rb'\\x00' + r'''raw",
    "    lines''' ; lambda y: y @ y",
  ].join('\n'),
  cpp: [
    '#include <vector>',
    '#define MAX(a, b) ((a) > (b) ? (a) : (b))',
    'template <typename T, std::size_t N = 4> requires std::integral<T>',
    'constexpr auto f(const std::array<T, N>& xs) noexcept -> decltype(auto) {',
    '  auto s = R"delim(raw "string" )delim" u8"x"; [[maybe_unused]] int* p = nullptr;',
    '  return [&](auto&& x) mutable { return std::forward<decltype(x)>(x) << 2; };',
    '}',
  ].join('\n'),
  shellscript: [
    '#!/usr/bin/env bash',
    'set -euo pipefail',
    'for f in "${@:-$(ls *.txt)}"; do echo "${f%.txt}" | tr a-z A-Z >> out.log 2>&1; done',
    "cat <<'EOF' > file",
    'literal $HOME',
    'EOF',
    'case "$1" in start|stop) (( n = n + 1 ));; *) exit 1;; esac',
  ].join('\n'),
};

async function highlighterWith(lang: string, regexConstructor?: (pattern: string) => RegExp): Promise<HighlighterCore> {
  const registrations = (await bundledLanguages[lang as keyof typeof bundledLanguages]()).default as LanguageRegistration[];
  return createHighlighterCore({
    themes: [githubDark],
    langs: [registrations],
    engine: createJavaScriptRegexEngine(regexConstructor ? { forgiving: true, regexConstructor } : { forgiving: true }),
  });
}

describe('grammar regexes converted at build time', () => {
  it('makes a pattern with \\A or \\G into the four strings vscode-textmate scans with, and rewrites \\z', () => {
    expect(scannerSources('a\\Gb')).to.deep.equal(['a\\\uFFFFb', 'a\\Gb']);
    expect(scannerSources('\\A\\G')).to.deep.equal(['\\\uFFFF\\\uFFFF', '\\\uFFFF\\G', '\\A\\\uFFFF', '\\A\\G']);
    expect(scannerSources('x\\\\Gy')).to.deep.equal(['x\\\\Gy']);
    expect(scannerSources('end\\z')).to.deep.equal(['end$(?!\\n)(?<!\\n)']);
  });

  for (const [lang, code] of Object.entries(samples)) {
    it(`colours ${lang} exactly as Shiki's own conversion, taking the regexes from the table`, async () => {
      expect(CONVERTED_LANGUAGES).to.include(lang);
      const registrations = (await bundledLanguages[lang as keyof typeof bundledLanguages]()).default as LanguageRegistration[];
      for (const registration of registrations) addGrammarRegexes(grammarRegexes(registration));
      const before = { ...grammarRegexStats };
      const shiki = await highlighterWith(lang);
      const ours = await highlighterWith(lang, grammarRegex);
      // No time limit: a loaded machine would cut lines short on one side only.
      const expected = shiki.codeToTokensBase(code, { lang, theme: 'github-dark', ...TOKENIZE_OPTIONS });
      const actual = ours.codeToTokensBase(code, { lang, theme: 'github-dark', ...TOKENIZE_OPTIONS });
      expect(actual).to.deep.equal(expected);
      const fromTable = grammarRegexStats.fromTable - before.fromTable;
      const converted = grammarRegexStats.converted - before.converted;
      // Only an `end` resolved against its line's back-references (a heredoc's word, a raw string's delimiter) is new.
      expect(fromTable, 'regexes from the table').to.be.greaterThan(20);
      expect(converted, 'regexes converted in the worker').to.be.at.most(2);
      shiki.dispose();
      ours.dispose();
    });
  }
});
