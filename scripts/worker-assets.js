// Build helper: ships the worker so that an app's bundler needs no
// configuration to carry it, its network thread and their lazy files (Shiki
// grammars and themes) into the app's output.
//
// Why: a bundler that meets `new Worker(new URL(…, import.meta.url))` rebuilds
// the worker with its own worker settings, and Vite's default worker format
// (iife) cannot split it: every grammar and theme ended up in one worker file
// of megabytes. A plain `new URL('./file.js', import.meta.url)` instead is an
// asset to Vite, webpack 5 and Rollup's import-meta-assets plugin alike: the
// file is copied as it is (maybe renamed) and the expression rewritten to its
// new URL. So every file the worker may need is such an asset, and none of
// them refers to another by a relative path (a renamed file would break it):
//   chunks/chat.worker-<hash>.js    the worker, one self-contained module
//   chunks/network.worker-<hash>.js its network thread, likewise
//   chunks/lang-<name>-<hash>.js    one Shiki grammar (`export default`) and its
//                                   regexes converted ahead of time (`regexes`)
//   chunks/theme-<name>-<hash>.js   one Shiki theme (`export default`)
// The page module gets the table of their URLs in place of
// src/element/worker-assets.ts and sends it to the worker; the worker's
// grammar and theme tables (src/worker/render/bundled.ts) become loaders that
// import by those URLs, a language's embedded grammars side by side.
//
// Grammar and theme files are at least 4 KiB (padded with spaces in a
// comment): Vite inlines smaller assets as `data:` URLs into the page module
// (`build.assetsInlineLimit`), which would put grammars into the app's main
// chunk and fail under a CSP without `data:`. Vite's `?no-inline` query would
// avoid that too, but Rollup's import-meta-assets plugin reads the query as
// part of the file name. Compressed, the padding costs a few bytes.
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { assetTablePlugin, inlineLimit } from './asset-table.js';
import { CONVERTED_LANGUAGES, grammarRegexes } from './grammar-regexes.js';

const src = fileURLToPath(new URL('../src/', import.meta.url));
const pageAssetsModule = `${src}element/worker-assets.ts`;
const bundledModule = `${src}worker/render/bundled.ts`;
const networkUrlModule = `${src}worker/net/network-url.ts`;
const assetsModule = `${src}worker/assets.ts`;
const grammarRegexesModule = `${src}worker/render/grammar-regexes.ts`;
const marker = '__vllm_chat_worker_assets__';

/** A module of JSON values (faster to load than object literals), of at least `inlineLimit` bytes. @param {Record<string, unknown>} exports */
const jsonModule = exports => {
  const json = (/** @type {unknown} */ value) => `JSON.parse(${JSON.stringify(JSON.stringify(value))})`;
  const code = Object.entries(exports)
    .map(([name, value]) => (name === 'default' ? `export default ${json(value)};\n` : `export const ${name} = ${json(value)};\n`))
    .join('');
  const bytes = Buffer.byteLength(code);
  return bytes >= inlineLimit ? code : `${code}/*${' '.repeat(inlineLimit - bytes - 5)}*/\n`;
};

/**
 * Every Shiki grammar once, by name, and for each language id (and alias)
 * the grammars it loads, embedded ones first (Shiki's own order).
 */
async function shikiFiles() {
  const { bundledLanguages, bundledLanguagesAlias } = await import('shiki/langs');
  const { bundledThemes } = await import('shiki/themes');
  /** @type {Map<string, string>} */
  const grammars = new Map();
  /** Each grammar's JSON, to tell two grammars of one name apart. @type {Map<string, string>} */
  const grammarJson = new Map();
  /** @type {Record<string, string[]>} */
  const languages = {};
  /** Names of the grammars that ship their regexes converted (grammar-regexes.js). */
  const converted = new Set();
  for (const id of CONVERTED_LANGUAGES) {
    const load = bundledLanguages[/** @type {keyof typeof bundledLanguages} */ (id)];
    if (!load) throw new Error(`worker-assets: ${id} is not a bundled Shiki language`);
    for (const registration of /** @type {{ name: string }[]} */ ((await load()).default)) converted.add(registration.name);
  }
  for (const [id, load] of Object.entries(bundledLanguages)) {
    const registrations = /** @type {{ name: string }[]} */ ((await load()).default);
    for (const registration of registrations) {
      const json = JSON.stringify(registration);
      const known = grammarJson.get(registration.name);
      if (known !== undefined && known !== json) throw new Error(`worker-assets: two Shiki grammars named ${registration.name}`);
      if (known !== undefined) continue;
      grammarJson.set(registration.name, json);
      // The grammar and its regexes converted (grammar-regexes.js), registered as the file loads.
      const exports = converted.has(registration.name) ? { default: registration, regexes: grammarRegexes(registration) } : { default: registration };
      grammars.set(registration.name, jsonModule(exports));
    }
    languages[id] = registrations.map(r => r.name);
  }
  /** @type {Record<string, string>} */
  const aliases = {};
  for (const [alias, load] of Object.entries(bundledLanguagesAlias)) {
    const id = Object.keys(bundledLanguages).find(k => bundledLanguages[/** @type {keyof typeof bundledLanguages} */ (k)] === load);
    if (!id) throw new Error(`worker-assets: Shiki alias ${alias} names no language`);
    aliases[alias] = id;
  }
  /** @type {Map<string, string>} */
  const themes = new Map();
  for (const [id, load] of Object.entries(bundledThemes)) themes.set(id, jsonModule({ default: (await load()).default }));
  return { grammars, languages, aliases, themes };
}

