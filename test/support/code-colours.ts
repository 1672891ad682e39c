/**
 * Compares the colours on screen with Shiki's one-pass tokens of the same code
 * (a line longer than a slice: Shiki's tokens of its slices, see line-slices.ts).
 */
import { expect } from 'chai';
import type { GrammarState, HighlighterCore, ThemedToken } from 'shiki/core';
import { getHighlighter, loadFenceLanguage, loadTheme, TOKENIZE_MAX_LINE_LENGTH, TOKENIZE_OPTIONS } from '../../src/worker/render/highlight.js';
import { lineSlices, SLICE_MAX } from '../../src/worker/render/line-slices.js';

const probe = document.createElement('span');

/** The computed form of a CSS colour, as the browser reports it. */
function computed(color: string): string {
  if (!probe.isConnected) document.body.append(probe);
  probe.style.color = color;
  return getComputedStyle(probe).color;
}

/**
 * For each line of `pre`, every character has the text and computed colour
 * it has in Shiki's one-pass tokens of the same code. Compared per character,
 * not per span: the renderer merges neighbouring tokens of one colour and
 * leaves text in the theme's foreground unwrapped. `first`, when given: the
 * lines of `pre` are those of `code` from this one on (a code group of a block).
 */
export async function expectShikiColours(pre: Element, code: string, word: string, theme: string, first?: number): Promise<void> {
  const hl = await getHighlighter();
  const themeId = await loadTheme(theme);
  const lang = await loadFenceLanguage(word);
  const fg = hl.getTheme(themeId).fg;
  const lines = [...pre.querySelectorAll('.line')];
  const all = lang ? shikiTokens(hl, code, lang, themeId) : code.split('\n').map(line => [{ content: line, color: '' }]);
  const expected = first === undefined ? all : all.slice(first, first + lines.length);
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
    const text = tokens.map(t => t.content).join('');
    expect(line.textContent, `text of line ${i}`).to.equal(text);
    if (!lang) return;
    // Runs of "colour:text", built the same way on both sides.
    const want = runs(tokens.map(t => [colourOf(t.color || fg || ''), t.content]));
    const shown: [string, string][] = [];
    const walker = document.createTreeWalker(line, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      shown.push([getComputedStyle(node.parentElement!).color, node.nodeValue ?? '']);
    }
    expect(runs(shown), `colours of line ${i}`).to.deep.equal(want);
  });
}

/** Merges neighbours of one colour; whitespace takes any neighbour's colour (it shows none). */
function runs(parts: [string, string][]): string[] {
  const out: [string, string][] = [];
  for (const [c, t] of parts) {
    if (t === '') continue;
    const last = out[out.length - 1];
    if (last && (last[0] === c || /^\s+$/.test(t))) last[1] += t;
    else if (last && /^\s+$/.test(last[1])) {
      last[0] = c;
      last[1] += t;
    } else out.push([c, t]);
  }
  return out.map(([c, t]) => `${c}:${t}`);
}

/**
 * Shiki's one-pass tokens of `code`, except that a line longer than a slice
 * is tokenized as Shiki tokenizes its slices one after the other, each from
 * the grammar state the one before left.
 */
export function shikiTokens(hl: HighlighterCore, code: string, lang: string, theme: string): ThemedToken[][] {
  const lines = code.split('\n');
  if (!lines.some(line => line.length > SLICE_MAX)) return hl.codeToTokensBase(code, { lang, theme, ...TOKENIZE_OPTIONS });
  let state: GrammarState | undefined;
  const tokenize = (text: string): ThemedToken[] => {
    const tokens = hl.codeToTokensBase(text, { lang, theme, ...TOKENIZE_OPTIONS, ...(state ? { grammarState: state } : {}) });
    state = hl.getLastGrammarState(tokens) ?? state;
    return tokens[0] ?? [];
  };
  return lines.map(line => {
    if (line.length <= SLICE_MAX || line.length >= TOKENIZE_MAX_LINE_LENGTH) return tokenize(line);
    const out: ThemedToken[] = [];
    let from = 0;
    for (const end of lineSlices(line)) {
      out.push(...tokenize(line.slice(from, end)));
      from = end;
    }
    return out;
  });
}
