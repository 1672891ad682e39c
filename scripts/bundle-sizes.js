// `node scripts/bundle-sizes.js`: the sizes of what `npm run build` put in
// dist/, raw and gzip, as the Markdown table of the README's embedding
// section: the entry (what every page loads), the worker (loaded once, on
// the first element), and the lazy chunks (a grammar or theme is loaded only
// when an answer first uses it).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const dist = new URL('../dist/', import.meta.url).pathname;
const kib = (/** @type {number} */ n) => `${(n / 1024).toFixed(1)} KiB`;

/** @param {string} file */
function size(file) {
  const bytes = readFileSync(join(dist, file));
  return { file, raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
}

const chunks = readdirSync(join(dist, 'chunks')).filter(name => name.endsWith('.js'));
const pick = (/** @type {RegExp} */ re) => chunks.find(name => re.test(name));
const rows = [
  ['entry', 'vllm-chat.js'],
  ['worker', `chunks/${pick(/^chat\.worker-/)}`],
  ['network thread (nested worker)', `chunks/${pick(/^network\.worker-/)}`],
  ['grammar (Python), its regexes converted', `chunks/${pick(/^lang-python-/)}`],
  ['grammar (TypeScript), its regexes converted', `chunks/${pick(/^lang-typescript-/)}`],
  ['theme (github-dark)', `chunks/${pick(/^theme-github-dark-/)}`],
  ['diagram library (Mermaid), loaded by the first diagram', `chunks/${pick(/^mermaid-/)}`],
].filter(([, file]) => !file?.endsWith('undefined'));
const listed = new Set(rows.map(([, file]) => file));
const all = chunks.filter(name => !listed.has(`chunks/${name}`)).map(name => size(`chunks/${name}`));

console.log('| file | what | size | gzip |\n| --- | --- | ---: | ---: |');
for (const [what, file] of rows) {
  const s = size(/** @type {string} */ (file));
  console.log(`| \`${s.file.replace(/-[\w-]{8}\.js$/, '-*.js')}\` | ${what} | ${kib(s.raw)} | ${kib(s.gzip)} |`);
}
console.log(
  `| \`chunks/*\` | the other ${all.length} lazy chunks (every grammar and theme; a page loads only those its answers use) | ${kib(all.reduce((n, s) => n + s.raw, 0))} | ${kib(all.reduce((n, s) => n + s.gzip, 0))} |`,
);
