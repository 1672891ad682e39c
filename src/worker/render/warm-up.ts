/**
 * Readies the highlighter before the first reply: the Shiki core, the
 * theme, and the grammars most answers use, each loaded and compiled. The
 * element asks for it once the page is idle after it connects
 * (worker-client.ts), so a first reply's code is coloured from its first
 * line; a reply that comes sooner shows its code plain while what it needs
 * loads (section-renderer.ts), so none of this is needed for correctness.
 */
import type { GrammarState, HighlighterCore } from 'shiki/core';
import { getHighlighter, loadFenceLanguage, loadTheme, TOKENIZE_OPTIONS, warmLanguage } from './highlight.js';
import { resolveLanguage } from './languages.js';

/** Fence words of the grammars compiled ahead of any reply: the languages answers use most. */
export const WARM_LANGUAGES: readonly string[] = ['ts', 'js', 'python', 'bash', 'json'];

/**
 * Code tokenized once per warm language. A grammar compiles a rule's
 * regexes the first time a line reaches that rule, and the JavaScript
 * engine compiles each regex again on its first runs: a first line of
 * ordinary code cost more than a hundred lines after it. These lines reach
 * the rules ordinary code does (imports, declarations, strings, templates,
 * comments, calls, types), so a reply's first lines do not pay for them.
 */
export const WARM_SAMPLES: Readonly<Record<string, readonly string[]>> = {
  ts: [
    "import { readFile } from 'node:fs/promises';",
    'export interface Item<T = string> { id: number; tags?: readonly T[] }',
    '/** Loads the items. */',
    'export async function load(path: string, limit = 10): Promise<Item[]> {',
    "  const text = await readFile(path, 'utf8'); // the whole file",
    '  const items = JSON.parse(text) as Item[];',
    '  return items.filter(item => item.id > 0 && `${item.id}`.length < limit).map(({ id }) => ({ id }));',
    '}',
    'class Cache<K, V> extends Map<K, V> { private hits = 0; get size(): number { return super.size; } }',
  ],
  js: [
    "import fs from 'node:fs';",
    'export async function main(args = process.argv.slice(2)) {',
    "  const [file = 'a.txt'] = args; // first argument",
    '  for (const line of fs.readFileSync(file, `utf8`).split(/\\r?\\n/)) console.log(line.trim());',
    '  return new Promise(resolve => setTimeout(resolve, 100));',
    '}',
  ],
  python: [
    'import asyncio',
    'from dataclasses import dataclass',
    '',
    '@dataclass',
    'class Item:',
    '    """An item."""',
    '    name: str',
    '    count: int = 0',
    '',
    'async def main(items: list[Item]) -> None:',
    "    for i, item in enumerate(items):  # each item",
    "        print(f'{i}: {item.name!r}', item.count * 2)",
    "if __name__ == '__main__':",
    '    asyncio.run(main([Item("a")]))',
  ],
  bash: [
    '#!/usr/bin/env bash',
    'set -euo pipefail',
    'for file in "$@"; do',
    '  echo "${file%.txt}: $(wc -l < "$file")" >> out.log  # count',
    'done',
    'npm install && npm run build',
  ],
  json: ['{', '  "name": "app",', '  "version": 1,', '  "private": true,', '  "files": ["dist", null]', '}'],
};

/** How a line comment starts in each warm language that has one. */
const LINE_COMMENTS: Readonly<Record<string, string>> = { ts: '//', js: '//', python: '#', bash: '#' };

/** JSON has no comments: its wide sample has Chinese keys and strings. */
const WIDE_JSON: readonly string[] = ['{ "名称": "应用",', '  "版本": 1,', '  "私有": true,', '  "文件": ["dist", null],', '  "说明": "中文" }'];

/**
 * The sample again, each line holding Chinese text: in a comment, or for
 * JSON in its strings. The JavaScript engine compiles a regex once for
 * subjects of Latin-1 characters and once more for wider ones, and a
 * line with one character past U+00FF is a wide subject for every regex
 * run on it: after an ASCII-only warm-up, the first line of a reply with
 * a Chinese comment compiled every rule it reached again, and cost as much
 * as a first line. Models write Chinese comments for Chinese prompts.
 */
