/**
 * Fence info words to Shiki languages, loaded on first use.
 *
 * `bundled.ts` maps every bundled id and alias to a lazy loader of its
 * grammar (Shiki's `() => import('@shikijs/langs/<id>')` in the sources, an
 * import by URL in the published bundle), so nothing loads until a fence
 * asks for it. Only the table itself (a few KB of names) is in the worker.
 */
import { bundledLanguages, bundledLanguagesAlias } from './bundled.js';
import type { DynamicImportLanguageRegistration, HighlighterCore } from 'shiki/core';

/** Every bundled id and alias to its lazy import. */
const grammars: Readonly<Record<string, DynamicImportLanguageRegistration>> = {
  ...bundledLanguagesAlias,
  ...bundledLanguages,
};

/** Words models write that Shiki's alias table does not know. */
const extraAliases: Record<string, string> = {
  golang: 'go',
  'c++': 'cpp',
  cxx: 'cpp',
  hpp: 'cpp',
  cc: 'cpp',
  h: 'c',
  py3: 'python',
  python3: 'python',
  node: 'javascript',
  mjs: 'javascript',
  cjs: 'javascript',
  mts: 'typescript',
  cts: 'typescript',
  svg: 'xml',
  htm: 'html',
  patch: 'diff',
  dockerfile: 'docker',
};

/** Words that mean "no highlighting". */
const plainWords = new Set(['', 'text', 'txt', 'plain', 'plaintext', 'none', 'output', 'log']);

/**
 * The Shiki language id for a (sanitized) fence word, or `null` for plain text
 * (no word, a "plain" word, or a language Shiki does not bundle).
 */
export function resolveLanguage(word: string): string | null {
  const name = word.toLowerCase();
  if (plainWords.has(name)) return null;
  const mapped = extraAliases[name] ?? name;
  return Object.hasOwn(grammars, mapped) ? mapped : null;
}

const loading = new Map<string, Promise<boolean>>();

/**
 * Loads the grammar (and the grammars it embeds) into `highlighter` once.
 * Resolves `false` when the chunk cannot be loaded (offline, CSP): the block is
 * then shown as plain text instead of failing the answer.
 */
export function loadLanguage(highlighter: HighlighterCore, id: string): Promise<boolean> {
  let pending = loading.get(id);
  if (!pending) {
    const input = Object.hasOwn(grammars, id) ? grammars[id] : undefined;
    pending = input
      ? highlighter.loadLanguage(input).then(
          () => true,
          () => {
            loading.delete(id);
            return false;
          },
        )
      : Promise.resolve(false);
    loading.set(id, pending);
  }
  return pending;
}

/**
 * Language names a prompt may contain ("用 Python 写…", "a TypeScript
 * function"), lower-cased, to the fence word they stand for. Distinct names
 * only: words like "go", "c" or "r" are too common in prose to mean a
 * language.
 */
const promptNames: Record<string, string> = {
  python: 'python',
  typescript: 'typescript',
  javascript: 'javascript',
  java: 'java',
  rust: 'rust',
  golang: 'go',
  kotlin: 'kotlin',
  swift: 'swift',
  ruby: 'ruby',
  php: 'php',
  bash: 'bash',
  shell: 'shell',
  powershell: 'powershell',
  sql: 'sql',
  html: 'html',
  css: 'css',
  json: 'json',
  yaml: 'yaml',
  'c++': 'cpp',
  cpp: 'cpp',
  'c#': 'csharp',
  csharp: 'csharp',
  scala: 'scala',
  haskell: 'haskell',
  lua: 'lua',
  perl: 'perl',
  dart: 'dart',
  elixir: 'elixir',
  julia: 'julia',
  dockerfile: 'docker',
  vue: 'vue',
  svelte: 'svelte',
  tsx: 'tsx',
  jsx: 'jsx',
};

/** Fence words of the languages `text` names, in order of first mention, at most `max`. */
export function languagesNamedIn(text: string, max = 2): string[] {
  const found: string[] = [];
  for (const [word] of text.matchAll(/[A-Za-z][A-Za-z0-9]*(?:\+\+|#)?/g)) {
    const id = promptNames[word.toLowerCase()];
    if (id && !found.includes(id)) found.push(id);
    if (found.length >= max) break;
  }
  return found;
}
