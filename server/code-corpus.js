// Real code for `lines=N` replies: source files installed in node_modules
// (code nobody here wrote), or for Python and C the samples in corpus/.
// Files are concatenated in a stable order until N lines; a kind with fewer
// lines starts over from its first file.
import { readFileSync, readdirSync, existsSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join, dirname } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));
const modules = join(here, '..', 'node_modules');

/**
 * Files under `dir` (relative to `base`) whose names match, sorted by name.
 * @param {string} base @param {string} dir @param {RegExp} pattern
 */
function list(base, dir, pattern) {
  const abs = join(base, dir);
  if (!existsSync(abs)) return [];
  return readdirSync(abs)
    .filter(name => pattern.test(name) && statSync(join(abs, name)).isFile())
    .sort()
    .map(name => join(abs, name));
}

/** Subdirectories of `dir`, sorted. @param {string} dir */
function subdirs(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter(name => statSync(join(dir, name)).isDirectory())
    .sort();
}

/** @type {Record<string, { fence: string, files: () => string[] }>} */
const KINDS = {
  ts: { fence: 'typescript', files: () => list(modules, 'typescript/lib', /^lib\..*\.d\.ts$/) },
  js: {
    fence: 'javascript',
    files: () => [
      ...list(modules, 'markdown-it/dist', /\.cjs\.js$/),
      ...list(modules, 'prismjs/components', /^prism-(?!.*\.min\.js$).*\.js$/),
    ],
  },
  css: {
    fence: 'css',
    files: () => [
      ...list(modules, 'prismjs/themes', /^(?!.*\.min\.css$).*\.css$/),
      ...subdirs(join(modules, 'prismjs/plugins')).flatMap(d => list(modules, `prismjs/plugins/${d}`, /^(?!.*\.min\.css$).*\.css$/)),
    ],
  },
  json: {
    fence: 'json',
    files: () => subdirs(join(modules, 'typescript/lib')).flatMap(d => list(modules, `typescript/lib/${d}`, /^diagnosticMessages\.generated\.json$/)),
  },
  md: {
    fence: 'markdown',
    files: () => ['markdown-it', 'lit', 'comlink', 'eventsource-parser', 'shiki', 'prismjs', 'vite', 'typescript', 'openai', 'chai'].flatMap(p => list(modules, p, /^README\.md$/i)),
  },
  html: {
    fence: 'html',
    files: () => [
      ...list(modules, 'tslib', /\.html$/),
      ...list(modules, 'comlink/docs', /\.html$/),
      ...subdirs(join(modules, 'comlink/docs/examples')).flatMap(d => list(modules, `comlink/docs/examples/${d}`, /\.html$/)),
      ...list(modules, 'comlink/tests/fixtures', /\.html$/),
    ],
  },
  py: { fence: 'python', files: () => list(here, 'corpus', /\.py$/) },
  c: { fence: 'c', files: () => list(here, 'corpus', /\.[ch]$/) },
};

/** The `lang=` values `codeLines` accepts. */
export const CODE_KINDS = Object.keys(KINDS);

/** @type {Map<string, string[]>} */
const cache = new Map();

/**
 * All lines of a kind's files, read once.
 * @param {string} lang
 */
function allLines(lang) {
  let lines = cache.get(lang);
  if (lines) return lines;
  const kind = KINDS[lang];
  if (!kind) throw new Error(`lang=${lang} is not one of ${CODE_KINDS.join(', ')}`);
  lines = [];
  for (const file of kind.files()) {
    const text = readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
    // A trailing newline leaves one empty line: a blank line between files.
    for (const line of text.split(/\r?\n/)) lines.push(line);
  }
  if (lines.length === 0) throw new Error(`no source files found for lang=${lang}`);
  cache.set(lang, lines);
  return lines;
}

/**
 * Exactly `n` lines of real code of kind `lang`, and the fence to wrap them
 * in: the info string, and a backtick run longer than any fence inside the
 * code (markdown sources contain fences of their own).
 * O(n) after the first call per kind.
 * @param {string} lang  one of CODE_KINDS
 * @param {number} n
 * @returns {{ info: string, fence: string, lines: string[] }}
 */
export function codeLines(lang, n) {
  const source = allLines(lang);
  /** @type {string[]} */
  const lines = [];
  while (lines.length < n) {
    const take = Math.min(n - lines.length, source.length);
    for (let i = 0; i < take; i++) lines.push(/** @type {string} */ (source[i]));
  }
  let longest = 2;
  for (const line of lines) {
    const run = /^\s*(`{3,})/.exec(line);
    if (run?.[1] && run[1].length > longest) longest = run[1].length;
  }
  return { info: KINDS[lang]?.fence ?? lang, fence: '`'.repeat(longest + 1), lines };
}
