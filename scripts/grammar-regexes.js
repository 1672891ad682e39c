// Build helper: a Shiki grammar's regexes, converted from Oniguruma syntax to
// JavaScript ahead of time.
//
// Why: Shiki's JavaScript engine converts each grammar pattern with
// oniguruma-to-es when a rule is first met. That conversion, not the
// matching, is most of what a grammar's first lines cost, and it runs in the
// worker between two tokens of a reply: the first reply on a page waited for
// it. Done here, the worker only constructs each RegExp from its converted
// source (src/worker/render/grammar-regexes.ts).
//
// Pure (no Node APIs): the build imports it, and so does a browser test that
// checks the converted regexes colour exactly as Shiki's own conversion does.
import { toRegExpDetails } from 'oniguruma-to-es';

/**
 * The languages whose grammars (and the grammars they embed) ship converted:
 * those code answers use most. Converting every bundled grammar would add
 * minutes to each build for languages a reply rarely meets; the others are
 * converted in the worker, rule by rule, as before.
 */
export const CONVERTED_LANGUAGES = [
  'typescript', 'javascript', 'tsx', 'jsx', 'python', 'shellscript', 'json', 'html', 'css', 'java', 'c',
  'cpp', 'csharp', 'go', 'rust', 'sql', 'yaml', 'markdown', 'php', 'ruby', 'kotlin', 'swift', 'diff',
  'docker', 'toml', 'xml', 'lua', 'r', 'scala', 'dart',
];

/**
 * The options of Shiki's `defaultJavaScriptRegexConstructor`, with a fixed
 * target: Shiki's `auto` target follows the JavaScript engine it runs in,
 * and Node at build time is not the browser. ES2024 (the `v` flag) is what
 * every browser with module workers in the worker's target reads; a browser
 * that cannot falls back to converting at run time.
 */
export const GRAMMAR_REGEX_OPTIONS = {
  global: true,
  hasIndices: true,
  lazyCompileLength: 3000,
  rules: {
    allowOrphanBackrefs: true,
    asciiWordBoundaries: true,
    captureGroup: true,
    recursionLimit: 5,
    singleline: true,
  },
  target: /** @type {const} */ ('ES2024'),
};

/**
 * The strings vscode-textmate gives the engine for one grammar pattern, as
 * its `RegExpSource` makes them: `\z` rewritten, and a pattern with `\A` or
 * `\G` in four variants (each anchor kept, or made unmatchable with U+FFFF,
 * depending on where in the line the scan is).
 * @param {string} pattern
 */
export function scannerSources(pattern) {
  let source = '';
  let last = 0;
  let anchored = false;
  for (let pos = 0; pos < pattern.length; pos++) {
    if (pattern[pos] !== '\\' || pos + 1 >= pattern.length) continue;
    const next = pattern[pos + 1];
    if (next === 'z') {
      source += `${pattern.slice(last, pos)}$(?!\\n)(?<!\\n)`;
      last = pos + 2;
    } else if (next === 'A' || next === 'G') {
      anchored = true;
    }
    pos++;
  }
  source = last === 0 ? pattern : source + pattern.slice(last);
  if (!anchored) return [source];
  /** @param {boolean} allowA @param {boolean} allowG */
  const variant = (allowA, allowG) => {
    let out = '';
    for (let pos = 0; pos < source.length; pos++) {
      const ch = source[pos];
      out += ch;
      if (ch !== '\\' || pos + 1 >= source.length) continue;
      const next = source[pos + 1];
      out += (next === 'A' && !allowA) || (next === 'G' && !allowG) ? '\uFFFF' : next;
      pos++;
    }
    return out;
  };
  return [...new Set([variant(false, false), variant(false, true), variant(true, false), variant(true, true)])];
}

/**
 * Every `match`, `begin`, `end` and `while` pattern of a grammar, wherever it
 * is nested (repository, captures, injections).
 * @param {unknown} grammar
 */
export function grammarPatterns(grammar) {
  /** @type {Set<string>} */
  const found = new Set();
  /** @param {unknown} node */
  const walk = node => {
    if (Array.isArray(node)) {
      for (const item of node) walk(item);
    } else if (node && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) {
        if (typeof value === 'string') {
          if (key === 'match' || key === 'begin' || key === 'end' || key === 'while') found.add(value);
        } else {
          walk(value);
        }
      }
    }
  };
  walk(grammar);
  return found;
}

/**
 * Scanner string → `[source, flags]` or `[source, flags, EmulatedRegExp options]`,
 * for every pattern of `grammar` that converts (one that does not is left to
 * the run-time conversion, which skips it as Shiki's forgiving engine does).
 * @param {unknown} grammar
 * @returns {Record<string, [string, string] | [string, string, object]>}
 */
export function grammarRegexes(grammar) {
  /** @type {Record<string, [string, string] | [string, string, object]>} */
  const table = {};
  for (const pattern of grammarPatterns(grammar)) {
    for (const source of scannerSources(pattern)) {
      if (Object.hasOwn(table, source)) continue;
      try {
        const details = toRegExpDetails(source, GRAMMAR_REGEX_OPTIONS);
        table[source] = details.options ? [details.pattern, details.flags, details.options] : [details.pattern, details.flags];
      } catch {
        // Unsupported or invalid Oniguruma syntax.
      }
    }
  }
  return table;
}