/**
 * The worker's replacement for render/bundled.ts: Shiki's table shapes,
 * loading by the URLs the page sent.
 * @param {Record<string, string[]>} languages @param {Record<string, string>} aliases @param {string[]} themes
 */
function bundledLoaders(languages, aliases, themes) {
  return `import { assetUrl } from ${JSON.stringify(assetsModule)};
import { addGrammarRegexes } from ${JSON.stringify(grammarRegexesModule)};
const grammar = name => import(/* @vite-ignore */ assetUrl('grammars', name)).then(m => (addGrammarRegexes(m.regexes), m.default));
const languages = ${JSON.stringify(languages)};
const aliases = ${JSON.stringify(aliases)};
export const bundledLanguages = {};
for (const [id, names] of Object.entries(languages)) {
  bundledLanguages[id] = () => Promise.all(names.map(grammar)).then(list => ({ default: list }));
}
export const bundledLanguagesAlias = {};
for (const [alias, id] of Object.entries(aliases)) bundledLanguagesAlias[alias] = bundledLanguages[id];
export const bundledThemes = {};
for (const id of ${JSON.stringify(themes)}) {
  bundledThemes[id] = () => import(/* @vite-ignore */ assetUrl('themes', id));
}
`;
}

/**
 * One worker entry built into one self-contained ES module.
 * @param {string} entry @param {Record<string, string>} replaced module path → its code
 */
async function buildWorker(entry, replaced) {
  const result = await build({
    configFile: false,
    logLevel: 'warn',
    publicDir: false,
    plugins: [
      {
        name: 'vllm-chat:worker-modules',
        enforce: 'pre',
        load(id) {
          return Object.hasOwn(replaced, id) ? replaced[id] : undefined;
        },
      },
    ],
    build: {
      write: false,
      target: 'es2022',
      minify: true,
      modulePreload: false,
      rolldownOptions: { input: entry, output: { format: 'es', codeSplitting: false } },
    },
  });
  const outputs = (Array.isArray(result) ? result : [result]).flatMap(r => ('output' in r ? r.output : []));
  const chunks = outputs.flatMap(o => (o.type === 'chunk' ? [o] : []));
  const [chunk] = chunks;
  if (!chunk || chunks.length !== 1) throw new Error(`worker-assets: ${entry} built into ${chunks.length} chunks, not one`);
  if (chunk.imports.length || chunk.dynamicImports.length) {
    throw new Error(`worker-assets: ${entry} still imports other files (${[...chunk.imports, ...chunk.dynamicImports].join(', ')})`);
  }
  return chunk.code;
}

/** @returns {import('vite').Plugin} */
export function workerAssets() {
  return assetTablePlugin({
    name: 'vllm-chat:worker-assets',
    module: pageAssetsModule,
    exportName: 'workerAssets',
    marker,
    async table(emit) {
      const { grammars, languages, aliases, themes } = await shikiFiles();
      const networkCode = await buildWorker(`${src}worker/net/network.worker.ts`, {});
      const chatCode = await buildWorker(`${src}worker/chat.worker.ts`, {
        [bundledModule]: bundledLoaders(languages, aliases, [...themes.keys()]),
        [networkUrlModule]: 'export function defaultNetworkWorkerUrl() { return undefined; }\n',
      });
      /** @param {Map<string, string>} files @param {string} prefix */
      const table = (files, prefix) => `{${[...files].map(([name, source]) => `${JSON.stringify(name)}:${emit(`${prefix}-${name}`, 'js', source)}`).join(',')}}`;
      return (
        `{chatWorker:${emit('chat.worker', 'js', chatCode)},` +
        `forWorker:{network:${emit('network.worker', 'js', networkCode)},` +
        `grammars:${table(grammars, 'lang')},themes:${table(themes, 'theme')}}}`
      );
    },
  });
}
