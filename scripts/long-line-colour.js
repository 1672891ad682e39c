// `node scripts/long-line-colour.js [lengths…]`: what colouring one very long
// code line costs the worker, in Node, with the worker's own highlighter code
// (src/worker/render/highlight.ts, bundled here with esbuild).
//
// Method: TypeScript's lib.dom.d.ts with its whitespace squashed to single
// spaces is one long line of real, dense code; its first N characters are
// coloured
//   - whole: one Shiki call on the line, as a line was coloured before it was
//     cut into slices (the call blocks the worker for all of it);
//   - sliced: `LineHighlighter.sliceTokens` on each slice of `lineSlices`, as
//     the colour cursor does across takes: total time, the median slice and
//     the longest (the longest the worker is blocked).
// Each measure runs on a fresh highlighter whose grammar has first met the
// same text (see `warmFor`), so the grammar's lazy regex compilation is not
// counted. `--skip-whole-above=N` skips the whole-line measure above N
// characters (it grows with the square of the length). Timings vary with the
// machine's load: compare figures of one run only.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const skipAbove = Number(args.find(a => a.startsWith('--skip-whole-above='))?.split('=')[1] ?? Infinity);
const lengths = args.filter(a => /^\d+$/.test(a)).map(Number);
if (lengths.length === 0) lengths.push(5_000, 10_000, 50_000);

const dir = mkdtempSync(join(tmpdir(), 'long-line-'));
const entry = join(dir, 'entry.ts');
writeFileSync(
  entry,
  `export { getHighlighter, loadTheme, loadFenceLanguage, LineHighlighter, StyleSink, TOKENIZE_OPTIONS } from ${JSON.stringify(join(root, 'src/worker/render/highlight.ts'))};\n` +
    `export { lineSlices } from ${JSON.stringify(join(root, 'src/worker/render/line-slices.ts'))};\n`,
);
const out = join(dir, 'highlight.mjs');
await build({ entryPoints: [entry], bundle: true, format: 'esm', platform: 'node', outfile: out, logLevel: 'error', absWorkingDir: root });
/** @type {any} */
const mod = await import(pathToFileURL(out).href);
rmSync(dir, { recursive: true, force: true });

const source = readFileSync(join(root, 'node_modules/typescript/lib/lib.dom.d.ts'), 'utf8').replace(/\s+/g, ' ');
const warmText = source.slice(0, 20_000);
const text = source.slice(20_000);
const hl = await mod.getHighlighter();
const theme = await mod.loadTheme('github-dark');
const lang = await mod.loadFenceLanguage('ts');

/**
 * A highlighter whose grammar has compiled every rule `line` meets: the
 * grammar compiles a rule's regexes the first time it tries the rule, a
 * one-time cost per worker, far above a slice's own, that would otherwise
 * land on whichever measure runs first.
 */
function warmFor(/** @type {string} */ line) {
  const warm = new mod.LineHighlighter(hl, lang, theme, new mod.StyleSink());
  warm.lineTokens(warmText);
  warm.lineTokens(line);
  return new mod.LineHighlighter(hl, lang, theme, new mod.StyleSink());
}

const ms = (/** @type {number} */ n) => `${n.toFixed(0)} ms`;
console.log('| characters | whole line, one call | sliced: total | sliced: slices | sliced: median slice | sliced: longest slice |');
console.log('| ---: | ---: | ---: | ---: | ---: | ---: |');
for (const length of lengths) {
  const line = text.slice(0, length);
  let whole = 'skipped';
  const lines = warmFor(line);
  if (length <= skipAbove) {
    const t = performance.now();
    hl.codeToTokensBase(line, { lang, theme, ...mod.TOKENIZE_OPTIONS, tokenizeMaxLineLength: 0 });
    whole = ms(performance.now() - t);
  }
  const ends = mod.lineSlices(line);
  /** @type {number[]} */
  const times = [];
  let from = 0;
  const start = performance.now();
  for (const end of ends) {
    const t = performance.now();
    lines.sliceTokens(line.slice(from, end));
    times.push(performance.now() - t);
    from = end;
  }
  const total = performance.now() - start;
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)] ?? 0;
  const longest = times.at(-1) ?? 0;
  console.log(`| ${length.toLocaleString('en')} | ${whole} | ${ms(total)} | ${ends.length} | ${median.toFixed(1)} ms | ${longest.toFixed(1)} ms |`);
}
