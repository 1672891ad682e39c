/**
 * Shiki, one line at a time, carrying the grammar state from line to line.
 *
 * Tokenizing line by line with the previous line's `GrammarState` gives
 * exactly the tokens of a one-pass `codeToTokens` (Shiki splits code into lines
 * and tokenizes each from the previous line's rule stack the same way), so a
 * streamed block costs one tokenization per line, once: O(line) per new line,
 * whatever the block's length.
 *
 * No inline styles (a strict CSP forbids them): a token's colour becomes the
 * class `c-rrggbb[aa]` derived from the colour, its font style fixed classes
 * (`f-i`, `f-b`, `f-u`, `f-s`, defined statically in message-styles.ts), and
 * the theme's background and foreground the class `t-<theme>` on the `<pre>`.
 * The rules of new classes are collected in a `StyleSink` and travel with the
 * patch that first uses them.
 */
import { createHighlighterCore, type GrammarState, type HighlighterCore, type ThemedToken } from 'shiki/core';
import { createJavaScriptRegexEngine } from 'shiki/engine/javascript';
import { bundledThemes } from './bundled.js';
import type { HighlightedCode } from '../../shared/protocol.js';
import { classToken, escapeHtml, spanHtml } from './safe-html.js';
import { lineHtml, plainLineHtml } from './code-block.js';
import { loadLanguage, resolveLanguage } from './languages.js';
import { lineSlices, SLICE_MAX } from './line-slices.js';
import { grammarRegex } from './grammar-regexes.js';

/**
 * Lines this long or longer are not tokenized at all (shown in the
 * foreground colour, as Shiki's `tokenizeMaxLineLength` shows them). Sliced
 * (line-slices.ts), a long line costs time linear in its length and never
 * blocks the worker for long, but its HTML and the DOM it becomes grow with
 * its tokens, and the worker spends its background time on it at the
 * expense of every other chat on the page; a line this long is data, not
 * code anyone reads token by token.
 */
export const TOKENIZE_MAX_LINE_LENGTH = 50_000;

/**
 * A partial (still growing) line of a tool call's arguments longer than this
 * is shown as plain escaped text and tokenized once, when it completes (a
 * code block's partial line is always plain, section-renderer.ts). Below it,
 * re-tokenizing the partial line on each take costs at most this many
 * characters per take, so a very long line streamed in small pieces is
 * linear, not quadratic.
 */
export const PARTIAL_LINE_CAP = 500;

/**
 * Tokenizer options of every call. No time limit: vscode-textmate's limit
 * counts the grammar's first, lazy regex compilation too, so the first line
 * of a block could come out cut short on one run and whole on another; a
 * call tokenizes at most a slice of a line (line-slices.ts), short enough
 * that the limit is not needed.
 */
export const TOKENIZE_OPTIONS = { tokenizeMaxLineLength: TOKENIZE_MAX_LINE_LENGTH, tokenizeTimeLimit: 0 } as const;

/** Tokenizer work, for tests that assert cost per token stays bounded. */
export const highlightStats = { calls: 0, chars: 0 };

export const defaultTheme = 'github-dark';

let highlighter: Promise<HighlighterCore> | undefined;
/** The highlighter once created, for callers that must not wait a microtask for it. */
let created: HighlighterCore | undefined;

/** The shared highlighter: JavaScript regex engine (no wasm, CSP-safe), nothing preloaded. */
export function getHighlighter(): Promise<HighlighterCore> {
  // `forgiving`: a grammar regex the JS engine cannot translate is skipped
  // instead of failing the whole block.
  highlighter ??= createHighlighterCore({
    themes: [],
    langs: [],
    engine: createJavaScriptRegexEngine({ forgiving: true, regexConstructor: grammarRegex }),
  }).then(hl => (created = hl));
  return highlighter;
}

const themeLoads = new Map<string, Promise<string>>();
/** Themes loaded, by the name asked for, to the id that loaded. */
const themesLoaded = new Map<string, string>();

/**
 * The highlighter and the id of theme `name` if both have loaded, else
 * `null`: a renderer started after the warm-up colours from its first take.
 */
