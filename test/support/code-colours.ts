/**
 * Compares the colours on screen with Shiki's one-pass tokens of the same code.
 */
import { expect } from 'chai';
import { getHighlighter, loadFenceLanguage, loadTheme, TOKENIZE_OPTIONS } from '../../src/worker/highlight.js';

const probe = document.createElement('span');

/** The computed form of a CSS colour, as the browser reports it. */
function computed(color: string): string {
  if (!probe.isConnected) document.body.append(probe);
  probe.style.color = color;
  return getComputedStyle(probe).color;
}

/**
 * For each line of `pre`, each token span has the text and computed colour of
 * the token Shiki gives for the whole `code` in one pass.
 */
export async function expectShikiColours(pre: Element, code: string, word: string, theme: string): Promise<void> {
  const hl = await getHighlighter();
  const themeId = await loadTheme(theme);
  const lang = await loadFenceLanguage(word);
  const fg = hl.getTheme(themeId).fg;
  const lines = [...pre.querySelectorAll('.line')];
  const expected = lang
    ? hl.codeToTokensBase(code, { lang, theme: themeId, ...TOKENIZE_OPTIONS })
    : code.split('\n').map(line => [{ content: line, color: '' }]);
  expect(lines.length, 'line count').to.equal(expected.length);
  const colour = new Map<string, string>();
  const colourOf = (c: string) => {
    let v = colour.get(c);
    if (v === undefined) colour.set(c, (v = computed(c)));
    return v;
  };
  expected.forEach((tokens, i) => {
    const line = lines[i];
    if (!line) throw new Error(`line ${i} missing`);
    const spans = [...line.children] as HTMLElement[];
    const shown = tokens.filter(t => t.content !== '');
    if (!lang) {
      expect(line.textContent, `line ${i}`).to.equal(tokens[0]?.content ?? '');
      return;
    }
    expect(spans.map(s => s.textContent), `tokens of line ${i}`).to.deep.equal(shown.map(t => t.content));
    shown.forEach((token, j) => {
      const span = spans[j];
      if (!span) return;
      expect(getComputedStyle(span).color, `colour of token ${j} "${token.content}" line ${i}`).to.equal(
        colourOf(token.color || fg || ''),
      );
    });
  });
}