export function wideSample(word: string): readonly string[] {
  const comment = LINE_COMMENTS[word];
  if (!comment) return word === 'json' ? WIDE_JSON : [];
  return (WARM_SAMPLES[word] ?? []).map(line => `${line}${line ? '  ' : ''}${comment} 中文注释`);
}

/** Lets a task in the worker's queue (a reply's tokens) run before the next step of a warm-up. */
export const nextTask = () => new Promise(resolve => setTimeout(resolve, 0));

/** Languages (Shiki's names) whose sample has been tokenized. */
const sampled = new Set<string>();
/** Samples being tokenized, by language. */
const sampling = new Map<string, Promise<void>>();

/** Shiki's name of a language id or alias if it is loaded (`ts` → `typescript`), else `null`. */
function languageName(hl: HighlighterCore, id: string): string | null {
  try {
    return hl.getLanguage(id).name;
  } catch {
    return null;
  }
}

/** The sample of a loaded language, by fence word or Shiki name, narrow and wide (none: `undefined`). */
function sampleOf(hl: HighlighterCore, id: string): (readonly string[])[] | undefined {
  const name = languageName(hl, id);
  const word = WARM_LANGUAGES.find(w => languageName(hl, resolveLanguage(w) ?? w) === name);
  const lines = word && WARM_SAMPLES[word];
  return name && word && lines ? [lines, wideSample(word)] : undefined;
}

/**
 * Tokenizes the sample of loaded language `id` (if it has one and it was
 * not tokenized yet), then its wide twin, one line per task, so tokens
 * that arrive meanwhile pass between the lines. Stops early once
 * `busy()`; it is then left for another call to finish. Never rejects.
 */
export function warmSample(hl: HighlighterCore, id: string, theme: string, busy: () => boolean = () => false): Promise<void> {
  const passes = sampleOf(hl, id);
  const name = languageName(hl, id) ?? id;
  if (!passes || sampled.has(name)) return Promise.resolve();
  let pending = sampling.get(name);
  if (!pending) {
    pending = (async () => {
      for (const lines of passes) {
        let grammarState: GrammarState | undefined;
        for (const line of lines) {
          await nextTask();
          if (busy()) return;
          const tokens = hl.codeToTokensBase(line, { lang: id, theme, ...TOKENIZE_OPTIONS, ...(grammarState ? { grammarState } : {}) });
          grammarState = hl.getLastGrammarState(tokens) ?? grammarState;
        }
      }
      sampled.add(name);
    })()
      .catch(() => {
        // A failure here is the block's to meet, if any: never try again.
        sampled.add(name);
      })
      .finally(() => sampling.delete(name));
    sampling.set(name, pending);
  }
  return pending;
}

/**
 * Loads language `word` (a fence word or a name in a prompt) and compiles
 * it as the warm-up does, its sample only until `busy()`. Never rejects.
 */
export async function warmNamed(word: string, theme: string, busy: () => boolean = () => false): Promise<void> {
  await warmLanguage(word, theme).catch(() => undefined);
  const [id, themeId] = await Promise.all([loadFenceLanguage(word).catch(() => null), loadTheme(theme).catch(() => null)]);
  if (id && themeId) await warmSample(await getHighlighter(), id, themeId, busy);
}

/**
 * The grammars load in parallel (each is a chunk to fetch); they compile,
 * and their samples are tokenized, one line per task, so a reply that
 * starts meanwhile waits for one line at most, never for all of them.
 * While `busy()` (a reply streams) nothing more is compiled: that reply
 * loads what it needs itself, and warming the others would only compete
 * with its first tokens.
 */
export async function warmUp(theme: string, busy: () => boolean = () => false): Promise<void> {
  const themeId = await loadTheme(theme);
  if (busy()) return;
  await Promise.all(WARM_LANGUAGES.map(word => loadFenceLanguage(word).catch(() => null)));
  for (const word of WARM_LANGUAGES) {
    await nextTask();
    if (busy()) return;
    await warmLanguage(word, theme).catch(() => undefined);
  }
  const hl = await getHighlighter();
  for (const word of WARM_LANGUAGES) {
    const id = await loadFenceLanguage(word).catch(() => null);
    if (busy()) return;
    if (id) await warmSample(hl, id, themeId, busy);
  }
}
