// Real code for `lines=N` replies, read from files installed in node_modules.
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join, dirname } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** @type {Record<string, { fence: string, files: () => string[] }>} */
const KINDS = {
  ts: { fence: 'typescript', files: () => listDir('node_modules/typescript/lib', /^lib\..*\.d\.ts$/) },
};

/** @type {Map<string, string[]>} */
const cache = new Map();

/**
 * @param {string} dir @param {RegExp} pattern
 */
function listDir(dir, pattern) {
  const abs = join(root, dir);
  if (!existsSync(abs)) return [];
  return readdirSync(abs).filter(f => pattern.test(f)).sort().map(f => join(abs, f));
}

/**
 * The first `n` lines of the concatenated source files of `lang`.
 * @param {string} lang @param {number} n
 * @returns {{ fence: string, lines: string[] }}
 */
export function codeLines(lang, n) {
  const kind = KINDS[lang] ?? KINDS.ts;
  if (!kind) throw new Error(`unknown lang ${lang}`);
  let all = cache.get(lang);
  if (!all) {
    all = [];
    for (const f of kind.files()) {
      for (const line of readFileSync(f, 'utf8').split(/\r?\n/)) all.push(line);
    }
    cache.set(lang, all);
  }
  return { fence: kind.fence, lines: all.slice(0, n) };
}