export function loadedHighlighter(name: string): { hl: HighlighterCore; theme: string } | null {
  const theme = themesLoaded.get(themeIdOf(name));
  return created && theme ? { hl: created, theme } : null;
}

/** The bundled theme a name stands for (an unknown name: `github-dark`), known before anything loads. */
export function themeIdOf(name: string): string {
  return Object.hasOwn(bundledThemes, name) ? name : defaultTheme;
}

/** Loads a bundled theme once; an unknown or unloadable name falls back to `github-dark`. */
export function loadTheme(name: string): Promise<string> {
  const id = themeIdOf(name);
  let pending = themeLoads.get(id);
  if (!pending) {
    pending = getHighlighter().then(async hl => {
      const input = bundledThemes[id as keyof typeof bundledThemes];
      try {
        await hl.loadTheme(input);
        themesLoaded.set(id, id);
        return id;
      } catch (error) {
        themeLoads.delete(id);
        if (id === defaultTheme) throw error;
        const fallback = await loadTheme(defaultTheme);
        themesLoaded.set(id, fallback);
        return fallback;
      }
    });
    themeLoads.set(id, pending);
  }
  return pending;
}

/** Loads the grammar of a fence word; `null` when it is plain text, unknown, or fails to load. */
export async function loadFenceLanguage(word: string): Promise<string | null> {
  const id = resolveLanguage(word);
  if (!id) return null;
  return (await loadLanguage(await getHighlighter(), id)) ? id : null;
}

/**
 * Loads a language and compiles its grammar's top-level rules (by
 * tokenizing an empty line), so a first code block in it starts at once.
 * Best effort: failures are left to the block that needs the language.
 */
export async function warmLanguage(word: string, theme: string): Promise<void> {
  const [id, themeId] = await Promise.all([loadFenceLanguage(word), loadTheme(theme)]);
  if (!id) return;
  const hl = await getHighlighter();
  hl.codeToTokensBase('', { lang: id, theme: themeId, ...TOKENIZE_OPTIONS });
}

/** The id of a fence word's language if it is already loaded, else `null` (shown as plain text). */
export function resolveLoadedLanguage(hl: HighlighterCore, word: string): string | null {
  const id = resolveLanguage(word);
  if (!id) return null;
  try {
    hl.getLanguage(id);
    return id;
  } catch {
    return null;
  }
}

/** CSS rules of classes a stream has not sent yet. */
export class StyleSink {
  private readonly sent = new Set<string>();
  private pending: string[] = [];

  add(className: string, declarations: string): void {
    if (this.sent.has(className)) return;
    this.sent.add(className);
    this.pending.push(`.${className}{${declarations}}`);
  }

  /** Rules added since the last call. */
  take(): string[] {
    const rules = this.pending;
    this.pending = [];
    return rules;
  }
}

/** `#abc`, `#abcd`, `#aabbcc`, `#aabbccdd` → `aabbcc[dd]`; anything else → `null`. */
export function normalizeColor(color: string | undefined): string | null {
  const m = /^#([0-9a-f]{3,8})$/i.exec(color ?? '');
  const hex = m?.[1]?.toLowerCase();
  if (!hex) return null;
  if (hex.length === 3 || hex.length === 4) return [...hex].map(c => c + c).join('');
  return hex.length === 6 || hex.length === 8 ? hex : null;
}

// Shiki's FontStyle bit flags.
const FONT_UNDERLINE = 4;
const FONT_STRIKETHROUGH = 8;
const fontClasses: [number, string][] = [
  [1, 'f-i'],
  [2, 'f-b'],
  [4, 'f-u'],
  [8, 'f-s'],
];

/** The `<pre>` classes of a theme, known before the theme loads (its rule comes with `themeClass`). */
export function themeClassName(theme: string): string {
  return `shiki t-${classToken(theme)}`;
}

/**
 * The `<pre>` classes of a theme, registering its background/foreground rule
 * under the class of `as` (the theme itself, or one that fell back to it).
 */
export function themeClass(hl: HighlighterCore, theme: string, styles: StyleSink, as = theme): string {
  const name = `t-${classToken(as)}`;
  const resolved = hl.getTheme(theme);
  const bg = normalizeColor(resolved.bg);
  const fg = normalizeColor(resolved.fg);
  styles.add(name, `${bg ? `background-color:#${bg};` : ''}${fg ? `color:#${fg}` : ''}`);
  return `shiki ${name}`;
}

/**
 * Highlights the lines of one code block in order. `line()` tokenizes a
 * complete line once and carries the grammar state; `partial()` shows the
 * growing last line without moving the state.
 */
export class LineHighlighter {
  private state: GrammarState | undefined;

  /**
   * `lang`: a loaded language id, or `null` for plain text. `theme`: a loaded
   * theme. `hl` may be `null` only for plain text (nothing is tokenized), so
   * a plain block shows before the highlighter exists.
   */
  constructor(
    private readonly hl: HighlighterCore | null,
    readonly lang: string | null,
    readonly theme: string,
    private readonly styles: StyleSink,
  ) {}

  /** HTML of the next complete line. */
  line(text: string): string {
    return lineHtml(this.lineTokens(text));
  }

  /**
   * The inside of the next complete line's `<span class="line">` (its tokens'
   * HTML). A line longer than a slice is tokenized slice by slice, each from
   * the state the one before left (line-slices.ts): O(line) in all.
   */
  lineTokens(text: string): string {
    if (!this.sliced(text)) return this.sliceTokens(text);
    let html = '';
    let from = 0;
    for (const end of lineSlices(text)) {
      html += this.sliceTokens(text.slice(from, end));
      from = end;
    }
    return html;
  }

  /**
   * The line is tokenized in slices: the colour cursor then spreads them
   * over takes with `sliceTokens`, which gives, slice after slice, the
   * HTML `lineTokens` gives.
   */
  sliced(text: string): boolean {
    return this.lang !== null && text.length > SLICE_MAX && text.length < TOKENIZE_MAX_LINE_LENGTH;
  }

  /**
   * Tokens' HTML of the next slice of a line (`lineSlices`), or of a whole
   * line that is not sliced, from the state the text before it left.
   */
  sliceTokens(text: string): string {
    const tokens = text.length < TOKENIZE_MAX_LINE_LENGTH ? this.tokenize(text) : null;
    if (!tokens || !this.hl) return escapeHtml(text);
    this.state = this.hl.getLastGrammarState(tokens) ?? this.state;
    return this.render(tokens[0] ?? []);
  }

  /**
   * HTML of the next complete lines, tokenized in one call. Shiki splits its
   * input into lines and tokenizes each from the previous line's state, so
   * this gives the tokens of `line()` called on each (see the file header),
   * but pays the per-call set-up (grammar and theme lookup, state
   * bookkeeping) once per batch instead of once per line. A line that makes
   * the grammar throw fails the whole call; the batch is then redone line by
   * line so only that line is shown as plain text.
   */
  lines(texts: readonly string[]): string[] {
    return this.linesTokens(texts).map(lineHtml);
  }

  /** `lines()` without each line's `<span class="line">`: what a line span holds. */
  linesTokens(texts: readonly string[]): string[] {
    if (texts.length === 1) return [this.lineTokens(texts[0] ?? '')];
    if (!this.lang || !this.hl || texts.length === 0) return texts.map(text => escapeHtml(text));
    if (texts.some(text => text.length > SLICE_MAX)) return texts.map(text => this.lineTokens(text));
    const code = texts.join('\n');
    const tokens = this.tokenize(code);
    if (!tokens || tokens.length !== texts.length) return texts.map(text => this.lineTokens(text));
    this.state = this.hl.getLastGrammarState(tokens) ?? this.state;
    return tokens.map(line => this.render(line));
  }

  /** HTML of the partial last line: tokenized from the current state when short, plain text when long. */
  partial(text: string): string {
    if (text === '' || text.length > PARTIAL_LINE_CAP) return plainLineHtml(text);
    const tokens = this.tokenize(text);
    return tokens ? lineHtml(this.render(tokens[0] ?? [])) : plainLineHtml(text);
  }

  /** Empty lines are tokenized too: they can end a rule (`while`, `end` matching `^$`), as in one pass. */
  private tokenize(text: string): ThemedToken[][] | null {
    if (!this.lang || !this.hl) return null;
    highlightStats.calls++;
    highlightStats.chars += text.length;
    try {
      return this.hl.codeToTokensBase(text, {
        lang: this.lang,
        theme: this.theme,
        ...TOKENIZE_OPTIONS,
        ...(this.state ? { grammarState: this.state } : {}),
      });
    } catch {
      // A grammar that throws on some input: show this line as text rather than lose the answer.
      return null;
    }
  }

  /**
   * A line's tokens as HTML with as few elements as the picture allows: a token in the
   * theme's foreground (the `<pre>`'s own colour) and plain style is bare
   * text, whitespace joins the run before it (it shows no colour; not when
   * underlined or struck through), and neighbours with the same classes
   * share one span. The browser's style and layout work per line grows with
   * its elements; the colour of every character is the token's.
   */
  private render(tokens: ThemedToken[]): string {
    let html = '';
    let runClass: string | undefined;
    let runText = '';
    for (const token of tokens) {
      if (token.content === '') continue;
      const decorated = ((token.fontStyle ?? 0) & (FONT_UNDERLINE | FONT_STRIKETHROUGH)) !== 0;
      const joins = runClass !== undefined && !decorated && /^[ \t]+$/.test(token.content);
      const cls = joins ? runClass : this.classOf(token);
      if (cls === runClass) {
        runText += token.content;
        continue;
      }
      if (runClass !== undefined) html += runHtml(runClass, runText);
      runClass = cls;
      runText = token.content;
    }
    if (runClass !== undefined) html += runHtml(runClass, runText);
    return html;
  }

  private foreground: string | null | undefined;

  /** The classes of a token (`''`: the theme's foreground, plain), registering new colour rules. */
  private classOf(token: ThemedToken): string {
    this.foreground ??= this.hl && normalizeColor(this.hl.getTheme(this.theme).fg);
    const classes: string[] = [];
    const hex = normalizeColor(token.color);
    if (hex && hex !== this.foreground) {
      classes.push(`c-${hex}`);
      this.styles.add(`c-${hex}`, `color:#${hex}`);
    }
    const font = token.fontStyle ?? 0;
    if (font > 0) for (const [bit, name] of fontClasses) if (font & bit) classes.push(name);
    return classes.join(' ');
  }
}

/** Escaped text, in a span when it has classes. */
function runHtml(className: string, text: string): string {
  return className ? spanHtml(className, text) : escapeHtml(text);
}

/**
 * Time a whole-block highlight works before it lets the worker's other
 * messages (other chats' takes) run: about a frame.
 */
const WHOLE_BLOCK_SLICE_MS = 16;

/**
 * A whole code block, highlighted in one go (the element's theme changed).
 * Long lines are tokenized slice by slice, and the worker's event loop runs
 * between slices once a frame's worth of work is done, so other chats keep
 * streaming while a block with a long line is coloured again.
 */
export async function highlightCode(code: string, lang: string, theme: string): Promise<HighlightedCode> {
  const hl = await getHighlighter();
  const [themeId, langId] = await Promise.all([loadTheme(theme), loadFenceLanguage(lang)]);
  const styles = new StyleSink();
  const preClass = themeClass(hl, themeId, styles);
  const highlighter = new LineHighlighter(hl, langId, themeId, styles);
  const lines: string[] = [];
  let since = performance.now();
  for (const line of code.split('\n')) {
    if (!highlighter.sliced(line)) {
      lines.push(highlighter.line(line));
      continue;
    }
    let html = '';
    let from = 0;
    for (const end of lineSlices(line)) {
      if (performance.now() - since > WHOLE_BLOCK_SLICE_MS) {
        await new Promise(resolve => setTimeout(resolve, 0));
        since = performance.now();
      }
      html += highlighter.sliceTokens(line.slice(from, end));
      from = end;
    }
    lines.push(lineHtml(html));
  }
  return { lines, preClass, styles: styles.take() };
}
